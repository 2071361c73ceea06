"""The enterprise table at national scale: page 1 unfiltered and filtered, a deep page (by offset and
by "next", keyset), and what each query costs. Runs against an existing database (``DATABASE_URL``;
build one with ``generate_synthetic --enterprises 1000000 --seed 7``, as ``bench/scale.py`` does):

    DATABASE_URL=postgres://... .venv/bin/python bench/enterprise_table.py [--explain]

Prints one JSON line per measure: median / p95 in milliseconds over ``--repeats`` runs and the
number of SQL queries, rendered (the page cache emptied before each run, "miss") and read again from
the page cache ("hit"); with ``--explain``, each query of the rendered request and its time.
"""

from __future__ import annotations

import argparse
import json
import re
import time

from page_timing import admin_client, median_p95


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    client = admin_client()
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zones.models import Zone

    zone = Zone.objects.filter(code__startswith="S").order_by("code").first()
    measures = {
        "enterprise table, page 1": {"period": "2024"},
        "enterprise table, filtered": {
            "period": "2024",
            "zone": zone.code,
            "party": "org",
            "sort": "-workers",
        },
        "enterprise table, sorted by workers": {"period": "2024", "sort": "-workers"},
        "enterprise table, name search": {"period": "2024", "q": "cong ty"},
        "enterprise table, name search, 10 found": {"period": "2024", "q": "enterprise 000012"},
        "enterprise table, page 500": {"period": "2024", "page": "500"},
    }
    # Page 501 by the "next" link of page 500: after page 500's last row.
    caches["pages"].clear()
    page_500 = client.get("/enterprises/", measures["enterprise table, page 500"]).content.decode()
    last = re.search(r"after=(\d+)", page_500).group(1)
    measures["enterprise table, page 501 by next (keyset)"] = {"period": "2024", "page": "501", "after": last}
    for label, params in measures.items():
        response = client.get("/enterprises/", params)
        assert response.status_code == 200, (label, response.status_code)
        for kind in ("miss", "hit"):
            times, queries = [], []
            for _ in range(args.repeats):
                if kind == "miss":
                    caches["pages"].clear()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    client.get("/enterprises/", params)
                    times.append((time.perf_counter() - started) * 1000)
                queries = captured.captured_queries
            line = {"measure": label, "cache": kind, **median_p95(times), "queries": len(queries)}
            print(json.dumps(line), flush=True)
            if args.explain and kind == "miss":
                for query in queries:
                    print(f"  {query['time']}s  {query['sql'][:400]}")


if __name__ == "__main__":
    main()
