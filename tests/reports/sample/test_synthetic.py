import io

import pytest
from django.core.management import CommandError, call_command

from core.periods import Period
from enterprises.models import Enterprise, Return
from reports.engine.indicators import compute

pytestmark = pytest.mark.django_db


def generate(*args):
    out = io.StringIO()
    call_command("generate_synthetic", *args, stdout=out)
    return out.getvalue()


def test_synthetic_data_set_has_realistic_shapes():
    assert "Loaded 2000 enterprises in 5 zones of 1 province(s)" in generate(
        "--enterprises", "2000", "--zones", "5", "--seed", "7"
    )
    figures = compute(Period.parse("2024"))
    assert 1800 <= figures["enterprises"] <= 2000  # a few closed or not yet established
    assert figures["enterprises_20plus"] < figures["enterprises_under_20"]  # most are small
    assert 1.0 <= figures["party_org_coverage_pct"] <= 6.0  # a few percent
    assert 20.0 <= figures["union_coverage_pct"] <= 45.0  # about a third
    assert Return.objects.filter(period="2024S2").count() > 1500
    assert Enterprise.objects.filter(zone__code="S001").exists()


def test_same_seed_gives_the_same_data():
    generate("--enterprises", "300", "--zones", "3", "--seed", "11")
    first = compute(Period.parse("2023S2"))
    Return.objects.all().delete()
    from membership.models import GrassrootsUnion, PartyOrganization, PartyOrganizationLevel

    PartyOrganizationLevel.objects.all().delete()
    PartyOrganization.objects.all().delete()
    GrassrootsUnion.objects.all().delete()
    Enterprise.objects.all().delete()
    generate("--enterprises", "300", "--zones", "3", "--seed", "11")
    assert compute(Period.parse("2023S2")) == first


def test_refuses_to_load_twice_and_rejects_overlapping_periods():
    generate("--enterprises", "10", "--zones", "2")
    with pytest.raises(CommandError, match="already holds a synthetic data set"):
        generate("--enterprises", "10")
    with pytest.raises(CommandError, match="must not overlap"):
        call_command("generate_synthetic", "--enterprises", "10", "--periods", "2024", "2024S1")


def test_many_zones_are_spread_over_provinces_and_few_stay_in_one():
    from zones.models import Province, Zone

    assert "in 60 zones of 34 province(s)" in generate("--enterprises", "100", "--zones", "60")
    provinces = Province.objects.filter(code__startswith="synthetic-")
    assert provinces.count() == 34
    assert Zone.objects.get(code="S001").province.code == "synthetic-01"
    assert Zone.objects.get(code="S035").province.code == "synthetic-01"  # dealt in turn
    assert Zone.objects.get(code="S060").province.code == "synthetic-26"


def test_the_number_of_provinces_can_be_chosen():
    assert "in 6 zones of 3 province(s)" in generate(
        "--enterprises", "20", "--zones", "6", "--provinces", "3"
    )
    with pytest.raises(CommandError, match="--provinces must be between 1"):
        call_command("generate_synthetic", "--enterprises", "10", "--zones", "2", "--provinces", "3")
