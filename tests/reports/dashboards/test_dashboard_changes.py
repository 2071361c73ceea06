"""The dashboard's "what changed since the previous period" waterfalls, eligible union coverage and
the enterprise table's change filter: each bar lists exactly the enterprises it counts."""

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories as f
from tests.helpers import listed, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def changes():
    """One enterprise behind each change of party organizations in 2024, and one that stays."""
    made = {
        "gained": f.enterprise("BDH", tax_code="5300000001"),
        "lost": f.enterprise("BDH", tax_code="5300000002"),
        "opened": f.enterprise("BDH", tax_code="5300000003", established=dt.date(2024, 2, 1)),
        "closed": f.enterprise("BDH", tax_code="5300000004", closed=dt.date(2024, 6, 1)),
        "kept": f.enterprise("BDH", tax_code="5300000005"),
    }
    f.party_org(made["gained"], founded=dt.date(2024, 3, 1))
    f.party_org(made["lost"], founded=dt.date(2020, 1, 1), dissolved=dt.date(2024, 5, 1))
    f.party_org(made["opened"], founded=dt.date(2024, 2, 1))
    f.party_org(made["closed"], founded=dt.date(2019, 1, 1))
    f.party_org(made["kept"], founded=dt.date(2019, 1, 1))
    for enterprise in made.values():
        f.report(enterprise, "2023", workers=30)
        if enterprise is not made["closed"]:
            f.report(enterprise, "2024", workers=30)
    return made


def test_the_party_waterfall_adds_up_and_each_bar_lists_its_enterprises(client, viewer, changes):
    client.force_login(viewer)
    chart = next(c for c in page(client, "home", "2024").context["charts"] if c.id == "change-party_org")
    trace = chart.figure["data"][0]
    assert trace["type"] == "waterfall"
    assert trace["measure"] == ["absolute", "relative", "relative", "relative", "relative", "total"]
    assert trace["y"] == [3, 1, -1, 1, -1, 3]
    assert trace["y"][0] + sum(trace["y"][1:5]) == trace["y"][5]
    expected = [
        ["5300000002", "5300000004", "5300000005"],  # with one at the end of 2023
        ["5300000001"],
        ["5300000002"],
        ["5300000003"],
        ["5300000004"],
        ["5300000001", "5300000003", "5300000005"],
    ]
    assert [listed(client, url) for url in trace["customdata"]] == expected
    assert [text for text, _url in chart.rows[1][1:]] == ["+1"]


def test_the_change_filter_marks_closed_enterprises(client, viewer, changes):
    client.force_login(viewer)
    response = client.get(reverse("enterprise-list"), {"period": "2024", "change": "party_org_closed"})
    assert list(response.context["filter"].qs.values_list("tax_code", flat=True)) == ["5300000004"]
    assert '<span class="tag">closed</span>' in response.content.decode()
    # The plain list holds the operating enterprises only.
    assert len(listed(client, f"{reverse('enterprise-list')}?period=2024")) == 4


def test_eligible_union_coverage_card_links_to_the_eligible_enterprises_with_a_union(client, viewer):
    big = f.enterprise("BDH", tax_code="5300000011")
    f.report(big, "2024", workers=40)
    f.union(big)
    f.report(f.enterprise("BDH", tax_code="5300000012"), "2024", workers=30)
    f.report(f.enterprise("BDH", tax_code="5300000013"), "2024", workers=10)
    client.force_login(viewer)
    cards = {c.title: c for c in page(client, "home", "2024").context["cards"]}
    card = cards["Union coverage of eligible enterprises"]
    assert str(card.value) == "50.0"
    assert listed(client, card.url) == ["5300000011"]
    assert "1 of 2 enterprises with 25 or more workers" in str(card.note)
