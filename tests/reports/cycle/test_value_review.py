"""Comments and follow-up on a value, and its history beside it: who may see and write them, the
note a resolution needs, the audit trail, the e-mail to the zone's editors, and the page's queries."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.periods import Period
from reports.cycle import outbox, reminders, reporting, review
from reports.models import (
    FollowUp,
    OutboxMessage,
    ReportingStatus,
    UserPreference,
    ValueComment,
    ZonePeriod,
)
from tests import factories as f
from tests.reports.cycle.test_reporting_cycle import today
from zones.models import Zone

pytestmark = pytest.mark.django_db


def value_url(enterprise, period="2024S1", field="union_members"):
    return reverse("value-review", args=[enterprise.pk, period, field])


@pytest.fixture
def bdh_enterprise(db):
    enterprise = f.enterprise("BDH", name="Công ty May Bắc")
    for period, members in (("2022S1", 100), ("2022S2", 102), ("2023S1", 101), ("2023S2", 103)):
        f.report(enterprise, period, union_members=members)
    f.report(enterprise, "2024S1", union_members=400)
    return enterprise


def test_an_editor_comments_on_a_value_of_their_zone_and_the_other_editors_are_told(
    client, bdh_enterprise, editor_bdh, django_user_model
):
    colleague = django_user_model.objects.create_user("editor-bdh-2", email="two@example.org")
    colleague.zone_assignments.create(zone=bdh_enterprise.zone)
    UserPreference.objects.create(user=colleague, language="vi")
    client.force_login(editor_bdh)
    response = client.post(value_url(bdh_enterprise), {"action": "comment", "text": "400 looks like a typo"})
    assert response.status_code == 302
    (note,) = ValueComment.objects.all()
    assert (note.enterprise, note.period, note.field, note.author) == (
        bdh_enterprise,
        "2024S1",
        "union_members",
        editor_bdh,
    )
    assert note.history.get().history_user == editor_bdh  # in the audit trail
    (message,) = mail.outbox  # the author is not told of their own comment
    assert message.to == ["two@example.org"]
    assert "đoàn viên công đoàn" in message.subject.lower()  # in the colleague's language
    assert OutboxMessage.objects.get().sent_at is not None
    page = client.get(value_url(bdh_enterprise)).content.decode()
    assert "400 looks like a typo" in page and "editor-bdh" in page


def test_an_editor_cannot_comment_on_another_zones_value(client, bdh_enterprise, editor_dpm):
    client.force_login(editor_dpm)
    response = client.post(value_url(bdh_enterprise), {"action": "comment", "text": "not mine"})
    assert response.status_code == 404  # another zone's enterprise does not exist for them
    assert not ValueComment.objects.exists()
    with pytest.raises(review.PermissionDenied):
        review.comment(user=editor_dpm, value=review.Value(bdh_enterprise, "2024S1", "workers"), text="x")


def test_a_viewer_neither_sees_nor_writes_comments(client, bdh_enterprise, viewer):
    client.force_login(viewer)
    assert client.get(value_url(bdh_enterprise)).status_code == 403
    assert client.post(value_url(bdh_enterprise), {"action": "mark"}).status_code == 403
    assert not FollowUp.objects.exists()


def test_an_administrator_marks_a_value_and_resolving_it_needs_a_note(client, bdh_enterprise, administrator):
    client.force_login(administrator)
    client.post(value_url(bdh_enterprise), {"action": "mark"})
    follow_up = FollowUp.objects.get()
    assert follow_up.is_open and follow_up.opened_by == administrator
    response = client.post(value_url(bdh_enterprise), {"action": "resolve", "text": "  "}, follow=True)
    assert "a note is required to resolve a follow-up" in response.content.decode()
    assert FollowUp.objects.get().is_open
    client.post(value_url(bdh_enterprise), {"action": "resolve", "text": "Confirmed by phone: 400."})
    follow_up.refresh_from_db()
    assert not follow_up.is_open and follow_up.resolution == "Confirmed by phone: 400."
    assert [h.history_user for h in follow_up.history.order_by("history_date")] == [administrator] * 2
    client.post(value_url(bdh_enterprise), {"action": "mark"})  # marked again: open again
    assert FollowUp.objects.get().is_open


def test_an_unknown_figure_or_period_is_not_found(client, bdh_enterprise, administrator):
    client.force_login(administrator)
    assert client.get(value_url(bdh_enterprise, field="password")).status_code == 404
    assert client.get(value_url(bdh_enterprise, period="2024X9")).status_code == 404


def test_the_history_shows_the_last_periods_and_the_robust_outlier_verdict(
    client, bdh_enterprise, editor_bdh
):
    history = review.history(review.Value(bdh_enterprise, "2024S1", "union_members"))
    assert history.points[0] == ("first half of 2022", 100)
    assert [figure for _label, figure in history.points] == [100, 102, 101, 103, 400]
    assert history.far and history.earlier == 4 and history.median == 101.5
    within = review.history(review.Value(bdh_enterprise, "2023S2", "union_members"))
    assert not within.far and not within.enough  # 3 earlier returns: too few to judge
    client.force_login(editor_bdh)
    page = client.get(value_url(bdh_enterprise)).content.decode()
    assert "far from this enterprise" in page and "<svg" in page


def test_a_value_that_was_not_reported_is_shown_so_never_as_0(client, administrator):
    enterprise = f.enterprise("BDH")
    f.report(enterprise, "2023S2", workers=10)
    f.report(enterprise, "2024S1", workers=None)
    history = review.history(review.Value(enterprise, "2024S1", "workers"))
    assert [figure for _label, figure in history.points] == [10, None]
    client.force_login(administrator)
    page = client.get(value_url(enterprise, field="workers")).content.decode()
    assert "Not reported for this period." in page


def test_a_message_the_mail_server_refused_is_sent_by_the_next_run_and_only_once(
    bdh_enterprise, editor_bdh, administrator, monkeypatch
):
    editor_bdh.email = "editor@example.org"
    editor_bdh.save()
    monkeypatch.setattr("django.core.mail.EmailMessage.send", _refuse)
    review.mark(user=administrator, value=review.Value(bdh_enterprise, "2024S1", "workers"))
    message = OutboxMessage.objects.get()
    assert message.sent_at is None and message.attempts == 1 and not mail.outbox
    monkeypatch.undo()
    assert outbox.send_pending() == (1, 0)
    assert outbox.send_pending() == (0, 0)
    (sent,) = mail.outbox
    assert sent.to == ["editor@example.org"] and "follow-up" in sent.subject


def _refuse(*args, **kwargs):
    raise OSError("mail server down")


def test_the_value_page_costs_a_fixed_number_of_queries(
    client, bdh_enterprise, administrator, django_assert_max_num_queries
):
    client.force_login(administrator)
    for n in range(5):
        review.comment(
            user=administrator, value=review.Value(bdh_enterprise, "2024S1", "union_members"), text=f"{n}"
        )
    # session, user, role, the enterprise, its returns for the history, the thread, the follow-up, ...
    with django_assert_max_num_queries(8):
        assert client.get(value_url(bdh_enterprise)).status_code == 200


def test_marked_values_are_listed_on_the_data_quality_page_by_zone_period_and_state(
    client, bdh_enterprise, editor_bdh, administrator
):
    dpm = f.enterprise("DPM", name="Công ty Đông Phố Mới")
    f.report(dpm, "2024S1", workers=7)
    review.mark(user=administrator, value=review.Value(bdh_enterprise, "2024S1", "union_members"))
    review.mark(user=administrator, value=review.Value(dpm, "2024S1", "workers"))
    resolved = review.Value(bdh_enterprise, "2023S2", "union_members")
    review.mark(user=administrator, value=resolved)
    review.resolve(user=administrator, value=resolved, note="Checked against the union's list.")

    def listed(user, **query):
        client.force_login(user)
        response = client.get(reverse("data-quality"), query)
        assert response.status_code == 200
        return [(i.enterprise.name, i.period, i.field) for i in response.context["follow_ups"]]

    assert sorted(listed(administrator, period="2024S1")) == [
        ("Công ty May Bắc", "2024S1", "union_members"),
        ("Công ty Đông Phố Mới", "2024S1", "workers"),
    ]
    assert listed(administrator, period="2024S1", zone="DPM") == [
        ("Công ty Đông Phố Mới", "2024S1", "workers")
    ]
    assert listed(editor_bdh, period="2024S1") == [("Công ty May Bắc", "2024S1", "union_members")]
    assert listed(administrator, period="2023S2", follow_ups="resolved") == [
        ("Công ty May Bắc", "2023S2", "union_members")
    ]
    assert listed(administrator, period="2023S2") == []  # open only, by default
    assert (
        listed(administrator, period="2024", follow_ups="all")
        and len(listed(administrator, period="2024", follow_ups="all")) == 2
    )
    client.force_login(administrator)
    assert client.get(reverse("data-quality"), {"follow_ups": "maybe"}).status_code == 404


def test_the_grid_and_the_enterprise_page_show_the_marks_to_editors_only(
    client, bdh_enterprise, editor_bdh, administrator, viewer
):
    value = review.Value(bdh_enterprise, "2024S1", "union_members")
    client.force_login(editor_bdh)
    unmarked = client.get(reverse("enterprise-detail", args=[bdh_enterprise.pk])).content.decode()
    assert f'href="{value.url}"' in unmarked  # every figure opens its history, marked or not
    review.comment(user=administrator, value=value, text="Is 400 right?")
    review.mark(user=administrator, value=value)
    client.force_login(editor_bdh)
    grid = client.get(reverse("period-grid", args=["BDH", "2024S1"])).content.decode()
    assert f'href="{value.url}"' in grid and "marked for follow-up" in grid
    page = client.get(reverse("enterprise-detail", args=[bdh_enterprise.pk])).content.decode()
    assert f'href="{value.url}"' in page
    client.force_login(viewer)
    page = client.get(reverse("enterprise-detail", args=[bdh_enterprise.pk])).content.decode()
    assert value.url not in page and "marked for follow-up" not in page


def test_a_submission_is_queued_for_the_administrators_and_sent_once_the_mail_server_answers(
    client, editor_bdh, administrator, monkeypatch
):
    Zone.objects.filter(code="BDH").update(reporting_frequency="half")
    administrator.email = "admin@example.org"
    administrator.save()
    UserPreference.objects.create(user=administrator, language="vi")
    f.report(f.enterprise("BDH"), "2024S1", workers=5)
    monkeypatch.setattr("django.core.mail.EmailMessage.send", _refuse)
    with today(dt.date(2024, 7, 5)):
        reporting.submit(zone=Zone.objects.get(code="BDH"), period=Period.parse("2024S1"), user=editor_bdh)
    assert ZonePeriod.objects.get().status == ReportingStatus.SUBMITTED  # the step holds without mail
    assert OutboxMessage.objects.get().template == "submitted" and not mail.outbox
    monkeypatch.undo()
    out = StringIO()
    call_command("send_reminders", stdout=out)
    call_command("send_reminders", stdout=StringIO())
    assert "queued messages sent: 1, failed: 0" in out.getvalue()
    (message,) = mail.outbox  # once, however often the command runs
    assert message.to == ["admin@example.org"] and "6 tháng đầu năm 2024" in message.subject
    assert reverse("zone-review", args=["2024S1", "BDH"]) in message.body


def test_editors_are_reminded_once_of_a_period_returned_to_them_and_still_waiting(
    editor_bdh, administrator, settings
):
    settings.REPORTING_REMINDER_DAYS = 3
    editor_bdh.email = "editor@example.org"
    editor_bdh.save()
    record = ZonePeriod.objects.create(
        zone=Zone.objects.get(code="BDH"), period="2024S1", status=ReportingStatus.RETURNED, comment="Fix F3"
    )
    later = timezone.now() + dt.timedelta(days=4)
    assert reminders.remind_returned(timezone.now()) == 0  # returned today: not waiting yet
    assert reminders.remind_returned(later) == 1
    assert reminders.remind_returned(later) == 0  # queued once per return
    assert outbox.send_pending() == (1, 0)
    (message,) = mail.outbox
    assert message.to == ["editor@example.org"] and "Fix F3" in message.body
    assert "still waiting" in message.subject and record.period == "2024S1"


def test_the_pages_showing_marks_cost_the_same_queries_with_2_or_20_marked_values(
    client, editor_bdh, administrator, django_assert_max_num_queries
):
    def measure(count):
        enterprise = f.enterprise("BDH")
        for n in range(count):
            period = f"{2010 + n}"
            f.report(enterprise, period, workers=n)
            value = review.Value(enterprise, period, "workers")
            review.comment(user=administrator, value=value, text="?")
            review.mark(user=administrator, value=value)
        urls = [
            reverse("enterprise-detail", args=[enterprise.pk]),
            reverse("data-quality") + "?period=2011&follow_ups=all",
            reverse("period-grid", args=["BDH", "2011"]),
        ]
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    client.force_login(editor_bdh)
    small, large = measure(2), measure(20)
    assert small == large
    # The enterprise page for a zone editor: what a viewer's costs (20, see the dashboard performance
    # test), the editor's zones for the access checks, and 2 for the marks.
    with django_assert_max_num_queries(26):
        client.get(reverse("enterprise-detail", args=[ValueComment.objects.last().enterprise_id]))
