"""Stored files leave storage with their rows (after commit), and a sweep takes those no row points at."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core.files import delete_file_on_commit, file_fields, sweep_orphan_files
from reports import services as report_services
from reports.models import ReportJob

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def job(assessment, committee_member):
    """A finished report with its PDF in the (temporary) private storage."""
    job = ReportJob.objects.create(
        assessment=assessment, kind="oit-status", requested_by=committee_member.user, status=ReportJob.Status.DONE
    )
    job.file.save("report.pdf", ContentFile(PDF), save=True)
    return job


def path_of(file) -> Path:
    return Path(file.storage.path(file.name))


def stored(settings, name: str, *, age: timedelta, content: bytes = b"x") -> Path:
    """A file written straight into the private storage, `age` old."""
    path = Path(settings.PRIVATE_MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    stamp = (timezone.now() - age).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def age(path: Path, by: timedelta) -> None:
    stamp = (timezone.now() - by).timestamp()
    os.utime(path, (stamp, stamp))


def test_every_file_field_of_the_project_is_found():
    found = {f"{model._meta.label}.{field.name}" for model, field in file_fields()}
    assert {
        "oit.EvidenceRevision.file",
        "ita.IITConfirmation.screenshot",
        "reports.ReportJob.file",
        "spdca.Attachment.file",
    } <= found


def test_a_deleted_rows_file_leaves_storage_after_commit(job, django_capture_on_commit_callbacks):
    path = path_of(job.file)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            delete_file_on_commit(job.file)
            job.delete()
        assert path.exists()  # not before the commit
    assert not path.exists()


def test_a_rolled_back_deletion_keeps_the_row_and_its_file(job, django_capture_on_commit_callbacks):
    path, pk = path_of(job.file), job.pk
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        delete_file_on_commit(job.file)
        job.delete()
        raise RuntimeError("the transaction fails after the row was deleted")
    assert callbacks == []
    assert ReportJob.objects.filter(pk=pk).exists()
    assert path.exists()


def test_the_report_cleanup_removes_old_files_after_commit(job, settings, django_capture_on_commit_callbacks):
    path = path_of(job.file)
    later = timezone.now() + timedelta(days=settings.REPORT_KEEP_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert report_services.reports_cleanup(now=later) == 1
    job.refresh_from_db()
    assert not job.file
    assert not path.exists()


def test_the_sweep_deletes_old_orphans_and_keeps_young_ones_and_referenced_files(job, settings):
    referenced = path_of(job.file)
    age(referenced, timedelta(days=10))
    old_orphan = stored(settings, "oit/2025/01/abandoned.pdf", age=timedelta(days=2))
    old_iit = stored(settings, "iit/lost.png", age=timedelta(days=3))
    young_orphan = stored(settings, "oit/2026/01/uploading.pdf", age=timedelta(hours=1))
    result = sweep_orphan_files()
    assert sorted(result.orphans) == ["iit/lost.png", "oit/2025/01/abandoned.pdf"]
    assert result.young == 1
    assert not old_orphan.exists() and not old_iit.exists()
    assert young_orphan.exists()
    assert referenced.exists()
    job.refresh_from_db()
    assert job.file.open("rb").read() == PDF


def test_a_dry_run_lists_without_deleting_and_a_run_stops_at_its_limit(job, settings):
    orphans = [stored(settings, f"spdca/2025/0{n}/old.pdf", age=timedelta(days=5)) for n in range(1, 4)]
    dry = sweep_orphan_files(dry_run=True)
    assert len(dry.orphans) == 3
    assert all(path.exists() for path in orphans)
    limited = sweep_orphan_files(limit=2)
    assert len(limited.orphans) == 2 and limited.limited
    assert sum(path.exists() for path in orphans) == 1
    assert sweep_orphan_files().orphans == ["spdca/2025/03/old.pdf"]


def test_the_grace_period_comes_from_the_settings(settings):
    orphan = stored(settings, "oit/2025/02/half-day.pdf", age=timedelta(hours=12))
    assert sweep_orphan_files().orphans == []
    settings.FILES_SWEEP_GRACE_HOURS = 6
    assert sweep_orphan_files().orphans == ["oit/2025/02/half-day.pdf"]
    assert not orphan.exists()


def test_the_command_sweeps_and_its_dry_run_keeps(settings, capsys):
    orphan = stored(settings, "reports/2025/01/old.pdf", age=timedelta(days=2))
    call_command("sweep_files", "--dry-run")
    assert "reports/2025/01/old.pdf" in capsys.readouterr().out
    assert orphan.exists()
    call_command("sweep_files")
    assert not orphan.exists()


def test_the_sweep_runs_every_night(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["core-sweep-files"]
    assert entry["task"] == "core.tasks.sweep_files"
