"""What bench/enterprise_table.py and bench/target_paths.py share: Django set up on the database of
``DATABASE_URL`` as production runs it, an administrator's test client, and median / p95 of a run."""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def admin_client():
    """Django set up (DEBUG off), and a test client logged in as the administrator ``bench-admin``."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.test import Client

    admin, _created = User.objects.get_or_create(username="bench-admin")
    admin.groups.add(Group.objects.get(name="administrator"))
    client = Client()
    client.force_login(admin)
    # As config/wsgi.py does for a served process: what is loaded stays out of the full collections.
    import gc

    gc.collect()
    gc.freeze()
    return client


def median_p95(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
    }
