"""The report page and its downloads (CSV, XLSX, PDF): the same numbers in every format."""

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core.periods import Period
from enterprises.models import Return
from reports.display import charts_svg, labels
from reports.documents import exports, report
from reports.models import ExportKind, ExportLog
from zones.access import province_zones, role_required, scope_codes
from zones.models import Zone
from zones.roles import Role, role_of

EXPORT_PERMISSION = "reports.export_reports"


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    zones = forms.ModelMultipleChoiceField(
        label=_("Zones"),
        queryset=Zone.objects.order_by("code"),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the whole province."),
    )
    breakdowns = forms.MultipleChoiceField(
        label=_("Breakdowns"),
        choices=[(b, labels.BREAKDOWN_LABELS[b]) for b in report.BREAKDOWNS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data, periods: list[Period], user):
        data = data.copy()
        if periods and not data.get("period"):
            data["period"] = str(periods[0])
        if not data.getlist("breakdowns"):
            data.setlist("breakdowns", ["zone"])
        super().__init__(data)
        self.fields["period"].choices = [(str(p), p.label()) for p in periods]
        own = province_zones(user)
        if own is not None:  # a user limited to a province reports on its zones only
            self.fields["zones"].queryset = Zone.objects.filter(code__in=own).order_by("code")
            self.fields["zones"].help_text = _("None ticked: your whole province.")

    def build(self, user) -> report.CoverageReport:
        period = Period.parse(self.cleaned_data["period"])
        zones = scope_codes(user, [z.code for z in self.cleaned_data["zones"]] or None)
        return report.build(period, zones, self.cleaned_data["breakdowns"], user=user)


@require_safe
@role_required()
def report_page(request):
    form = ReportForm(request.GET, Return.objects.periods_with_data(), request.user)
    built = form.build(request.user) if form.is_valid() else None
    context = {
        "form": form,
        "report": built,
        "query": request.GET.urlencode(),
        "can_export": request.user.has_perm(EXPORT_PERMISSION),
        "is_administrator": role_of(request.user) == Role.ADMINISTRATOR,
    }
    if built:
        context |= report.tables(built)
        context["charts"] = charts_svg.report_charts(built)
    return render(request, "exports/report_page.html", context)


@require_safe
@role_required()
@permission_required(EXPORT_PERMISSION, raise_exception=True)
def report_download(request, file_format):
    form = ReportForm(request.GET, Return.objects.periods_with_data(), request.user)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[f].label if f in form.fields else f}: {' '.join(e)}"
            for f, e in form.errors.items()
        )
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    built = form.build(request.user)
    ExportLog.objects.create(
        user=request.user,
        kind=ExportKind.REPORT,
        file_format=file_format,
        period=str(built.period),
        zones=" ".join(built.zones or []),
        filters={"breakdowns": [s.by for s in built.sections]},
    )
    response = HttpResponse(
        exports.WRITERS[file_format](built), content_type=exports.CONTENT_TYPES[file_format]
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(built, file_format)}"'
    return response
