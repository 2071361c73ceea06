"""Dashboard pages: the province, the zones of one kind together, one zone. Every role may view them."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from reports import dashboard, pages
from reports.reporting_views import due_cycles
from reports.rows import enterprise_rows
from reports.tables import EnterpriseTable
from zones.access import can_see_enterprises, get_zone_for_user, role_required
from zones.models import Zone, ZoneKind
from zones.roles import Role, role_of


def _render(request, scope, periods, period, **extra):
    context = {"periods": periods, "period": period, "scope": scope, **extra}
    # Organizations of other bodies count as outside every zone: their pages are not every role's.
    context["can_open_outside"] = can_see_enterprises(request.user, None)
    zones = scope.zones if scope.kind == "province" else list(Zone.objects.order_by("code"))
    context["zone_links"] = zones
    context["zone_groups"] = pages.zone_groups(zones)
    if period:
        context.update(dashboard.Dashboard(period, scope, periods, request.user).context())
    return render(request, "reports/dashboard.html", context)


@role_required()
def home(request):
    periods, period = pages.period_choice(request)
    scope = pages.province_scope(_("The whole province"))
    # A zone editor starts here: what their zones must report next, by when, and who has not yet.
    due = due_cycles(request.user, missing=5) if role_of(request.user) == Role.ZONE_EDITOR else []
    return _render(
        request,
        scope,
        periods,
        period,
        outside_organizations=pages.hosted_outside_enterprises(),
        reporting_due=due,
    )


@role_required()
def zone_kind_detail(request, kind):
    """All zones of one kind together: the three industrial zones of the press report's figures."""
    if kind not in ZoneKind.values:
        raise Http404(_("Unknown kind of zone."))
    zones = list(Zone.objects.filter(kind=kind).order_by("code"))
    if not zones:
        raise Http404(_("No zone of this kind."))
    periods, period = pages.period_choice(request)
    return _render(request, pages.kind_scope(kind, zones), periods, period)


@role_required()
def zone_detail(request, code):
    zone = get_zone_for_user(request.user, code)
    periods, period = pages.period_choice(request)
    table = None
    # Its enterprises are listed to viewers, administrators and the zone's own editors.
    if period and can_see_enterprises(request.user, zone):
        rows = enterprise_rows(period, [zone.code]).order_by("search_name", "tax_code")
        table = EnterpriseTable(rows, exclude=("zone_code",))
        RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return _render(request, pages.zone_scope(zone), periods, period, zone=zone, table=table)
