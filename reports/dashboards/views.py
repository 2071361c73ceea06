"""Dashboard pages: the installation (with several provinces: one row per province), a province,
the zones of one kind together, one zone. Every role may view them, within the province a user
is limited to."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports.cycle.views import due_cycles
from reports.dashboards import dashboard
from reports.dashboards.page_cache import cached_page
from reports.display import pages
from zones.access import can_see_enterprises, can_see_zone, get_zone_for_user, province_zones, role_required
from zones.models import Province, Zone, ZoneKind
from zones.roles import Role, province_limit_id, role_of


def _render(request, scope, periods, period, provinces=None, **extra):
    provinces = pages.provinces_if_several() if provinces is None else provinces
    context = {"periods": periods, "period": period, "scope": scope, **extra}
    # Organizations of other bodies count as outside every zone: their pages are not every role's.
    context["can_open_outside"] = can_see_enterprises(request.user, None)
    if provinces:
        # Several provinces: the navigation names provinces, and a province's own zones and kinds.
        context["zone_links"], context["zone_groups"] = [], []
        context["province_links"] = provinces
        context["province_zones"] = scope.zones if scope.province else []
        context["province_kinds"] = pages.zone_groups(scope.zones) if scope.province else []
    else:
        zones = scope.zones if scope.kind == "province" else list(Zone.objects.order_by("code"))
        context["zone_links"] = zones
        context["zone_groups"] = pages.zone_groups(zones)
    if period:
        context.update(dashboard.Dashboard(period, scope, periods, request.user).context())
    return render(request, "reports/dashboard.html", context)


@require_safe
@role_required()
@cached_page
def home(request):
    provinces = pages.provinces_if_several()
    if provinces and province_zones(request.user) is not None:
        # A user limited to a province starts on its page: the installation is not theirs to see.
        code = next(p.code for p in provinces if p.pk == province_limit_id(request.user))
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(reverse("province-detail", args=[code]) + query)
    periods, period = pages.period_choice(request)
    if provinces:
        scope = pages.national_scope(_("The whole installation"), provinces)
    else:
        scope = pages.province_scope(_("The whole province"))
    # A zone editor starts here: what their zones must report next, by when, and who has not yet.
    due = due_cycles(request.user, missing=5) if role_of(request.user) == Role.ZONE_EDITOR else []
    return _render(
        request,
        scope,
        periods,
        period,
        provinces,
        outside_organizations=pages.hosted_outside_enterprises(),
        reporting_due=due,
    )


@require_safe
@role_required()
@cached_page
def province_detail(request, code):
    """One province of several: its zones and zone kinds. With one province, the home page is it."""
    province = get_object_or_404(Province, code=code)
    provinces = pages.provinces_if_several()
    if not provinces:
        return redirect(reverse("home") + (f"?{request.GET.urlencode()}" if request.GET else ""))
    own = province_zones(request.user)
    if own is not None and province_limit_id(request.user) != province.pk:
        raise Http404(_("No such province."))
    periods, period = pages.period_choice(request)
    scope = pages.own_province_scope(province)
    return _render(request, scope, periods, period, provinces)


@require_safe
@role_required()
@cached_page
def zone_kind_detail(request, kind):
    """All zones of one kind together: the three industrial zones of the press report's figures;
    with ``?province=CODE``, those of one province."""
    if kind not in ZoneKind.values:
        raise Http404(_("Unknown kind of zone."))
    zones = Zone.objects.filter(kind=kind).select_related("province").order_by("code")
    if request.GET.get("province"):
        zones = zones.filter(province__code=request.GET["province"])
    zones = [zone for zone in zones if can_see_zone(request.user, zone)]
    if not zones:
        raise Http404(_("No zone of this kind."))
    periods, period = pages.period_choice(request)
    return _render(request, pages.kind_scope(kind, zones), periods, period)


@require_safe
@role_required()
@cached_page
def zone_detail(request, code):
    """One zone: its figures and their distribution; the list of its enterprises is one link away
    (the enterprise table), so the page costs the same whatever the zone's size."""
    zone = get_zone_for_user(request.user, code)
    periods, period = pages.period_choice(request)
    return _render(request, pages.zone_scope(zone), periods, period, zone=zone)
