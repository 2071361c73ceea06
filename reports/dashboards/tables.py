"""The enterprise table: one row per operating enterprise with its figures for the selected period.

Rows come from ``reports.engine.rows.enterprise_rows``, whose columns the table shows under their own names,
so that the table and the dashboard count the same enterprises the same way.
"""

import html
import inspect

import django_tables2 as tables
from django.db.models import F
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.formatting import figure
from enterprises.models import Enterprise

# Every sort ends on the name and tax code, so that pages never repeat or skip rows between ties.
TIEBREAK = ("search_name", "tax_code")


class SortedColumn(tables.Column):
    """Sorts on ``field``, with "no data" last in both directions (SQLite and PostgreSQL agree)."""

    def __init__(self, verbose_name, *, field, **kwargs):
        self.field = field
        kwargs.setdefault("empty_values", ())
        super().__init__(verbose_name=verbose_name, **kwargs)

    def order(self, queryset, is_descending):
        key = F(self.field).desc(nulls_last=True) if is_descending else F(self.field).asc(nulls_last=True)
        return queryset.order_by(key, *TIEBREAK), True


class FigureColumn(SortedColumn):
    """A count: grouped digits, "no data" when nothing was reported (never 0)."""

    def __init__(self, verbose_name, *, field, **kwargs):
        kwargs.setdefault("attrs", {"th": {"class": "num"}, "td": {"class": "num"}})
        super().__init__(verbose_name, field=field, **kwargs)

    def render(self, value):
        return figure(value)


class YesNoColumn(SortedColumn):
    def render(self, value):
        return _("yes") if value else _("no")


class EnterpriseTable(tables.Table):
    name = SortedColumn(
        _("Enterprise"), field="search_name", linkify=("enterprise-detail", {"pk": tables.A("pk")})
    )
    tax_code = SortedColumn(_("Tax code"), field="tax_code")
    zone_code = SortedColumn(_("Zone"), field="zone_code")
    ownership = SortedColumn(_("Ownership"), field="ownership")
    workers = FigureColumn(_("Workers"), field="workers")
    has_party_org = YesNoColumn(_("Party organization"), field="has_party_org")
    party_members = FigureColumn(_("Party members"), field="party_members")
    has_union = YesNoColumn(_("Grassroots union"), field="has_union")
    union_members = FigureColumn(_("Union members"), field="union_members")
    new_union_members = FigureColumn(_("New union members"), field="new_union_members")
    awareness_class_attendees = FigureColumn(
        _("Sent to awareness classes"), field="awareness_class_attendees"
    )
    proposed_for_admission = FigureColumn(_("Proposed for admission"), field="proposed_for_admission")
    introduced_to_party = FigureColumn(_("Introduced by the union"), field="introduced_to_party")
    admitted_to_party = FigureColumn(_("Admitted to the party"), field="admitted_to_party")
    reported = YesNoColumn(_("Reported"), field="reported")

    class Meta:
        template_name = "django_tables2/accessible.html"
        attrs = {"class": "data-table enterprise-table"}
        empty_text = _("No enterprise matches these filters.")
        order_by = "name"

    @cached_property
    def rows_html(self):
        """The page's rows as the default template writes them (``BoundRow.get_cell``), in one pass:
        each column's cell attributes and render arguments found once per page instead of once per
        cell (fifty rows of fifteen columns took the template and the per-cell lookups ~50 ms)."""
        cells = [_Cell(self, column) for column in self.columns]
        rows = [
            f"<tr {row.attrs.as_html()}>"
            + "".join([f"<td {cell.td}>{_html(cell.of(row))}</td>" for cell in cells])
            + "</tr>"
            for row in self.paginated_rows
        ]
        if not rows and self.empty_text:
            return format_html('<tr><td colspan="{}">{}</td></tr>', len(cells), self.empty_text)
        return mark_safe("".join(rows))  # nosec # noqa: S308 - every cell escaped by _html

    def render_name(self, value, record):
        """An enterprise that closed is listed for the flows of the periods it operated in: say so."""
        if getattr(record, "operating", True):
            return value
        return format_html('{} <span class="tag">{}</span>', value, _("closed"))

    def render_zone_code(self, value):
        return value or _("outside every zone")

    def render_ownership(self, record):
        return record.get_ownership_display()


def _html(content) -> str:
    """``conditional_escape`` without its lazy-string wrapper (a third of the rows' time): a cell is
    text, a number or HTML already (a link)."""
    if hasattr(content, "__html__"):
        return content.__html__()
    return html.escape(str(content))


class _Cell:
    """One column's cells as ``BoundRow.get_cell`` writes them, for columns that read one attribute of
    the row (all of this table's): the render method's arguments looked up once, not per cell."""

    def __init__(self, table, bound_column):
        self.column, self.bound_column = bound_column.column, bound_column
        self.td = bound_column.attrs["td"].as_html()
        self.accessor = str(bound_column.accessor)
        field = next((f for f in Enterprise._meta.fields if f.name == self.accessor), None)
        self.display = f"get_{self.accessor}_display" if field is not None and field.choices else None
        self.render, self.link = bound_column.render, bound_column.link
        self.arguments = [p.name for p in inspect.signature(self.render).parameters.values()]
        self.simple = (
            "." not in self.accessor and "__" not in self.accessor and "kwargs" not in self.arguments
        )
        # Yes/no and counts are a plain function of the value: called directly, without the render
        # method's arguments ("yes" and "no" translated once a page, not once a cell).
        words = {True: str(_("yes")), False: str(_("no"))}
        direct = {YesNoColumn.render: lambda value: words[bool(value)], FigureColumn.render: figure}
        own = getattr(self.render, "__func__", None) if self.simple and not self.link else None
        self.direct = direct.get(own)

    def of(self, row):
        if self.direct is not None:
            value = getattr(row.record, self.accessor)
            return self.bound_column.default if value in self.column.empty_values else self.direct(value)
        if not self.simple:
            return row.get_cell(self.bound_column.name)
        record = row.record
        value = getattr(record, self.display)() if self.display else getattr(record, self.accessor)
        if value in self.column.empty_values:
            return self.bound_column.default
        given = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": row.table,
        }
        content = self.render(**{name: given[name] for name in self.arguments})
        return self.link(content, **given) if self.link else content
