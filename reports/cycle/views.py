"""The reporting cycle's pages: every zone's status for a period (everyone with a role; the steps for
administrators), and what is due for the zones a user reports for (zone editors, administrators)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from core.periods import Period
from reports.cycle import reporting
from reports.display.pages import table_url
from reports.engine import deadlines
from zones.access import discussed_zone_ids, editable_zones, role_required
from zones.models import OUTSIDE_ZONES, Zone
from zones.roles import Role, is_administrator, role_of

STEPS = {
    "submit": lambda zone, period, user, text: reporting.submit(
        zone=zone, period=period, user=user, note=text
    ),
    "approve": lambda zone, period, user, text: reporting.approve(zone=zone, period=period, user=user),
    "return": lambda zone, period, user, text: reporting.send_back(
        zone=zone, period=period, user=user, comment=text
    ),
    "reopen": lambda zone, period, user, text: reporting.reopen(
        zone=zone, period=period, user=user, reason=text
    ),
}
DONE = {
    "submit": _("Submitted. The administrators have been told."),
    "approve": _("Approved: the period is now closed to changes."),
    "return": _("Returned to the zone with your comment."),
    "reopen": _("Re-opened: changes from now on are counted until the next approval."),
}


def _period(value: str) -> Period:
    try:
        return Period.parse(value)
    except ValidationError:
        raise Http404 from None


@require_safe
@role_required()
def reporting_period(request, period):
    """Every zone's cycle for the period, with the changes since a re-opening."""
    period = _period(period)
    cycles = reporting.cycles(period)
    reviewable = discussed_zone_ids(request.user)
    for cycle in cycles:
        cycle.changes = reporting.changes(period, cycle)
        cycle.missing_url = table_url(period, [cycle.code], reporting="not_reported")
        cycle.reviewable = (cycle.zone.pk if cycle.zone else None) in reviewable
    context = {
        "period": period,
        "deadline": deadlines.deadline(period),
        "cycles": cycles,
        "is_administrator": is_administrator(request.user),
    }
    return render(request, "reporting/period.html", context)


@require_safe
@role_required()
def reporting_due(request):
    """For each zone the user reports for: the period due, its deadline, who has not reported.
    A viewer, who reports for none, goes to the reporting page of the period now due."""
    if role_of(request.user) == Role.VIEWER:
        return redirect("reporting", str(reporting.due_period(reporting.frequency_of(None))))
    return render(request, "reporting/due.html", {"due": due_cycles(request.user)})


def due_cycles(user, *, missing: int = 50) -> list:
    """The cycles due for the user's zones, with their deadline and up to ``missing`` enterprises
    that have not reported (also shown on a zone editor's dashboard)."""
    due = []
    for zone in editable_zones(user).order_by("code"):
        period = reporting.due_period(zone.reporting_frequency)
        cycle = reporting.cycles(period, [zone])[0]
        cycle.deadline = deadlines.deadline(period)
        cycle.period = period
        cycle.missing_list = list(
            reporting.missing_enterprises(period, zone).only("tax_code", "name")[:missing]
        )
        due.append(cycle)
    return due


@require_POST
@role_required(Role.ZONE_EDITOR, Role.ADMINISTRATOR)
def reporting_step(request, period, zone, step):
    """One step of the cycle (submit, approve, return, reopen); the services check who may take it."""
    if step not in STEPS:
        raise Http404
    period = _period(period)
    zone_obj = None if zone == OUTSIDE_ZONES else get_object_or_404(Zone, code=zone)
    try:
        STEPS[step](zone_obj, period, request.user, request.POST.get("text", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, DONE[step])
    # A zone editor submits from the due page; administrators act on the period's page or the
    # zone-period's review page, which names itself in ``next``.
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, None):
        return redirect(back)
    return redirect("reporting-due") if step == "submit" else redirect("reporting", str(period))
