import contextlib
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext


def assert_queries_constant(client, url: str, *, expected: int, grow) -> None:
    """The page at `url` runs `expected` queries, and still does after `grow()` adds data."""
    client.get(url)  # the first request fills per-process caches (content types, ...)
    counts = []
    for step in ("before", "after"):
        if step == "after":
            grow()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts == [expected, expected], f"{counts}\n" + "\n".join(q["sql"][:200] for q in queries.captured_queries)


def in_own_connection(function):
    """Run `function` in a thread, on its own autocommitted connection, as another request would.

    What it writes is committed at once, outside the transaction that wraps the test.
    """
    outcome = {}

    def run() -> None:
        try:
            outcome["result"] = function()
        except Exception as exc:  # raised again in the calling thread
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def running_database_url() -> str:
    """The URL of the database this test run uses, for processes the tests start (workers, servers)."""
    database = connection.settings_dict
    host, port = database["HOST"] or "localhost", database["PORT"] or 5432
    return f"postgres://{database['USER']}:{database['PASSWORD']}@{host}:{port}/{database['NAME']}"


ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def live_server(env: dict, log_path: Path, *options: str):
    """`manage.py runserver` in a process of its own, with `env`; yields its base URL once it
    accepts connections, and stops it after."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", *options, f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(150):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise RuntimeError("The server did not start: " + log_path.read_text()[-2000:])
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=20)
