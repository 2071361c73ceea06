"""The enterprise table: one row per operating enterprise with its figures for the selected period.

Rows come from ``reports.indicators.enterprise_rows`` (annotations ``w``, ``pm``, ``um``, ``has_org``,
``f_*`` ...), so that the table and the dashboard count the same enterprises the same way.
"""

import django_tables2 as tables
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from reports.templatetags.figures import figure

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
    w = FigureColumn(_("Workers"), field="w")
    has_org = YesNoColumn(_("Party organization"), field="has_org")
    pm = FigureColumn(_("Party members"), field="pm")
    has_union = YesNoColumn(_("Grassroots union"), field="has_union")
    um = FigureColumn(_("Union members"), field="um")
    f_new_union = FigureColumn(_("New union members"), field="f_new_union")
    f_awareness = FigureColumn(_("Sent to awareness classes"), field="f_awareness")
    f_proposed = FigureColumn(_("Proposed for admission"), field="f_proposed")
    f_introduced = FigureColumn(_("Introduced by the union"), field="f_introduced")
    f_admitted = FigureColumn(_("Admitted to the party"), field="f_admitted")
    reported = YesNoColumn(_("Reported"), field="reported")

    class Meta:
        template_name = "django_tables2/accessible.html"
        attrs = {"class": "data-table enterprise-table"}
        empty_text = _("No enterprise matches these filters.")
        order_by = "name"

    def render_zone_code(self, value):
        return value or _("outside every zone")

    def render_ownership(self, record):
        return record.get_ownership_display()
