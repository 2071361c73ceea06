"""The periodic report on the reports page: its download, and the administrator's draft, edited and
saved as numbered versions that download again byte for byte (django-simple-history records who
saved which)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from enterprises.models import Return
from reports.documents import periodic
from reports.documents.views import EXPORT_PERMISSION, ReportForm
from reports.models import ExportKind, ExportLog, ReportVersion
from zones.access import role_required
from zones.roles import Role


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, required=False)


class AssessmentForm(forms.Form):
    """The paragraphs an administrator may rewrite; the figures and tables stay the engine's."""

    assessment = forms.CharField(
        label=_("Assessment"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("Paragraphs separated by an empty line."),
    )
    tasks = forms.CharField(
        label=_("Tasks for the next period"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )


def _scope(request):
    """The period, scope and language asked for, as the reports page reads them; None when invalid."""
    form = ReportForm(request.GET, Return.objects.periods_with_data(), request.user)
    chosen = LanguageForm(request.GET)
    if not form.is_valid() or not chosen.is_valid():
        return None
    built = form.build(request.user)
    # Unless asked for another, the document is in the language the user reads the page in.
    return built.period, built.zones, chosen.cleaned_data["language"] or request.LANGUAGE_CODE


def _no_scope() -> HttpResponse:
    return HttpResponse(_("Choose a period with data."), status=400, content_type="text/plain; charset=utf-8")


def _docx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=periodic.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@role_required()
@permission_required(EXPORT_PERMISSION, raise_exception=True)
def document_download(request):
    """The generated periodic report for the period and scope of the reports page."""
    scope = _scope(request)
    if scope is None:
        return _no_scope()
    period, codes, language = scope
    ExportLog.objects.create(
        user=request.user,
        kind=ExportKind.REPORT,
        file_format="docx",
        period=str(period),
        zones=" ".join(codes or []),
        filters={"language": language},
    )
    return _docx_response(
        periodic.document(period, codes, language), periodic.filename(period, codes, language)
    )


@role_required(Role.ADMINISTRATOR)
def document_draft(request):
    """GET: the generated draft's assessment, editable, and the saved versions; POST: save a version."""
    scope = _scope(request)
    if scope is None:
        return _no_scope()
    period, codes, language = scope
    zones = " ".join(codes or [])
    draft = periodic.draft_in(period, codes, language)
    form = AssessmentForm(request.POST or None, initial=draft.assessment)
    if request.method == "POST" and form.is_valid():
        draft.assessment = {name: form.cleaned_data[name] for name in periodic.ASSESSMENT_FIELDS}
        content = periodic.render(draft, language)
        with transaction.atomic():
            last = ReportVersion.objects.filter(period=str(period), zones=zones).aggregate(n=Max("number"))[
                "n"
            ]
            ReportVersion.objects.create(
                period=str(period),
                zones=zones,
                language=language,
                number=(last or 0) + 1,
                assessment=draft.assessment,
                content=content,
                created_by=request.user,
            )
        return redirect(f"{reverse('report-document-draft')}?{request.GET.urlencode()}")
    versions = ReportVersion.objects.filter(period=str(period), zones=zones).select_related("created_by")
    return render(
        request,
        "exports/report_document.html",
        {
            "form": form,
            "period": period,
            "scope_label": draft.scope_label,
            "language": language,
            "query": request.GET.urlencode(),
            "versions": versions.defer("content"),
        },
    )


@require_safe
@role_required()
@permission_required(EXPORT_PERMISSION, raise_exception=True)
def version_download(request, pk: int):
    """A saved version, exactly the bytes that were saved."""
    version = get_object_or_404(ReportVersion, pk=pk)
    name = f"bao-cao-{version.period}-{version.zones.replace(' ', '-') or 'province'}-v{version.number}.docx"
    return _docx_response(bytes(version.content), name)
