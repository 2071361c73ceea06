"""A zone without a target of its own is measured against its share of the scope's target: the
target in proportion to its workers (people admitted) or its operating enterprises (organizations
founded, owners and managers), over the zones that collect the figure (docs/targets.md)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.periods import Period
from reports.engine.indicators import breakdown, compute, target_shares
from reports.models import TargetIndicator
from tests import factories as f

pytestmark = pytest.mark.django_db

S1 = Period.parse("2024S1")


@pytest.fixture
def province():
    """Workers in the union-collecting zones: BDH 200 + 100, DPM 600, outside every zone 100 = 1,000;
    TL's enterprise reports none; the border zone (BEZ) collects workforce figures only."""
    call_command("zone_settings", "BEZ", "--collects", "workforce", stdout=io.StringIO())
    f.report(f.enterprise("BDH"), "2024S1", workers=200, new_union_members=12)
    f.report(f.enterprise("BDH"), "2024S1", workers=100)
    f.report(
        f.enterprise("DPM"),
        "2024S1",
        workers=600,
        new_union_members=21,
        admitted_to_party=1,
        owners_managers_admitted=0,
    )
    f.report(f.enterprise(None), "2024S1", workers=100, new_union_members=5)
    f.report(f.enterprise("TL"), "2024S1", new_union_members=4)
    f.report(f.enterprise("BEZ"), "2024S1", workers=5000)
    f.target(100)


def shares():
    return target_shares(compute(S1), breakdown(S1, "zone"))


def test_a_zones_share_is_the_target_in_proportion_to_its_workers(province):
    bdh, dpm = shares()["BDH"], shares()["DPM"]
    # 100 x 300 / 1,000 = 30, and 12 new members since 1 January are 40% of it.
    assert bdh["target_new_union_members_share_base_pct"] == Decimal("30.0")
    assert bdh["target_new_union_members_share"] == 30
    assert bdh["target_new_union_members_share_pct"] == Decimal("40.0")
    # 100 x 600 / 1,000 = 60; 21 of 60 = 35%.
    assert (dpm["target_new_union_members_share"], dpm["target_new_union_members_share_pct"]) == (
        60,
        Decimal("35.0"),
    )


def test_a_zone_that_does_not_report_its_workers_or_collect_the_figure_has_no_share(province):
    tl, bez = shares()["TL"], shares()["BEZ"]
    assert tl["target_new_union_members_share"] is None
    assert tl["target_new_union_members_share_pct"] is None  # its 4 new members: no share to be 0% of
    assert bez["target_new_union_members_share"] is None  # 5,000 workers, but no union figures


def test_organizations_and_leaders_are_shared_by_operating_enterprises(province):
    f.target(10, indicator=TargetIndicator.NEW_UNION_BASES)
    f.target(7, indicator=TargetIndicator.OWNERS_MANAGERS_ADMITTED)
    bdh, tl, dpm = shares()["BDH"], shares()["TL"], shares()["DPM"]
    # Five enterprises in the zones that collect union and party figures (not BEZ's): BDH has two.
    assert bdh["target_new_union_bases_share"] == 4  # 10 x 2 / 5
    assert bdh["target_new_union_bases_share_pct"] == Decimal("0.0")  # no union founded
    assert tl["target_new_union_bases_share"] == 2  # its enterprise counts though its workers do not
    # 7 x 2 / 5 = 2.8 -> 3 and 7 x 1 / 5 = 1.4 -> 1, to the nearest whole number.
    assert (bdh["target_owners_managers_admitted_share"], dpm["target_owners_managers_admitted_share"]) == (
        3,
        1,
    )
    assert dpm["target_owners_managers_admitted_share_pct"] == Decimal("0.0")
    assert bdh["target_owners_managers_admitted_share_pct"] is None  # nobody in BDH reported it


def test_no_share_without_a_target_of_the_scope(province):
    assert shares()["BDH"]["target_admitted_to_party_share"] is None
    assert shares()["BDH"]["target_admitted_to_party_share_base_pct"] is None
