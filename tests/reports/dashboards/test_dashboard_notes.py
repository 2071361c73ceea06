"""The cards' notes and the charts' captions say once, in words, what is not reported: never a
sentence built from "no data" parts."""

import re

import pytest

from tests import factories as f
from tests.helpers import page, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def nothing_but_returns(client, viewer):
    """Two enterprises of BDH returned a form with nothing on it but their party members."""
    for members in (2, 0):
        f.report(f.enterprise("BDH"), "2024S1", party_members=members)
    client.force_login(viewer)
    return client


def notes(response) -> dict[str, str]:
    """Each card's note as read (a note may be a link to the enterprises it counts)."""
    return {card.title: re.sub(r"<[^>]+>", "", str(card.note)) for card in response.context["cards"]}


def test_notes_of_a_zone_where_nothing_but_party_members_was_reported(nothing_but_returns):
    cards = notes(page(nothing_but_returns, "zone-detail", "2024S1", code="BDH"))
    assert cards["Enterprises"] == "operating; enterprises with 20 or more workers: not reported"
    assert cards["Union coverage of eligible enterprises"] == (
        "Enterprises with 25 or more workers, union density: not reported"
    )
    assert cards["Union members"] == "New union members in the period: not reported"
    assert cards["Party members"] == "Party members in enterprises with a party organization: not reported"
    assert cards["Party presence"] == "including 1 with party members but no organization"
    assert cards["Reporting rate"] == "2 enterprises reported, 0 on time; timeliness 0.0%"
    for note in cards.values():
        assert "no data" not in note


def test_the_same_notes_in_vietnamese(nothing_but_returns):
    response = nothing_but_returns.get("/zones/BDH/", {"period": "2024S1"}, HTTP_ACCEPT_LANGUAGE="vi")
    cards = notes(response)
    assert cards["Doanh nghiệp"] == (
        "đang hoạt động; doanh nghiệp có từ 20 lao động trở lên: chưa có số liệu"
    )
    eligible = "Doanh nghiệp có từ 25 lao động trở lên, tỷ lệ đoàn viên trên lao động: chưa có số liệu"
    assert eligible in text_of(response)
    assert "chưa có số liệu trên chưa có số liệu" not in text_of(response)


def test_a_period_nobody_reported_in_says_so_in_one_sentence_per_card(client, viewer):
    f.enterprise("BDH")
    f.report(f.enterprise("DPM"), "2024S1", workers=30)
    client.force_login(viewer)
    cards = notes(page(client, "zone-detail", "2024S1", code="BDH"))
    assert cards["Party presence"] == "Enterprises with party members but no organization: not reported"
    assert cards["Union coverage"] == "0 enterprises with a grassroots union"
    assert cards["Reporting rate"] == "0 enterprises reported, 0 on time; timeliness 0.0%"
