"""The dashboard's "what changed" paragraph: the periodic report's own sentences for the page's scope
and period, above the cards, in both languages; what nobody reported said in words, never 0."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.periods import Period
from reports.display import wording
from reports.documents import periodic
from reports.sample import demo
from tests import factories as f
from tests.helpers import page, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    demo.seed()


def paragraph(response) -> list[str]:
    return response.context["what_changed"]


@pytest.mark.parametrize(
    ("name", "kwargs", "codes"),
    [
        ("home", {}, None),
        ("zone-detail", {"code": "BDH"}, ["BDH"]),
        ("zone-detail", {"code": "BEZ"}, ["BEZ"]),
    ],
)
def test_the_paragraph_is_the_reports_what_changed_for_the_scope_and_period(
    client, viewer, seeded, name, kwargs, codes
):
    client.force_login(viewer)
    response = client.get(reverse(name, kwargs=kwargs), {"period": "2024S1"})
    with translation.override("en"):
        expected = wording.what_changed(periodic.gather(Period.parse("2024S1"), codes, {}))
    assert paragraph(response) == expected
    assert 3 <= len(expected) <= 5


def test_the_province_page_says_what_changed_since_the_year_before_above_the_cards(client, viewer, seeded):
    client.force_login(viewer)
    response = page(client, "home", period="2024")
    text = text_of(response)
    assert "What changed" in text
    assert "The number of union members rose from 7,532 in Year 2023 to 10,299." in text
    assert "775 of the 775 enterprises expected to report sent their returns (100.0%)" in text
    body = response.content.decode()
    assert body.index("what-changed-title") < body.index('class="cards"')


def test_the_paragraph_is_in_vietnamese_for_a_vietnamese_reader(client, viewer, seeded):
    client.force_login(viewer)
    response = client.get(reverse("home"), {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="vi")
    text = text_of(response)
    assert "Những gì thay đổi" in text
    assert "Số đoàn viên công đoàn tăng từ 7.532 (Năm 2023) lên 10.299." in paragraph(response)


def test_a_zone_that_collects_neither_group_compares_enterprises_and_workers(client, viewer, seeded):
    client.force_login(viewer)
    sentences = paragraph(client.get(reverse("zone-detail", kwargs={"code": "BEZ"}), {"period": "2024S1"}))
    assert sentences[0].startswith("The number of operating enterprises")
    assert sentences[1].startswith("The number of workers")
    assert not any("party" in s or "union" in s for s in sentences)


def test_figures_nobody_reported_are_said_in_words_never_as_zero(client, viewer):
    f.report(f.enterprise("BDH"), "2024S1", workers=30)  # no union or party figures reported
    client.force_login(viewer)
    sentences = paragraph(client.get(reverse("zone-detail", kwargs={"code": "BDH"}), {"period": "2024S1"}))
    assert sentences == [
        "The number of enterprises with a party organization is 0, the same as in second half of 2023.",
        "The number of party members in party organizations cannot be compared with second half of 2023: "
        "not reported.",
        "The number of enterprises with a grassroots union is 0, the same as in second half of 2023.",
        "The number of union members cannot be compared with second half of 2023: not reported.",
        "1 of the 1 enterprises expected to report sent their returns (100.0%); 0 of them on time (0.0%).",
    ]
