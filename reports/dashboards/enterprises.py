"""The enterprise table (filtered, sorted, paginated, exported) and the enterprise page; read-only."""

from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core.periods import Period, one_year_later
from enterprises.access import get_enterprise_for_user, visible
from membership.history import enterprise_history, organization_history
from membership.models import Attachment
from reports.cycle import review
from reports.dashboards import enterprise_export as export
from reports.dashboards import table_pages
from reports.dashboards.filters import EnterpriseFilter
from reports.dashboards.page_cache import cached_page
from reports.dashboards.tables import TIEBREAK, EnterpriseTable
from reports.display import charts
from reports.display.pages import period_choice
from reports.engine import indicators
from reports.engine.rows import lifetime_flows
from reports.engine.summary import enterprise_rows
from reports.models import ExportKind, ExportLog
from zones.access import can_discuss_values, can_edit_zone, enterprise_zone_ids, role_required


@method_decorator(role_required(), name="dispatch")
@method_decorator(cached_page, name="get")
class EnterpriseListView(SingleTableMixin, FilterView):
    """Operating enterprises of the selected period with their figures, as the dashboard counts them.

    Queries: the periods with data, the zone choices of the filter form, the count (from the summary
    where it can say: ``table_pages``), the page (after the previous page's last row for "next").
    """

    table_class = EnterpriseTable
    filterset_class = EnterpriseFilter
    template_name = "enterprises/enterprise_list.html"
    table_pagination = {"per_page": 50}
    http_method_names = ["get", "head", "options"]  # a read-only page: POST answers 405

    def get_queryset(self):
        self.periods, self.period = period_choice(self.request)
        # With no returns at all, the table still lists the enterprises operating this year.
        period = self.period or Period.year_of(timezone.localdate().year)
        self.period = period
        rows = enterprise_rows(period, None, operating_only=False).order_by(*TIEBREAK)
        return visible(self.request.user, rows)

    def get_table_data(self):
        """The filtered rows, counted from the summary where it can say (else up to a cap), and from
        the row after ``after`` (the previous page's last, in the same order) when "next" says so."""
        rows = super().get_table_data()
        data = (
            self.filterset.form.cleaned_data if self.filterset.is_bound and self.filterset.is_valid() else {}
        )
        count = (
            table_pages.summary_count(self.period, data, enterprise_zone_ids(self.request.user))
            if data
            else None
        )
        self.count, self.more = (count, False) if count is not None else table_pages.counted(rows)
        self.keyset = False
        last = self.request.GET.get("after", "")
        if last.isdigit():
            sort = self.request.GET.get("sort", "") or "name"
            column = self.table_class.base_columns.get(sort.lstrip("-"))
            field = column.field if column is not None else "search_name"
            key = table_pages.key_of(rows, int(last), field)
            if key is not None:
                rows = table_pages.after(
                    rows, key, field, descending=sort.startswith("-") and column is not None
                )
                self.keyset = True
        return rows

    def get_table_pagination(self, table):
        return {
            **super().get_table_pagination(table),
            "paginator_class": table_pages.TablePaginator,
            "count": self.count,
            "more": self.more,
            "keyset": self.keyset,
        }

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        query.pop("after", None)
        return {
            **super().get_context_data(**kwargs),
            "periods": self.periods,
            "period": self.period,
            "more": self.more,
            "export_query": query.urlencode(),
            "can_export": self.request.user.has_perm("reports.export_reports"),
        }


@require_safe
@role_required()
@permission_required("reports.export_reports", raise_exception=True)
def enterprise_export(request, file_format):
    """The table behind the same filters (the drill-down links' too) as CSV or XLSX, streamed."""
    periods, period = period_choice(request)
    period = period or Period.year_of(timezone.localdate().year)
    rows = visible(request.user, enterprise_rows(period, None, operating_only=False).order_by(*TIEBREAK))
    filterset = EnterpriseFilter(request.GET, queryset=rows)
    if not filterset.is_valid():
        errors = "; ".join(
            f"{filterset.form.fields[f].label}: {' '.join(e)}" for f, e in filterset.errors.items()
        )
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    filters = [
        (str(filterset.form.fields[name].label), _filter_text(filterset.form, name, value))
        for name, value in filterset.form.cleaned_data.items()
        if value not in (None, "", [])
    ]
    ExportLog.objects.create(
        user=request.user,
        kind=ExportKind.ENTERPRISES,
        file_format=file_format,
        period=str(period),
        zones=" ".join(filterset.form.cleaned_data.get("zone") or []),
        filters={name: value for name, value in request.GET.lists() if name != "page"},
    )
    meta = export.metadata(period, filters, request.user)
    name = f"enterprises-{period}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(
            export.csv_stream(filterset.qs, meta), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(export.xlsx_file(filterset.qs, meta), as_attachment=True, filename=name)


def _filter_text(form, name, value) -> str:
    """A filter's value as the form shows it (the choice labels, not the codes)."""
    choices = dict(getattr(form.fields[name], "choices", []))
    values = value if isinstance(value, list | tuple) else [value]
    return ", ".join(str(choices.get(v, v)) for v in values)


STOCKS = (
    ("workers", gettext_lazy("Workers")),
    ("party_members", gettext_lazy("Party members")),
    ("union_members", gettext_lazy("Union members")),
)
FLOWS = (
    ("new_union_members", gettext_lazy("New union members")),
    ("awareness_class_attendees", gettext_lazy("Sent to awareness classes")),
    ("proposed_for_admission", gettext_lazy("Proposed for admission")),
    ("introduced_to_party", gettext_lazy("Introduced by the union")),
    ("admitted_to_party", gettext_lazy("Admitted to the party")),
)


PROBATION = (
    ("probationary_party_members", gettext_lazy("Probationary members")),
    ("admitted_to_party", gettext_lazy("Admitted to the party")),
    ("became_official", gettext_lazy("Recognized as official members")),
    ("probation_not_recognized", gettext_lazy("Not recognized")),
)
LEADERS = (
    ("owner_manager_party_members", gettext_lazy("Owners and managers in the party")),
    ("owners_managers_admitted", gettext_lazy("Owners and managers admitted")),
    ("leaders_trained_intermediate", gettext_lazy("Trained in intermediate political theory")),
    ("leaders_trained_advanced", gettext_lazy("Trained in advanced political theory")),
    ("members_with_association_cell", gettext_lazy("Members with the Business Association cell")),
    ("members_at_residence", gettext_lazy("Members active at their residence")),
)


def _probation(returns) -> list[dict]:
    """Each return's admissions with the day their twelve months of probation end (a year after the
    last day of the return's period: DOMAIN.md "People") and the period that falls in, beside the
    decisions the return records. Dates only: the overdue figure is the engine's."""
    timeline = []
    for r in returns:
        period = Period.parse(r.period)
        due_on = one_year_later(period.end) if r.admitted_to_party else None
        timeline.append(
            {
                "period": period,
                "values": [getattr(r, key) for key, _label in PROBATION],
                "due_on": due_on,
                "due_in": Period.containing(due_on, period.kind) if due_on else None,
            }
        )
    return timeline


def _returns_chart(returns, figures) -> dict:
    """One line per figure over the enterprise's returns."""
    lines = [(str(label), [getattr(r, key) for r in returns]) for key, label in figures]
    return charts.lines([Period.parse(r.period).label() for r in returns], lines, _("people"))


@require_safe
@role_required()
@cached_page
def enterprise_detail(request, pk):
    """Returns over time (with each figure's comments and follow-up mark for those who may see them),
    organizations with their history, pipeline figures. Eleven queries."""
    enterprise = get_enterprise_for_user(request.user, pk)
    periods, period = period_choice(request)
    returns = list(enterprise.returns.order_by("starts_on", "ends_on"))
    organizations = [
        (organization, organization_history(organization, list(organization.levels.all())))
        for organization in enterprise.party_organizations.prefetch_related("levels").order_by("founded_on")
    ]
    unions = list(enterprise.unions.order_by("founded_on"))
    attachment = Attachment.objects.filter(enterprise=enterprise).select_related("organization").first()
    row = enterprise_rows(period, None, operating_only=False).filter(pk=pk).first() if period else None
    totals = lifetime_flows(enterprise)

    steps = [(_("since the first return"), totals)]
    if row is not None:
        steps.insert(0, (period.label(), {key: getattr(row, key) for key, _label in FLOWS}))
    pipeline_rows = [{"label": label, **flows, **indicators.pipeline_rates(flows)} for label, flows in steps]
    # Comments and follow-ups beside the figures, for the zone's editors and administrators only.
    marks = review.marks([pk]) if can_discuss_values(request.user, enterprise.zone) else None
    keys = [key for key, _label in (*STOCKS, *FLOWS)]
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "periods": periods,
            "period": period,
            "row": row,
            "returns": [
                (
                    Period.parse(r.period),
                    [(getattr(r, key), marks.of(pk, r.period, key) if marks else None) for key in keys],
                )
                for r in returns
            ],
            "columns": [str(label) for _key, label in (*STOCKS, *FLOWS)],
            "probation": _probation(returns),
            "probation_columns": [str(label) for _key, label in PROBATION],
            "leaders": [(Period.parse(r.period), [getattr(r, key) for key, _l in LEADERS]) for r in returns],
            "leader_columns": [str(label) for _key, label in LEADERS],
            "organizations": organizations,
            "unions": unions,
            "attachment": attachment,
            "pipeline": pipeline_rows,
            "stock_chart": _returns_chart(returns, STOCKS),
            "flow_chart": _returns_chart(returns, FLOWS),
            "history": enterprise_history(enterprise),
            "can_write": can_edit_zone(request.user, enterprise.zone),
        },
    )


@require_safe
@role_required()
def enterprise_history_page(request, pk):
    enterprise = get_enterprise_for_user(request.user, pk)
    return render(
        request,
        "enterprises/entry/enterprise_history.html",
        {"enterprise": enterprise, "history": enterprise_history(enterprise)},
    )
