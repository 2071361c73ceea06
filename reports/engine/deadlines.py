"""When a period's returns are due: the period's last day plus the days set for its length, or the
date an administrator set for that one period (DOMAIN.md "Reporting cycle"). Dates are local
(``TIME_ZONE``, Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Subquery

from core.periods import Period
from reports.reporting_models import DeadlineOverride, DeadlineRule
from zones.models import ReportingFrequency

# The defaults the first migration writes; an administrator edits them in the admin.
DEFAULT_DAYS = {ReportingFrequency.QUARTER: 15, ReportingFrequency.HALF: 20, ReportingFrequency.YEAR: 30}
_LENGTH_OF_KIND = {
    "Q": ReportingFrequency.QUARTER,
    "S": ReportingFrequency.HALF,
    "Y": ReportingFrequency.YEAR,
}
_KIND_OF_LENGTH = {length: kind for kind, length in _LENGTH_OF_KIND.items()}


def length_of(period: Period) -> str:
    """The period's length as a reporting frequency (``quarter``, ``half``, ``year``)."""
    return _LENGTH_OF_KIND[period.kind].value


def kind_of(length: str) -> str:
    """The period kind (``Q``, ``S``, ``Y``) of a reporting frequency."""
    return _KIND_OF_LENGTH[ReportingFrequency(length)]


def deadline(period: Period) -> dt.date:
    """The period's deadline, in one query (the rule of its length, with the period's own date)."""
    override = DeadlineOverride.objects.filter(period=str(period)).values("deadline")[:1]
    found = (
        DeadlineRule.objects.filter(length=length_of(period))
        .annotate(override=Subquery(override))
        .values_list("days", "override")
        .first()
    )
    if found is None:  # the rule row is missing: the default, and the period's own date if any
        days = DEFAULT_DAYS[ReportingFrequency(length_of(period))]
        own = DeadlineOverride.objects.filter(period=str(period)).values_list("deadline", flat=True).first()
        return own or period.end + dt.timedelta(days=days)
    days, own = found
    if isinstance(own, str):  # SQLite hands back a subquery's date as text
        own = dt.date.fromisoformat(own)
    return own or period.end + dt.timedelta(days=days)


def rule_days() -> dict[str, int]:
    """Length -> days, for pages listing several lengths."""
    days = {length.value: value for length, value in DEFAULT_DAYS.items()}
    days |= dict(DeadlineRule.objects.values_list("length", "days"))
    return days


def deadline_sql(period: Period, vendor: str) -> tuple[str, dict]:
    """The period's deadline as an SQL expression (named parameters), so that the engine's one
    statement reads it without a query of its own: the period's own date, else its length's rule,
    else the default."""
    length = length_of(period)
    default = period.end + dt.timedelta(days=DEFAULT_DAYS[ReportingFrequency(length)])
    if vendor == "postgresql":
        shifted, fallback = "CAST(%(deadline_end)s AS date) + rl.days", "CAST(%(deadline_default)s AS date)"
    else:  # SQLite keeps dates as ISO text
        shifted, fallback = "date(%(deadline_end)s, '+' || rl.days || ' days')", "%(deadline_default)s"
    sql = f"""COALESCE(
        (SELECT ov.deadline FROM {DeadlineOverride._meta.db_table} ov WHERE ov.period = %(deadline_period)s),
        (SELECT {shifted} FROM {DeadlineRule._meta.db_table} rl WHERE rl.length = %(deadline_length)s),
        {fallback})"""  # noqa: S608 - our own table names
    params = {
        "deadline_period": str(period),
        "deadline_length": length,
        "deadline_end": period.end.isoformat(),
        "deadline_default": default.isoformat(),
    }
    return sql, params
