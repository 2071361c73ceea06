"""Several provinces (a national installation): `--province CODE` on the commands; without it, the
whole installation; with one province, the province is the installation."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests import factories as f
from zones.models import Province, Zone, ZoneKind

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
