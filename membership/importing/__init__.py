"""Spreadsheet import of enterprise returns: the one service behind ``import_returns`` and the upload page.

Three steps, each usable alone, one module each (each imports only the ones before it):

1. ``reader``: ``read_table(path)`` reads a CSV or XLSX file into a ``Table`` of plain strings.
2. ``planner``: ``plan_import(table, user=...)`` checks every row (parsed on its own in ``rows``,
   then against what ``existing`` loads from the database; organizations in ``organizations``) and
   plans the writes as an ``ImportPlan`` (``plan``); it never writes.
3. ``writer``: ``apply_plan(plan, user=...)`` writes a plan with bulk statements and history rows;
   ``import_file()`` runs the three in one transaction, all or nothing; ``apply_checked_plan()``
   writes a plan kept since a preview if the data it was made from has not changed.

On PostgreSQL, ``import_file`` takes a CSV through ``staging`` first: the file is loaded with COPY into a
temporary table, the rows SQL can prove plain are checked and written in set-based statements, and
only the others go through the planner (the preview always plans every row).

``messages`` holds what the import says: its messages, ``ImportFileError`` and ``RowError``.
``pending`` keeps uploads and their checked plans between the preview and the confirmation.
"""

from membership.importing.messages import (
    BAD_CHOICE,
    BAD_CSV,
    BAD_DATE,
    BAD_TAX_CODE,
    CELL_WITHOUT_HEADER,
    CLEARS_FIGURES,
    CONCURRENT_CHANGE,
    DISSOLVED_BEFORE_PERIOD_END,
    DUPLICATE_COLUMN,
    DUPLICATE_ROW,
    EMPTY_FILE,
    ENTERPRISE_NOT_YOURS,
    FILE_OVERLAP,
    FILE_TOO_LARGE,
    FORMULA,
    FOUNDED_AFTER_PERIOD,
    INCONSISTENT_ENTERPRISE,
    MERGED,
    MISSING_COLUMN,
    MORE_ERRORS,
    NAME_TOO_LONG,
    NO_DATA_ROWS,
    NO_SHEET,
    NOT_COLLECTED,
    NOT_CSV,
    NOT_UTF8,
    NOT_XLSX,
    OUTSIDE_ZONES_ADMIN_ONLY,
    PARTY_ORG_LEVEL_DIFFERS,
    PARTY_ORG_OTHER_DATE,
    PERIOD_CLOSED,
    PLAN_OUTDATED,
    ROW_CHANGES,
    TOO_MANY_ROWS,
    UNION_OTHER_DATE,
    UNKNOWN_COLUMN,
    UNKNOWN_ZONE,
    UNSUPPORTED_TYPE,
    WORKERS_BELOW_UNION_MEMBERS,
    ZIP_BOMB,
    ZONE_NOT_YOURS,
    ImportFileError,
    RowError,
)
from membership.importing.organizations import PARTY_ORG_NAME_PREFIX, UNION_NAME_PREFIX
from membership.importing.plan import (
    CREATE,
    MAX_ERROR_ROWS,
    UNCHANGED,
    UPDATE,
    CellChange,
    ImportPlan,
    RowPlan,
)
from membership.importing.planner import (
    plan_import,
    plan_is_current,
)
from membership.importing.reader import (
    COLUMNS,
    EXAMPLE_ROW,
    REQUIRED_COLUMNS,
    Table,
    megabytes,
    read_table,
)
from membership.importing.rows import (
    COLUMN_GROUPS,
    FIGURES,
    NAME_MAX_LENGTH,
    PARTY_ORG_NAMES,
)
from membership.importing.writer import (
    BATCH_SIZE,
    StalePlan,
    apply_checked_plan,
    apply_plan,
    import_file,
)

__all__ = [
    "BAD_CHOICE",
    "BAD_CSV",
    "BAD_DATE",
    "BAD_TAX_CODE",
    "BATCH_SIZE",
    "CELL_WITHOUT_HEADER",
    "CLEARS_FIGURES",
    "COLUMNS",
    "COLUMN_GROUPS",
    "CONCURRENT_CHANGE",
    "CREATE",
    "CellChange",
    "DISSOLVED_BEFORE_PERIOD_END",
    "DUPLICATE_COLUMN",
    "DUPLICATE_ROW",
    "EMPTY_FILE",
    "ENTERPRISE_NOT_YOURS",
    "EXAMPLE_ROW",
    "FIGURES",
    "FILE_OVERLAP",
    "FILE_TOO_LARGE",
    "FORMULA",
    "FOUNDED_AFTER_PERIOD",
    "INCONSISTENT_ENTERPRISE",
    "ImportFileError",
    "ImportPlan",
    "MAX_ERROR_ROWS",
    "MERGED",
    "MISSING_COLUMN",
    "MORE_ERRORS",
    "NAME_MAX_LENGTH",
    "NAME_TOO_LONG",
    "NOT_COLLECTED",
    "NOT_CSV",
    "NOT_UTF8",
    "NOT_XLSX",
    "NO_DATA_ROWS",
    "NO_SHEET",
    "OUTSIDE_ZONES_ADMIN_ONLY",
    "PARTY_ORG_LEVEL_DIFFERS",
    "PARTY_ORG_NAMES",
    "PARTY_ORG_NAME_PREFIX",
    "PARTY_ORG_OTHER_DATE",
    "PERIOD_CLOSED",
    "PLAN_OUTDATED",
    "REQUIRED_COLUMNS",
    "RowError",
    "ROW_CHANGES",
    "RowPlan",
    "StalePlan",
    "TOO_MANY_ROWS",
    "Table",
    "UNCHANGED",
    "UNION_NAME_PREFIX",
    "UNION_OTHER_DATE",
    "UNKNOWN_COLUMN",
    "UNKNOWN_ZONE",
    "UNSUPPORTED_TYPE",
    "UPDATE",
    "WORKERS_BELOW_UNION_MEMBERS",
    "ZIP_BOMB",
    "ZONE_NOT_YOURS",
    "apply_checked_plan",
    "apply_plan",
    "import_file",
    "megabytes",
    "plan_import",
    "plan_is_current",
    "read_table",
]
