"""The engine's fixed statements are prepared once per PostgreSQL connection (core.db.execute), and
give exactly what a plain statement gives."""

import pytest
from django.db import connection, transaction

from core.db import execute
from enterprises.models import Return
from reports.engine import summary
from tests import factories as f

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's")


def prepared_statements():
    """Our statements prepared on this connection: {name: (generic plans, custom plans)}."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE name LIKE 'coverage_%%'"
        )
        return {name: (generic, custom) for name, generic, custom in cursor.fetchall()}


def test_a_statement_gives_what_a_plain_one_gives_with_its_parameters_and_percent_signs():
    with connection.cursor() as cursor:
        execute(cursor, "SELECT %s + 1, '100%%', %s", [41, "Tằng Loỏng"])
        assert cursor.fetchall() == [(42, "100%", "Tằng Loỏng")]
        execute(cursor, "SELECT %s + 1, '100%%', %s", [1, "BDH"])
        assert cursor.fetchall() == [(2, "100%", "BDH")]


@on_postgresql
def test_preparing_a_statement_is_not_counted_as_a_query(django_assert_num_queries):
    before = prepared_statements()
    with django_assert_num_queries(1), connection.cursor() as cursor:
        execute(cursor, "SELECT %s * 2", [21])
        assert cursor.fetchone() == (42,)
    assert len(prepared_statements().keys() - before.keys()) == 1


@on_postgresql
def test_each_connection_prepares_its_own_statements():
    with connection.cursor() as cursor:
        execute(cursor, "SELECT %s * 3", [1])
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            execute(cursor, "SELECT %s * 3", [2])
            assert cursor.fetchone() == (6,)
    finally:
        other.close()


@on_postgresql
def test_saving_returns_plans_the_upkeep_once_and_keeps_the_summary_exact(settings):
    ret = f.report(f.enterprise("BDH"), "2024S1", workers=50, union_members=10)
    summary.ensure()
    before = prepared_statements()
    for workers in (60, 70, 80):
        ret.refresh_from_db()
        ret.workers = workers
        with transaction.atomic():
            ret.save()
    after = prepared_statements()
    runs = {name: generic - before.get(name, (0, 0))[0] for name, (generic, _custom) in after.items()}
    # Each save stores the enterprise's rows once and reads its figures twice, each with its one plan.
    assert sorted(n for n in runs.values() if n) == [3, 6]
    assert all(custom == 0 for _generic, custom in after.values())
    assert Return.objects.get(pk=ret.pk).workers == 80
    for period in summary.summarized_periods():
        assert summary.stored_differences(period) == []


@on_postgresql
def test_with_prepared_statements_turned_off_nothing_is_prepared(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    before = prepared_statements()
    with connection.cursor() as cursor:
        execute(cursor, "SELECT %s * 4", [2])
        assert cursor.fetchone() == (8,)
    assert prepared_statements() == before
