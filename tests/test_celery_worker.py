"""A real Celery worker process takes a task from Redis and finishes it.

Runs when REDIS_URL points at a Redis server (CI always sets it, and there a missing server
fails the run instead of skipping it).
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from tests.conftest import in_ci

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.services


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        if in_ci():
            pytest.fail("CI must set REDIS_URL")
        pytest.skip("REDIS_URL is not set: no broker to test against")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.ConnectionError as exc:
        if in_ci():
            pytest.fail(f"Redis is unreachable at {url}: {exc}")
        pytest.skip(f"Redis is unreachable at {url}")
    return url


def test_a_worker_process_takes_a_task_from_redis_and_finishes_it(redis_url, tmp_path):
    queue = f"test-{uuid.uuid4().hex[:8]}"  # a queue of its own, so no other worker steals the task
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "true",
        "REDIS_URL": redis_url,
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--queues", queue,
         "--loglevel", "INFO", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        from celery import Celery

        app = Celery(broker=redis_url, backend=redis_url)
        token = uuid.uuid4().hex
        result = app.send_task("core.tasks.ping", args=[token], queue=queue)
        assert result.get(timeout=60) == f"pong:{token}"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    assert "core.tasks.ping" in (tmp_path / "worker.log").read_text()
