"""Flags read off an enterprise's returns: reconciliation of union members, new members without a
union, an organization without party members, a figure far from its own history; and marking a
flag as checked."""

import datetime as dt

import pytest
from django.urls import reverse

from core.periods import Period
from reports.cycle import quality, return_checks
from reports.cycle.return_checks import far_from_history
from reports.models import FlagReview
from tests import factories as f

pytestmark = pytest.mark.django_db

S2 = Period.parse("2024S2")


def found(period=S2, codes=None):
    return [(flag.kind, flag.period, flag.value) for flag in quality.flags(period, codes)]


def union_enterprise(zone="BDH"):
    enterprise = f.enterprise(zone)
    f.union(enterprise, founded=dt.date(2020, 1, 1))
    return enterprise


def test_union_members_must_add_up_with_those_who_left():
    e = union_enterprise()
    f.report(e, "2024S1", union_members=10)
    f.report(e, "2024S2", union_members=13, new_union_members=5, union_members_left=3)
    (flag,) = quality.flags(S2)
    assert (flag.kind, flag.period, flag.value) == (return_checks.UNION_MEMBERS_DO_NOT_ADD_UP, "2024S2", 13)
    assert flag.message == (
        f"{e.name} reports 13 union members for second half of 2024, but 10 at the end of first half "
        "of 2024 plus 5 new and minus 3 who left make 12."
    )
    assert flag.fix_url == reverse("period-grid", args=["BDH", "2024S2"]) + f"#cell-{e.pk}-union_members"


def test_union_members_that_add_up_are_not_flagged():
    e = union_enterprise()
    f.report(e, "2024S1", union_members=10)
    f.report(e, "2024S2", union_members=12, new_union_members=5, union_members_left=3)
    assert found() == []


@pytest.mark.parametrize(("members", "flagged"), [(15, False), (16, True), (6, False)])
def test_without_those_who_left_growth_cannot_exceed_the_new_members(members, flagged):
    e = union_enterprise()
    f.report(e, "2024S1", union_members=10)
    f.report(e, "2024S2", union_members=members, new_union_members=5)
    assert bool(found()) == flagged


def test_returns_that_are_not_consecutive_are_not_reconciled():
    e = union_enterprise()
    f.report(e, "2024Q1", union_members=10)
    f.report(e, "2024S2", union_members=40, new_union_members=5)
    assert found() == []


def test_new_union_members_where_no_union_exists():
    e = f.enterprise("BDH")
    f.report(e, "2024S2", new_union_members=4)
    f.union(e, founded=dt.date(2025, 3, 1))  # founded after the period
    assert found() == [(return_checks.NEW_MEMBERS_WITHOUT_UNION, "2024S2", 4)]


def test_an_organization_whose_enterprise_reports_no_party_members():
    e = f.enterprise("BDH")
    f.party_org(e)
    f.report(e, "2024S2", workers=30, party_members=0)
    assert (return_checks.ORGANIZATION_WITHOUT_MEMBERS, "2024S2", 0) in found()


def test_a_figure_far_from_the_enterprises_own_history():
    e = f.enterprise("BDH")
    for period, workers in (
        ("2022S1", 100),
        ("2022S2", 104),
        ("2023S1", 98),
        ("2023S2", 102),
        ("2024S1", 101),
    ):
        f.report(e, period, workers=workers)
    f.report(e, "2024S2", workers=400)
    assert found() == [(return_checks.FAR_FROM_HISTORY, "2024S2", 400)]


def test_robust_z_score_needs_four_earlier_values_and_handles_a_zero_spread():
    assert not far_from_history(400, [100, 101, 102])  # three earlier values: no judgement
    assert far_from_history(400, [100, 104, 98, 102])
    assert not far_from_history(106, [100, 104, 98, 102])
    # Spread 0: flagged beyond max(half the median, 10).
    assert far_from_history(21, [10, 10, 10, 10]) and not far_from_history(20, [10, 10, 10, 10])
    assert far_from_history(151, [100, 100, 100, 100]) and not far_from_history(150, [100, 100, 100, 100])


def test_an_editor_marks_a_flag_checked_and_it_stops_showing(client, editor_bdh):
    e = f.enterprise("BDH")
    f.report(e, "2024S2", new_union_members=4)
    (flag,) = quality.flags(S2)
    client.force_login(editor_bdh)
    data = {
        "key": flag.key,
        "kind": flag.kind,
        "enterprise": e.pk,
        "period": flag.period,
        "field": flag.field,
        "comment": "The union was registered late; members joined in advance.",
        "next": "/entry/quality/?period=2024S2",
    }
    response = client.post(reverse("flag-check"), data)
    assert response.status_code == 302
    assert quality.flags(S2) == []
    assert [f.key for f in quality.flags(S2, reviewed=True)] == [flag.key]
    review = FlagReview.objects.get()
    assert (review.checked_by, review.comment) == (editor_bdh, data["comment"])
    assert review.history.get().history_user == editor_bdh
    page = client.get(reverse("data-quality"), {"period": "2024S2", "checked": "1"}).content.decode()
    assert "members joined in advance" in page


def test_an_editor_cannot_check_another_zones_flag(client, editor_dpm):
    e = f.enterprise("BDH")
    f.report(e, "2024S2", new_union_members=4)
    (flag,) = quality.flags(S2)
    client.force_login(editor_dpm)
    data = {
        "key": flag.key,
        "kind": flag.kind,
        "enterprise": e.pk,
        "period": flag.period,
        "field": flag.field,
    }
    assert client.post(reverse("flag-check"), data).status_code == 404  # not theirs to see
    assert not FlagReview.objects.exists()
