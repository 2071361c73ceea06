"""The read-only JSON API: indicators, periods, zones and enterprises with their latest figures.

Authenticated by the session or by a per-user token (``Authorization: Token <key>``). Zone
editors' requests see only their own zones. Errors are JSON: ``{"status": 400, "error": "..."}``;
config.middleware.ApiErrorMiddleware turns Django's own error pages under /api/ (404, 405, 500,
503) into the same shape.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from core.periods import Period
from enterprises.access import visible
from enterprises.models import Return
from reports.engine import contract, indicators
from reports.engine.summary import enterprise_rows
from zones.access import can_see_enterprises, province_zones
from zones.models import ApiToken, Zone
from zones.roles import role_of

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JsonResponse:
    return JsonResponse({"status": status, "error": message}, status=status)


def ok(data) -> HttpResponse:
    return HttpResponse(contract.dumps(data), content_type="application/json")


def api_view(view):
    """Authenticate (token or session), require a role, turn ApiError into a JSON error.

    Exempt from the CSRF check: the API only reads (anything but GET is answered 405 before any
    other check), and a token client has no CSRF cookie to send, so the check would only replace
    that 405 with an HTML page.
    """

    @csrf_exempt
    @wraps(view)
    @require_GET
    def wrapped(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _sep, key = header.partition(" ")
            token = ApiToken.authenticate(key.strip()) if scheme.lower() in ("token", "bearer") else None
            if token is None:
                return error_response(401, _("Invalid or revoked API token."))
            request.user, request.api_token = token.user, token
        if not request.user.is_authenticated:
            return error_response(401, _("Authentication required: log in or send an API token."))
        if role_of(request.user) is None:
            return error_response(403, _("Your account has no role in this application."))
        try:
            return view(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error.status, error.message)

    return wrapped


def token_zone_codes(request) -> set[str] | None:
    """The zones an API token is restricted to by an administrator, or None (its user's view)."""
    token = getattr(request, "api_token", None)
    return token.zone_codes() if token is not None else None


def requested_period(request) -> Period:
    value = request.GET.get("period")
    if not value:
        periods = Return.objects.periods_with_data()
        if not periods:
            raise ApiError(404, _("No returns have been entered yet."))
        return periods[0]
    try:
        return Period.parse(value)
    except ValidationError as error:
        raise ApiError(400, " ".join(error.messages)) from None


def requested_zones(request) -> list[str] | None:
    """The scope asked for (repeat ``zone=``): every role sees the indicators of every zone, so no
    zone is the province; a token restricted to zones sees those only (no zone: all of them), and a
    user limited to a province sees its zones only (no zone: the province)."""
    codes = sorted({c.strip().upper() for c in request.GET.getlist("zone") if c.strip()})
    known = set(Zone.objects.filter(code__in=codes).values_list("code", flat=True)) if codes else set()
    unknown = sorted(set(codes) - known)
    if unknown:
        raise ApiError(400, _("Unknown zone code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
    restricted = _visible_zone_codes(request)
    own = province_zones(request.user)
    if own is not None:
        outside = sorted(set(codes) - set(own))
        if outside:
            message = _("Zone(s) %(codes)s lie outside your province.") % {"codes": ", ".join(outside)}
            raise ApiError(403, message)
    if restricted is None:
        return codes or None
    if not codes:
        return sorted(restricted)
    forbidden = sorted(set(codes) - restricted)
    if forbidden:
        raise ApiError(403, _("This token may not see zone(s) %(codes)s.") % {"codes": ", ".join(forbidden)})
    return codes


def positive_int(request, name: str, default: int, maximum: int | None = None) -> int:
    value = request.GET.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ApiError(400, _("%(name)s must be a whole number.") % {"name": name}) from None
    if number < 1 or (maximum and number > maximum):
        raise ApiError(
            400, _("%(name)s must be between 1 and %(max)s.") % {"name": name, "max": maximum or "∞"}
        )
    return number


@api_view
def indicators_view(request):
    period = requested_period(request)
    codes = requested_zones(request)
    figures = indicators.compute(period, codes)
    return ok(contract.payload(period, codes, figures, indicators.not_collected(codes)))


@api_view
def periods_view(request):
    periods = Return.objects.periods_with_data()
    return ok(
        {
            "periods": [
                {"id": str(p), "label": p.label(), "start": p.start.isoformat(), "end": p.end.isoformat()}
                for p in periods
            ]
        }
    )


def _visible_zone_codes(request) -> set[str] | None:
    """The zones the token and the user's province leave visible (None: every zone)."""
    restricted = token_zone_codes(request)
    own = province_zones(request.user)
    if own is not None:
        restricted = set(own) if restricted is None else restricted & set(own)
    return restricted


@api_view
def zones_view(request):
    zones = Zone.objects.select_related("province").order_by("code")
    restricted = _visible_zone_codes(request)
    if restricted is not None:
        zones = zones.filter(code__in=restricted)
    return ok(
        {
            "zones": [
                {"code": z.code, "name": z.name, "kind": z.kind, "province": z.province.name} for z in zones
            ]
        }
    )


# The per-enterprise figures the API lists, under the rows' own (DOMAIN.md) names.
ENTERPRISE_FIELDS = (
    "workers",
    "party_members",
    "union_members",
    "new_union_members",
    "introduced_to_party",
    "admitted_to_party",
    "awareness_class_attendees",
    "proposed_for_admission",
    # People (DOMAIN.md "People"): counts, never names.
    "probationary_party_members",
    "became_official",
    "probation_not_recognized",
    "conversions_due",
    "conversions_overdue",
    "owner_manager_party_members",
    "owners_managers_admitted",
    "leaders_trained_intermediate",
    "leaders_trained_advanced",
    "members_with_association_cell",
    "members_at_residence",
    "has_party_org",
    "has_union",
    "reported",
)
BOOLEAN_FIELDS = {"has_party_org", "has_union", "reported"}


def _json_value(name, value):
    """SQLite returns EXISTS as 0/1; the API says true/false."""
    return bool(value) if name in BOOLEAN_FIELDS else value


def _check_enterprise_zones(user, codes) -> None:
    """403 for a zone whose enterprise rows the user may not see (another zone's, for an editor)."""
    hidden = sorted(
        zone.code for zone in Zone.objects.filter(code__in=codes or []) if not can_see_enterprises(user, zone)
    )
    if hidden:
        message = _("You may not see the enterprises of zone(s) %(codes)s.") % {"codes": ", ".join(hidden)}
        raise ApiError(403, message)


@api_view
def enterprises_view(request):
    """Operating enterprises in scope with their figures for the period (latest return within it)."""
    period = requested_period(request)
    codes = requested_zones(request)
    hidden = [
        code for code in codes or [] if not can_see_enterprises(request.user, Zone.objects.get(code=code))
    ]
    if hidden:
        message = _("You may not see the enterprises of zone(s) %(codes)s.") % {"codes": ", ".join(hidden)}
        raise ApiError(403, message)
    page_size = positive_int(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    number = positive_int(request, "page", 1)
    rows = (
        visible(request.user, enterprise_rows(period, codes))
        .order_by("tax_code")
        .values("tax_code", "name", "zone_code", "ownership", *ENTERPRISE_FIELDS)
    )
    paginator = Paginator(rows, page_size)
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise ApiError(404, _("Page %(page)s does not exist.") % {"page": number}) from None
    results = [
        {
            "tax_code": row["tax_code"],
            "name": row["name"],
            "zone": row["zone_code"],
            "ownership": row["ownership"],
            **{name: _json_value(name, row[name]) for name in ENTERPRISE_FIELDS},
        }
        for row in page.object_list
    ]
    return ok(
        {
            "period": str(period),
            "zones": codes or [],
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "page_size": page_size,
            "results": results,
        }
    )
