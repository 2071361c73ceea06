"""The size of enterprises on the dashboards: where nobody of a zone reported workers, its size bands
read "no data", never 0, and its enterprises of unknown size are counted, as the engine counts them,
under "Workers not reported", on the zone page, the zone-kind page and the province's page."""

import pytest

from core.periods import Period
from reports.engine import indicators
from tests import factories as f
from tests.helpers import page
from zones.models import Province, Zone, ZoneKind

pytestmark = pytest.mark.django_db

PERIOD = "2024S1"


@pytest.fixture
def nobody_reported_workers(viewer, client):
    """Three enterprises in BDH: two reported members but not their workers, one reported nothing;
    DPM's one enterprise reported its workers."""
    for members in (3, 0):
        f.report(f.enterprise("BDH"), PERIOD, union_members=members)
    f.enterprise("BDH")
    f.report(f.enterprise("DPM"), PERIOD, workers=40)
    client.force_login(viewer)
    return client


def table(response, chart_id="coverage") -> dict[str, list[str]]:
    chart = next(c for c in response.context["charts"] if c.id == chart_id)
    return {row[0][0]: [text for text, _url in row[1:]] for row in chart.rows}


def engine_unknown_size(code: str) -> int:
    return indicators.breakdown(Period.parse(PERIOD), "size_band", [code])[None]["enterprises"]


def test_the_engine_has_no_size_bands_for_the_zone_and_three_enterprises_of_unknown_size():
    for members in (3, 0):
        f.report(f.enterprise("BDH"), PERIOD, union_members=members)
    f.enterprise("BDH")
    figures = indicators.compute(Period.parse(PERIOD), ["BDH"])
    assert figures["enterprises_20plus"] is None and figures["enterprises_under_20"] is None
    assert engine_unknown_size("BDH") == 3


def test_zone_page_says_no_data_for_the_bands_and_counts_the_unknown(nobody_reported_workers):
    rows = table(page(nobody_reported_workers, "zone-detail", PERIOD, code="BDH"))
    assert rows["All enterprises"][0] == "3"
    for band in ("20 or more workers", "Fewer than 20 workers"):
        assert rows[band][:4] == ["no data"] * 4  # enterprises, and each part of the bar
    assert rows["Workers not reported"][0] == str(engine_unknown_size("BDH")) == "3"


def test_zone_page_of_a_zone_without_enterprises(client, viewer):
    province = Province.objects.get()
    Zone.objects.create(code="NEW", name="KCN Mới", kind=ZoneKind.INDUSTRIAL_ZONE, province=province)
    f.report(f.enterprise("BDH"), PERIOD, workers=30)
    client.force_login(viewer)
    rows = table(page(client, "zone-detail", PERIOD, code="NEW"))
    assert rows["All enterprises"][0] == "0"
    assert rows["20 or more workers"][0] == rows["Fewer than 20 workers"][0] == "no data"
    assert rows["Workers not reported"][0] == "0"  # no enterprise: none of unknown size


def test_zone_kind_page_counts_each_zones_enterprises_of_unknown_size(nobody_reported_workers):
    response = page(nobody_reported_workers, "zone-kind-detail", PERIOD, kind="industrial_zone")
    chart = next(c for c in response.context["charts"] if c.id == "coverage")
    assert chart.headers[-1] == "Workers not reported"
    rows = table(response)
    assert rows["KCN Bắc Duyên Hải"][-1] == "3"
    assert rows["KCN Đông Phố Mới"][-1] == "0"
    assert_bands_drawn_as_no_data(chart, "KCN Bắc Duyên Hải")


def test_province_page_counts_each_zones_enterprises_of_unknown_size(nobody_reported_workers):
    response = page(nobody_reported_workers, "home", PERIOD)
    rows = table(response)
    assert rows["KCN Bắc Duyên Hải"][-1] == str(engine_unknown_size("BDH")) == "3"
    assert rows["KCN Đông Phố Mới"][-3] == "0.0%"  # 40 workers, no party organization
    chart = next(c for c in response.context["charts"] if c.id == "coverage")
    assert_bands_drawn_as_no_data(chart, "KCN Bắc Duyên Hải")


def assert_bands_drawn_as_no_data(chart, zone):
    """The buttons of the size bands draw the zone's bar empty with "no data", never a 0 bar; the
    button of the enterprises of unknown size draws their bar (3 enterprises, none with a party
    organization or members)."""
    buttons = chart.figure["layout"]["updatemenus"][0]["buttons"]
    assert [b["label"] for b in buttons] == [
        "All enterprises",
        "20 or more workers",
        "Fewer than 20 workers",
        "Workers not reported",
    ]
    for button in buttons[1:3]:
        notes = button["args"][1]["annotations"]
        assert {(a["x"], a["text"]) for a in notes} >= {(zone, "no data")}
