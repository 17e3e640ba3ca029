"""A real Celery worker process takes a task from Redis and finishes it.

Runs when REDIS_URL points at a Redis server (CI always sets it, and there a missing server
fails the run instead of skipping it).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from tests.conftest import require_postgresql, unavailable

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.services


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        unavailable("REDIS_URL is not set: no broker to test against")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.ConnectionError as exc:
        unavailable(f"Redis is unreachable at {url}: {exc}")
    return url


def start_worker(queue: str, env: dict, log_path: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--loglevel",
            "INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("a"),
        stderr=subprocess.STDOUT,
    )


def worker_env(redis_url: str, settings, **extra: str) -> dict:
    """A worker's environment: the test run's PostgreSQL database and private storage."""
    from tests.helpers import running_database_url

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "true",
        "REDIS_URL": redis_url,
        "DATABASE_URL": running_database_url(),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        **extra,
    }


def test_a_worker_process_takes_a_task_from_redis_and_finishes_it(redis_url, tmp_path):
    queue = f"test-{uuid.uuid4().hex[:8]}"  # a queue of its own, so no other worker steals the task
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "true",
        "REDIS_URL": redis_url,
    }
    log = tmp_path / "worker.log"
    worker = start_worker(queue, env, log)
    try:
        from celery import Celery

        app = Celery(broker=redis_url, backend=redis_url, set_as_current=False)
        token = uuid.uuid4().hex
        result = app.send_task("core.tasks.ping", args=[token], queue=queue)
        assert result.get(timeout=60) == f"pong:{token}"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert "core.tasks.ping" in log.read_text()


@pytest.fixture
def committed_job(db, settings):
    """A report job committed through its own connection, so the worker process sees it; removed after."""

    from django.db.models import QuerySet

    from accounts.models import AuditEvent
    from ita.models import Framework
    from ita.services.assessments import assessment_open
    from reports.models import ReportJob
    from tests.factories import MembershipFactory
    from tests.helpers import in_own_connection

    require_postgresql("the worker process cannot see SQLite's in-memory test database")

    def create():
        admin = MembershipFactory(role="admin")
        assessment = assessment_open(
            office=admin.office, framework=Framework.objects.get(fiscal_year=2566), user=admin.user
        )
        return ReportJob.objects.create(assessment=assessment, kind="oit-status", requested_by=admin.user)

    def remove() -> None:
        office = job.assessment.office
        # The log is append-only to the app; the test removes its own rows with a plain delete.
        QuerySet.delete(AuditEvent.objects.filter(office=office))
        office.delete()
        job.requested_by.delete()

    job = in_own_connection(create)
    try:
        yield job
    finally:
        in_own_connection(remove)


def test_a_worker_process_renders_a_report_taken_from_redis(redis_url, committed_job, settings, tmp_path):
    from reports.models import ReportJob

    queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    worker = start_worker(queue, worker_env(redis_url, settings), log)
    try:
        from celery import Celery

        app = Celery(broker=redis_url, backend=redis_url, set_as_current=False)
        app.send_task("reports.tasks.generate_report", args=[committed_job.pk], queue=queue).get(timeout=120)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    job = ReportJob.objects.get(pk=committed_job.pk)
    assert (job.status, job.progress, job.error) == ("done", 100, ""), log.read_text()[-3000:]
    assert job.file.read(5) == b"%PDF-"


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def test_a_report_whose_worker_is_killed_mid_render_is_made_after_a_restart(
    redis_url, committed_job, settings, tmp_path
):
    """The worker dies (SIGKILL) while rendering; the unacknowledged task comes back to a new
    worker once the broker's visibility timeout passes, and that worker claims the abandoned job."""
    from reports.models import ReportJob
    from tests.helpers import in_own_connection

    # Committed on a connection of its own: the test's transaction would hold the row's lock.
    in_own_connection(lambda: ReportJob.objects.filter(pk=committed_job.pk).update(kind="slow-test"))
    queue = f"test-{uuid.uuid4().hex[:8]}"
    # Short limits, so that redelivery comes in seconds rather than the production quarter hour.
    env = worker_env(
        redis_url,
        settings,
        REPORT_TIME_LIMIT="8",
        CELERY_VISIBILITY_TIMEOUT="9",
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        CELERY_UNACKED_RESTORE_THROTTLE="1",
    )
    log = tmp_path / "workers.log"
    worker = start_worker(queue, env, log, "--include", "tests.faults.slow_report")
    try:
        from celery import Celery

        Celery(broker=redis_url, set_as_current=False).send_task(
            "reports.tasks.generate_report",
            args=[committed_job.pk],
            queue=queue,
            time_limit=8,
            soft_time_limit=6,
        )
        wait_for(lambda: ReportJob.objects.get(pk=committed_job.pk).status == "running", 60, "the render to start")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        assert ReportJob.objects.get(pk=committed_job.pk).status == "running"  # left behind by the dead worker
        worker = start_worker(queue, env, log, "--include", "tests.faults.slow_report")
        job = wait_for(
            lambda: ReportJob.objects.filter(pk=committed_job.pk, status__in=["done", "failed"]).first(),
            90,
            "the restarted worker to finish the job",
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert (job.status, job.attempts, job.error) == ("done", 2, ""), log.read_text()[-3000:]
    assert job.file.read(5) == b"%PDF-"
