"""Data entry pages that read the indicator engine: the editor's start page (what is due), the period
grid (with data-quality warnings beside its cells) and the data quality page. Writes go through
``enterprises.services``.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from core.periods import Period
from enterprises import services
from enterprises.access import get_enterprise_for_user
from enterprises.forms import COLUMN_SETS, FIGURES, GridStartForm, PeriodGrid
from enterprises.locks import closed_period
from enterprises.models import Return
from reports.cycle import quality, reporting, review
from reports.cycle.forms import FlagCheckForm
from reports.cycle.views import due_cycles
from reports.models import FlagReview
from zones.access import editable_zones, get_zone_for_user, role_required
from zones.roles import Role, is_administrator

EDITORS = (Role.ZONE_EDITOR, Role.ADMINISTRATOR)

GRID_NOT_SAVED = gettext_lazy("Nothing was saved: correct the cells marked below and save again.")
GRID_CLOSED = gettext_lazy("Nothing was saved: this period is closed for the zone.")
GRID_NOT_STARTED = gettext_lazy("Nothing was saved: %(period)s has not started yet.")
GRID_RACE = gettext_lazy(
    "Someone saved returns of this zone at the same moment. Nothing was saved: rows they changed are marked."
)
FOLLOW_UP_STATES = {
    "open": gettext_lazy("open"),
    "resolved": gettext_lazy("resolved"),
    "all": gettext_lazy("open and resolved"),
}
FOLLOW_UP_LIMIT = 500
GRID_NOTHING_TO_SAVE = gettext_lazy("Nothing to save: no value was changed.")


# --- The editor's start page --------------------------------------------------------------------


@require_safe
@role_required(*EDITORS)
def entry_start(request):
    """Where data entry begins: for each of the editor's zones the period due, its deadline and who
    has not reported, with the ways in (the grid of that period, the import, the lifecycle, quality)."""
    due = due_cycles(request.user, missing=10)
    return render(request, "enterprises/entry/start.html", {"due": due})


# --- The period grid ---------------------------------------------------------------------------


@require_safe
@role_required(*EDITORS)
def period_grid_start(request):
    form = GridStartForm(request.GET or None, user=request.user)
    if form.is_bound and form.is_valid():
        return redirect(
            "period-grid", zone=form.cleaned_data["zone"].code, period=str(form.cleaned_data["period"])
        )
    return render(request, "enterprises/entry/grid_start.html", {"form": form})


def _period_or_404(text: str) -> Period:
    try:
        period = Period.parse(text)
    except ValidationError:
        raise Http404(_("Unknown period.")) from None
    if str(period) != text:
        raise Http404(_("Unknown period."))
    return period


def _page_or_404(request) -> int:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        raise Http404(_("Unknown page.")) from None
    if page < 1:
        raise Http404(_("Unknown page."))
    return page


@role_required(*EDITORS)
def period_grid(request, zone, period):
    zone = get_zone_for_user(request.user, zone, write=True)
    period = _period_or_404(period)
    page = _page_or_404(request)
    columns = request.GET.get("columns") or FIGURES
    if columns not in COLUMN_SETS:
        raise Http404(_("Unknown set of columns."))
    grid_of = functools.partial(PeriodGrid, zone=zone, period=period, page=page, columns=columns)
    lock = closed_period(zone, period.start, period.end)
    read_only = lock is not None and not is_administrator(request.user)
    here = f"{reverse('period-grid', args=[zone.code, period])}?page={page}"
    if columns != FIGURES:
        here += f"&columns={columns}"
    status = 200
    if request.method == "POST" and read_only:
        grid = grid_of()
        messages.error(request, GRID_CLOSED)
        status = 403
    elif request.method == "POST":
        grid = grid_of(data=request.POST)
        if grid.is_valid() and _save_grid(request, grid):
            return redirect(here)
        if grid.is_valid():
            # Someone saved between our read and our write: read again and show what they changed.
            grid = grid_of(data=request.POST)
            messages.error(request, GRID_RACE)
        elif grid.not_started:
            messages.error(request, GRID_NOT_STARTED % {"period": period.label()})
        else:
            messages.error(request, GRID_NOT_SAVED)
    else:
        grid = grid_of()
        if page > len(grid.pages):
            raise Http404(_("Unknown page."))
        grid.attach_warnings(quality.flags(period, [zone.code]))
        _attach_marks(grid, str(period))
    context = {
        "zone": zone,
        "period": period,
        "grid": grid,
        "lock": lock,
        "lock_period": Period.parse(lock.period).label() if lock else "",
        "read_only": read_only or grid.not_started,
    }
    return render(request, "enterprises/entry/grid.html", context, status=status)


def _attach_marks(grid: PeriodGrid, period: str) -> None:
    """Beside each figure of a return: the way to its comments, follow-up and history (two queries)."""
    marks = review.marks([row.enterprise.pk for row in grid.rows], [period])
    for row in grid.rows:
        for cell in row.cells:
            cell.mark = marks.of(row.enterprise.pk, period, cell.field) if row.current else None


def _save_grid(request, grid: PeriodGrid) -> bool:
    changes = grid.changes()
    if not changes:
        messages.info(request, GRID_NOTHING_TO_SAVE)
        return True
    try:
        # All or nothing: returns_save runs in one transaction and rolls it back on any failure.
        services.returns_save(
            creates=changes.creates, updates=changes.updates, deletes=changes.deletes, user=request.user
        )
    except (services.StaleVersion, IntegrityError):
        return False
    unchanged = len(grid.rows) - len(changes)
    messages.success(
        request,
        _(
            "Saved %(period)s for %(zone)s: %(created)s returns added, %(updated)s changed, "
            "%(deleted)s removed, %(unchanged)s unchanged."
        )
        % {
            "period": grid.period.label(),
            "zone": grid.zone.code,
            "created": len(changes.creates),
            "updated": len(changes.updates),
            "deleted": len(changes.deletes),
            "unchanged": unchanged,
        },
    )
    return True


# --- Data quality --------------------------------------------------------------------------------


@require_safe
@role_required(*EDITORS)
def data_quality(request):
    zones = list(editable_zones(request.user))
    admin = is_administrator(request.user)
    scopes = [("", _("All my zones") if not admin else _("The whole province"))]
    scopes += [(z.code, z.name) for z in zones]
    if admin:
        scopes.append((quality.OUTSIDE, _("Outside every zone")))
    scope = request.GET.get("zone", "")
    if scope not in {code for code, _label in scopes}:
        raise Http404(_("Unknown zone."))
    periods = Return.objects.periods_with_data()
    period = _period_or_404(request.GET["period"]) if request.GET.get("period") else None
    period = period or (periods[0] if periods else None)
    if scope:
        codes = [scope]
    else:
        codes = None if admin else [z.code for z in zones]
    reviewed = request.GET.get("checked") == "1"
    flags = quality.flags(period, codes, reviewed=reviewed) if period else []
    state = request.GET.get("follow_ups", "open")
    if state not in FOLLOW_UP_STATES:
        raise Http404(_("Unknown state."))
    # Not "periods"/"period": the base template would add its own period picker to this page.
    context = {
        "scopes": scopes,
        "scope": scope,
        "choices": periods,
        "chosen": period,
        "flags": flags,
        "reviewed": reviewed,
        "reviews": {r.key: r for r in FlagReview.objects.filter(key__in=[f.key for f in flags])},
        "follow_up_states": FOLLOW_UP_STATES,
        "follow_up_state": state,
        "follow_ups": _follow_ups(scope, codes, zones, period, state),
    }
    return render(request, "enterprises/entry/data_quality.html", context)


def _follow_ups(scope: str, codes, zones, period: Period | None, state: str) -> list:
    """The values marked for follow-up in the page's zone and period, open or resolved."""
    if period is None:
        return []
    periods = reporting.periods_within(period)
    if codes is None:
        query = review.follow_ups(periods=periods, state=state)
    elif scope == quality.OUTSIDE:
        query = review.follow_ups(outside=True, periods=periods, state=state)
    else:
        ids = [z.pk for z in zones if z.code in codes]
        query = review.follow_ups(zones=ids, periods=periods, state=state)
    return list(query[:FOLLOW_UP_LIMIT])


@require_POST
@role_required(*EDITORS)
def flag_check(request):
    """Mark a flagged value as checked, with a comment: an editor of its zone (or an administrator)
    says the value is right, so the flag stops showing; the audit trail keeps who and why."""
    form = FlagCheckForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(e for errors in form.errors.values() for e in errors))
    data = form.cleaned_data
    enterprise = get_enterprise_for_user(request.user, data["enterprise"], write=True)
    review = FlagReview(
        key=data["key"],
        kind=data["kind"],
        enterprise=enterprise,
        period=data["period"],
        field=data["field"],
        comment=data["comment"],
        checked_by=request.user,
    )
    review._history_user = request.user
    if not FlagReview.objects.filter(key=review.key).exists():
        review.save()
    messages.success(request, _("The flag is marked as checked."))
    return redirect(data["next"] if url_has_allowed_host_and_scheme(data["next"], None) else "data-quality")
