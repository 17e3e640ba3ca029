from celery import shared_task
from django.utils.translation import gettext as _

from reports.models import ReportJob
from reports.services import report_fail


def _failed(job_id: int, exc: BaseException) -> None:
    report_fail(job_id=job_id, error=_("The report could not be made: %(error)s") % {"error": exc})


@shared_task(bind=True, max_retries=3)
def generate_report(self, job_id: int) -> None:
    """Render one job. Sent with the time limits of REPORT_TIME_LIMIT (see `services.report_enqueue`)."""
    from reports.services import report_generate  # avoids the services <-> tasks import cycle

    try:
        report_generate(job_id=job_id)
    except OSError as exc:  # storage or network hiccup: worth another try; template bugs are not
        if self.request.retries >= self.max_retries:
            _failed(job_id, exc)
            raise
        # Back in the queue, so that the retried delivery may claim it again.
        ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING).update(status=ReportJob.Status.QUEUED)
        raise self.retry(exc=exc, countdown=10) from exc
    except Exception as exc:
        _failed(job_id, exc)  # the job shows a message instead of "being made" forever
        raise


@shared_task
def cleanup_reports() -> int:
    from reports.services import reports_cleanup

    return reports_cleanup()


@shared_task
def requeue_reports() -> int:
    from reports.services import reports_requeue

    return reports_requeue()
