"""Data entry by zone boards: enterprise forms and closed periods (the grid and data quality: reports).

Every view asks ``zones.access`` who may do what; writes go through ``enterprises.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.periods import Period
from enterprises import services
from enterprises.access import get_enterprise_for_user
from enterprises.forms import EnterpriseCloseForm, EnterpriseForm, PeriodLockForm
from enterprises.models import PeriodLock
from zones.access import role_required
from zones.roles import Role

EDITORS = (Role.ZONE_EDITOR, Role.ADMINISTRATOR)

ENTERPRISE_CHANGED_MEANWHILE = gettext_lazy(
    "Someone else saved this enterprise while you were editing it. "
    "Nothing was saved: the form now shows the newer values."
)


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
