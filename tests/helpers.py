import threading

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
