"""Party organization pages: the list, and one organization's members over time and level history.

Members over time come from the organization's own returns (OrganizationReturn) when it is hosted
by another body, such as the Business Association cell; from its host enterprise's returns otherwise.
"""

from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.periods import Period
from enterprises.models import Return
from membership.access import get_party_organization_for_user, visible_organizations
from membership.history import organization_history
from membership.models import OrganizationReturn, PartyOrganizationLevel, PartyOrgLevel
from reports.dashboards.page_cache import cached_page
from reports.display import charts
from zones.access import role_required


@require_safe
@role_required()
@cached_page
def organization_list(request):
    """Every party organization with its newest level and its latest reported party members (from
    its host enterprise's returns, or its own for another body); ``?outside=1``: those hosted outside
    enterprises."""
    latest_level = PartyOrganizationLevel.objects.in_force(OuterRef("pk"))
    host_members = Return.objects.filter(
        enterprise=OuterRef("host_enterprise"), party_members__isnull=False
    ).order_by("-ends_on")
    own_members = OrganizationReturn.objects.filter(
        organization=OuterRef("pk"), party_members__isnull=False
    ).order_by("-ends_on")
    organizations = visible_organizations(request.user).select_related("host_enterprise__zone")
    organizations = organizations.annotate(
        level=Subquery(latest_level.values("level")[:1]),
        members=Coalesce(
            Subquery(host_members.values("party_members")[:1]),
            Subquery(own_members.values("party_members")[:1]),
        ),
    ).order_by("name", "pk")
    outside = request.GET.get("outside") == "1"
    if outside:
        organizations = organizations.filter(host_enterprise__isnull=True)
    query = request.GET.get("q", "").strip()
    if query:
        organizations = organizations.filter(Q(name__icontains=query) | Q(host_body__icontains=query))
    page = Paginator(organizations, 50).get_page(request.GET.get("page"))
    levels = dict(PartyOrgLevel.choices)
    for organization in page:
        organization.level_label = levels.get(organization.level, "")
    return render(
        request, "membership/organization_list.html", {"page": page, "outside": outside, "q": query}
    )


@require_safe
@role_required()
@cached_page
def organization_detail(request, pk):
    """Founding, level changes, dissolution, former names, members over time, attached enterprises.
    Six queries."""
    organization = get_party_organization_for_user(request.user, pk)
    levels = list(organization.levels.order_by("since"))
    attachments = list(organization.attachments.select_related("enterprise").order_by("enterprise__name"))
    # A cell renamed on upgrade ("Chi bộ X" -> "Đảng bộ X") is still found under its old name.
    names = organization.history.order_by("history_id").values_list("name", flat=True)
    former_names = list(dict.fromkeys(name for name in names if name != organization.name))
    if organization.host_enterprise_id:
        source = Return.objects.filter(enterprise_id=organization.host_enterprise_id)
        source_label = _("returns of the host enterprise")
    else:
        source = organization.returns.all()
        source_label = _("the organization's own returns")
    members = [
        (Period.parse(period), value)
        for period, value in source.filter(party_members__isnull=False)
        .order_by("starts_on", "ends_on")
        .values_list("period", "party_members")
    ]
    chart = charts.lines(
        [p.label() for p, _value in members],  # people's labels on the axis, not period codes
        [(_("Party members"), [v for _p, v in members])],
        _("party members"),
    )
    return render(
        request,
        "membership/organization_detail.html",
        {
            "organization": organization,
            "current_level": levels[-1].get_level_display() if levels else None,
            "history": organization_history(organization, levels),
            "former_names": former_names,
            "members": members,
            "source_label": source_label,
            "attachments": attachments,
            "chart": chart,
        },
    )
