"""Data-entry forms for zone boards: the enterprise form, closing, choosing a grid, closing periods,
and the period grid itself (a spreadsheet of returns validated and saved as a whole).

Numbers, dates and tax codes are read by ``core.parsing``, as in the import: ``1.200`` is 1200,
``25/06/2024`` is the 25th of June, and a tax code typed with full-width digits is its ASCII self.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core import parsing
from core.formatting import figure
from core.periods import KIND_OF_FREQUENCY, Period, recent_periods
from enterprises import rules
from enterprises.models import Enterprise, Return
from zones.access import editable_zones
from zones.models import Zone
from zones.roles import is_administrator

TAX_CODE_TAKEN = _("An enterprise with this tax code is already registered.")
ZONE_REQUIRED = _("Choose one of your zones: only administrators register enterprises outside every zone.")
ESTABLISHED_AFTER_CLOSED = _("The enterprise closed on %(closed)s, before this establishment date.")
OVERLAPPING_RETURN = _(
    "This enterprise already has a return for %(other)s, which overlaps %(period)s: correct that one instead."
)
CHANGED_MEANWHILE = _(
    "%(who)s saved this row at %(when)s while you were editing: the newer values are shown. "
    "Your values were %(yours)s; enter your changes again if they still apply."
)
CHANGED_MEANWHILE_UNKNOWN = _(
    "Someone saved this row while you were editing: the newer values are shown. "
    "Your values were %(yours)s; enter your changes again if they still apply."
)
WORKERS_BELOW_RECORDED_UNION_MEMBERS = _(
    "%(workers)s workers are fewer than the %(union_members)s union members recorded for this period."
)


class DateInput(forms.DateInput):
    """The browser's date picker; it reads and writes ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PeopleDateField(forms.DateField):
    """A date typed day first (25/06/2024) or ISO (the date picker's), read by ``core.parsing``: the
    locale's input formats would read 05/03/2026 month first in some languages."""

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, dt.date):
            return super().to_python(value)
        try:
            return parsing.parse_date(str(value))
        except parsing.ParseError as problem:
            raise ValidationError(problem.message, code="invalid") from None


class PeopleCountField(forms.IntegerField):
    """A count typed as people write it (1.200, 1 200), read by ``core.parsing`` like the import's:
    Django's own field reads "1.200" as a decimal and refuses it."""

    # A text input: a number input would refuse "1.200" in the browser before we could read it.
    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", rules.MAX_COUNT)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, int):
            return super().to_python(value)
        try:
            return parsing.parse_count(str(value))
        except parsing.ParseError as problem:
            raise ValidationError(problem.message, code="invalid") from None


# The version a form carries back: a count like any other, so a forged huge number is refused here
# rather than reaching the database.
def _version_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=rules.MAX_COUNT, **kwargs)


class EnterpriseForm(forms.ModelForm):
    version = _version_field(required=False)

    class Meta:
        model = Enterprise
        fields = ["tax_code", "name", "zone", "ownership", "established_on"]
        widgets = {"established_on": DateInput}
        field_classes = {"established_on": PeopleDateField}
        error_messages = {"tax_code": {"unique": TAX_CODE_TAKEN}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        zone = self.fields["zone"]
        zone.queryset = editable_zones(user)
        if is_administrator(user):
            zone.empty_label = _("Outside every zone")
        else:
            zone.required = True
            zone.error_messages["required"] = ZONE_REQUIRED
        self.fields["version"].initial = self.instance.version

    def clean_tax_code(self):
        # Before the uniqueness check: "５３００１２３４５６" is the registered 5300123456, not a new one.
        return parsing.normalize_tax_code(self.cleaned_data["tax_code"])

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_established_on(self):
        day = self.cleaned_data["established_on"]
        for _field, message in rules.check_not_future("established_on", day, timezone.localdate()):
            raise ValidationError(message)
        closed = self.instance.closed_on
        if day and closed and day > closed:
            raise ValidationError(ESTABLISHED_AFTER_CLOSED % {"closed": date_format(closed)})
        return day


class EnterpriseCloseForm(forms.Form):
    closed_on = PeopleDateField(label=_("Closed on"), widget=DateInput)
    version = _version_field()

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(
            *args, initial={"closed_on": enterprise.closed_on, "version": enterprise.version}, **kwargs
        )
        if enterprise.closed_on:
            # Already closed: the date can be corrected, or cleared to mark it operating again.
            self.fields["closed_on"].required = False
            self.fields["closed_on"].help_text = _(
                "Leave empty if the enterprise is in fact still operating."
            )


class PeriodField(forms.CharField):
    """A period identifier (2024, 2024S1, 2024Q3), cleaned to a ``Period``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Period"))
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("help_text", _("A year (2024), a half year (2024S1) or a quarter (2024Q3)."))
        super().__init__(**kwargs)

    def clean(self, value):
        return Period.parse(super().clean(value))


class PeriodChoiceField(forms.TypedChoiceField):
    """A period picked from a list of people's labels ("Q2 2024"), cleaned to a ``Period``."""

    def __init__(self, *, periods, **kwargs):
        choices = [(str(p), p.label()) for p in periods]
        super().__init__(choices=choices, coerce=Period.parse, label=_("Period"), **kwargs)

    def to_python(self, value):
        return super().to_python(value).strip().upper()


# Periods in progress or just ended that the grid offers beside those with returns, per frequency.
RECENT_PERIODS = 4


class GridStartForm(forms.Form):
    """A zone of the editor's, and a period that makes sense for it: one with returns in the editor's
    zones, or one of the latest of their reporting frequencies; the one due now is suggested."""

    zone = forms.ModelChoiceField(queryset=Zone.objects.none(), label=_("Zone"), to_field_name="code")

    def __init__(self, *args, user, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        zones = editable_zones(user)
        self.fields["zone"].queryset = zones
        today = today or timezone.localdate()
        own = list(zones)
        kinds = {KIND_OF_FREQUENCY[zone.reporting_frequency] for zone in own} or {"Q"}
        recent = {p for kind in kinds for p in recent_periods(today, kind, RECENT_PERIODS)}
        reported = Return.objects.filter(enterprise__zone__in=own).order_by().values_list("period", flat=True)
        periods = sorted(recent | {Period.parse(p) for p in reported.distinct()}, reverse=True)
        self.fields["period"] = PeriodChoiceField(periods=periods)
        # The period being reported now (the latest one ended) of the editor's zone, when only one.
        if len(own) == 1:
            self.fields["zone"].initial = own[0].code
        kind = KIND_OF_FREQUENCY[own[0].reporting_frequency] if len(own) == 1 else min(kinds)
        self.fields["period"].initial = str(Period.containing(today, kind).previous())

    def clean_period(self):
        period = self.cleaned_data["period"]
        for _field, message in rules.check_period_not_future(period, timezone.localdate()):
            raise ValidationError(message)
        return period


class PeriodLockForm(forms.Form):
    zone = forms.ModelChoiceField(queryset=Zone.objects.all(), label=_("Zone"))
    period = PeriodField()


# --- The period grid --------------------------------------------------------------------------


@dataclass
class GridCell:
    field: str
    label: str
    name: str  # the input's name, e.g. "e42-workers"
    id: str  # the input's id, target of the error summary's links
    value: str  # what the input shows
    error: str = ""
    previous: str = ""  # the figure of the previous period, formatted ("" when there is no return)


@dataclass
class GridRow:
    enterprise: Enterprise
    current: Return | None  # the enterprise's return for exactly this period
    blocking: Return | None  # a return for an overlapping period: the row is read-only
    version: int  # the version the form carries (0: no return yet)
    values: dict  # parsed values (None: not reported)
    cells: list[GridCell] = field(default_factory=list)
    error: str = ""  # about the whole row: overlap, someone else's save
    posted: bool = False  # the row was on the page the user submitted
    warnings: list[str] = field(default_factory=list)  # data-quality flags, not errors
    previous: Return | None = None  # the return for the period just before, shown beside the cells

    @property
    def blocking_label(self) -> str:
        return Period.parse(self.blocking.period).label() if self.blocking else ""

    @property
    def anchor(self) -> str:
        return f"row-{self.enterprise.pk}"

    @property
    def invalid(self) -> bool:
        return bool(self.error) or any(cell.error for cell in self.cells)


@dataclass
class GridChanges:
    creates: list[Return]
    updates: list[Return]
    deletes: list[Return]

    def __len__(self):
        return len(self.creates) + len(self.updates) + len(self.deletes)


# Rows per grid page. Each row posts at most 9 cells and a version: 90 rows and the CSRF token stay
# under Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000), and a page renders in well under a second.
GRID_PAGE_SIZE = 90
_POSTED_ROW = re.compile(r"^e(\d+)-version$")
ROWS_MOVED = _(
    "Some rows of the page you saved are no longer in this grid (an enterprise was moved to another "
    "zone or closed meanwhile). Nothing was saved: check the rows shown and save again."
)


# The grid's sets of columns (``?columns=``): the figures, or the people columns.
FIGURES, PEOPLE = "figures", "people"
COLUMN_SETS = (FIGURES, PEOPLE)


class PeriodGrid:
    """One zone and one period: a row per operating enterprise, prefilled with its return.

    Three queries whatever the number of enterprises: their count, one page of them
    (``GRID_PAGE_SIZE``), and their returns from the previous period's start to the period's end
    (the period's own, those overlapping it, and the previous period's, shown beside each cell).
    With ``data`` (a POST), the rows are the enterprises the page posted, so that an enterprise
    registered meanwhile cannot shift rows between pages; every cell is parsed and checked with the
    same rules as the import (``core.parsing``, ``enterprises.rules``), and ``is_valid()`` is true
    only if every cell is. An empty cell means "not reported". A row whose version differs from the
    saved one was changed by someone else meanwhile: it is marked and shows the newer values. Only
    the figures the zone collects are columns (``fields``); the others stay as recorded, and cannot
    be posted.
    """

    def __init__(
        self, *, zone: Zone, period: Period, data=None, page: int = 1, today=None, columns: str = FIGURES
    ):
        self.zone, self.period, self.data, self.page = zone, period, data, page
        # Two sets of columns, each fitting a screen: the figures, and the people behind them
        # (DOMAIN.md "People"); the rules between them hold whichever set a row is typed in.
        self.column_set = columns
        people = columns == PEOPLE
        self.fields = tuple(n for n in Return.figures_collected_in(zone) if (n in Return.PEOPLE) == people)
        labels = {name: Return._meta.get_field(name).verbose_name for name in self.fields}
        self.columns = [(name, labels[name]) for name in self.fields]
        operating = (
            Enterprise.objects.filter(zone=zone)
            .operating_in(period)
            .only("pk", "tax_code", "name", "search_name", "zone_id", "ownership", "version")
            .order_by("search_name", "tax_code")
        )
        self.total = operating.count()
        self.moved = False
        if data is None:
            start = (page - 1) * GRID_PAGE_SIZE
            enterprises = list(operating[start : start + GRID_PAGE_SIZE])
        else:
            posted = {int(m[1]) for key in data if (m := _POSTED_ROW.match(key))}
            enterprises = list(operating.filter(pk__in=posted)) if len(posted) <= GRID_PAGE_SIZE else []
            self.moved = len(enterprises) != len(posted)
        self._enterprise_ids = [e.pk for e in enterprises]
        self.previous_period = period.previous()
        exact, blocking, previous = {}, {}, {}
        nearby = Return.objects.filter(
            enterprise__in=[e.pk for e in enterprises],
            starts_on__lte=period.end,
            ends_on__gte=self.previous_period.start,
        ).order_by("starts_on")
        for ret in nearby:
            if ret.period == str(period):
                exact[ret.enterprise_id] = ret
            elif ret.period == str(self.previous_period):
                previous[ret.enterprise_id] = ret
            if ret.period != str(period) and Period.parse(ret.period).overlaps(period):
                blocking.setdefault(ret.enterprise_id, ret)
        self.rows = [self._row(e, exact.get(e.pk), blocking.get(e.pk), labels) for e in enterprises]
        for row in self.rows:
            row.previous = previous.get(row.enterprise.pk)
            for cell in row.cells:
                value = getattr(row.previous, cell.field) if row.previous else None
                cell.previous = "" if value is None else figure(value)
        self.not_started = bool(rules.check_period_not_future(period, today or timezone.localdate()))

    @functools.cached_property
    def _hosting_org(self) -> set[int]:
        """The grid's enterprises hosting a party organization at the period's end (one query, made
        only when a row gives where members without an organization take part)."""
        end = self.period.end
        alive = Q(party_organizations__founded_on__lte=end) & (
            Q(party_organizations__dissolved_on__isnull=True) | Q(party_organizations__dissolved_on__gt=end)
        )
        hosts = Enterprise.objects.filter(alive, pk__in=self._enterprise_ids)
        return set(hosts.values_list("pk", flat=True))

    @property
    def pages(self) -> list[int]:
        return list(range(1, (self.total - 1) // GRID_PAGE_SIZE + 2)) if self.total else [1]

    @property
    def first_row(self) -> int:
        return (self.page - 1) * GRID_PAGE_SIZE + 1

    @property
    def last_row(self) -> int:
        return min(self.total, self.page * GRID_PAGE_SIZE)

    def _row(self, enterprise, current, blocking, labels) -> GridRow:
        saved = {name: getattr(current, name) if current else None for name in self.fields}
        prefix = f"e{enterprise.pk}"
        row = GridRow(
            enterprise=enterprise,
            current=current,
            blocking=blocking,
            version=current.version if current else 0,
            values=dict(saved),
        )
        shown = {name: "" if value is None else str(value) for name, value in saved.items()}
        errors = {}
        if self.data is not None and f"{prefix}-version" in self.data:
            row.posted = True
            typed = {name: (self.data.get(f"{prefix}-{name}") or "").strip() for name in self.fields}
            errors = self._parse(row, typed)
            seen_version = self.data.get(f"{prefix}-version")
            changed = row.values != saved or errors
            if blocking and any(typed.values()):
                other = Period.parse(blocking.period).label()
                row.error = str(OVERLAPPING_RETURN % {"other": other, "period": self.period.label()})
            elif changed and seen_version != str(row.version):
                # Someone else saved this row meanwhile: show theirs, and say what the user typed.
                yours = ", ".join(
                    f"{labels[n]} {typed[n] or '–'}" for n in self.fields if typed[n] != shown[n]
                )
                row.error = self._conflict_message(current, yours or "–")
                row.values, errors = dict(saved), {}
            else:
                shown = typed
        for name in self.fields:
            row.cells.append(
                GridCell(
                    field=name,
                    label=labels[name],
                    name=f"{prefix}-{name}",
                    id=f"cell-{enterprise.pk}-{name}",
                    value=shown[name],
                    error=errors.get(name, ""),
                )
            )
        return row

    def _parse(self, row: GridRow, typed: dict[str, str]) -> dict[str, str]:
        """Read the row's typed cells into ``row.values``; the problems, by field."""
        errors = {}
        for name, text in typed.items():
            try:
                row.values[name] = parsing.parse_count(text)
            except parsing.ParseError as problem:
                row.values[name], errors[name] = None, problem.message
        parsed = {name: value for name, value in row.values.items() if name not in errors}
        for name, problem in rules.check_figures(parsed, self.fields):
            errors.setdefault(name, problem)
        stored = {name: getattr(row.current, name) if row.current else None for name in Return.FIGURES}
        if not errors and any((stored | parsed)[name] is not None for name in Return.PEOPLE):
            hosts_org = row.enterprise.pk in self._hosting_org
            label = self.period.label()
            for name, problem in rules.check_people(stored | parsed, hosts_org=hosts_org, period_label=label):
                # A recorded people figure the grid has no cell for: the cell that bounds it says it.
                errors.setdefault(name if name in self.fields else rules.PEOPLE_BOUNDS[name], problem)
        # Union members the zone no longer collects are still recorded, and still bound workers.
        members, workers = row.current.union_members if row.current else None, parsed.get("workers")
        if "union_members" not in self.fields and None not in (members, workers) and workers < members:
            message = WORKERS_BELOW_RECORDED_UNION_MEMBERS % {"workers": workers, "union_members": members}
            errors.setdefault("workers", str(message))
        return errors

    @staticmethod
    def _conflict_message(current, yours: str) -> str:
        record = current.history.select_related("history_user").first() if current else None
        if record and record.history_user:
            when = date_format(timezone.localtime(record.history_date), "SHORT_DATETIME_FORMAT")
            return str(
                CHANGED_MEANWHILE % {"who": record.history_user.get_username(), "when": when, "yours": yours}
            )
        return str(CHANGED_MEANWHILE_UNKNOWN % {"yours": yours})

    def is_valid(self) -> bool:
        return not self.not_started and not self.moved and not any(row.invalid for row in self.rows)

    @property
    def problems(self) -> list[tuple[str, str, str]]:
        """Every bad cell or row as ``(anchor id, where, message)``, for the summary above the grid."""
        found = [("problems", "", str(ROWS_MOVED))] if self.moved else []
        for row in self.rows:
            if row.error:
                found.append((row.anchor, row.enterprise.name, row.error))
            for cell in row.cells:
                if cell.error:
                    found.append((cell.id, f"{row.enterprise.name} – {cell.label}", cell.error))
        return found

    def changes(self) -> GridChanges:
        """What saving writes: rows typed into for the first time, changed rows, fully cleared rows."""
        changes = GridChanges([], [], [])
        for row in self.rows:
            if not row.posted or row.blocking:
                continue
            saved = {name: getattr(row.current, name) if row.current else None for name in self.fields}
            if row.values == saved:
                continue
            if row.current is None:
                changes.creates.append(
                    Return(enterprise=row.enterprise, period=str(self.period), **row.values)
                )
            elif self._emptied(row):
                changes.deletes.append(row.current)
            else:
                for name, value in row.values.items():
                    setattr(row.current, name, value)
                changes.updates.append(row.current)
        return changes

    def _emptied(self, row: GridRow) -> bool:
        """Every cell cleared, and no figure left of a group the zone stopped collecting: no return."""
        kept = [getattr(row.current, name) for name in Return.FIGURES if name not in self.fields]
        return all(value is None for value in [*row.values.values(), *kept])

    def attach_warnings(self, flags) -> None:
        """Show data-quality flags (not errors) beside the rows they concern."""
        by_enterprise = {}
        for flag in flags:
            if flag.enterprise_id:
                by_enterprise.setdefault(flag.enterprise_id, []).append(flag.message)
        for row in self.rows:
            row.warnings = by_enterprise.get(row.enterprise.pk, [])
