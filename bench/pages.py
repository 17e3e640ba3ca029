"""Page benchmark: p50/p95 latency and throughput of the main pages under concurrent load, next
to a trivial view on the same stack, with each page's query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_bench .venv/bin/python bench/seed.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_bench .venv/bin/python bench/pages.py

Needs wrk (apt-get install wrk). Serves the app with gunicorn in production settings (DEBUG off,
persistent database connections), loads it with wrk from a separate process: 20 connections,
each request as the next of 20 signed-in office admins (anonymous for the public page).
BENCH_ROUNDS=3 repeats the "users at work" pass over all pages and shows the median of the passes:
a single pass's p95 moves by a third between runs of the same commit.
"""

import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 20))
DURATION = os.environ.get("BENCH_DURATION", "15s")
WORKERS = int(os.environ.get("BENCH_WORKERS", (os.cpu_count() or 2) * 2 + 1))
THINK = float(os.environ.get("BENCH_THINK", 1.0))  # seconds between one user's requests
# Passes of the "users at work" load over all pages, taken in turn so that drift on the machine
# touches every page alike; the table shows the median of the passes' p50 and p95.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 1))
PAGES = [  # (label, path with {slug}, signed in)
    ("trivial view (/livez)", "/livez", False),
    ("dashboard", "/office/{slug}/2566/", True),
    ("item list", "/office/{slug}/2566/items/", True),
    ("item detail", "/office/{slug}/2566/items/O12/", True),
    ("review queue", "/office/{slug}/2566/items/review/", True),
    ("cycle", "/office/{slug}/2566/cycle/", True),
    ("public OIT page", "/{slug}/ita/2566/", False),
]
STATIC_ROOT = Path(tempfile.gettempdir()) / "ita-bench-static"
ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SESSION_COOKIE_SECURE": "false",
    "DJANGO_CSRF_COOKIE_SECURE": "false",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "DJANGO_CONN_MAX_AGE": "60",
    "DJANGO_STATIC_ROOT": str(STATIC_ROOT),
    "DJANGO_LOG_LEVEL": "WARNING",
}


def setup_django() -> None:
    os.environ.update(ENV)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database that bench/seed.py filled.")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def sessions() -> list[tuple[str, str]]:
    """(office slug, session key) for the admins of the first CONCURRENCY offices."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import Membership, Role

    admins = (
        Membership.objects.filter(office__slug__startswith="bench-", role=Role.ADMIN)
        .select_related("user", "office")
        .order_by("office__slug")[:CONCURRENCY]
    )
    pairs = []
    for membership in admins:
        store = SessionStore()
        store[SESSION_KEY] = str(membership.user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = membership.user.get_session_auth_hash()
        store.create()
        pairs.append((membership.office.slug, store.session_key))
    if len(pairs) < CONCURRENCY:
        sys.exit("Seed the database first: bench/seed.py")
    return pairs


def query_counts(slug: str) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Membership, Role

    admin = Membership.objects.get(office__slug=slug, role=Role.ADMIN).user
    counts = {}
    for label, path, signed_in in PAGES:
        client = Client()
        if signed_in:
            client.force_login(admin)
        url = path.format(slug=slug)
        client.get(url)  # warm the per-process caches, as a running server has
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        assert status == 200, (url, status)
        counts[label] = len(queries)
    return counts


def serve() -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    process = subprocess.Popen(
        [
            gunicorn,
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    return process, base


def load(base: str, path: str, pairs: list[tuple[str, str]], signed_in: bool) -> dict:
    arguments = [path] + [f"{slug}={key if signed_in else ''}" for slug, key in pairs]
    subprocess.run(  # warm-up
        ["wrk", "-t2", f"-c{CONCURRENCY}", "-d3s", "-s", str(ROOT / "bench" / "users.lua"), base, "--", *arguments],
        check=True,
        capture_output=True,
    )
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONCURRENCY}",
            f"-d{DURATION}",
            "-s",
            str(ROOT / "bench" / "users.lua"),
            base,
            "--",
            *arguments,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def load_with_thinking(base: str, path: str, pairs: list[tuple[str, str]], signed_in: bool) -> dict:
    """CONCURRENCY users who each ask about once a THINK seconds, as people at work do."""
    arguments = [f"{slug}={key if signed_in else ''}" for slug, key in pairs]
    output = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), base, str(THINK), DURATION.rstrip("s"), path, *arguments],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _median_pass(runs: list[dict]) -> dict:
    """One row from several passes of a page: the median p50, p95 and rate, the failures summed."""
    return {
        "p50_ms": statistics.median(run["p50_ms"] for run in runs),
        "p95_ms": statistics.median(run["p95_ms"] for run in runs),
        "rps": statistics.median(run["rps"] for run in runs),
        "failures": sum(run["failures"] for run in runs),
        "passes": [run["p95_ms"] for run in runs],
    }


def main() -> None:
    setup_django()
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True)
    pairs = sessions()
    counts = query_counts(pairs[0][0])
    process, base = serve()
    try:
        results = {label: load(base, path, pairs, signed_in) for label, path, signed_in in PAGES}
        passes = {label: [] for label, _path, _signed_in in PAGES}
        for _round in range(ROUNDS):
            for label, path, signed_in in PAGES:
                passes[label].append(load_with_thinking(base, path, pairs, signed_in))
        thinking = {label: _median_pass(runs) for label, runs in passes.items()}
    finally:
        process.terminate()
        process.wait(timeout=30)
    trivial = results[PAGES[0][0]]
    print(
        f"gunicorn {WORKERS} sync workers; {CONCURRENCY} users, each asking once every {THINK:g} s, {DURATION}"
        + (f"; median of {ROUNDS} passes (p95 of each pass in the last column)" if ROUNDS > 1 else "")
    )
    print(
        "| page | p50 (ms) | p95 (ms) | requests/s | p95 ÷ trivial p95 | failures |"
        + (" p95 of each pass |" if ROUNDS > 1 else "")
    )
    print("|---|---:|---:|---:|---:|---:|" + ("---|" if ROUNDS > 1 else ""))
    trivial_thinking = thinking[PAGES[0][0]]
    for label, _path, _signed_in in PAGES:
        r = thinking[label]
        print(
            f"| {label} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['rps']:.0f} | "
            f"{r['p95_ms'] / trivial_thinking['p95_ms']:.1f}× | {r['failures']} |"
            + (f" {' · '.join(f'{p95:.1f}' for p95 in r['passes'])} |" if ROUNDS > 1 else "")
        )
    print()
    print(f"Saturation: wrk, {CONCURRENCY} connections without pauses, {DURATION} per page.")
    print("| page | queries | p50 (ms) | p95 (ms) | requests/s | p95 ÷ trivial p95 | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, _path, _signed_in in PAGES:
        r = results[label]
        print(
            f"| {label} | {counts[label]} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['rps']:.0f} | "
            f"{r['p95_ms'] / trivial['p95_ms']:.1f}× | {r['non_2xx'] + r['socket_errors']} |"
        )


if __name__ == "__main__":
    main()
