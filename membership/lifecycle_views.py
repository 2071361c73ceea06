"""Founding, upgrading and dissolving party organizations and unions; attaching enterprises.

Each view gets its object through ``zones.access`` (write access: the host enterprise's zone; other
host bodies are outside every zone, so administrators only), validates a small form and calls
``membership.services``. After a change, the user goes back to the enterprise's page of actions.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from enterprises.access import get_enterprise_for_user
from membership import services
from membership.access import get_party_organization_for_user, get_union_for_user
from membership.forms import AttachForm, DissolveForm, PartyOrgFoundForm, UnionFoundForm, UpgradeForm
from membership.models import Attachment, GrassrootsUnion, PartyOrganization, PartyOrganizationLevel
from zones.access import role_required
from zones.roles import Role

EDITORS = (Role.ZONE_EDITOR, Role.ADMINISTRATOR)


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's errors beside the fields they name, the rest above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _back(organization_or_enterprise) -> str:
    enterprise = getattr(organization_or_enterprise, "host_enterprise", organization_or_enterprise)
    if enterprise is None:
        return reverse("organization-entry")
    return reverse("enterprise-organizations", args=[enterprise.pk])


def _form_page(request, form, *, title, subject, back, submit, intro=""):
    context = {
        "form": form,
        "title": title,
        "subject": subject,
        "back": back,
        "submit": submit,
        "intro": intro,
    }
    return render(request, "membership/lifecycle/form.html", context)


_LEVELS = Prefetch("levels", queryset=PartyOrganizationLevel.objects.order_by("since"))


def _with_level(organizations) -> list[PartyOrganization]:
    """Set ``level_now`` from the prefetched level history (no query per organization)."""
    organizations = list(organizations)
    for organization in organizations:
        levels = list(organization.levels.all())
        organization.level_now = levels[-1].level if levels else None
    return organizations


@require_safe
@role_required(*EDITORS)
def lifecycle_index(request):
    """Organizations of other bodies than enterprises (the Business Association cell)."""
    organizations = (
        PartyOrganization.objects.filter(host_enterprise__isnull=True)
        .prefetch_related(_LEVELS)
        .order_by("dissolved_on", "name")
    )
    return render(request, "membership/lifecycle/index.html", {"organizations": _with_level(organizations)})


@require_safe
@role_required(*EDITORS)
def enterprise_organizations(request, pk):
    """An enterprise's party organizations (with their levels), unions and attachment, and the actions."""
    enterprise = get_enterprise_for_user(request.user, pk, write=True)
    organizations = enterprise.party_organizations.prefetch_related(_LEVELS).order_by("founded_on")
    unions = (
        GrassrootsUnion.objects.filter(enterprise=enterprise)
        .select_related("enterprise")
        .order_by("founded_on")
    )
    attachment = Attachment.objects.filter(enterprise=enterprise).select_related("organization").first()
    context = {
        "enterprise": enterprise,
        "organizations": _with_level(organizations),
        "unions": list(unions),
        "attachment": attachment,
    }
    context["has_organization"] = any(o.dissolved_on is None for o in context["organizations"])
    context["has_union"] = any(u.dissolved_on is None for u in context["unions"])
    return render(request, "membership/lifecycle/enterprise.html", context)


def _found_party_org(request, *, enterprise, zone):
    form = PartyOrgFoundForm(request.POST or None, user=request.user, zone=zone, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organization = services.party_org_found(
                name=data["name"],
                level=data["level"],
                founded_on=data["founded_on"],
                founding_members=data["founding_members"],
                host_enterprise=enterprise,
                host_body=data.get("host_body", ""),
                user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(name)s is founded.") % {"name": organization.name})
            return redirect(_back(organization))
    return _form_page(
        request,
        form,
        title=_("Found a party organization"),
        subject=enterprise.name if enterprise else _("Another host body"),
        back=_back(enterprise),
        submit=_("Found"),
    )


@role_required(*EDITORS)
def party_org_found(request, pk):
    enterprise = get_enterprise_for_user(request.user, pk, write=True)
    return _found_party_org(request, enterprise=enterprise, zone=enterprise.zone)


@role_required(Role.ADMINISTRATOR)
def party_org_found_body(request):
    """An organization hosted by another body belongs to no zone: administrators only."""
    return _found_party_org(request, enterprise=None, zone=None)


@role_required(*EDITORS)
def party_org_upgrade(request, pk):
    organization = get_party_organization_for_user(request.user, pk, write=True)
    zone = organization.host_enterprise.zone if organization.host_enterprise else None
    form = UpgradeForm(request.POST or None, user=request.user, zone=zone, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.party_org_upgrade(
                organization=organization,
                since=form.cleaned_data["since"],
                name=form.cleaned_data["name"],
                user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            name = form.cleaned_data["name"] or organization.name
            messages.success(
                request, _("%(name)s is a grassroots party committee from now on.") % {"name": name}
            )
            return redirect(_back(organization))
    return _form_page(
        request,
        form,
        title=_("Upgrade to a grassroots party committee"),
        subject=organization.name,
        back=_back(organization),
        submit=_("Upgrade"),
        intro=_("The organization's history is kept: earlier periods still count it as a cell."),
    )


@role_required(*EDITORS)
def party_org_dissolve(request, pk):
    organization = get_party_organization_for_user(request.user, pk, write=True)
    zone = organization.host_enterprise.zone if organization.host_enterprise else None
    form = DissolveForm(request.POST or None, user=request.user, zone=zone)
    if request.method == "POST" and form.is_valid():
        try:
            services.party_org_dissolve(
                organization=organization, dissolved_on=form.cleaned_data["dissolved_on"], user=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(name)s is recorded as dissolved.") % {"name": organization.name})
            return redirect(_back(organization))
    return _form_page(
        request,
        form,
        title=_("Dissolve a party organization"),
        subject=organization.name,
        back=_back(organization),
        submit=_("Dissolve"),
        intro=_("It still counts in the periods ending before the dissolution date, not in later ones."),
    )


@role_required(*EDITORS)
def union_found(request, pk):
    enterprise = get_enterprise_for_user(request.user, pk, write=True)
    form = UnionFoundForm(request.POST or None, user=request.user, zone=enterprise.zone)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.union_found(
                enterprise=enterprise,
                name=data["name"],
                founded_on=data["founded_on"],
                founding_members=data["founding_members"],
                user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The grassroots union of %(name)s is founded.") % {"name": enterprise.name}
            )
            return redirect(_back(enterprise))
    return _form_page(
        request,
        form,
        title=_("Found a grassroots union"),
        subject=enterprise.name,
        back=_back(enterprise),
        submit=_("Found"),
    )


@role_required(*EDITORS)
def union_dissolve(request, pk):
    union = get_union_for_user(request.user, pk, write=True)
    form = DissolveForm(request.POST or None, user=request.user, zone=union.enterprise.zone)
    if request.method == "POST" and form.is_valid():
        try:
            services.union_dissolve(
                union=union, dissolved_on=form.cleaned_data["dissolved_on"], user=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(name)s is recorded as dissolved.") % {"name": union})
            return redirect(_back(union.enterprise))
    return _form_page(
        request,
        form,
        title=_("Dissolve a grassroots union"),
        subject=str(union),
        back=_back(union.enterprise),
        submit=_("Dissolve"),
    )


@role_required(*EDITORS)
def enterprise_attach(request, pk):
    enterprise = get_enterprise_for_user(request.user, pk, write=True)
    form = AttachForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"]
        try:
            services.enterprise_attach(
                enterprise=enterprise,
                organization=organization,
                since=form.cleaned_data["since"],
                user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The party members of %(enterprise)s are looked after by %(organization)s.")
                % {"enterprise": enterprise.name, "organization": organization.name},
            )
            return redirect(_back(enterprise))
    return _form_page(
        request,
        form,
        title=_("Attach to a caretaker organization"),
        subject=enterprise.name,
        back=_back(enterprise),
        submit=_("Attach"),
        intro=_(
            "For an enterprise with party members but no organization of its own: its members take part "
            "in the activities of the organization chosen here."
        ),
    )


@role_required(*EDITORS)
@require_POST
def enterprise_detach(request, pk):
    enterprise = get_enterprise_for_user(request.user, pk, write=True)
    try:
        services.enterprise_detach(enterprise=enterprise, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(enterprise)s is no longer attached.") % {"enterprise": enterprise.name}
        )
    return redirect(_back(enterprise))
