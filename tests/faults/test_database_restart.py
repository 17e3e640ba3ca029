"""The database drops the app's connections (as a PostgreSQL restart does): the next request
works again, without restarting the app.

The server runs in its own process with persistent connections (CONN_MAX_AGE), so it holds a
connection that the database then kills; restarting the shared PostgreSQL itself would also cut
the test run's own connection.
"""

import os
import urllib.error
import urllib.request

import pytest
from django.db import connection

from tests.conftest import require_postgresql
from tests.helpers import live_server, running_database_url

pytestmark = pytest.mark.django_db


def get(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=10).status  # noqa: S310 - our own http URL
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def server(tmp_path):
    require_postgresql()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": running_database_url(),
        "DJANGO_CONN_MAX_AGE": "600",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    with live_server(env, tmp_path / "server.log", "--nothreading") as base:
        yield base


def kill_other_connections() -> int:
    """What a database restart does to every client: their connections are gone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_the_app_recovers_when_the_database_drops_its_connections(server):
    assert get(server + "/healthz") == 200  # the server now holds a persistent connection
    assert kill_other_connections() >= 1
    assert get(server + "/healthz") == 200  # a fresh connection, no restart of the app
    assert get(server + "/healthz") == 200
