"""Loading the demo again (every `make run`) never reverts what a person changed since."""

import pytest

from enterprises import services
from enterprises.models import Enterprise, Return
from membership.history import enterprise_history
from reports.sample import demo
from zones.models import Zone

pytestmark = pytest.mark.django_db


def test_a_second_seed_keeps_a_renamed_enterprise_and_an_edited_return(administrator):
    demo.seed()
    enterprise = Enterprise.objects.filter(zone__code="BDH").order_by("tax_code").first()
    services.enterprise_update(
        enterprise=enterprise,
        expected_version=enterprise.version,
        changes={"name": "Renamed Co"},
        user=administrator,
    )
    ret = Return.objects.filter(enterprise=enterprise, workers__isnull=False).order_by("period").first()
    before = ret.workers
    ret.workers = before + 7
    services.returns_save(creates=[], updates=[ret], deletes=[], user=administrator)
    zone = Zone.objects.get(code="BEZ")
    zone.collects_party = True
    zone.save()

    demo.seed()

    enterprise.refresh_from_db()
    ret.refresh_from_db()
    assert enterprise.name == "Renamed Co"
    assert ret.workers == before + 7
    assert Zone.objects.get(code="BEZ").collects_party is True


def test_the_first_change_of_a_demo_record_reads_as_a_difference(administrator):
    demo.seed()
    enterprise = Enterprise.objects.filter(zone__code="DPM").order_by("tax_code").first()
    old_name = enterprise.name
    services.enterprise_update(
        enterprise=enterprise,
        expected_version=enterprise.version,
        changes={"name": "New Co"},
        user=administrator,
    )
    latest = enterprise_history(enterprise)[0]
    assert [str(change) for change in latest.changes] == [f"name {old_name} → New Co"]


def test_a_second_seed_changes_nothing():
    demo.seed()
    counts = demo.seed()["counts"]
    assert all(created == updated == 0 for created, updated in counts.values()), counts
