"""Delivering an outbox row: claim it, hand it to its channel, record what happened.

A row is claimed by a conditional update (pending and due → sending), so a retried or duplicated
task finds nothing to do. A transient failure puts the row back with a later `send_after`
(backoff, or the rate limit's Retry-After) until NOTIFICATIONS_MAX_ATTEMPTS; anything else ends
it failed or skipped with a reason the office's administrators can read.
"""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Channel, Notification, PersonalSettings

logger = logging.getLogger(__name__)


class Skipped(Exception):
    """The message cannot go this way (no address, not linked); nothing to retry."""


class PermanentError(Exception):
    """The provider refused the message for good."""


class TransientError(Exception):
    """Worth another try later; `retry_after` in seconds when the provider said when."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _clock(value: str) -> time:
    hour, minute = (int(part) for part in value.split(":"))
    return time(hour, minute)


def quiet_hours_end(now: datetime) -> datetime | None:
    """The end of the quiet hours (Asia/Bangkok) if `now` falls within them, else None."""
    start, end = _clock(settings.NOTIFICATIONS_QUIET_START), _clock(settings.NOTIFICATIONS_QUIET_END)
    local = timezone.localtime(now)
    moment = local.time()
    inside = (start <= moment < end) if start < end else (moment >= start or moment < end)
    if start == end or not inside:
        return None
    release = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return release if release > local else release + timedelta(days=1)


def line_held_until(user_id: int, now: datetime) -> datetime | None:
    """When a non-urgent LINE message to the person may go, if it must wait for the morning."""
    release = quiet_hours_end(now)
    if release is None:
        return None
    chosen = PersonalSettings.objects.filter(user_id=user_id).values_list("line_quiet_hours", flat=True).first()
    return release if chosen is None or chosen else None


def backoff(attempts: int) -> int:
    """Seconds before the next try: 30 s, 1, 2, 4, 8 minutes … at most an hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def _senders():
    from notifications.delivery import email, line

    return {Channel.EMAIL: email.send, Channel.LINE: line.send}


def _finish(pk: int, status: str, error: str = "") -> None:
    fields = {"status": status, "last_error": error[:2000]}
    if status == Notification.Status.SENT:
        fields["sent_at"] = timezone.now()
    Notification.objects.filter(pk=pk, status=Notification.Status.SENDING).update(**fields)


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> float | None:
    """Send one outbox row once. Returns the seconds to wait before another try when it failed
    for a reason that may pass, else None (sent, failed, skipped, held, or not ours to send)."""
    now = now or timezone.now()
    notification = Notification.objects.filter(pk=notification_id).exclude(channel=Channel.APP).first()
    if notification is None:
        return None
    if notification.channel == Channel.LINE and not notification.urgent:
        held = line_held_until(notification.recipient_id, now)
        if held is not None:
            Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
                send_after=held, enqueued_at=None
            )
            return None
    due = Q(status=Notification.Status.PENDING) & (Q(send_after__isnull=True) | Q(send_after__lte=now))
    # A row left "sending" longer than a send may take lost its worker; it may go again.
    abandoned = Q(
        status=Notification.Status.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.NOTIFICATIONS_SEND_TIMEOUT),
    )
    claimed = Notification.objects.filter(due | abandoned, pk=notification_id).update(
        status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    notification.refresh_from_db()
    try:
        _senders()[notification.channel](notification)
    except Skipped as exc:
        _finish(notification_id, Notification.Status.SKIPPED, str(exc))
    except PermanentError as exc:
        _finish(notification_id, Notification.Status.FAILED, str(exc))
    except TransientError as exc:
        if notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            message = _("Gave up after %(attempts)s attempts. The last error: %(error)s")
            _finish(
                notification_id, Notification.Status.FAILED, message % {"attempts": notification.attempts, "error": exc}
            )
            return None
        delay = exc.retry_after if exc.retry_after is not None else backoff(notification.attempts)
        Notification.objects.filter(pk=notification_id, status=Notification.Status.SENDING).update(
            status=Notification.Status.PENDING,
            send_after=now + timedelta(seconds=delay),
            last_error=str(exc)[:2000],
            enqueued_at=None,
        )
        return delay
    except Exception as exc:  # a bug must not leave the row "being sent" forever
        logger.exception("Notification %s could not be sent.", notification_id)
        _finish(notification_id, Notification.Status.FAILED, _("Unexpected error: %(error)s") % {"error": exc})
    else:
        _finish(notification_id, Notification.Status.SENT)
    return None
