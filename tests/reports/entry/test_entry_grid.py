"""The period grid: one zone, one period, a row per operating enterprise, saved all or nothing."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.periods import Period
from enterprises import rules
from enterprises.forms import GRID_PAGE_SIZE, OVERLAPPING_RETURN, ROWS_MOVED
from enterprises.models import Enterprise, PeriodLock, Return
from reports.engine import indicators
from reports.entry import views as entry_views
from tests import factories as f
from tests.helpers import grid_row, grid_url
from zones.models import Zone

pytestmark = pytest.mark.django_db


def test_grid_lists_operating_enterprises_prefilled(client, editor_bdh):
    first = f.enterprise("BDH", name="Alpha")
    second = f.enterprise("BDH", name="Beta")
    f.enterprise("BDH", name="Closed", closed=dt.date(2023, 12, 31))
    f.enterprise("DPM", name="Other zone")
    f.report(first, "2024S1", workers=120, union_members=80)
    client.force_login(editor_bdh)
    response = client.get(grid_url())
    assert response.status_code == 200
    rows = response.context["grid"].rows
    assert [r.enterprise.name for r in rows] == ["Alpha", "Beta"]
    cells = {c.field: c.value for c in rows[0].cells}
    assert cells["workers"] == "120" and cells["union_members"] == "80" and cells["party_members"] == ""
    assert f'name="e{first.pk}-workers" value="120"' in response.content.decode()
    assert f'name="e{second.pk}-version" value="0"' in response.content.decode()


def test_valid_save_creates_updates_and_skips_unchanged_rows(client, editor_bdh):
    new, changed, same = f.enterprise("BDH"), f.enterprise("BDH"), f.enterprise("BDH")
    existing = f.report(changed, "2024S1", workers=100, union_members=50)
    untouched = f.report(same, "2024S1", workers=30)
    data = {
        **grid_row(new, workers=40, party_members=3, union_members=12, new_union_members=2),
        **grid_row(changed, version=1, workers=100, union_members=60),
        **grid_row(same, version=1, workers=30),
    }
    client.force_login(editor_bdh)
    response = client.post(grid_url(), data)
    assert response.status_code == 302
    created = Return.objects.get(enterprise=new, period="2024S1")
    assert (created.workers, created.party_members, created.union_members, created.new_union_members) == (
        40,
        3,
        12,
        2,
    )
    assert created.awareness_class_attendees is None  # empty = not reported, never 0
    existing.refresh_from_db()
    assert (existing.union_members, existing.version) == (60, 2)
    untouched.refresh_from_db()
    assert untouched.version == 1 and untouched.history.count() == 1  # not written at all
    # Both writes are in the audit trail, attributed to the editor.
    assert created.history.get().history_user == editor_bdh
    assert existing.history.latest().history_user == editor_bdh
    figures = indicators.compute(Period.parse("2024S1"), zones=["BDH"])
    assert figures["workers"] == 170 and figures["union_members"] == 72


def test_one_bad_cell_writes_nothing_and_is_explained(client, editor_bdh):
    good, bad = f.enterprise("BDH", name="Good"), f.enterprise("BDH", name="Bad")
    client.force_login(editor_bdh)
    data = {**grid_row(good, workers=50, union_members=10), **grid_row(bad, workers="12.5", union_members=3)}
    response = client.post(grid_url(), data)
    assert response.status_code == 200
    assert not Return.objects.exists()
    html = response.content.decode()
    message = str(rules.NOT_A_WHOLE_NUMBER % {"value": "12.5"})
    assert html.count(message) == 2  # beside the cell and in the summary above the grid
    cell_id = f"cell-{bad.pk}-workers"
    assert f'id="{cell_id}" name="e{bad.pk}-workers" value="12.5"' in html
    assert f'aria-invalid="true" aria-describedby="{cell_id}-error"' in html
    assert f'id="{cell_id}-error"' in html
    # The user's other input is kept, and the summary links to the bad cell.
    assert f'name="e{good.pk}-workers" value="50"' in html
    assert f'href="#{cell_id}"' in html
    assert str(entry_views.GRID_NOT_SAVED) in html
    problems = response.context["grid"].problems
    assert problems == [(cell_id, "Bad – workers", message)]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"workers": "-3"}, "workers", rules.NEGATIVE_COUNT % {"value": -3}),
        ({"new_union_members": "abc"}, "new_union_members", rules.NOT_A_WHOLE_NUMBER % {"value": "abc"}),
        (
            {"workers": 10, "union_members": 11},
            "union_members",
            rules.UNION_MEMBERS_ABOVE_WORKERS % {"union_members": 11, "workers": 10},
        ),
        (
            {"admitted_to_party": "99999999999"},
            "admitted_to_party",
            rules.COUNT_TOO_LARGE % {"value": 99999999999},
        ),
    ],
)
def test_each_cell_rule(client, editor_bdh, values, field, message):
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    response = client.post(grid_url(), grid_row(enterprise, **values))
    assert not Return.objects.exists()
    cell = next(c for c in response.context["grid"].rows[0].cells if c.field == field)
    assert cell.error == str(message)


def test_union_members_checked_against_workers_of_the_same_row_only(client, editor_bdh):
    """An empty workers cell is "not reported": union members cannot be checked against it."""
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    assert client.post(grid_url(), grid_row(enterprise, union_members=40)).status_code == 302
    assert Return.objects.get().union_members == 40


def test_clearing_a_row_removes_its_return(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    f.report(enterprise, "2024S1", workers=10)
    client.force_login(editor_bdh)
    assert client.post(grid_url(), grid_row(enterprise, version=1)).status_code == 302
    assert not Return.objects.exists()
    deleted = Return.history.filter(history_type="-").get()
    assert deleted.history_user == editor_bdh and deleted.workers == 10


def test_closed_period_is_read_only_for_zone_editors(client, editor_bdh, administrator):
    enterprise = f.enterprise("BDH")
    f.report(enterprise, "2024S1", workers=10)
    PeriodLock.objects.create(zone=enterprise.zone, period="2024", closed_by=administrator)
    client.force_login(editor_bdh)
    page = client.get(grid_url())
    html = page.content.decode()
    assert "was closed for this zone by admin" in html
    assert "Its returns are read-only" in html
    assert f'name="e{enterprise.pk}-workers"' not in html  # no inputs
    response = client.post(grid_url(), grid_row(enterprise, version=1, workers=99))
    assert response.status_code == 403
    assert Return.objects.get().workers == 10
    # The administrator still corrects it.
    client.force_login(administrator)
    assert client.post(grid_url(), grid_row(enterprise, version=1, workers=99)).status_code == 302
    assert Return.objects.get().workers == 99


def test_overlapping_return_makes_the_row_read_only(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    f.report(enterprise, "2024Q1", workers=10)
    client.force_login(editor_bdh)
    page = client.get(grid_url())
    assert f'name="e{enterprise.pk}-workers"' not in page.content.decode()
    assert "Has a return for Q1 2024, which overlaps this period." in page.content.decode()
    response = client.post(grid_url(), grid_row(enterprise, workers=12))
    assert response.status_code == 200
    assert response.context["grid"].rows[0].error == str(
        OVERLAPPING_RETURN % {"other": "Q1 2024", "period": "first half of 2024"}
    )
    assert Return.objects.get().period == "2024Q1"


def test_lost_update_in_the_grid(client, editor_bdh, administrator):
    """Two people load the grid; the second save must not overwrite the first one silently."""
    enterprise = f.enterprise("BDH")
    ret = f.report(enterprise, "2024S1", workers=100, union_members=50)
    client.force_login(administrator)
    assert (
        client.post(grid_url(), grid_row(enterprise, version=1, workers=100, union_members=70)).status_code
        == 302
    )
    client.force_login(editor_bdh)
    response = client.post(grid_url(), grid_row(enterprise, version=1, workers=100, union_members=55))
    assert response.status_code == 200
    ret.refresh_from_db()
    assert (ret.union_members, ret.version) == (70, 2)
    shown = response.context["grid"].rows[0]
    assert "admin saved this row" in shown.error and "union members 55" in shown.error
    # The page now shows the newer values and version, so saving again works deliberately.
    assert {c.field: c.value for c in shown.cells}["union_members"] == "70"
    assert f'name="e{enterprise.pk}-version" value="2"' in response.content.decode()
    assert (
        client.post(grid_url(), grid_row(enterprise, version=2, workers=100, union_members=55)).status_code
        == 302
    )
    ret.refresh_from_db()
    assert (ret.union_members, ret.version) == (55, 3)


def test_a_race_between_read_and_write_is_refused_by_the_update_itself(editor_bdh):
    """The version check sits in the UPDATE: a row that moved on after validation is not overwritten."""
    from enterprises import services

    enterprise = f.enterprise("BDH")
    ret = f.report(enterprise, "2024S1", workers=100)
    stale = Return.objects.get(pk=ret.pk)
    Return.objects.filter(pk=ret.pk).update(workers=120, version=2)  # someone else's save
    stale.workers = 90
    with pytest.raises(services.StaleVersion):
        services.returns_save(creates=[], updates=[stale], deletes=[], user=editor_bdh)
    ret.refresh_from_db()
    assert (ret.workers, ret.version) == (120, 2)


def test_future_period_cannot_be_entered(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    response = client.post(grid_url(period="2199S1"), grid_row(enterprise, workers=3))
    assert response.status_code == 200
    assert not Return.objects.exists()
    assert "has not started yet" in response.content.decode()


def test_unknown_period_or_zone_is_404(client, editor_bdh, administrator):
    client.force_login(administrator)
    assert client.get(grid_url(period="2024S3")).status_code == 404
    assert client.get(grid_url(period="2024s1")).status_code == 404
    assert client.get(grid_url(zone="NOPE")).status_code == 404


def test_start_form_redirects_to_the_grid(client, editor_bdh):
    f.report(f.enterprise("BDH"), "2024S1", workers=10)
    client.force_login(editor_bdh)
    form = client.get(reverse("period-grid-start")).context["form"]
    assert form["zone"].value() == "BDH"
    response = client.get(reverse("period-grid-start"), {"zone": "BDH", "period": "2024s1"})
    assert response.status_code == 302 and response.url == grid_url()
    other = client.get(reverse("period-grid-start"), {"zone": "DPM", "period": "2024S1"})
    assert other.status_code == 200 and other.context["form"].errors["zone"]


def test_grid_costs_a_fixed_number_of_queries(client, administrator):
    """Reading and saving cost the same whatever the number of enterprises (4 in BDH, 40 in DPM)."""
    client.force_login(administrator)

    def measure(zone, count):
        enterprises = [f.enterprise(zone) for _ in range(count)]
        data = {}
        for i, e in enumerate(enterprises):
            if i < count // 2:  # half the rows update a return, half create one
                f.report(e, "2024S1", workers=10)
            data |= grid_row(
                e, version=1 if i < count // 2 else 0, workers=20, union_members=5, party_members=1
            )
        with CaptureQueriesContext(connection) as read:
            assert client.get(grid_url(zone)).status_code == 200
        with CaptureQueriesContext(connection) as write:
            assert client.post(grid_url(zone), data).status_code == 302
        assert Return.objects.filter(enterprise__zone__code=zone, workers=20).count() == count
        return len(read), len(write)

    # GET: session, user, the role (once per request), zone, closed period, count, enterprises,
    # returns, the data-quality flags (4: organizations' sizes, admissions, returns, hosts and their
    # members, checked flags), the values' comments and open follow-ups (2), province. POST: the same
    # reads up to the grid (no flags, no header:
    # it redirects), then a savepoint (the test's transaction wraps the service's), one INSERT of
    # returns and one of their history, one guarded UPDATE and one history INSERT, the summary's
    # upkeep (the summarized periods, the enterprises' figures before, their stored rows replaced (a
    # delete and an insert), their figures after, the zones' provinces, one upsert of the summary rows
    # and one of the rows rolled up to provinces; the periods written), the page cache's version
    # moved (one UPDATE), the savepoint's release.
    assert measure("BDH", 4) == measure("DPM", 40) == (17, 24)


def test_large_zones_are_entered_a_page_at_a_time(client, editor_bdh):
    enterprises = [f.enterprise("BDH", name=f"E{i:03d}") for i in range(GRID_PAGE_SIZE + 20)]
    client.force_login(editor_bdh)
    first = client.get(grid_url())
    assert [r.enterprise for r in first.context["grid"].rows] == enterprises[:GRID_PAGE_SIZE]
    second = client.get(grid_url() + "?page=2")
    assert [r.enterprise for r in second.context["grid"].rows] == enterprises[GRID_PAGE_SIZE:]
    assert f"rows {GRID_PAGE_SIZE + 1} to {GRID_PAGE_SIZE + 20}" in second.content.decode()
    assert client.get(grid_url() + "?page=3").status_code == 404
    assert client.get(grid_url() + "?page=x").status_code == 404
    # Saving page 2 writes its rows only, and comes back to page 2.
    data = {}
    for e in enterprises[GRID_PAGE_SIZE:]:
        data |= grid_row(e, workers=7)
    response = client.post(grid_url() + "?page=2", data)
    assert response.status_code == 302 and response.url == grid_url() + "?page=2"
    assert Return.objects.count() == 20
    # One page (every figure, the version of each row, the CSRF token) stays within what Django
    # accepts in one POST.
    cells = len(Return.FIGURES) - len(Return.PEOPLE)
    assert GRID_PAGE_SIZE * (cells + 1) + 1 <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


def test_rows_posted_by_id_not_by_position(client, editor_bdh):
    """An enterprise registered meanwhile pushes the last row of page 1 onto page 2: it is still saved."""
    enterprises = [f.enterprise("BDH", name=f"E{i:03d}") for i in range(GRID_PAGE_SIZE)]
    last = enterprises[-1]
    client.force_login(editor_bdh)
    assert client.get(grid_url()).context["grid"].rows[-1].enterprise == last
    f.enterprise("BDH", name="A first")  # sorts first: ``last`` is now on page 2
    assert client.post(grid_url() + "?page=1", grid_row(last, workers=5)).status_code == 302
    assert Return.objects.get().enterprise == last


def test_a_row_moved_to_another_zone_meanwhile_stops_the_save(client, editor_bdh):
    stays, moves = f.enterprise("BDH"), f.enterprise("BDH")
    Enterprise.objects.filter(pk=moves.pk).update(zone=Zone.objects.get(code="DPM"))
    client.force_login(editor_bdh)
    response = client.post(grid_url(), {**grid_row(stays, workers=3), **grid_row(moves, workers=4)})
    assert response.status_code == 200
    assert str(ROWS_MOVED) in response.content.decode()
    assert not Return.objects.exists()


def test_a_save_that_loses_the_race_is_reported(client, editor_bdh, monkeypatch):
    """Between validation and the guarded UPDATE someone else saved: nothing written, the user told."""
    from enterprises import services

    enterprise = f.enterprise("BDH")

    def lose(**kwargs):
        raise services.StaleVersion

    monkeypatch.setattr(services, "returns_save", lose)
    client.force_login(editor_bdh)
    response = client.post(grid_url(), grid_row(enterprise, workers=5))
    assert response.status_code == 200
    assert str(entry_views.GRID_RACE) in response.content.decode()
    assert not Return.objects.exists()


def test_start_form_picks_a_period_with_data_or_a_recent_one(client, editor_bdh, monkeypatch):
    monkeypatch.setattr("enterprises.forms.timezone.localdate", lambda: dt.date(2024, 8, 10))
    f.report(f.enterprise("BDH"), "2022S2", workers=10)
    f.report(f.enterprise("DPM"), "2021", workers=10)  # another zone's data is not offered
    client.force_login(editor_bdh)
    page = client.get(reverse("period-grid-start"))
    field = page.context["form"]["period"]
    # BDH reports by quarter: the quarter in progress and the three before it, and 2022S2 with data.
    assert field.field.choices == [
        ("2024Q3", "Q3 2024"),
        ("2024Q2", "Q2 2024"),
        ("2024Q1", "Q1 2024"),
        ("2023Q4", "Q4 2023"),
        ("2022S2", "second half of 2022"),
    ]
    assert field.value() == "2024Q2"  # the quarter being reported now
    assert '<option value="2024Q2" selected>Q2 2024</option>' in page.content.decode()
    refused = client.get(reverse("period-grid-start"), {"zone": "BDH", "period": "2021"})
    assert refused.status_code == 200 and refused.context["form"].errors["period"]


def test_each_cell_shows_the_previous_periods_figure(client, editor_bdh):
    enterprise = f.enterprise("BDH", name="Alpha")
    f.enterprise("BDH", name="Beta")
    f.report(enterprise, "2023S2", workers=1200, union_members=800)
    f.report(enterprise, "2024S1", workers=1250)
    client.force_login(editor_bdh)
    grid = client.get(grid_url()).context["grid"]
    alpha, beta = grid.rows
    assert str(grid.previous_period) == "2023S2"
    previous = {c.field: c.previous for c in alpha.cells}
    assert (previous["workers"], previous["union_members"], previous["party_members"]) == ("1,200", "800", "")
    assert {c.value for c in alpha.cells if c.field == "workers"} == {"1250"}
    assert all(c.previous == "" for c in beta.cells)
    page = client.get(grid_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The small figure beside a cell is the enterprise's figure for second half of 2023" in page
    assert '<span class="visually-hidden">second half of 2023: </span>1,200</span>' in page
