"""What the targets' paths (issue 32) cost the dashboards at national scale: the installation's
dashboard, a province's and a zone's, rendered (the page cache emptied before each run), first with no
target set, then with the four flow targets set for the installation and a union-member target for
every zone (so that every path chart, the projection and the "who is behind" table are drawn). The
targets are removed again at the end. Runs against an existing database (``DATABASE_URL``; build one
with ``generate_synthetic --enterprises 1000000 --seed 7``, as ``bench/scale.py`` does):

    DATABASE_URL=postgres://... .venv/bin/python bench/target_paths.py [--repeats 15]

Prints one JSON line per page and case: median / p95 in milliseconds and the number of SQL queries.
"""

from __future__ import annotations

import argparse
import json
import time

from page_timing import admin_client, median_p95


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    client = admin_client()
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import Target, TargetIndicator
    from zones.models import Province, Zone

    zone = Zone.objects.order_by("code").first()
    province = Province.objects.order_by("code").first()
    pages = {
        "installation dashboard": "/",
        "province page": f"/provinces/{province.code}/",
        "zone page": f"/zones/{zone.code}/",
    }

    def measure(case: str):
        for label, path in pages.items():
            caches["pages"].clear()
            response = client.get(path, {"period": "2024S1"})
            assert response.status_code == 200, (label, response.status_code)
            times = []
            for _ in range(args.repeats):
                caches["pages"].clear()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    client.get(path, {"period": "2024S1"})
                    times.append((time.perf_counter() - started) * 1000)
            line = {
                "page": label,
                "path_charts": response.content.decode().count('id="chart-path-'),
                "targets": case,
                **median_p95(times),
                "queries": len(captured.captured_queries),
            }
            print(json.dumps(line), flush=True)

    kept = list(Target.objects.filter(year=2024).values_list("pk", flat=True))
    measure("none" if not kept else "as stored")
    added = [
        Target.objects.create(indicator=indicator, year=2024, value=1000)
        for indicator in (
            TargetIndicator.NEW_UNION_MEMBERS,
            TargetIndicator.ADMITTED_TO_PARTY,
            TargetIndicator.NEW_UNION_BASES,
            TargetIndicator.NEW_PARTY_ORGS,
        )
        if not Target.objects.filter(year=2024, indicator=indicator, zone=None, province=None).exists()
    ]
    added += Target.objects.bulk_create(
        Target(indicator=TargetIndicator.NEW_UNION_MEMBERS, year=2024, value=40, zone=z)
        for z in Zone.objects.exclude(targets__year=2024)
    )
    try:
        measure("four for the installation, one per zone")
    finally:
        Target.objects.filter(pk__in=[t.pk for t in added]).delete()


if __name__ == "__main__":
    main()
