"""The scheduled e-mailed reports carry the dashboard's "what changed" paragraph in the body and the
periodic report (DOCX) attached, in the subscriber's language, for the subscription's scope."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.utils import translation
from docx import Document

from core.periods import Period
from reports.display import wording
from reports.documents import periodic, scheduled
from reports.models import ReportSubscription, UserPreference
from reports.sample import demo
from tests.reports.cycle.test_reporting_cycle import today
from zones.models import Zone

pytestmark = pytest.mark.django_db

S1 = Period.parse("2024S1")


@pytest.fixture
def subscriber(administrator):
    demo.seed()
    administrator.email = "admin@example.org"
    administrator.save()
    return administrator


def mailed(user, zone=None, language="vi"):
    UserPreference.objects.create(user=user, language=language)
    ReportSubscription.objects.create(user=user, zone=zone, period_length="half", file_format="pdf")
    with today(dt.date(2024, 7, 21)):  # the day after 2024S1's deadline
        assert scheduled.send_reports().sent == 1
    (message,) = mail.outbox
    return message


def expected_paragraph(codes, language) -> str:
    with translation.override(language):
        return " ".join(wording.what_changed(periodic.gather(S1, codes, {})))


def test_the_body_carries_what_changed_and_the_document_is_attached(subscriber):
    message = mailed(subscriber)
    paragraph = expected_paragraph(None, "vi")
    assert f"Những gì thay đổi: {paragraph}" in message.body
    assert "Số doanh nghiệp có tổ chức đảng" in paragraph
    (table_name, table, table_mime), (name, content, mime) = message.attachments
    assert (table_name, table[:4], table_mime) == ("coverage-2024S1-province.pdf", b"%PDF", "application/pdf")
    assert (name, mime) == ("bao-cao-2024S1-province-vi.docx", periodic.CONTENT_TYPE)
    texts = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert "BÁO CÁO" in texts
    assert paragraph in texts  # the generated assessment is the same paragraph


def test_a_zones_subscription_gets_the_zones_paragraph_and_document_in_english(subscriber):
    message = mailed(subscriber, zone=Zone.objects.get(code="DPM"), language="en")
    paragraph = expected_paragraph(["DPM"], "en")
    assert f"What changed: {paragraph}" in message.body
    assert paragraph != expected_paragraph(None, "en")
    name, content, _mime = message.attachments[1]
    assert name == "bao-cao-2024S1-DPM-en.docx"
    texts = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert "REPORT" in texts
    assert any(t.startswith("I. THE SITUATION") for t in texts)
