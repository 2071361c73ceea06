"""A newcomer's first `migrate` prints no warning: the system checks (database ones included) are
clean on SQLite and PostgreSQL alike."""

import pytest
from django.core import checks

pytestmark = pytest.mark.django_db


def test_the_system_checks_warn_about_nothing():
    found = checks.run_checks(databases=["default"])
    assert [f"{message.id}: {message.msg}" for message in found if message.level >= checks.WARNING] == []
