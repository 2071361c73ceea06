"""The review pages (issue 33): one value (its thread, follow-up and history), the review of a
zone-period and the approval queue. Who may see what is ``zones.access``; the services check again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from reports.cycle import review
from reports.display.charts_svg import history_chart
from zones.access import can_discuss_values, can_see_enterprises, can_view, role_required
from zones.roles import Role

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
