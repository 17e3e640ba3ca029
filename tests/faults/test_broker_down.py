"""The task queue (Redis) is down when someone asks for a report: they are told, the request is
kept, and it is made once the queue is back."""

import datetime

import pytest
from django.urls import reverse

from config.celery import app
from reports.models import ReportJob
from reports.services import reports_requeue

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_broker():
    """Point Celery at a port where nothing listens, as when Redis is down; restore it after."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_connection_timeout")}
    app.conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False, broker_connection_timeout=1)
    _forget_connections()  # the pools were made for the old broker (an earlier test may have filled them)
    yield
    app.conf.update(saved)
    _forget_connections()


def _forget_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


def test_a_report_asked_for_while_the_queue_is_down_is_kept_and_made_later(
    client, assessment, committee_member, dead_broker, django_capture_on_commit_callbacks
):
    client.force_login(committee_member.user)
    url = reverse("reports:request", args=[assessment.office.slug, assessment.fiscal_year])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "oit-status"})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.status, job.queue_failed_at is not None) == ("queued", True)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "queue" in page.lower() or "คิว" in page

    assert reports_requeue() == 0  # tried again, the queue still down: nothing changes, nothing is lost
    job.refresh_from_db()
    assert (job.status, job.queue_failed_at is not None) == ("queued", True)

    app.conf.update(task_always_eager=True)  # the queue is back (tasks run here)
    assert reports_requeue() == 1
    job.refresh_from_db()
    assert (job.status, job.queue_failed_at) == ("done", None)
    assert job.file.read(5) == b"%PDF-"


def test_a_job_the_queue_has_is_not_sent_again_until_it_looks_lost(assessment, committee_member, monkeypatch):
    from reports import services

    sent = []
    monkeypatch.setattr(services, "report_enqueue", lambda *, job_id: sent.append(job_id) or True)
    job = ReportJob.objects.create(assessment=assessment, kind="oit-status", requested_by=committee_member.user)
    assert reports_requeue() == 0 and sent == []  # waiting for a worker: its message is in the queue
    later = job.updated_at + datetime.timedelta(hours=1, minutes=1)
    assert reports_requeue(now=later) == 1 and sent == [job.pk]  # an hour on, the broker may have lost it
