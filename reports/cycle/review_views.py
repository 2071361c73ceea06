"""The review pages (issue 33): one value (its thread, follow-up and history), the review of a
zone-period and the approval queue. Who may see what is ``zones.access``; the services check again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.periods import Period
from enterprises.models import Enterprise
from reports.cycle import review, zone_review
from reports.display.charts_svg import history_chart
from reports.engine import deadlines
from zones.access import can_discuss_values, can_see_enterprises, can_see_zone, can_view, role_required
from zones.models import OUTSIDE_ZONES, Zone
from zones.roles import Role, is_administrator

EDITORS = (Role.ZONE_EDITOR, Role.ADMINISTRATOR)
VALUE_DONE = {
    "comment": _("Your comment is added; the zone's editors are told."),
    "mark": _("The value is marked for follow-up."),
    "resolve": _("The follow-up is resolved."),
}


def _value_for(user, enterprise_id: int, period: str, field: str) -> review.Value:
    """The value; 404 when its enterprise is not the user's to see (another zone's, for an editor),
    403 for a user who may see the enterprise but not its comments (a viewer)."""
    enterprise = get_object_or_404(Enterprise.objects.select_related("zone"), pk=enterprise_id)
    if can_view(user) and not can_see_enterprises(user, enterprise.zone):
        raise Http404
    if not can_discuss_values(user, enterprise.zone):
        raise PermissionDenied
    try:
        return review.Value(enterprise, period, field)
    except ValidationError:
        raise Http404 from None


@role_required(*EDITORS)
def value_page(request, enterprise, period, field):
    """A figure of a return with its last 12 periods, its comments and its follow-up mark."""
    value = _value_for(request.user, enterprise, period, field)
    if request.method == "POST":
        action = request.POST.get("action", "")
        text = request.POST.get("text", "")
        steps = {
            "comment": lambda: review.comment(user=request.user, value=value, text=text),
            "mark": lambda: review.mark(user=request.user, value=value),
            "resolve": lambda: review.resolve(user=request.user, value=value, note=text),
        }
        if action not in steps:
            raise Http404
        try:
            steps[action]()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, VALUE_DONE[action])
            return redirect(value.url)
    history = review.history(value)
    labels = [label for label, _figure in history.points]
    here = labels.index(value.period_label) if value.period_label in labels else None
    context = {
        "value": value,
        "history": history,
        "chart": history_chart(value.label, history.points, highlight=here),
        "comments": review.thread(value),
        "follow_up": review.follow_up_of(value),
    }
    return render(request, "reporting/value.html", context)


def _zone_of(user, code: str) -> Zone | None:
    """The zone-period's zone (``OUTSIDE_ZONES``: None) for a reviewer: 404 outside the user's
    province, 403 for a user who may not see its comments (viewers, another zone's editors)."""
    zone = None if code == OUTSIDE_ZONES else get_object_or_404(Zone, code=code)
    if not can_see_zone(user, zone):
        raise Http404
    if not can_discuss_values(user, zone):
        raise PermissionDenied
    return zone


def _period(text: str) -> Period:
    try:
        period = Period.parse(text)
    except ValidationError:
        raise Http404 from None
    if str(period) != text:
        raise Http404
    return period


@role_required(*EDITORS)
def zone_review_page(request, period, zone):
    """Everything a reviewer reads before approving or returning a zone-period, and both steps."""
    period = _period(period)
    zone = _zone_of(request.user, zone)
    found = zone_review.zone_review(zone, period)
    if found is None:
        raise Http404
    context = {
        "review": found,
        "period": period,
        "code": found.cycle.code,
        "is_administrator": is_administrator(request.user),
        "here": request.path,
    }
    return render(request, "reporting/review.html", context)


@role_required(Role.ADMINISTRATOR)
def approval_queue(request, period):
    """Every zone's status for the period; the submitted zones chosen are approved together."""
    period = _period(period)
    if request.method == "POST":
        codes = request.POST.getlist("zone")
        try:
            approved = zone_review.approve_many(period=period, codes=codes, user=request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s zone approved: its period is now closed to changes.",
                    "%(n)s zones approved: their period is now closed to changes.",
                    len(approved),
                )
                % {"n": len(approved)},
            )
        return redirect("approval-queue", str(period))
    context = {"period": period, "rows": zone_review.queue(period), "deadline": deadlines.deadline(period)}
    return render(request, "reporting/queue.html", context)
