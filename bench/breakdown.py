"""Where a page's time goes, in-process: queries, time in the database and the rest (templates,
model instances, Python), for the signed-in pages of bench/pages.py, as an office admin.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_bench .venv/bin/python bench/breakdown.py [PAGE] [--cprofile]

Production settings as bench/pages.py sets them (DEBUG off, so templates come from the cached
loader). Each page is asked for once to warm the caches, then RUNS times; the median is shown.
With --cprofile the first page named (or every page) is profiled and its top functions printed.
"""

import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import PAGES, ROOT, setup_django

RUNS = int(os.environ.get("BENCH_RUNS", 30))


def main() -> None:
    setup_django()
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True)
    from django.db import connection
    from django.test import Client

    from accounts.models import Membership, Role

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    profile = "--cprofile" in sys.argv
    slug = os.environ.get("BENCH_OFFICE", "bench-001")
    admin = Membership.objects.get(office__slug=slug, role=Role.ADMIN).user
    client = Client()
    client.force_login(admin)
    print("| page | queries | median (ms) | in the database (ms) | rest (ms) |")
    print("|---|---:|---:|---:|---:|")
    for label, path, signed_in in PAGES:
        if not signed_in or (args and label not in args):
            continue
        url = path.format(slug=slug)
        client.get(url)
        totals, in_db, counts = [], [], []
        for _ in range(RUNS):
            spent = [0.0, 0]

            def timed(execute, sql, params, many, context, spent=spent):
                start = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    spent[0] += time.perf_counter() - start
                    spent[1] += 1

            with connection.execute_wrapper(timed):
                start = time.perf_counter()
                response = client.get(url)
                totals.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
            in_db.append(spent[0])
            counts.append(spent[1])
        total, db = statistics.median(totals) * 1000, statistics.median(in_db) * 1000
        print(f"| {label} | {counts[0]} | {total:.1f} | {db:.1f} | {total - db:.1f} |")
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                client.get(url)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(45)
            stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
