from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from notifications.models import Notification


@shared_task(bind=True, max_retries=None, time_limit=120, soft_time_limit=90)
def deliver_notification(self, notification_id: int) -> None:
    """Send one outbox row. A transient failure comes back after the row's backoff; without a
    broker (tasks in-process) the periodic requeue sends it instead of blocking the caller."""
    from notifications.delivery import notification_deliver

    delay = notification_deliver(notification_id=notification_id)
    if delay is not None and not self.request.is_eager:
        # The requeue leaves the row alone while this retry is expected.
        Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
            enqueued_at=timezone.now() + timedelta(seconds=delay)
        )
        raise self.retry(countdown=delay)


@shared_task
def requeue_notifications() -> int:
    from notifications.services import notifications_requeue

    return notifications_requeue()


@shared_task
def send_daily() -> dict:
    """The morning's digests and the stage watch (beat, at NOTIFICATIONS_DIGEST_TIME)."""
    from notifications.services import digests_send, stages_watch

    return {"digests": digests_send(), "stages": stages_watch()}
