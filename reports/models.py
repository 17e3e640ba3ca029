from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.storage import opaque_name, private_storage
from ita.models import Assessment


def report_upload_to(job: "ReportJob", filename: str) -> str:
    return opaque_name(f"reports/{timezone.now():%Y/%m}", ".pdf")


class ReportJob(BaseModel):
    """A requested PDF report: a row with a status, filled in by a Celery worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="report_jobs")
    kind = models.CharField(_("report"), max_length=40)
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=report_upload_to, storage=private_storage, blank=True, max_length=200)
    error = models.TextField(blank=True)
    # When handing the job to a worker last failed (the task queue was down); the periodic
    # requeue sends it again, and the job page says so meanwhile.
    queue_failed_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Readable notes for the people who asked (Thai first): consistency notes added when the job
    # is requested, then what rendering had to change (e.g. a character no font can draw).
    warnings = models.JSONField(default=list, blank=True)
    # The entries of `warnings` the last render added, so a new attempt replaces them and keeps
    # the request-time ones.
    render_warnings = models.JSONField(default=list, blank=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.kind} · {self.assessment}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.assessment.office.slug, self.assessment.fiscal_year, self.pk])

    @property
    def label(self) -> str:
        from core.report_kinds import get

        kind = get(self.kind)
        label = str(kind.label) if kind else self.kind
        details = " ".join(str(value) for value in self.parameters.values())
        return f"{label} ({details})" if details else label

    @property
    def filename(self) -> str:
        details = "".join(f"-{value}" for value in self.parameters.values())
        return f"{self.kind}-{self.assessment.fiscal_year}{details}-{self.pk}.pdf"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def is_stalled(self, now=None) -> bool:
        """Queued for longer than a worker would take to start it (no worker is running), or
        running for longer than a task may (its worker was killed mid-way)."""
        now = now or timezone.now()
        if self.status == self.Status.QUEUED:
            return self.created_at < now - timedelta(seconds=settings.REPORT_STALLED_AFTER)
        if self.status == self.Status.RUNNING and self.started_at:
            return self.started_at < now - timedelta(seconds=settings.REPORT_TIME_LIMIT + settings.REPORT_STALLED_AFTER)
        return False
