"""Data entry by zone boards: enterprise forms, the period grid, data quality, closed periods, history.

Every view asks ``zones.access`` who may do what; writes go through ``enterprises.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from enterprises import quality, services
from enterprises.forms import EnterpriseCloseForm, EnterpriseForm, GridStartForm, PeriodGrid, PeriodLockForm
from enterprises.history import enterprise_history
from enterprises.models import PeriodLock, Return
from reports.periods import Period
from zones.access import (
    closed_period,
    editable_zones,
    get_enterprise_for_user,
    get_zone_for_user,
    role_required,
)
from zones.roles import Role, is_administrator

EDITORS = (Role.ZONE_EDITOR, Role.ADMINISTRATOR)

ENTERPRISE_CHANGED_MEANWHILE = gettext_lazy(
    "Someone else saved this enterprise while you were editing it. "
    "Nothing was saved: the form now shows the newer values."
)
GRID_NOT_SAVED = gettext_lazy("Nothing was saved: correct the cells marked below and save again.")
GRID_CLOSED = gettext_lazy("Nothing was saved: this period is closed for the zone.")
GRID_NOT_STARTED = gettext_lazy("Nothing was saved: %(period)s has not started yet.")
GRID_RACE = gettext_lazy(
    "Someone saved returns of this zone at the same moment. Nothing was saved: rows they changed are marked."
)
GRID_NOTHING_TO_SAVE = gettext_lazy("Nothing to save: no value was changed.")


def _hub(enterprise) -> str:
    """Where an enterprise's data entry continues: its organizations and actions."""
    return reverse("enterprise-organizations", args=[enterprise.pk])


@role_required(*EDITORS)
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise = services.enterprise_create(
                tax_code=data["tax_code"],
                name=data["name"],
                zone=data["zone"],
                ownership=data["ownership"],
                established_on=data["established_on"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": enterprise.name})
            return redirect(_hub(enterprise))
    return render(request, "enterprises/entry/enterprise_form.html", {"form": form, "enterprise": None})


@role_required(*EDITORS)
def enterprise_edit(request, pk):
    enterprise = get_enterprise_for_user(request.user, pk, write=True)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    unsaved = []
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in EnterpriseForm.Meta.fields}
        try:
            services.enterprise_update(
                enterprise=enterprise,
                expected_version=form.cleaned_data["version"] or 0,
                changes=changes,
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.StaleVersion as conflict:
            if conflict.current is None:
                raise Http404 from None
            # Show the newer values, and what the user typed that they differ from.
            unsaved = _unsaved(form, conflict.current, changes)
            form = EnterpriseForm(instance=conflict.current, user=request.user)
            messages.error(request, ENTERPRISE_CHANGED_MEANWHILE)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": enterprise.name})
            return redirect(_hub(enterprise))
    return render(
        request,
        "enterprises/entry/enterprise_form.html",
        {"form": form, "enterprise": enterprise, "unsaved": unsaved},
    )


def _unsaved(form, current, changes) -> list[tuple[str, str]]:
    """(label, typed value) for each field where the user's input differs from the newer values."""
    return [
        (form.fields[name].label, "" if value is None else str(value))
        for name, value in changes.items()
        if getattr(current, name) != value
    ]


@role_required(*EDITORS)
def enterprise_close(request, pk):
    enterprise = get_enterprise_for_user(request.user, pk, write=True)
    form = EnterpriseCloseForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_close(
                enterprise=enterprise,
                closed_on=form.cleaned_data["closed_on"],
                expected_version=form.cleaned_data["version"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.StaleVersion:
            messages.error(request, ENTERPRISE_CHANGED_MEANWHILE)
            return redirect("enterprise-close", pk=pk)
        else:
            if enterprise.closed_on:
                messages.success(request, _("%(name)s is recorded as closed.") % {"name": enterprise.name})
            else:
                messages.success(request, _("%(name)s is recorded as operating.") % {"name": enterprise.name})
            return redirect(_hub(enterprise))
    return render(
        request, "enterprises/entry/enterprise_close.html", {"form": form, "enterprise": enterprise}
    )


@role_required()
def enterprise_history_page(request, pk):
    enterprise = get_enterprise_for_user(request.user, pk)
    return render(
        request,
        "enterprises/entry/enterprise_history.html",
        {"enterprise": enterprise, "history": enterprise_history(enterprise)},
    )


# --- The period grid ---------------------------------------------------------------------------


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
    lock = closed_period(zone, period.start, period.end)
    read_only = lock is not None and not is_administrator(request.user)
    here = f"{reverse('period-grid', args=[zone.code, period])}?page={page}"
    status = 200
    if request.method == "POST" and read_only:
        grid = PeriodGrid(zone=zone, period=period, page=page)
        messages.error(request, GRID_CLOSED)
        status = 403
    elif request.method == "POST":
        grid = PeriodGrid(zone=zone, period=period, data=request.POST, page=page)
        if grid.is_valid() and _save_grid(request, grid):
            return redirect(here)
        if grid.is_valid():
            # Someone saved between our read and our write: read again and show what they changed.
            grid = PeriodGrid(zone=zone, period=period, data=request.POST, page=page)
            messages.error(request, GRID_RACE)
        elif grid.not_started:
            messages.error(request, GRID_NOT_STARTED % {"period": period.label()})
        else:
            messages.error(request, GRID_NOT_SAVED)
    else:
        grid = PeriodGrid(zone=zone, period=period, page=page)
        if page > len(grid.pages):
            raise Http404(_("Unknown page."))
        grid.attach_warnings(quality.flags(period, [zone.code]))
    context = {
        "zone": zone,
        "period": period,
        "grid": grid,
        "lock": lock,
        "lock_period": Period.parse(lock.period).label() if lock else "",
        "read_only": read_only or grid.not_started,
    }
    return render(request, "enterprises/entry/grid.html", context, status=status)


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
    flags = quality.flags(period, codes) if period else []
    # Not "periods"/"period": the base template would add its own period picker to this page.
    context = {"scopes": scopes, "scope": scope, "choices": periods, "chosen": period, "flags": flags}
    return render(request, "enterprises/entry/data_quality.html", context)


# --- Closed periods -------------------------------------------------------------------------------


@role_required(Role.ADMINISTRATOR)
def period_locks(request):
    form = PeriodLockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lock = services.period_close(
                zone=form.cleaned_data["zone"], period=form.cleaned_data["period"], user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(period)s is closed for %(zone)s: zone editors can no longer change its returns.")
                % {"period": Period.parse(lock.period).label(), "zone": lock.zone.code},
            )
            return redirect("period-locks")
    locks = [
        (lock, Period.parse(lock.period).label())
        for lock in PeriodLock.objects.select_related("zone", "closed_by")
    ]
    return render(request, "enterprises/entry/period_locks.html", {"form": form, "locks": locks})


@role_required(Role.ADMINISTRATOR)
@require_POST
def period_lock_reopen(request, pk):
    lock = get_object_or_404(PeriodLock.objects.select_related("zone"), pk=pk)
    services.period_reopen(lock=lock, user=request.user)
    messages.success(
        request,
        _("%(period)s is open again for %(zone)s.")
        % {"period": Period.parse(lock.period).label(), "zone": lock.zone.code},
    )
    return redirect("period-locks")
