"""What the import tells people: every message it shows, and the two kinds of error it reports.
A file that cannot be read at all raises ``ImportFileError``; a problem with one cell or row is a
``RowError`` naming its line and column. The messages are lazy so that each shows in the language
of the request that reports it; tests import them to compare against what the import says.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import parsing

# An import reports the errors of this many bad rows, then how many more there are.
MAX_ERROR_ROWS = 1000

EMPTY_FILE = gettext_lazy("The file is empty.")
NO_DATA_ROWS = gettext_lazy("The file has a header row but no data rows.")
FILE_TOO_LARGE = gettext_lazy(
    "The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files."
)
TOO_MANY_ROWS = gettext_lazy("The file has more than %(limit)s rows. Split it into smaller files.")
UNSUPPORTED_TYPE = gettext_lazy(
    "“%(name)s” is not a CSV or XLSX file. "
    "Save the spreadsheet as CSV UTF-8 (.csv) or Excel workbook (.xlsx)."
)
NOT_UTF8 = gettext_lazy(
    "The file is not UTF-8 text (line %(line)s). Save it as “CSV UTF-8” in your spreadsheet program."
)
NOT_CSV = gettext_lazy(
    "The file is not CSV text. Save it as “CSV UTF-8”, or upload the .xlsx workbook itself."
)
BAD_CSV = gettext_lazy("The CSV file cannot be read: %(reason)s.")
NOT_XLSX = gettext_lazy("The file is not a readable XLSX workbook. Open it and save it again as .xlsx.")
ZIP_BOMB = gettext_lazy(
    "The XLSX file unpacks to much more data than a spreadsheet of this size holds; it was not opened."
)
NO_SHEET = gettext_lazy("The workbook has no worksheet.")
FORMULA = gettext_lazy("The cell %(cell)s holds a formula (%(formula)s). Paste values only.")
MERGED = gettext_lazy("The cells %(range)s are merged. Unmerge them: every row needs its own values.")
UNKNOWN_COLUMN = gettext_lazy("Unknown column “%(column)s”. The columns are: %(columns)s.")
MISSING_COLUMN = gettext_lazy("The column “%(column)s” is missing from the header row.")
DUPLICATE_COLUMN = gettext_lazy("The column “%(column)s” appears twice in the header row.")
CELL_WITHOUT_HEADER = gettext_lazy("This cell has a value but its column has no header.")
BAD_TAX_CODE = gettext_lazy("“%(value)s”: %(reason)s")
NAME_TOO_LONG = gettext_lazy("The name is longer than %(limit)s characters.")
UNKNOWN_ZONE = gettext_lazy(
    "Unknown zone code “%(value)s”: use one of %(codes)s, "
    "or leave it empty for an enterprise outside every zone."
)
BAD_CHOICE = gettext_lazy("“%(value)s” is not one of: %(choices)s.")
BAD_DATE = parsing.NOT_A_DATE
DUPLICATE_ROW = gettext_lazy("Enterprise %(tax_code)s already has a row for %(period)s on line %(line)s.")
FILE_OVERLAP = gettext_lazy("The period %(period)s overlaps %(other)s on line %(line)s of this file.")
INCONSISTENT_ENTERPRISE = gettext_lazy(
    "“%(value)s” differs from line %(line)s (“%(first)s”): an enterprise has one %(column)s in a file."
)
ZONE_NOT_YOURS = gettext_lazy("You may not import rows for zone %(zone)s.")
OUTSIDE_ZONES_ADMIN_ONLY = gettext_lazy(
    "Only administrators may import enterprises outside every zone (empty zone)."
)
ENTERPRISE_NOT_YOURS = gettext_lazy(
    "Enterprise %(tax_code)s belongs to %(zone)s, whose data you may not change."
)
PERIOD_CLOSED = gettext_lazy(
    "The period %(period)s overlaps the closed period %(closed)s of zone %(zone)s: "
    "only an administrator may change it."
)
PARTY_ORG_OTHER_DATE = gettext_lazy(
    "The enterprise's party organization was founded on %(existing)s, not %(value)s. "
    "Correct the date, or record the change in the app."
)
PARTY_ORG_LEVEL_DIFFERS = gettext_lazy(
    "The party organization is a %(existing)s at the end of %(period)s, not a %(value)s. "
    "Record upgrades in the app."
)
FOUNDED_AFTER_PERIOD = gettext_lazy(
    "It was founded on %(founded)s, after %(period)s ends (%(end)s): leave this cell empty for that period."
)
DISSOLVED_BEFORE_PERIOD_END = gettext_lazy(
    "It was dissolved on %(dissolved)s, before %(period)s ends: leave this cell empty for that period."
)
UNION_OTHER_DATE = gettext_lazy(
    "The enterprise's grassroots union was founded on %(existing)s, not %(value)s. "
    "Correct the date, or record the change in the app."
)
NOT_COLLECTED = {
    "party": gettext_lazy("Zone %(zone)s does not collect party figures: leave this cell empty."),
    "union": gettext_lazy("Zone %(zone)s does not collect union figures: leave this cell empty."),
}
WORKERS_BELOW_UNION_MEMBERS = gettext_lazy(
    "%(workers)s workers are fewer than the %(union_members)s union members recorded for %(period)s: "
    "correct the workers, or give the union members in a union_members column."
)
CLEARS_FIGURES = gettext_lazy(
    "Recorded figures this file clears: %(count)s. An empty cell means “not reported” and replaces "
    "the recorded value; fill such cells in if their figures still hold."
)
ROW_CHANGES = gettext_lazy("line %(line)s, %(tax_code)s, %(period)s: %(changes)s")
MORE_ERRORS = gettext_lazy(
    "…and %(errors)s more problems in %(rows)s more rows, listed once these are corrected."
)
PLAN_OUTDATED = gettext_lazy(
    "The recorded data changed after this preview was made (an edit or another import), so nothing "
    "was imported. Check the preview again, then import."
)
CONCURRENT_CHANGE = gettext_lazy(
    "The data changed while the file was being imported; nothing was written. Import the file again."
)


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, empty, too large, not UTF-8, a zip bomb...)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: the spreadsheet line (1 is the header), the column name (or letter), the reason."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("line %(line)s, column %(column)s: %(message)s") % self._values()
        return _("line %(line)s: %(message)s") % self._values()

    def _values(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}
