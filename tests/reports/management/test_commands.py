import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from reports.models import Target
from tests import factories as f

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_coverage_json_shape():
    f.report(f.enterprise("BDH"), "2024S1", workers=30, union_members=20)
    payload = json.loads(run("coverage", "--period", "2024", "--zone", "bdh"))
    assert payload["period"] == "2024"
    assert payload["zones"] == ["BDH"]
    assert payload["indicators"]["enterprises"] == 1
    assert payload["indicators"]["union_members"] == 20
    assert payload["indicators"]["union_coverage_pct"] == 0.0
    assert payload["indicators"]["new_union_members"] is None


def test_coverage_csv_has_a_row_per_indicator():
    f.report(f.enterprise("BDH"), "2024S1", workers=30)
    lines = run("coverage", "--period", "2024S1", "--format", "csv").splitlines()
    assert lines[0] == "period,zones,indicator,value"
    assert "2024S1,,enterprises,1" in lines
    assert "2024S1,,reporting_rate_pct,100.0" in lines
    assert "2024S1,,union_members," in lines


def test_coverage_rejects_bad_periods_and_unknown_zones():
    with pytest.raises(CommandError, match="is not a period"):
        run("coverage", "--period", "2024S3")
    with pytest.raises(CommandError, match="Unknown zone code\\(s\\): XYZ"):
        run("coverage", "--period", "2024", "--zone", "XYZ")


def test_set_target_creates_then_replaces():
    assert "Target set" in run(
        "set_target", "--indicator", "new_union_members", "--year", "2024", "--value", "900"
    )
    assert "Target replaced" in run(
        "set_target", "--indicator", "new_union_members", "--year", "2024", "--value", "1000"
    )
    run("set_target", "--indicator", "new_union_members", "--year", "2024", "--value", "200", "--zone", "TL")
    assert set(Target.objects.values_list("zone__code", "value")) == {(None, 1000), ("TL", 200)}


def test_set_target_rejects_unknown_zone():
    with pytest.raises(CommandError, match="Unknown zone code: XX"):
        run(
            "set_target", "--indicator", "new_union_members", "--year", "2024", "--value", "1", "--zone", "XX"
        )


@override_settings(LANGUAGE_CODE="vi")
def test_commands_speak_the_installation_language_whatever_is_active():
    with translation.override("en"):
        with pytest.raises(CommandError, match="Không có khu nào mã XX."):
            run("zone_settings", "XX")
        assert run("send_reminders") == "đã gửi nhắc nhở: 0, không gửi được: 0\n"


def test_zone_settings_json_keys_stay_english_in_vietnamese():
    with override_settings(LANGUAGE_CODE="vi"):
        assert json.loads(run("zone_settings", "BEZ")) == {
            "zone": "BEZ",
            "collects": ["workforce", "party", "union"],
            "reporting_frequency": "quarter",
        }
