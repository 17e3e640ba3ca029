"""Report jobs: request, generate (in a worker), publish, clean up."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from accounts.models import Membership
from accounts.services import audit_record
from core import report_kinds as registry
from core.files import delete_file_on_commit
from core.pdf import collect_pdf_warnings
from ita.models import Assessment
from notifications import events
from reports.models import ReportJob

logger = logging.getLogger(__name__)


@transaction.atomic
def report_request(*, assessment: Assessment, membership: Membership, kind: str, data=None) -> ReportJob:
    """Create the job and hand it to a worker once the row is committed. `data` is the request's
    form data, from which the kind takes its parameters (e.g. which OIT item)."""

    report_kind = registry.get(kind)
    if report_kind is None:
        raise ValidationError(_("There is no such report."))
    if assessment.office_id != membership.office_id:
        raise PermissionDenied("The assessment belongs to another office.")
    parameters = report_kind.parameters_from(assessment, data or {})
    _check_request_limits(membership.user)
    # What the records leave inconsistent or missing goes with the job, so the finished report
    # says what it could not state.
    warnings = [str(problem.text) for problem in report_kind.problems_of(assessment)]
    job = ReportJob.objects.create(
        assessment=assessment, kind=kind, parameters=parameters, requested_by=membership.user, warnings=warnings
    )
    # After commit, so the worker sees the row; robust, so that without a broker (tasks run in
    # the request) a failing report shows as failed instead of breaking the request.
    transaction.on_commit(lambda: report_enqueue(job_id=job.pk), robust=True)
    return job


def _check_request_limits(user) -> None:
    """Refuse a request beyond the person's share: a few reports in the making at once, and a
    number per hour, so that one person cannot keep the workers from everyone else's reports."""
    max_active = getattr(settings, "REPORT_MAX_ACTIVE_PER_USER", 3)
    per_hour = getattr(settings, "REPORT_REQUESTS_PER_HOUR", 30)
    # Serialise one person's requests, so two at once cannot both slip under a limit.
    list(type(user).objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    theirs = ReportJob.objects.filter(requested_by=user)
    active = theirs.filter(status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING]).count()
    if active >= max_active:
        message = _("You already have %(count)s reports being made; please wait for one to finish.")
        raise ValidationError(message % {"count": active})
    if theirs.filter(created_at__gte=timezone.now() - timedelta(hours=1)).count() >= per_hour:
        message = _("You have asked for %(count)s reports in the last hour; please try again later.")
        raise ValidationError(message % {"count": per_hour})


def report_enqueue(*, job_id: int) -> bool:
    """Hand the job to a worker. When the task queue cannot be reached, the job stays queued and
    says so; `reports_requeue` sends it once the queue is back. Nothing is lost either way."""
    from reports.tasks import generate_report

    limit = settings.REPORT_TIME_LIMIT
    try:
        generate_report.apply_async(args=[job_id], time_limit=limit, soft_time_limit=max(limit - 60, limit * 3 // 4))
    except OperationalError:
        logger.warning("The task queue is unreachable; report job %s stays queued.", job_id, exc_info=True)
        ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(queue_failed_at=timezone.now())
        return False
    # Sent: the job waits for a worker; `updated_at` says when it was last handed over.
    ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(
        queue_failed_at=None, updated_at=timezone.now()
    )
    return True


def reports_requeue(now=None) -> int:
    """Send again the queued jobs the queue never got (it was down when they were asked for), and
    any still queued an hour after they were last sent (the broker lost them, e.g. a Redis restart
    without persistence). A duplicate delivery is harmless: only one worker claims a job."""
    now = now or timezone.now()
    waiting = ReportJob.objects.filter(status=ReportJob.Status.QUEUED).filter(
        Q(queue_failed_at__isnull=False) | Q(updated_at__lt=now - timedelta(hours=1))
    )
    return sum(report_enqueue(job_id=job_id) for job_id in list(waiting.values_list("pk", flat=True)))


def report_generate(*, job_id: int) -> None:
    """Render the job's PDF. A duplicate or retried delivery neither redoes nor doubles the work."""
    # Claim the job with a conditional update: only one worker moves it from queued to running.
    # A job left running past the task's hard limit lost its worker (late acknowledgement delivers
    # it again), so that one may be claimed anew.
    now = timezone.now()
    abandoned = Q(status=ReportJob.Status.RUNNING, started_at__lt=now - timedelta(seconds=settings.REPORT_TIME_LIMIT))
    claimed = ReportJob.objects.filter(Q(status=ReportJob.Status.QUEUED) | abandoned, pk=job_id).update(
        status=ReportJob.Status.RUNNING, started_at=now, progress=1, attempts=F("attempts") + 1, queue_failed_at=None
    )
    if not claimed:
        return  # done, failed, or being made by another worker
    job = ReportJob.objects.select_related("assessment__office", "assessment__framework").get(pk=job_id)
    kind = registry.get(job.kind)

    def progress(percent: int) -> None:
        ReportJob.objects.filter(pk=job_id).update(progress=max(1, min(percent, 99)))

    # What the render had to change in people's text (e.g. a character no font has) is told on
    # the job page, next to what was noted when the job was asked for.
    with collect_pdf_warnings() as render_warnings:
        pdf = kind.build(job, progress)
    if job.file:
        job.file.delete(save=False)  # a retry replaces the file of an earlier attempt
    job.file.save(job.filename, ContentFile(pdf), save=False)
    job.warnings = _replace_render_warnings(job.warnings, old=job.render_warnings, new=render_warnings)
    job.render_warnings = render_warnings
    job.status, job.progress, job.finished_at, job.error = ReportJob.Status.DONE, 100, timezone.now(), ""
    job.save(
        update_fields=[
            "file",
            "status",
            "progress",
            "finished_at",
            "error",
            "warnings",
            "render_warnings",
            "updated_at",
        ]
    )
    events.report_ready(job=job)


def _replace_render_warnings(warnings: list[str], *, old: list[str], new: list[str]) -> list[str]:
    """`warnings` without those an earlier render added (`old`), followed by `new`: a new
    attempt replaces the render's warnings and keeps those written when the job was asked for."""
    kept = list(warnings)
    for warning in old:
        if warning in kept:
            kept.remove(warning)
    return kept + [warning for warning in new if warning not in kept]


def report_fail(*, job_id: int, error: str) -> None:
    failed = (
        ReportJob.objects.filter(pk=job_id)
        .exclude(status=ReportJob.Status.DONE)
        .update(status=ReportJob.Status.FAILED, error=error[:2000], finished_at=timezone.now())
    )
    if failed:
        events.report_failed(job=ReportJob.objects.select_related("assessment__office").get(pk=job_id), error=error)


def _require_publisher(job: ReportJob, membership: Membership) -> None:
    if not membership.is_admin or job.assessment.office_id != membership.office_id:
        raise PermissionDenied(_("Only the office's administrators publish reports."))


@transaction.atomic
def report_publish(*, job: ReportJob, membership: Membership) -> ReportJob:
    _require_publisher(job, membership)
    if job.status != ReportJob.Status.DONE:
        raise ValidationError(_("Only a finished report can be published."))
    job.published_at, job.published_by = timezone.now(), membership.user
    job.save(update_fields=["published_at", "published_by", "updated_at"])
    job.assessment.public_changed()
    audit_record(
        office=membership.office, actor=membership.user, action="reports.published", summary=job.label, obj=job
    )
    return job


@transaction.atomic
def report_unpublish(*, job: ReportJob, membership: Membership) -> ReportJob:
    """Take the report off the public page; the activity log keeps that it was published."""
    _require_publisher(job, membership)
    job.published_at, job.published_by = None, None
    job.save(update_fields=["published_at", "published_by", "updated_at"])
    job.assessment.public_changed()
    audit_record(
        office=membership.office, actor=membership.user, action="reports.unpublished", summary=job.label, obj=job
    )
    return job


def reports_cleanup(now=None) -> int:
    """Delete the files of unpublished reports older than REPORT_KEEP_DAYS; return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.REPORT_KEEP_DAYS)
    old = ReportJob.objects.filter(published_at__isnull=True, created_at__lt=cutoff).exclude(file="")
    count = 0
    for job in old:
        with transaction.atomic():  # the file goes once the row no longer points at it
            delete_file_on_commit(job.file)
            job.file = ""
            job.save(update_fields=["file", "updated_at"])
        count += 1
    return count
