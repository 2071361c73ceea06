"""What a checked file would do: the ``ImportPlan`` the planner makes and the writer applies.

A plan is plain data (it is kept on disk between the preview and the confirmation): the errors, a
``RowPlan`` per valid row with every cell it changes as a ``CellChange`` (old -> new), and the rows
to create and update. People read the changes with the fields' verbose names, never the raw keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from enterprises.models import Enterprise, Ownership, Return
from membership.importing.messages import MAX_ERROR_ROWS, RowError

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
# The errors of this many bad rows are kept; the others are only counted (a file of 200,000 bad rows
# must not become 200,000 messages in memory, on a page or in a terminal).


class CellChange(NamedTuple):
    """One cell a row changes: a figure of the return, or the enterprise's name, zone or ownership.

    A named tuple: a large file makes one for every figure of every new return, and a tuple costs
    half a frozen dataclass to make.
    """

    field: str
    old: object
    new: object

    @property
    def label(self) -> str:
        model = Return if field_of_return(self.field) else Enterprise
        return str(model._meta.get_field(self.field).verbose_name)

    @property
    def old_text(self) -> str:
        return _shown(self.field, self.old)

    @property
    def new_text(self) -> str:
        return _shown(self.field, self.new)

    @property
    def clears(self) -> bool:
        """An empty cell over a recorded value: the figure becomes "not reported"."""
        return self.old is not None and self.new is None

    def __str__(self) -> str:
        return f"{self.label} {self.old_text} → {self.new_text}"


def field_of_return(name: str) -> bool:
    return name in Return.FIGURES


def _shown(name: str, value) -> str:
    if value is None or value == "":
        return _("(empty)")
    if name == "ownership":
        return str(Ownership(value).label)
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    return str(value)


@dataclass(slots=True)
class RowPlan:
    """What importing one valid row does: to its return (``action``) and to its enterprise."""

    line: int
    tax_code: str
    name: str
    period: str
    action: str
    changes: tuple[str, ...] = ()  # the return's changed figures, by field name
    enterprise_action: str = ""  # CREATE or UPDATE on the enterprise's first row, else ""
    cells: tuple[CellChange, ...] = ()  # every changed cell, the enterprise's first (on its first row)


@dataclass
class ImportPlan:
    """Every error, or everything the import would write (nothing is written while errors exist).

    New rows are plain dicts keyed by column (tax codes stand for enterprises not yet created);
    changed rows are their new values by id, and the version each had when the plan was made.
    ``errors`` holds the errors of the first ``MAX_ERROR_ROWS`` bad rows; ``error_count`` and
    ``error_rows`` count them all.
    """

    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    error_rows: int = 0
    rows: list[RowPlan] = field(default_factory=list)
    new_enterprises: list[dict] = field(default_factory=list)
    changed_enterprises: dict[int, dict] = field(default_factory=dict)  # id -> new values
    enterprise_fields: set[str] = field(default_factory=set)
    new_returns: list[dict] = field(default_factory=list)
    changed_returns: dict[int, dict] = field(default_factory=dict)  # id -> new figures
    return_fields: set[str] = field(default_factory=set)
    versions: dict[tuple[str, int], int] = field(default_factory=dict)  # (model, id) -> version seen
    new_party_orgs: list[dict] = field(default_factory=list)
    new_unions: list[dict] = field(default_factory=list)
    enterprise_ids: dict[str, int] = field(default_factory=dict)  # of the existing enterprises named
    cleared: int = 0  # recorded figures the file's empty cells clear
    # What the plan was made from, to tell at confirmation whether it still holds (planner.digest).
    tax_codes: frozenset[str] = frozenset()
    digest: str = ""
    # What the writes change in the figures, for the readers' summaries (core.signals.changing_figures):
    # the existing enterprises whose figures change, the years of their new or changed returns, and
    # the first year from which every year changes (a new enterprise, a zone or ownership change, a
    # new organization), or None.
    touched_enterprises: set[int] = field(default_factory=set)
    changed_years: set[int] = field(default_factory=set)
    changed_since: int | None = None
    applied: bool = False
    # The rows the fast path wrote without a RowPlan (``staging``), and what they created.
    staged_rows: int = 0
    staged_counts: dict[str, int] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        counts = {
            "returns_created": len(self.new_returns),
            "returns_updated": len(self.changed_returns),
            "returns_unchanged": sum(1 for row in self.rows if row.action == UNCHANGED),
            "enterprises_created": len(self.new_enterprises),
            "enterprises_updated": len(self.changed_enterprises),
            "party_orgs_created": len(self.new_party_orgs),
            "unions_created": len(self.new_unions),
        }
        return {name: count + self.staged_counts.get(name, 0) for name, count in counts.items()}

    @property
    def row_count(self) -> int:
        """The valid rows: those planned one by one and those the fast path wrote."""
        return len(self.rows) + self.staged_rows

    @property
    def has_changes(self) -> bool:
        return any(count for name, count in self.counts.items() if name != "returns_unchanged")

    @property
    def hidden_errors(self) -> int:
        return self.error_count - len(self.errors)

    @property
    def hidden_error_rows(self) -> int:
        return self.error_rows - len({e.line for e in self.errors})

    def set_errors(self, errors: list[RowError], *, count: int = 0, rows: int = 0) -> None:
        """Keep the errors of the first MAX_ERROR_ROWS bad rows (by line), and count every one
        (``count`` and ``rows``: totals already counted past what ``errors`` holds)."""
        errors = sorted(errors, key=lambda e: e.line)
        lines = sorted({e.line for e in errors})
        self.error_count, self.error_rows = max(len(errors), count), max(len(lines), rows)
        if len(lines) > MAX_ERROR_ROWS:
            last = lines[MAX_ERROR_ROWS - 1]
            errors = [e for e in errors if e.line <= last]
        self.errors = errors

    def summary(self) -> str:
        return (
            _(
                "%(returns_created)s returns created, %(returns_updated)s updated, %(returns_unchanged)s "
                "unchanged; %(enterprises_created)s enterprises created, %(enterprises_updated)s updated; "
                "%(party_orgs_created)s party organizations and %(unions_created)s grassroots unions created."
            )
            % self.counts
        )
