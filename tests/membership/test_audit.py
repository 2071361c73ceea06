"""The audit trail: who changed what and when, for enterprises, returns, organizations and targets."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.models import Enterprise, Return
from membership import services as membership
from membership.history import enterprise_history
from membership.models import PartyOrganization
from reports.models import Target
from tests import factories as f
from tests.helpers import grid_row, grid_url
from zones.models import Zone

pytestmark = pytest.mark.django_db


def test_enterprise_create_change_delete_are_recorded(client, editor_bdh):
    client.force_login(editor_bdh)
    data = {
        "tax_code": "5300000001",
        "name": "Alpha",
        "zone": Zone.objects.get(code="BDH").pk,
        "ownership": "state",
    }
    client.post(reverse("enterprise-create"), data)
    enterprise = Enterprise.objects.get()
    client.post(reverse("enterprise-edit", args=[enterprise.pk]), {**data, "name": "Alpha Two", "version": 1})
    enterprise.refresh_from_db()
    enterprise._history_user = editor_bdh
    enterprise.delete()  # no returns: deleting a mistaken registration is allowed
    records = Enterprise.history.order_by("history_id")
    assert [(r.history_type, r.name, r.history_user) for r in records] == [
        ("+", "Alpha", editor_bdh),
        ("~", "Alpha Two", editor_bdh),
        ("-", "Alpha Two", editor_bdh),
    ]


def test_return_create_change_delete_are_recorded(client, editor_bdh, administrator):
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    client.post(grid_url(), grid_row(enterprise, workers=150, union_members=120))
    client.force_login(administrator)
    client.post(grid_url(), grid_row(enterprise, version=1, workers=150, union_members=134))
    client.post(grid_url(), grid_row(enterprise, version=2))  # every cell cleared: the return is removed
    records = Return.history.order_by("history_id")
    assert [(r.history_type, r.union_members, r.history_user) for r in records] == [
        ("+", 120, editor_bdh),
        ("~", 134, administrator),
        ("-", 134, administrator),
    ]


def test_organization_changes_are_recorded(editor_bdh):
    enterprise = f.enterprise("BDH")
    organization = membership.party_org_found(
        name="Chi bộ A",
        level="cell",
        founded_on=dt.date(2020, 1, 1),
        founding_members=3,
        host_enterprise=enterprise,
        user=editor_bdh,
    )
    membership.party_org_upgrade(organization=organization, since=dt.date(2023, 1, 1), user=editor_bdh)
    membership.party_org_dissolve(
        organization=organization, dissolved_on=dt.date(2024, 1, 1), user=editor_bdh
    )
    union = membership.union_found(
        enterprise=enterprise, founded_on=dt.date(2021, 1, 1), founding_members=5, user=editor_bdh
    )
    membership.union_dissolve(union=union, dissolved_on=dt.date(2024, 1, 1), user=editor_bdh)
    assert [(r.history_type, r.dissolved_on) for r in PartyOrganization.history.order_by("history_id")] == [
        ("+", None),
        ("~", dt.date(2024, 1, 1)),
    ]
    assert {r.history_user for r in PartyOrganization.history.all()} == {editor_bdh}
    assert organization.levels.model.history.filter(history_user=editor_bdh).count() == 2
    assert union.history.filter(history_user=editor_bdh).count() == 2


def test_target_changes_are_recorded_with_the_user(client, administrator):
    client.force_login(administrator)
    client.post(
        reverse("admin:reports_target_add"), {"indicator": "new_union_members", "year": 2024, "value": 1000}
    )
    target = Target.objects.get()
    client.post(
        reverse("admin:reports_target_change", args=[target.pk]),
        {"indicator": "new_union_members", "year": 2024, "value": 1200},
    )
    client.post(reverse("admin:reports_target_delete", args=[target.pk]), {"post": "yes"})
    records = Target.history.order_by("history_id")
    assert [(r.history_type, r.value, r.history_user) for r in records] == [
        ("+", 1000, administrator),
        ("~", 1200, administrator),
        ("-", 1200, administrator),
    ]


def test_readable_differences(client, editor_bdh):
    enterprise = f.enterprise("BDH", name="Công ty Sao Đỏ")
    client.force_login(editor_bdh)
    client.post(grid_url(), grid_row(enterprise, workers=150, union_members=120))
    client.post(grid_url(), grid_row(enterprise, version=1, workers=1500, union_members=134))
    history = enterprise_history(enterprise)
    latest = history[0]
    subject = "return first half of 2024"
    assert (latest.who, latest.subject, latest.action) == ("editor-bdh", subject, "changed")
    assert [str(c) for c in latest.changes] == ["workers 150 → 1,500", "union members 120 → 134"]
    assert latest.text.startswith(
        "return first half of 2024: workers 150 → 1,500; union members 120 → 134, by editor-bdh on "
    )
    created = history[1]
    assert [str(c) for c in created.changes] == ["workers 150", "union members 120"]
    assert history[-1].subject == "enterprise" and history[-1].who == "the system"  # made by the test factory


def test_history_names_zones_choices_and_empty_values(client, administrator):
    enterprise = f.enterprise("BDH", name="Alpha")
    client.force_login(administrator)
    data = {
        "tax_code": enterprise.tax_code,
        "name": "Alpha",
        "zone": Zone.objects.get(code="DPM").pk,
        "ownership": "foreign",
        "established_on": "2019-04-01",
        "version": 1,
    }
    client.post(reverse("enterprise-edit", args=[enterprise.pk]), data)
    (change,) = [e for e in enterprise_history(enterprise) if e.action == "changed"]
    assert [str(c) for c in change.changes] == [
        "zone BDH → DPM",
        "ownership non-state → foreign-invested",
        f"established on empty → {change.changes[2].new}",
    ]


def test_history_costs_a_fixed_number_of_queries(editor_bdh):
    enterprise = f.enterprise("BDH")
    organization = f.party_org(enterprise)
    membership.party_org_upgrade(organization=organization, since=dt.date(2022, 1, 1), user=editor_bdh)
    f.union(enterprise)

    def count():
        with CaptureQueriesContext(connection) as queries:
            enterprise_history(enterprise)
        return len(queries)

    before = count()
    for year in range(2010, 2030):
        ret = f.report(enterprise, str(year), workers=10)
        ret.workers = 11
        ret.save()
    assert count() == before == 8  # one per audited model, zones, organization names
    # 40 entries for the returns, and the enterprise, its organization, 2 levels and its union
    assert len(enterprise_history(enterprise)) == 45


def test_history_page(client, viewer, editor_bdh):
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    client.post(grid_url(), grid_row(enterprise, union_members=7))
    client.force_login(viewer)
    response = client.get(reverse("enterprise-history", args=[enterprise.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "union members 7" in html and "editor-bdh" in html
