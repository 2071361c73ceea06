"""Several provinces (a national installation): `--province CODE` on the commands; without it, the
whole installation; with one province, the province is the installation."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports.models import Target
from tests import factories as f
from zones.access import can_edit_zone, can_see_enterprises, editable_zones, scope_codes
from zones.models import Province, ProvinceLimit, Zone, ZoneKind

pytestmark = pytest.mark.django_db


def coverage(*args):
    out = io.StringIO()
    call_command("coverage", "--period", "2024", *args, stdout=out)
    return json.loads(out.getvalue())


def test_with_one_province_the_province_is_the_installation():
    f.report(f.enterprise("BDH"), "2024", workers=10)
    f.report(f.enterprise(None), "2024", workers=5)  # outside every zone
    assert coverage("--province", "lao-cai")["indicators"]["workers"] == 15
    assert coverage()["indicators"]["workers"] == 15


def test_with_several_provinces_a_province_is_its_zones():
    yen_bai = Province.objects.create(code="yen-bai", name="Yên Bái")
    Zone.objects.create(code="YB1", name="KCN Âu Lâu", kind=ZoneKind.INDUSTRIAL_ZONE, province=yen_bai)
    f.report(f.enterprise("BDH"), "2024", workers=10)
    f.report(f.enterprise("YB1"), "2024", workers=7)
    lao_cai = coverage("--province", "lao-cai")
    assert (lao_cai["zones"], lao_cai["indicators"]["workers"]) == (["BDH", "BEZ", "DPM", "TL"], 10)
    assert coverage("--province", "yen-bai")["indicators"]["workers"] == 7
    assert coverage()["indicators"]["workers"] == 17  # the whole installation
    with pytest.raises(CommandError, match="Zone\\(s\\) YB1 are not in the province lao-cai"):
        coverage("--province", "lao-cai", "--zone", "YB1")


def test_an_unknown_province_is_refused():
    with pytest.raises(CommandError, match="Unknown province code: nowhere"):
        coverage("--province", "nowhere")


# --- Targets per province ---------------------------------------------------------------------


@pytest.fixture
def yen_bai():
    province = Province.objects.create(code="yen-bai", name="Yên Bái")
    Zone.objects.create(code="YB1", name="KCN Âu Lâu", kind=ZoneKind.INDUSTRIAL_ZONE, province=province)
    Zone.objects.create(code="YB2", name="KCN Minh Quân", kind=ZoneKind.INDUSTRIAL_ZONE, province=province)
    return province


def set_target(*args):
    out = io.StringIO()
    call_command("set_target", "--indicator", "new_union_members", "--year", "2024", *args, stdout=out)
    return out.getvalue()


def test_with_one_province_its_target_is_the_installations():
    assert "(province) = 1000" in set_target("--value", "1000", "--province", "lao-cai")
    assert list(Target.objects.values_list("province", "zone", "value")) == [(None, None, 1000)]


def test_installation_province_and_zone_targets_each_have_their_own_figure(yen_bai):
    f.report(f.enterprise("YB1"), "2024", workers=100, new_union_members=30)
    f.report(f.enterprise("YB2"), "2024", workers=100, new_union_members=20)
    f.report(f.enterprise("BDH"), "2024", workers=100, new_union_members=50)
    assert "(installation) = 1000" in set_target("--value", "1000")
    assert "(yen-bai) = 200" in set_target("--value", "200", "--province", "yen-bai")
    assert "(YB1) = 60" in set_target("--value", "60", "--zone", "YB1")
    assert "Target replaced" in set_target("--value", "250", "--province", "yen-bai")
    assert Target.objects.count() == 3
    whole = coverage()["indicators"]
    assert (whole["target_new_union_members"], str(whole["target_new_union_members_pct"])) == (1000, "10.0")
    province = coverage("--province", "yen-bai")["indicators"]
    assert (province["target_new_union_members"], str(province["target_new_union_members_pct"])) == (
        250,
        "20.0",
    )
    zone = coverage("--zone", "YB1")["indicators"]
    assert (zone["target_new_union_members"], str(zone["target_new_union_members_pct"])) == (60, "50.0")
    # Lao Cai has no target of its own and not every one of its zones has one.
    assert coverage("--province", "lao-cai")["indicators"]["target_new_union_members"] is None


def test_a_zone_target_must_lie_in_the_province_named(yen_bai):
    with pytest.raises(CommandError, match="Zone BDH is not in the province yen-bai"):
        set_target("--value", "5", "--province", "yen-bai", "--zone", "BDH")


def test_an_administrator_sets_a_province_target_in_the_app(client, administrator, yen_bai):
    client.force_login(administrator)
    data = {"indicator": "new_union_members", "zone": "", "year": "2024", "value": "300"}
    assert client.post(reverse("target-create"), {**data, "province": yen_bai.pk}).status_code == 302
    assert client.post(reverse("target-create"), {**data, "value": "900"}).status_code == 302
    both = client.post(
        reverse("target-create"),
        {**data, "province": yen_bai.pk, "zone": Zone.objects.get(code="YB1").pk},
    )
    assert "Choose a province or a zone, not both" in both.content.decode()
    again = client.post(reverse("target-create"), {**data, "province": yen_bai.pk, "value": "5"})
    assert "for Yên Bái: edit that one instead" in again.content.decode()
    html = client.get(reverse("target-list")).content.decode()
    assert "Yên Bái" in html and "the whole installation" in html
    assert set(Target.objects.values_list("province__code", "value")) == {("yen-bai", 300), (None, 900)}


def test_with_one_province_the_target_form_has_no_province_field(client, administrator):
    client.force_login(administrator)
    assert 'name="province"' not in client.get(reverse("target-create")).content.decode()


# --- Users limited to a province ---------------------------------------------------------------


def limit(user, province):
    ProvinceLimit.objects.create(user=user, province=province)
    return type(user).objects.get(pk=user.pk)  # a fresh object: the role and limit are cached per object


def test_a_user_limited_to_a_province_sees_only_its_zones(viewer, yen_bai):
    viewer = limit(viewer, yen_bai)
    assert scope_codes(viewer, None) == ["YB1", "YB2"]
    assert scope_codes(viewer, ["BDH", "YB2"]) == ["YB2"]
    assert can_see_enterprises(viewer, Zone.objects.get(code="YB1"))
    assert not can_see_enterprises(viewer, Zone.objects.get(code="BDH"))
    assert not can_see_enterprises(viewer, None)  # outside every zone: no province's


def test_a_limited_administrator_edits_only_their_province(administrator, yen_bai):
    administrator = limit(administrator, yen_bai)
    assert can_edit_zone(administrator, Zone.objects.get(code="YB1"))
    assert not can_edit_zone(administrator, Zone.objects.get(code="BDH"))
    assert not can_edit_zone(administrator, None)
    assert sorted(editable_zones(administrator).values_list("code", flat=True)) == ["YB1", "YB2"]


def test_with_one_province_a_limit_changes_nothing(viewer):
    viewer = limit(viewer, Province.objects.get(code="lao-cai"))
    assert scope_codes(viewer, None) is None
    assert can_see_enterprises(viewer, None)


def test_another_provinces_zone_page_is_not_found_for_a_limited_user(client, viewer, yen_bai):
    f.report(f.enterprise("BDH"), "2024", workers=10)
    client.force_login(limit(viewer, yen_bai))
    assert client.get(reverse("zone-detail", args=["BDH"])).status_code == 404
    assert client.get(reverse("zone-detail", args=["YB1"])).status_code == 200


def test_an_enterprise_of_another_province_is_hidden_from_a_limited_user(client, viewer, yen_bai):
    other = f.enterprise("BDH")
    own = f.enterprise("YB1")
    f.report(other, "2024", workers=10)
    f.report(own, "2024", workers=10)
    client.force_login(limit(viewer, yen_bai))
    assert client.get(reverse("enterprise-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("enterprise-detail", args=[own.pk])).status_code == 200
    listed = client.get(reverse("enterprise-list") + "?period=2024").content.decode()
    assert own.name in listed and other.name not in listed


def test_the_api_gives_a_limited_user_their_province_only(client, viewer, yen_bai):
    f.report(f.enterprise("BDH"), "2024", workers=10)
    f.report(f.enterprise("YB1"), "2024", workers=7)
    client.force_login(limit(viewer, yen_bai))
    province = client.get("/api/v1/indicators", {"period": "2024"}).json()
    assert (province["zones"], province["indicators"]["workers"]) == (["YB1", "YB2"], 7)
    refused = client.get("/api/v1/indicators", {"period": "2024", "zone": "BDH"})
    assert refused.status_code == 403
    assert refused.json()["error"] == "Zone(s) BDH lie outside your province."
    zones = client.get("/api/v1/zones").json()["zones"]
    assert [z["code"] for z in zones] == ["YB1", "YB2"]


def test_a_limited_users_report_covers_their_province(client, viewer, yen_bai):
    f.report(f.enterprise("BDH"), "2024", workers=10)
    f.report(f.enterprise("YB1"), "2024", workers=7)
    client.force_login(limit(viewer, yen_bai))
    page = client.get(reverse("report"), {"period": "2024"})
    assert [z.code for z in page.context["form"].fields["zones"].queryset] == ["YB1", "YB2"]
    assert page.context["report"].total["workers"] == 7
    download = client.get(reverse("report-download", args=["csv"]), {"period": "2024", "zones": "BDH"})
    assert download.status_code == 400
