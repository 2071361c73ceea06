"""Annual targets: everyone with a role sees them; administrators create and edit them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports.models import Target
from reports.targets.forms import TargetForm
from zones.access import role_required
from zones.models import Province
from zones.roles import Role


@require_safe
@role_required()
def target_list(request):
    # Each target names its zone or province: joins instead of a query per row.
    targets = Target.objects.select_related("zone", "province").order_by(
        "-year", "indicator", "province__code", "zone__code"
    )
    several = Province.objects.count() > 1
    return render(request, "targets/target_list.html", {"targets": targets, "several_provinces": several})


@role_required(Role.ADMINISTRATOR)
def target_create(request):
    form = TargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = form.save()
        messages.success(request, _("Target saved: %(target)s.") % {"target": target})
        return redirect("target-list")
    return render(request, "targets/target_form.html", {"form": form, "target": None})


@role_required(Role.ADMINISTRATOR)
def target_edit(request, pk):
    target = get_object_or_404(Target.objects.select_related("zone", "province"), pk=pk)
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        target = form.save()
        messages.success(request, _("Target saved: %(target)s.") % {"target": target})
        return redirect("target-list")
    return render(request, "targets/target_form.html", {"form": form, "target": target})
