"""A load of users who think between clicks, for bench/pages.py (run in a process of its own).

    python bench/load.py BASE THINK_SECONDS DURATION_SECONDS PATH slug=session ...

Each slug=session pair is one user on a keep-alive connection: a request, then a pause so that
the user asks about once every THINK_SECONDS. Prints one JSON line: p50/p95/p99 in ms, requests
per second, and failures.
"""

import http.client
import json
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit


def user(base: str, path: str, cookie: str, think: float, until: float, latencies: list, failures: list) -> None:
    host = urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    time.sleep(think * (hash(cookie or path) % 1000) / 1000)  # users do not all click at once
    while time.monotonic() < until:
        start = time.monotonic()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
        except OSError as exc:
            failures.append(repr(exc))
            connection.close()
        elapsed = time.monotonic() - start
        latencies.append(elapsed * 1000)
        time.sleep(max(0.0, think - elapsed))


def main() -> None:
    base, think, duration, template, *pairs = sys.argv[1:]
    think, until = float(think), time.monotonic() + float(duration)
    latencies: list[float] = []
    failures: list = []
    threads = []
    for pair in pairs:
        slug, cookie = pair.split("=", 1)
        path = template.replace("{slug}", slug)
        threads.append(threading.Thread(target=user, args=(base, path, cookie, think, until, latencies, failures)))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = statistics.quantiles(latencies, n=100)
    print(
        json.dumps(
            {
                "p50_ms": cuts[49],
                "p95_ms": cuts[94],
                "p99_ms": cuts[98],
                "rps": len(latencies) / (time.monotonic() - started),
                "failures": len(failures),
            }
        )
    )


if __name__ == "__main__":
    main()
