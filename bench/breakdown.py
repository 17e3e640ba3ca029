"""Where a page's time goes, in-process: queries, time waiting for the database, and the CPU time
the Django process spends (templates, model instances, query building), for the pages of
bench/pages.py, as an office admin (the trivial and public pages anonymously).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_bench .venv/bin/python bench/breakdown.py [PAGE] [--cprofile]

Production settings as bench/pages.py sets them (DEBUG off, so templates come from the cached
loader). Each page is asked for once to warm the caches, then RUNS times; medians are shown. On a
busy machine wall times swing with the other work, while the process's own CPU time (`process_time`)
hardly does: compare pages and commits by it. "Python calls" is the number of Python function
calls a request makes (counted by cProfile over five requests), which does not move with the load of
the machine at all: the steadiest way to compare two commits. With --cprofile each page is
profiled and its top functions printed.
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
    signed_in_client, anonymous = Client(), Client()
    signed_in_client.force_login(admin)
    print(
        "| page | queries (without BEGIN, COMMIT) | wall (ms) | database (ms) | CPU (ms) | CPU ÷ trivial CPU "
        "| Python calls |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    trivial_cpu = None
    for label, path, signed_in in PAGES:
        if args and label not in args and trivial_cpu is not None:
            continue
        client = signed_in_client if signed_in else anonymous
        url = path.format(slug=slug)
        client.get(url)
        totals, cpu, in_db, counts = [], [], [], []
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
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                totals.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            assert response.status_code == 200, (url, response.status_code)
            in_db.append(spent[0])
            counts.append(spent[1])
        total, db, own = (statistics.median(values) * 1000 for values in (totals, in_db, cpu))
        trivial_cpu = trivial_cpu or own
        counter = cProfile.Profile()
        counter.enable()
        for _ in range(5):
            client.get(url)
        counter.disable()
        calls = pstats.Stats(counter).total_calls / 5
        ratio = own / trivial_cpu
        print(f"| {label} | {counts[0]} | {total:.1f} | {db:.1f} | {own:.1f} | {ratio:.1f}× | {calls:,.0f} |")
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
