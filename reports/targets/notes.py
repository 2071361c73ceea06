"""Notes of what happened (a directive, a campaign) and the projection's threshold: administrators
list, add and edit them on one page; each edit is kept in the note's history."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from reports.models import Annotation, PathSettings, TargetProfile
from reports.targets.forms import AnnotationForm, PathSettingsForm, TargetProfileForm
from zones.access import role_required
from zones.roles import Role


@role_required(Role.ADMINISTRATOR)
def note_list(request):
    """The notes, newest first, the form of a new one, the projection's threshold and the years'
    profiles (how their targets fall due)."""
    form = AnnotationForm(request.POST if request.POST.get("form") == "note" else None)
    current = PathSettings.current()
    settings_form = PathSettingsForm(
        request.POST if request.POST.get("form") == "settings" else None, instance=current
    )
    profile_form = TargetProfileForm(request.POST if request.POST.get("form") == "profile" else None)
    if request.method == "POST":
        if profile_form.is_bound and profile_form.is_valid():
            profile = profile_form.save()
            messages.success(
                request,
                _("Profile of %(year)s saved: %(weights)s.")
                % {"year": profile.year, "weights": profile.weights},
            )
            return redirect("note-list")
        if form.is_bound and form.is_valid():
            note = form.save()
            messages.success(request, _("Note saved: %(note)s.") % {"note": note})
            return redirect("note-list")
        if settings_form.is_bound and settings_form.is_valid():
            settings_form.save()
            messages.success(request, _("Projection threshold saved."))
            return redirect("note-list")
    notes = Annotation.objects.prefetch_related("zones")
    return render(
        request,
        "targets/notes.html",
        {
            "notes": notes,
            "form": form,
            "settings_form": settings_form,
            "profile_form": profile_form,
            "profiles": TargetProfile.objects.all(),
        },
    )


@role_required(Role.ADMINISTRATOR)
def note_edit(request, pk):
    note = get_object_or_404(Annotation, pk=pk)
    form = AnnotationForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        note = form.save()
        messages.success(request, _("Note saved: %(note)s.") % {"note": note})
        return redirect("note-list")
    history = note.history.order_by("-history_date", "-history_id")
    return render(request, "targets/note_form.html", {"form": form, "note": note, "history": history})
