"""The review page of a zone-period and the approval queue: what a reviewer reads (flags, comments,
follow-ups, values changed since the last approval, completeness and timeliness), the decision from
the same page, and approval in bulk (all or nothing, refused above the threshold, each in the audit
trail); who may see them, and the pages' queries."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from core.periods import Period
from enterprises.models import PeriodLock, Return
from reports.cycle import reporting, review, zone_review
from reports.models import ReportingStatus, ReviewThreshold, ZonePeriod
from tests import factories as f
from tests.reports.cycle.test_reporting_cycle import today
from zones.models import Zone

pytestmark = pytest.mark.django_db
S1 = Period.parse("2024S1")


@pytest.fixture
def half_yearly(db):
    Zone.objects.filter(code__in=["BDH", "DPM"]).update(reporting_frequency="half")
    return Zone.objects.get(code="BDH"), Zone.objects.get(code="DPM")


def submitted(zone, user, *figures):
    """The zone's enterprises, each with a 2024S1 return of ``figures`` workers, submitted by ``user``."""
    enterprises = []
    for workers in figures:
        enterprise = f.enterprise(zone.code, established=dt.date(2015, 1, 1))
        with today(dt.date(2024, 7, 5)):
            f.report(enterprise, "2024S1", workers=workers)
        enterprises.append(enterprise)
    with today(dt.date(2024, 7, 6)):
        reporting.submit(zone=zone, period=S1, user=user)
    return enterprises


def review_url(code="BDH", period="2024S1"):
    return reverse("zone-review", args=[period, code])


def queue_url(period="2024S1"):
    return reverse("approval-queue", args=[period])


def test_the_review_page_shows_completeness_comments_follow_ups_and_the_decision(
    client, half_yearly, editor_bdh, administrator
):
    bdh, _dpm = half_yearly
    first, _second = submitted(bdh, editor_bdh, 10, 20)
    value = review.Value(first, "2024S1", "workers")
    review.comment(user=administrator, value=value, text="Ten workers only?")
    review.mark(user=administrator, value=value)
    client.force_login(administrator)
    response = client.get(review_url())
    page = response.content.decode()
    cycle = response.context["review"].cycle
    assert cycle.figures["reporting_rate_pct"] == 100 and cycle.figures["timeliness_pct"] == 100
    assert "Ten workers only?" in page and value.url in page
    assert [item.field for item in response.context["review"].follow_ups] == ["workers"]
    assert reverse("reporting-step", args=["2024S1", "BDH", "return"]) in page
    returned = client.post(
        reverse("reporting-step", args=["2024S1", "BDH", "return"]),
        {"text": "Check the workers of the first enterprise", "next": review_url()},
    )
    assert returned.status_code == 302 and returned.url == review_url()  # back to the review page
    assert ZonePeriod.objects.get(zone=bdh, period="2024S1").status == ReportingStatus.RETURNED


def test_the_review_page_lists_each_value_changed_since_the_last_approval(
    client, half_yearly, editor_bdh, administrator
):
    bdh, _dpm = half_yearly
    first, second = submitted(bdh, editor_bdh, 10, 20)
    reporting.approve(zone=bdh, period=S1, user=administrator)
    reporting.reopen(zone=bdh, period=S1, user=administrator, reason="A correction from the enterprise")
    ret = Return.objects.get(enterprise=first)
    ret.workers, ret.union_members = 12, 5
    ret._history_user = editor_bdh
    ret.save()
    client.force_login(administrator)
    response = client.get(review_url())
    changes = [
        (c.value.enterprise, c.value.field, c.old, c.new, c.who) for c in response.context["review"].changes
    ]
    assert sorted(changes, key=lambda c: c[1]) == [
        (first, "union_members", None, 5, "editor-bdh"),
        (first, "workers", 10, 12, "editor-bdh"),
    ]  # the second enterprise's return, unchanged since the approval, is not listed
    assert "Values changed since the last approval" in response.content.decode()


def test_who_may_open_a_review_page(client, half_yearly, editor_bdh, editor_dpm, viewer, administrator):
    for user, status in ((viewer, 403), (editor_dpm, 403), (editor_bdh, 200), (administrator, 200)):
        client.force_login(user)
        assert client.get(review_url()).status_code == status, user
    client.force_login(editor_bdh)
    page = client.get(review_url()).content.decode()
    assert "reporting-step" not in page and "/approve/" not in page  # editors read, administrators decide
    assert client.get(queue_url()).status_code == 403
    assert client.get(review_url("NOPE")).status_code == 404


def test_several_submitted_zones_are_approved_together_each_in_the_audit_trail(
    client, half_yearly, editor_bdh, editor_dpm, administrator
):
    bdh, dpm = half_yearly
    submitted(bdh, editor_bdh, 10)
    submitted(dpm, editor_dpm, 20)
    client.force_login(administrator)
    rows = {row.cycle.code: row for row in client.get(queue_url()).context["rows"]}
    assert rows["BDH"].selectable and rows["DPM"].selectable and not rows["TL"].selectable
    response = client.post(queue_url(), {"zone": ["BDH", "DPM"]}, follow=True)
    assert "2 zones approved" in response.content.decode()
    for zone in (bdh, dpm):
        record = ZonePeriod.objects.get(zone=zone, period="2024S1")
        assert record.status == ReportingStatus.APPROVED
        assert record.history.filter(status=ReportingStatus.APPROVED).get().history_user == administrator
        assert PeriodLock.objects.filter(zone=zone, period="2024S1").exists()


def test_a_zone_above_the_threshold_refuses_the_whole_bulk_approval_and_says_why(
    client, half_yearly, editor_bdh, editor_dpm, administrator
):
    bdh, dpm = half_yearly
    (first,) = submitted(bdh, editor_bdh, 10)
    submitted(dpm, editor_dpm, 20)
    review.mark(user=administrator, value=review.Value(first, "2024S1", "workers"))
    client.force_login(administrator)
    page = client.get(queue_url()).content.decode()
    assert "1 open follow-ups: at most 0 for approval in bulk." in page
    response = client.post(queue_url(), {"zone": ["DPM", "BDH"]}, follow=True)
    assert "BDH cannot be approved in bulk: 1 open follow-ups" in response.content.decode()
    statuses = set(ZonePeriod.objects.filter(period="2024S1").values_list("status", flat=True))
    assert statuses == {ReportingStatus.SUBMITTED}  # all or nothing: DPM was not approved either
    ReviewThreshold.objects.create(max_open_follow_ups=1)
    assert [r.cycle.code for r in zone_review.queue(S1) if r.selectable] == ["BDH", "DPM"]
    zone_review.approve_many(period=S1, codes=["BDH", "DPM"], user=administrator)
    assert set(ZonePeriod.objects.values_list("status", flat=True)) == {ReportingStatus.APPROVED}


def test_a_zone_not_submitted_cannot_be_approved_in_bulk(half_yearly, administrator, editor_bdh):
    with pytest.raises(zone_review.ValidationError) as refused:
        zone_review.approve_many(period=S1, codes=["TL"], user=administrator)
    assert refused.value.messages == ["TL cannot be approved in bulk: it has not been submitted."]
    with pytest.raises(zone_review.PermissionDenied):
        zone_review.approve_many(period=S1, codes=["TL"], user=editor_bdh)


def test_the_review_page_and_the_queue_cost_a_fixed_number_of_queries(
    client, half_yearly, editor_bdh, editor_dpm, administrator, django_assert_max_num_queries
):
    bdh, dpm = half_yearly
    enterprises = submitted(bdh, editor_bdh, *range(10, 30))
    submitted(dpm, editor_dpm, 5, 6, 7)
    for enterprise in enterprises[:10]:
        value = review.Value(enterprise, "2024S1", "workers")
        review.comment(user=administrator, value=value, text="Why?")
        review.mark(user=administrator, value=value)
    reporting.approve(zone=bdh, period=S1, user=administrator)
    reporting.reopen(zone=bdh, period=S1, user=administrator, reason="Corrections")
    for ret in Return.objects.filter(enterprise__in=enterprises):
        ret.workers += 1
        ret.save()
    client.force_login(administrator)
    # The same whatever the number of enterprises, returns, comments or changes (measured with 2 and
    # 20): session, user, role, zone, the cycle (engine figures, statuses), flags, comments,
    # follow-ups, the last approval, the returns' history records.
    with django_assert_max_num_queries(22):
        response = client.get(review_url())
    assert len(response.context["review"].changes) == 20
    # Every zone's cycle, every flag, open follow-ups per zone, the threshold.
    with django_assert_max_num_queries(23):
        assert client.get(queue_url()).status_code == 200


def test_a_bulk_approval_that_fails_half_way_approves_nothing_and_tells_no_one(
    half_yearly, editor_bdh, editor_dpm, administrator, monkeypatch
):
    bdh, dpm = half_yearly
    submitted(bdh, editor_bdh, 10)
    submitted(dpm, editor_dpm, 20)
    editor_bdh.email = "bdh@example.org"
    editor_bdh.save()
    approve = reporting.approve

    def approve_then_fail(*, zone, period, user):
        if zone == dpm:
            raise zone_review.ValidationError("DPM changed meanwhile")
        return approve(zone=zone, period=period, user=user)

    monkeypatch.setattr(reporting, "approve", approve_then_fail)
    sent_before = len(mail.outbox)
    with pytest.raises(zone_review.ValidationError):
        zone_review.approve_many(period=S1, codes=["BDH", "DPM"], user=administrator)
    assert set(ZonePeriod.objects.values_list("status", flat=True)) == {ReportingStatus.SUBMITTED}
    assert not PeriodLock.objects.exists() and len(mail.outbox) == sent_before
    monkeypatch.undo()
    zone_review.approve_many(period=S1, codes=["BDH", "DPM"], user=administrator)
    assert mail.outbox[-1].to == ["bdh@example.org"] and "approved" in mail.outbox[-1].subject


def test_unresolved_flags_above_the_threshold_block_bulk_approval(
    client, half_yearly, editor_bdh, administrator
):
    bdh, _dpm = half_yearly
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    f.union(enterprise)
    with today(dt.date(2024, 7, 5)):
        f.report(enterprise, "2024S1", workers=10, union_members=3)  # a union below 5 members
        reporting.submit(zone=bdh, period=S1, user=editor_bdh)
    (row,) = [r for r in zone_review.queue(S1) if r.cycle.code == "BDH"]
    assert (row.open_flags, row.blocked) == (1, ["1 unresolved flags: at most 0 for approval in bulk."])
    client.force_login(administrator)
    review_page = client.get(review_url()).content.decode()
    assert "fewer than 5" in review_page  # the flag is on the review page too
    ReviewThreshold.objects.create(max_open_flags=1)
    (row,) = [r for r in zone_review.queue(S1) if r.cycle.code == "BDH"]
    assert row.selectable


def test_the_outside_zones_values_are_the_administrators_alone(client, administrator, editor_bdh, viewer):
    client.force_login(administrator)
    assert client.get(review_url("none")).status_code == 404  # no enterprise outside the zones yet
    outside = f.enterprise(None)
    f.report(outside, "2024S1", workers=4)
    url = reverse("value-review", args=[outside.pk, "2024S1", "workers"])
    client.force_login(editor_bdh)
    assert client.post(url, {"action": "comment", "text": "?"}).status_code == 404
    assert client.get(review_url("none")).status_code == 403
    client.force_login(viewer)
    assert client.get(url).status_code == 403 and client.get(queue_url()).status_code == 403
    client.force_login(administrator)
    assert client.post(url, {"action": "comment", "text": "Four workers?"}).status_code == 302
    page = client.get(review_url("none")).content.decode()
    assert "Four workers?" in page


def test_administrators_set_the_threshold_in_the_admin_and_it_is_in_the_audit_trail(client, administrator):
    assert administrator.has_perm("reports.change_reviewthreshold")
    client.force_login(administrator)
    url = reverse("admin:reports_reviewthreshold_add")
    response = client.post(url, {"max_open_follow_ups": "2", "max_open_flags": "5"})
    assert response.status_code == 302
    threshold = ReviewThreshold.current()
    assert (threshold.max_open_follow_ups, threshold.max_open_flags) == (2, 5)
    assert threshold.history.get().history_user == administrator
    assert client.get(url).status_code == 403  # one threshold: changed, never a second one added


def test_the_review_page_reads_in_vietnamese(client, half_yearly, editor_bdh):
    client.force_login(editor_bdh)
    page = client.get(review_url(), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Xem xét" in page and "Tỷ lệ đầy đủ" in page
