"""Reminder and report e-mails: recipients, language, content, no duplicates, failed sends retried."""

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from reports.cycle import reminders
from reports.documents import scheduled
from reports.models import ReminderSent, ReportDelivery, ReportSubscription, UserPreference
from tests import factories as f
from tests.reports.cycle.test_reporting_cycle import today
from zones.models import Zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def bdh_half(db):
    bdh = Zone.objects.get(code="BDH")
    bdh.reporting_frequency = "half"
    bdh.save()
    return bdh


@pytest.fixture
def editors(editor_bdh, editor_dpm):
    for user, language in ((editor_bdh, "vi"), (editor_dpm, "en")):
        user.email = f"{user.username}@example.org"
        user.save()
        UserPreference.objects.create(user=user, language=language)
    return editor_bdh, editor_dpm


def test_editors_are_reminded_once_before_the_deadline_in_their_language(bdh_half, editors, settings):
    settings.REPORTING_REMINDER_DAYS = 5
    f.report(f.enterprise("BDH", established=dt.date(2015, 1, 1)), "2024S1", workers=5)
    missing = f.enterprise("BDH", established=dt.date(2015, 1, 1), name="Công ty Chưa Báo Cáo")
    with today(dt.date(2024, 7, 10)):  # deadline 20 July: too early
        assert reminders.send_reminders().sent == 0
    with today(dt.date(2024, 7, 16)):
        assert reminders.send_reminders().sent == 1
        assert reminders.send_reminders().sent == 0  # never the same reminder twice
    (message,) = mail.outbox
    assert message.to == ["editor-bdh@example.org"]  # DPM reports quarterly: 2024Q2's deadline has passed
    assert "20/07/2024" in message.subject
    assert missing.tax_code in message.body and "Công ty Chưa Báo Cáo" in message.body
    assert "6 tháng đầu năm 2024" in message.subject  # the editor reads Vietnamese
    assert ReminderSent.objects.count() == 1


def test_a_failed_reminder_is_retried_on_the_next_run(bdh_half, editors):
    f.enterprise("BDH", established=dt.date(2015, 1, 1))
    with today(dt.date(2024, 7, 16)):
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("mail server down")):
            assert reminders.send_reminders().failed == 1
        assert not ReminderSent.objects.exists()
        out = StringIO()
        call_command("send_reminders", stdout=out)
    assert "reminders sent: 1, failed: 0" in out.getvalue()
    assert len(mail.outbox) == 1


def test_no_reminder_once_every_enterprise_reported(bdh_half, editors):
    f.report(f.enterprise("BDH", established=dt.date(2015, 1, 1)), "2024S1", workers=5)
    with today(dt.date(2024, 7, 16)):
        assert reminders.send_reminders().sent == 0


def test_a_subscribed_report_is_mailed_once_after_the_deadline(administrator):
    administrator.email = "admin@example.org"
    administrator.save()
    UserPreference.objects.create(user=administrator, language="en")
    f.report(f.enterprise("BDH", established=dt.date(2015, 1, 1)), "2024S1", workers=5)
    ReportSubscription.objects.create(user=administrator, period_length="half", file_format="xlsx")
    with today(dt.date(2024, 7, 20)):  # 2024S1's deadline day itself: the latest passed is 2023S2's
        assert scheduled.send_reports().sent == 1
    assert mail.outbox.pop().attachments[0][0] == "coverage-2023S2-province.xlsx"
    with today(dt.date(2024, 7, 21)):
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
            assert scheduled.send_reports().failed == 1
        assert scheduled.send_reports().sent == 1
        assert scheduled.send_reports().sent == 0
    (message,) = mail.outbox
    assert message.to == ["admin@example.org"]
    assert "first half of 2024" in message.subject  # the administrator reads English
    name, content, mime = message.attachments[0]
    assert name == "coverage-2024S1-province.xlsx" and content[:2] == b"PK" and "spreadsheet" in mime
    assert list(ReportDelivery.objects.order_by("period").values_list("period", flat=True)) == [
        "2023S2",
        "2024S1",
    ]


def test_reports_go_only_to_users_who_may_download_them(editor_bdh):
    editor_bdh.email = "e@example.org"
    editor_bdh.save()
    ReportSubscription.objects.create(user=editor_bdh, period_length="half", file_format="pdf")
    with today(dt.date(2024, 7, 21)):
        assert scheduled.send_reports().sent == 0
    assert not mail.outbox


def test_step_mail_is_in_the_recipients_language(client, bdh_half, editors, administrator):
    editor_bdh, _other = editors
    administrator.email = "admin@example.org"
    administrator.save()
    f.report(f.enterprise("BDH"), "2024S1", workers=5)
    client.force_login(editor_bdh)
    client.post("/reporting/2024S1/BDH/submit/", {"text": ""})
    client.force_login(administrator)
    client.post("/reporting/2024S1/BDH/return/", {"text": "Sửa số lao động"})
    returned = mail.outbox[-1]
    assert returned.to == ["editor-bdh@example.org"]
    assert "Sửa số lao động" in returned.body
