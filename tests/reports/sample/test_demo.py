"""The demo reproduces the article's figures (F1-F16) through the indicator engine and `coverage`."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.periods import Period
from enterprises.models import Enterprise, Return
from membership.models import OrganizationReturn, PartyOrganization
from reports.engine.indicators import compute
from reports.sample import demo
from zones.models import Province, Zone

pytestmark = pytest.mark.django_db

Y2024 = Period.parse("2024")
IZ = ["BDH", "DPM", "TL"]


@pytest.fixture
def seeded(db):
    demo.seed()


def coverage_json(*args):
    from io import StringIO

    out = StringIO()
    call_command("coverage", *args, stdout=out)
    return json.loads(out.getvalue())


def test_f1_three_industrial_zones_and_a_border_zone():
    kinds = dict(Zone.objects.values_list("code", "kind"))
    assert kinds == {
        "BDH": "industrial_zone",
        "DPM": "industrial_zone",
        "TL": "industrial_zone",
        "BEZ": "border_economic_zone",
    }


def test_industrial_zone_figures_f2_to_f7(seeded):
    iz = compute(Y2024, IZ)
    assert iz["enterprises"] == 115
    assert iz["enterprises_20plus"] == 33
    assert iz["enterprises_under_20"] == 82
    assert iz["with_party_org"] == 12
    assert iz["party_members_in_orgs"] == 525
    assert iz["with_party_members_no_org"] == 6
    assert iz["party_org_coverage_pct"] == Decimal("10.4")


def test_border_zone_figures_f8_f9_and_party_and_union_figures_not_collected(seeded):
    bez = compute(Y2024, ["BEZ"])
    assert 600 <= bez["enterprises"] <= 700
    assert bez["workers"] > 10_000
    # Its board collects workforce figures only: every party and union key is null, counts included.
    for key in ("union_members", "with_party_members_no_org", "party_members_in_orgs", "with_party_org"):
        assert bez[key] is None, key
    assert (bez["with_union"], bez["new_union_bases"], bez["party_org_coverage_pct"]) == (None, None, None)
    assert (bez["enterprises_party_tracked"], bez["enterprises_union_tracked"]) == (0, 0)


def test_province_party_coverage_counts_only_enterprises_whose_zones_collect_party_figures(seeded):
    province = compute(Y2024)
    # 12 organizations in the industrial zones and 4 outside every zone, over 115 + 10 enterprises.
    assert (province["with_party_org"], province["enterprises_party_tracked"]) == (16, 125)
    assert province["party_org_coverage_pct"] == Decimal("12.8")
    assert province["enterprises"] == 775


def test_province_union_and_party_figures_f10_to_f14(seeded):
    province = compute(Y2024)
    assert province["new_union_members"] == 3442
    assert province["new_union_members_non_state"] == 2842
    assert province["new_union_bases_non_state"] == 13
    assert province["target_new_union_members"] == 1000
    assert province["target_new_union_members_pct"] == Decimal("344.2")
    assert province["introduced_to_party"] == 65
    assert province["admitted_to_party"] == 45


def test_f15_business_association_cell_grew_from_5_to_45_and_stays_a_cell(seeded):
    cell = PartyOrganization.objects.get(host_body__icontains="Hiệp hội")
    assert cell.host_enterprise is None
    assert cell.founded_on == dt.date(2016, 9, 6)
    assert cell.founding_members == 5
    assert cell.current_level == "cell"
    members = list(
        OrganizationReturn.objects.filter(organization=cell)
        .order_by("ends_on")
        .values_list("party_members", flat=True)
    )
    assert members[0] == 5
    assert members[-1] == 45


def test_f16_duc_giang_cell_upgraded_with_its_pipeline(seeded):
    org = PartyOrganization.objects.get(host_enterprise__tax_code=demo.DUC_GIANG_TAX_CODE)
    assert org.founded_on == dt.date(2020, 10, 10)
    assert org.founding_members == 25
    assert org.level_on(dt.date(2021, 1, 1)) == "cell"
    assert org.current_level == "committee"
    assert org.host_enterprise.zone.code == "TL"
    since_founding = Period.parse("2020S2")
    returns = Return.objects.filter(enterprise=org.host_enterprise, starts_on__gte=since_founding.start)
    assert sum(r.awareness_class_attendees for r in returns) == 211
    assert sum(r.proposed_for_admission for r in returns) == 86


def test_the_coverage_command_prints_the_article_figures(seeded):
    iz = coverage_json("--period", "2024", "--zone", "BDH", "--zone", "DPM", "--zone", "TL")
    assert iz["period"] == "2024"
    assert iz["zones"] == IZ
    assert [
        iz["indicators"][k]
        for k in (
            "enterprises",
            "enterprises_20plus",
            "enterprises_under_20",
            "with_party_org",
            "party_members_in_orgs",
            "with_party_members_no_org",
        )
    ] == [115, 33, 82, 12, 525, 6]
    assert iz["indicators"]["party_org_coverage_pct"] == 10.4
    province = coverage_json("--period", "2024")["indicators"]
    assert [
        province[k]
        for k in (
            "new_union_members",
            "new_union_members_non_state",
            "new_union_bases_non_state",
            "target_new_union_members_pct",
            "introduced_to_party",
            "admitted_to_party",
        )
    ] == [3442, 2842, 13, 344.2, 65, 45]


def test_demo_marks_itself_illustrative_and_uses_made_up_names(seeded):
    assert Province.objects.get(code="lao-cai").illustrative
    names = list(Enterprise.objects.values_list("name", flat=True))
    assert len(names) == len(set(names)) == 778  # one name each, never two alike
    assert all(name.startswith(("Công ty TNHH ", "Công ty CP ")) for name in names)
    assert not any("Enterprise" in name for name in names)
    # Computed from the tax code, nothing random: the same on every run and in every database.
    assert Enterprise.objects.get(tax_code="5301000017").name == "Công ty CP Phân bón Đức Thành"
    assert demo.build_plan().enterprises == demo.build_plan().enterprises
    assert not get_user_model().objects.exclude(first_name="").exists()  # no name, not even a role's


def test_seeding_twice_changes_nothing(seeded, django_user_model):
    before = {
        m.__name__: m.objects.count() for m in (Enterprise, Return, PartyOrganization, OrganizationReturn)
    }
    stamps = list(Return.objects.order_by("pk").values_list("updated_at", flat=True))
    password = django_user_model.objects.get(username="demo-viewer").password
    result = demo.seed()
    assert all(counts == (0, 0) for counts in result["counts"].values())
    assert result["passwords"] == {}
    assert {
        m.__name__: m.objects.count() for m in (Enterprise, Return, PartyOrganization, OrganizationReturn)
    } == before
    assert list(Return.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps
    assert django_user_model.objects.get(username="demo-viewer").password == password


def test_demo_users_one_per_role_with_printed_passwords(db):
    from io import StringIO

    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    for username in ("demo-viewer", "demo-editor-bdh", "demo-admin"):
        assert f"demo user {username} / password " in text
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.get(username="demo-editor-bdh")
    assert list(editor.zone_assignments.values_list("zone__code", flat=True)) == ["BDH"]
    assert list(editor.groups.values_list("name", flat=True)) == ["zone_editor"]
