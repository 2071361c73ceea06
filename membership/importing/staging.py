"""The import's fast path on PostgreSQL: a CSV file staged with COPY, its plain rows checked and written
with set-based SQL, every other row checked by the planner as in the general path.

``stage(path, ...)`` COPYs the file into a temporary table and finds its *plain* rows: a new enterprise
(its tax code not recorded) whose rows agree on name, zone and ownership and do not overlap in time;
periods and dates in the form the planner stores them (checked in Python, once per distinct value);
counts of at most nine plain digits, union members within workers; no people column; a party
organization and a union named alike on every row that names one, founded by the end of the row's
period; no figure the zone does not collect. Every other row, with every row of its enterprise, is
*flagged*: ``Staged.flagged_table()`` gives those rows as the reader gives them, for ``plan_import``,
so every message (line, column, reason) is the general path's. ``Staged.write`` writes the plain rows
with INSERT ... SELECT, each with its history row, inside ``changing_figures``, so that the summary
follows in the same transaction.

``stage`` returns None when the file is not for this path: not a CSV on PostgreSQL, a user who is
not an administrator, a header the reader would refuse, or bytes that COPY and Python's csv module
might read differently. The general path then reads the file and says what is wrong with it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DataError, connection, transaction
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

from core import parsing
from core.db import analyze
from core.signals import changing_figures
from core.text import fold
from enterprises import rules
from enterprises.models import TAX_CODE_PATTERN, TAX_CODE_RE, Enterprise, Ownership, Return
from membership.importing.organizations import PARTY_ORG_NAME_PREFIX, UNION_NAME_PREFIX
from membership.importing.plan import ImportPlan
from membership.importing.reader import COLUMNS, REQUIRED_COLUMNS, Table, read_table
from membership.importing.rows import COLUMN_GROUPS, FIGURES, NAME_MAX_LENGTH, _date, _period
from membership.models import GrassrootsUnion, PartyOrganization, PartyOrganizationLevel, PartyOrgLevel
from zones.models import FigureGroup, Zone
from zones.roles import Role, role_of

ANALYZE_AFTER_ROWS = 10_000
# The characters Python's str.strip() removes, which the reader strips from every cell and COPY keeps:
# a name starting or ending with one is not plain.
_SPACES = "".join(chr(c) for c in range(0x3000 + 1) if chr(c).isspace())
DATES = ("party_org_founded", "union_founded")
_STAGING = "import_staging"
_ROWS = "import_rows"
_PLAIN = "import_plain"
_NAMES = "import_names"


@dataclass
class Staged:
    """A file staged in the session's temporary tables: its plain rows, and the lines of the others."""

    path: Path
    filename: str | None
    columns: frozenset[str]
    flagged: set[int]  # lines (as the reader numbers them) the planner checks
    plain: int  # plain rows

    def flagged_table(self) -> Table:
        """The flagged rows as ``read_table`` gives them (the whole file is read again only for them)."""
        if not self.flagged:
            return Table(rows=[], columns=self.columns)
        table = read_table(self.path, filename=self.filename)
        table.rows = [(line, cells) for line, cells in table.rows if line in self.flagged]
        return table

    def write(self, plan: ImportPlan, *, user, now: dt.datetime) -> None:
        """Write the plain rows and count them in ``plan`` (the planner's plan of the flagged rows,
        written already)."""
        fresh = False
        with connection.cursor() as cursor, connection.wrap_database_errors:
            if self.plain:
                plan.staged_counts, fresh = _write(cursor, user=user, now=now)
                plan.staged_rows = self.plain
            _drop(cursor)
        if self.plain >= ANALYZE_AFTER_ROWS and not fresh:
            analyze(Enterprise, Return)  # a large load leaves the planner's statistics behind
        plan.applied = True


def applies(path: Path, filename: str | None, user) -> bool:
    """Whether the fast path may take this file: a CSV on PostgreSQL, imported by the command line or
    an administrator (whom zones and closed periods do not restrict)."""
    name = filename or path.name
    unrestricted = user is None or role_of(user) == Role.ADMINISTRATOR
    return connection.vendor == "postgresql" and unrestricted and Path(name).suffix.lower() == ".csv"


def stage(path: Path | str, *, filename: str | None = None, today: dt.date) -> Staged | None:
    """COPY the file into a temporary table and sort its rows into plain and flagged; None when the
    file is not for this path (see the module's docstring)."""
    path = Path(path)
    data = _readable(path)
    header = _header(data) if data is not None else None
    if header is None:
        return None
    names, delimiter = header
    with connection.cursor() as cursor:
        _drop(cursor)
        columns = ", ".join(f"{name} text" for name in names)  # names are COLUMNS (checked)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_STAGING} (line_no integer GENERATED ALWAYS AS IDENTITY, {columns}) "
            "ON COMMIT DROP"
        )
        try:
            with transaction.atomic(), connection.wrap_database_errors:
                listed = ", ".join(names)
                cursor.copy_expert(
                    f"COPY {_STAGING} ({listed}) FROM STDIN WITH (FORMAT csv, HEADER true, "
                    f"DELIMITER '{delimiter}', FORCE_NOT_NULL ({listed}), ENCODING 'UTF8')",
                    io.BytesIO(data),
                )
        except DataError:
            return None  # a row COPY cannot read (wrong cell count, bad bytes): the reader says why
        present = frozenset(names)
        with _without_jit(cursor):
            if not _sort(cursor, present, today):
                return None
        cursor.execute(
            f"SELECT line FROM {_ROWS} r WHERE NOT blank "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {_PLAIN} p WHERE p.line = r.line)"
        )
        flagged = {line for (line,) in cursor.fetchall()}
        cursor.execute(f"SELECT count(*) FROM {_PLAIN}")  # noqa: S608 - our own temporary tables
        (plain,) = cursor.fetchone()
    return Staged(path, filename, present, flagged, plain)


@contextmanager
def _without_jit(cursor):
    """PostgreSQL's JIT compiles a statement over 100,000 rows for longer than it runs (0.46 s of
    1.3 s when measured): off for these statements, then as it was (SET LOCAL would last until the
    import's transaction ends)."""
    cursor.execute("SELECT current_setting('jit')")
    (jit,) = cursor.fetchone()
    cursor.execute("SET jit = off")
    yield
    # After an error the import's transaction rolls back, and the setting with it.
    cursor.execute("SELECT set_config('jit', %s, false)", [jit])


def _drop(cursor) -> None:
    """Drop the temporary tables now (each goes at commit anyway, but a test's imports share one
    transaction)."""
    cursor.execute(f"DROP TABLE IF EXISTS {_STAGING}, {_ROWS}, {_PLAIN}, {_NAMES}")


def _readable(path: Path) -> bytes | None:
    """The file's bytes when COPY reads them as Python's csv module does: within the size limit, not a
    zip or UTF-16, no NUL, no COPY end marker, no CR without LF (the header's quotes: ``_header``)."""
    size = path.stat().st_size
    if not 0 < size <= int(getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024)):
        return None
    data = path.read_bytes()
    if data.startswith((b"PK\x03\x04", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data or b"\\." in data:
        return None
    if re.search(rb"\r(?!\n)", data):
        return None  # a line ending in CR alone: the reader refuses it, COPY would not
    return data


def _header(data: bytes) -> tuple[list[str], str] | None:
    """The header's column names and the delimiter (the reader's rule), when every name is a known
    column named once and every required column is there."""
    first_line = data.split(b"\n", 1)[0]
    delimiter = ";" if first_line.count(b";") > first_line.count(b",") else ","
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    names = [name.strip().lower() for name in next(csv.reader([text], delimiter=delimiter), [])]
    if len(set(names)) != len(names) or not set(names) <= set(COLUMNS) or set(REQUIRED_COLUMNS) - set(names):
        return None
    if b'"' in data:
        # A quote inside an unquoted cell is a character to Python's csv module and the start of a
        # quoted part to COPY: only cells quoted whole (inner quotes doubled) are read alike.
        d = re.escape(delimiter.encode())
        whole = rb"(?:\A|(?<=[" + d + rb'\n]))"(?:[^"]|"")*"(?=[' + d + rb"\r\n]|\Z)"
        if b'"' in re.sub(whole, b"", data):
            return None
    return names, delimiter


def _valid_periods(cursor, today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The file's period cells the planner would take as they are: well formed, in the stored
    spelling, begun by ``today``."""
    cursor.execute(f"SELECT DISTINCT period FROM {_STAGING}")  # noqa: S608
    valid = []
    for (text,) in cursor.fetchall():
        try:
            period = _period(text)
        except ValidationError:
            continue
        if str(period) == text and not rules.check_period_not_future(period, today):
            valid.append((text, period.start, period.end))
    return valid


def _valid_dates(cursor, present: frozenset[str], today: dt.date) -> list[str]:
    """The file's founding dates in ISO form, read by the planner as the same day, not after today."""
    columns = [c for c in DATES if c in present]
    if not columns:
        return []
    cursor.execute(" UNION ".join(f"SELECT {c} FROM {_STAGING}" for c in columns))  # noqa: S608
    valid = []
    for (text,) in cursor.fetchall():
        try:
            day = _date(text)
        except parsing.ParseError:
            continue
        if day is not None and day.isoformat() == text and day <= today:
            valid.append(text)
    return valid


def _sort(cursor, present: frozenset[str], today: dt.date) -> bool:
    """Make the rows table (each row's typed values, and whether it keeps every rule of its own) and
    the plain rows table; False when the file has no rows or more than the reader allows (the reader
    says so).

    Each check costs once a row, not once a cell: the counts are checked with one pattern over the
    row's count cells joined: at most nine plain digits a cell (no count rules.MAX_COUNT refuses),
    exactly one comma between two cells (so a cell holding a comma fails too); periods and dates
    are looked up among the values Python found valid."""
    cell = {c: f"s.{c}" if c in present else "''" for c in COLUMNS}
    counts = [f for f in FIGURES if f in present]
    joined = f"concat_ws(',', {', '.join(cell[f] for f in counts)})"
    # Cast only where the row's pattern held (s.plain), so that no cell can fail its cast.
    typed = {f: f"CASE WHEN s.plain THEN NULLIF(s.{f}, '')::integer END" for f in FIGURES}
    # PostgreSQL looks a value up in a constant array of more than a few elements by hashing it.
    day = {c: f"CASE WHEN s.{c} = ANY(%(dates)s::text[]) THEN s.{c}::date END" for c in DATES if c in present}
    day |= {c: "NULL::date" for c in DATES if c not in present}  # ''::date would fail when planned
    zones = list(Zone.objects.values_list("code", "collects_party", "collects_union"))
    # Each rule a row must keep to be plain: a row breaking one is the planner's to check.
    rules_kept = [
        "p.period IS NOT NULL",
        f"s.tax_code ~ '{TAX_CODE_PATTERN}'",
        f"s.name <> '' AND char_length(s.name) <= {NAME_MAX_LENGTH} AND btrim(s.name, %(spaces)s) = s.name",
        f"{cell['zone']} = '' OR {cell['zone']} = ANY(%(zones)s::text[])",
        "s.ownership = ANY(%(ownerships)s::text[])",
        # Digits and commas only, no run of ten digits, and exactly one comma between two cells.
        f"{joined} ~ '^[0-9,]*$' AND {joined} !~ '[0-9]{{10}}'",
        f"length({joined}) - length(replace({joined}, ',', '')) = {len(counts) - 1}",
        "s.workers <> ''",
        *(f"{cell[c]} = ''" for c in Return.PEOPLE if c in present),
        f"({cell['party_org']} = '' AND {cell['party_org_founded']} = '') OR ({cell['party_org']} "
        f"= ANY(%(levels)s::text[]) AND {day['party_org_founded']} <= p.ends_on)",
        f"{cell['union_founded']} = '' OR {day['union_founded']} <= p.ends_on",
    ]
    uncollected = {
        FigureGroup.PARTY: [code for code, party, _union in zones if not party],
        FigureGroup.UNION: [code for code, _party, union in zones if not union],
    }
    for group in uncollected:
        given = [cell[c] for c, g in COLUMN_GROUPS.items() if g == group and c in present]
        if given:
            # A zone that does not collect the group refuses its cells (an empty one changes nothing).
            given = " OR ".join(f"{c} <> ''" for c in given)
            rules_kept.append(f"NOT ({cell['zone']} = ANY(%(not_{group})s::text[]) AND ({given}))")
    periods = _valid_periods(cursor, today)
    params = {
        "periods": [p[0] for p in periods],
        "starts": [p[1] for p in periods],
        "ends": [p[2] for p in periods],
        "dates": _valid_dates(cursor, present, today),
        "spaces": _SPACES,
        # The reader upper-cases a zone cell before it looks the code up.
        "zones": [code for code, _party, _union in zones if code == code.upper()],
        "ownerships": list(Ownership.values),
        "levels": list(PartyOrgLevel.values),
        **{f"not_{group}": codes for group, codes in uncollected.items()},
    }
    cursor.execute(
        f"""CREATE TEMPORARY TABLE {_ROWS} ON COMMIT DROP AS
        SELECT line, tax_code, name, zone, ownership, period, starts_on, ends_on,
            {", ".join(f"{typed[f]} AS {f}" for f in FIGURES)},
            party_org, party_org_founded, union_founded,
            plain AND ({typed["union_members"]} <= {typed["workers"]}) IS NOT false AS plain, blank
        FROM (
            SELECT s.line_no + 1 AS line, s.tax_code, s.name, {cell["zone"]} AS zone, s.ownership, s.period,
                p.starts_on, p.ends_on, {", ".join(f"{cell[f]} AS {f}" for f in FIGURES)},
                {cell["party_org"]} AS party_org, {day["party_org_founded"]} AS party_org_founded,
                {day["union_founded"]} AS union_founded,
                COALESCE({" AND ".join(f"({rule})" for rule in rules_kept)}, false) AS plain,
                ({" AND ".join(f"s.{c} = ''" for c in sorted(present))}) AS blank
            FROM {_STAGING} s
            LEFT JOIN unnest(%(periods)s::text[], %(starts)s::date[], %(ends)s::date[])
                AS p(period, starts_on, ends_on) ON p.period = s.period
            OFFSET 0
        ) s""",  # noqa: S608 - our own column names; values are parameters
        params,
    )
    cursor.execute(f"SELECT count(*) FILTER (WHERE NOT blank) FROM {_ROWS}")  # noqa: S608
    (rows,) = cursor.fetchone()
    if not 0 < rows <= int(getattr(settings, "IMPORT_MAX_ROWS", 200_000)):
        return False
    _plain_rows(cursor)
    return True


def _plain_rows(cursor) -> None:
    """The plain rows of the enterprises whose rows are all plain, new, consistent and not overlapping.

    An enterprise's rows are told apart by the tax code as the reader normalizes it: a flagged row
    written with other digits or spaces flags the enterprise it names too.
    """
    cursor.execute(f"SELECT DISTINCT tax_code FROM {_ROWS} WHERE NOT plain AND NOT blank")  # noqa: S608
    named = {parsing.normalize_tax_code(text.strip()) for (text,) in cursor.fetchall()}
    named = sorted(code for code in named if TAX_CODE_RE.match(code))
    cursor.execute(
        f"""CREATE TEMPORARY TABLE {_PLAIN} ON COMMIT DROP AS
        WITH enterprises AS (
            SELECT tax_code, min(line) AS first_line FROM {_ROWS} WHERE NOT blank GROUP BY tax_code
            HAVING bool_and(plain) AND min(name) = max(name) AND min(zone) = max(zone)
                AND min(ownership) = max(ownership)
                AND min(union_founded) IS NOT DISTINCT FROM max(union_founded)
                AND min(party_org || party_org_founded) IS NOT DISTINCT FROM
                    max(party_org || party_org_founded)
        ), overlapping AS (
            SELECT a.tax_code FROM {_ROWS} a JOIN {_ROWS} b ON b.tax_code = a.tax_code
                AND b.line > a.line AND b.starts_on <= a.ends_on AND a.starts_on <= b.ends_on
        )
        SELECT r.*, e.first_line FROM {_ROWS} r JOIN enterprises e ON e.tax_code = r.tax_code
        WHERE NOT r.tax_code = ANY(%s::text[])
            AND NOT EXISTS (SELECT 1 FROM overlapping o WHERE o.tax_code = r.tax_code)
            AND NOT EXISTS (SELECT 1 FROM {Enterprise._meta.db_table} x WHERE x.tax_code = r.tax_code)""",  # noqa: S608
        [named],
    )


def _write(cursor, *, user, now: dt.datetime) -> tuple[dict[str, int], bool]:
    """Write the plain rows: enterprises, party organizations and their levels, unions and returns,
    each with its history rows, inside ``changing_figures``; how many of each, and whether the
    readers refreshed the planner's statistics (``FigureChange.statistics_fresh``)."""
    cursor.execute(f"SELECT DISTINCT name FROM {_PLAIN}")  # noqa: S608
    names = [name for (name,) in cursor.fetchall()]
    # The search column is core.text.fold's, which SQL cannot do alike: folded here, once a name.
    cursor.execute(f"CREATE TEMPORARY TABLE {_NAMES} (name text, search_name text) ON COMMIT DROP")
    lines = "".join(f"{_escaped(name)}\t{_escaped(fold(name))}\n" for name in names)
    cursor.copy_expert(f"COPY {_NAMES} FROM STDIN", io.StringIO(lines))
    cursor.execute(f"SELECT DISTINCT substr(period, 1, 4)::integer FROM {_PLAIN}")  # noqa: S608
    years = {year for (year,) in cursor.fetchall()}
    params = {
        "history_date": now,
        "history_user": user.pk if user else None,
        "now": now,
        # Received today: an imported return's day counts like a typed one's.
        "today": timezone.localdate(now),
        "union_prefix": UNION_NAME_PREFIX,
        **{f"prefix_{level}": prefix for level, prefix in PARTY_ORG_NAME_PREFIX.items()},
    }
    org_prefix = " ".join(f"WHEN '{level}' THEN %(prefix_{level})s" for level in PARTY_ORG_NAME_PREFIX)
    # Each enterprise's first row; its party organization and union, named alike on all its rows.
    first = f"(SELECT * FROM {_PLAIN} WHERE line = first_line) f"  # noqa: S608
    orgs = (
        f"(SELECT DISTINCT tax_code, first_line, party_org, party_org_founded FROM {_PLAIN} "  # noqa: S608
        "WHERE party_org <> '') f"
    )
    unions = (
        f"(SELECT DISTINCT tax_code, first_line, union_founded FROM {_PLAIN} "  # noqa: S608
        "WHERE union_founded IS NOT NULL) f"
    )
    enterprise = f"JOIN {Enterprise._meta.db_table} e ON e.tax_code = f.tax_code"
    counts = {}
    with changing_figures(Return, years=years, since_year=0) as change:
        created = _insert(
            cursor,
            Enterprise,
            {
                "tax_code": "f.tax_code",
                "name": "f.name",
                "search_name": "n.search_name",
                "zone_id": "z.id",
                "ownership": "f.ownership",
                "established_on": "NULL::date",
                "closed_on": "NULL::date",
                "version": "1",
            },
            f"FROM {first} JOIN {_NAMES} n ON n.name = f.name "
            f"LEFT JOIN {Zone._meta.db_table} z ON z.code = f.zone ORDER BY f.line",
            params,
        )
        change.add(created)
        counts["enterprises_created"] = len(created)
        counts["party_orgs_created"] = len(
            _insert(
                cursor,
                PartyOrganization,
                {
                    "name": f"left(CASE f.party_org {org_prefix} END || ' ' || e.name, 255)",
                    "host_enterprise_id": "e.id",
                    "host_body": "''",
                    "founded_on": "f.party_org_founded",
                    "founding_members": "NULL::integer",
                    "dissolved_on": "NULL::date",
                },
                f"FROM {orgs} {enterprise} ORDER BY f.first_line",
                params,
            )
        )
        _insert(
            cursor,
            PartyOrganizationLevel,
            {"organization_id": "o.id", "level": "f.party_org", "since": "o.founded_on"},
            f"FROM {orgs} {enterprise} JOIN {PartyOrganization._meta.db_table} o "
            "ON o.host_enterprise_id = e.id ORDER BY o.id",
            params,
        )
        counts["unions_created"] = len(
            _insert(
                cursor,
                GrassrootsUnion,
                {
                    "enterprise_id": "e.id",
                    "name": "left(%(union_prefix)s || ' ' || e.name, 255)",
                    "founded_on": "f.union_founded",
                    "founding_members": "NULL::integer",
                    "dissolved_on": "NULL::date",
                },
                f"FROM {unions} {enterprise} ORDER BY f.first_line",
                params,
            )
        )
        counts["returns_created"] = len(
            _insert(
                cursor,
                Return,
                {
                    "enterprise_id": "e.id",
                    "period": "f.period",
                    "starts_on": "f.starts_on",
                    "ends_on": "f.ends_on",
                    "updated_at": "%(now)s::timestamptz",
                    "received_on": "%(today)s::date",
                    "version": "1",
                    **{name: f"f.{name}" for name in FIGURES},
                },
                f"FROM {_PLAIN} f {enterprise} ORDER BY f.line",
                params,
            )
        )
    return counts, change.statistics_fresh


def _insert(cursor, model, values: dict[str, str], source: str, params: dict) -> list[int]:
    """``INSERT INTO model (...) SELECT values source`` and a "+" history row for each new row, as
    ``simple_history.utils.bulk_create_with_history`` writes them, in one statement; the new ids.

    ``values``: an SQL expression for every column but the id, by attname; ``params`` holds the
    history rows' ``history_date`` and ``history_user``.
    """
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    if set(values) != {f.attname for f in fields}:
        # A column added to the model needs a value here too (the ORM would have filled its default).
        raise ImproperlyConfigured(f"{meta.label}: the import writes {sorted(values)}")
    past = get_history_model_for_model(model)
    quote = connection.ops.quote_name
    kept = ", ".join(quote(f.column) for f in past.tracked_fields)
    fixed = ", ".join(
        quote(past._meta.get_field(name).column)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    )
    cursor.execute(
        f"WITH new AS (INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"SELECT {', '.join(values[f.attname] for f in fields)} {source} RETURNING {kept}) "
        f"INSERT INTO {quote(past._meta.db_table)} ({kept}, {fixed}) "
        f"SELECT {kept}, %(history_date)s, NULL, '+', %(history_user)s FROM new "
        f"RETURNING {quote(meta.pk.column)}",
        params,
    )
    return [pk for (pk,) in cursor.fetchall()]


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escaped(text: str) -> str:
    return text.translate(_COPY_ESCAPES)
