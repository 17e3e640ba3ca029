from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from notifications import events
from spdca.models import Stage
from spdca.selectors import gate_problems


def gates_watch(*, today: date | None = None) -> int:
    """Tell the office's administrators, once a day, what keeps each stage past its end date
    from closing (its gate's problems). Stages done, or late by more than
    NOTIFICATIONS_OVERDUE_DAYS, are left alone.

    One query for the stages, then each late stage's gate: a few queries per stage, read in Thai
    and English for the message (gates differ by stage, so they are not batched). Returns how many
    stages were told about.
    """
    today = today or timezone.localdate()
    stages = (
        Stage.objects.filter(end__lt=today, end__gte=today - timedelta(days=settings.NOTIFICATIONS_OVERDUE_DAYS))
        .exclude(status=Stage.Status.DONE)
        .select_related("assessment__office", "assessment__framework")
        .order_by("assessment_id", "order")
    )
    told = 0
    for stage in stages:
        problems = {}
        for language in ("th", "en"):
            with translation.override(language):
                problems[language] = [str(problem) for problem in gate_problems(stage)]
        if problems["th"]:
            events.gate_blocking(stage=stage, problems=problems, day=today)
            told += 1
    return told


@shared_task
def watch_gates() -> int:
    """Beat, daily at NOTIFICATIONS_DIGEST_TIME."""
    return gates_watch()
