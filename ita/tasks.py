from datetime import date

from celery import shared_task
from django.utils import timezone

from ita.models import Assessment
from ita.selectors import WINDOW_MILESTONE, respondent_progress
from notifications import events


def respondent_pace_watch(*, today: date | None = None) -> int:
    """Tell the administrators and the committee of each instrument whose respondents will not
    reach the target at the pace so far (`Progress.state == "behind"`), once a day.

    Only assessments inside their survey window with a deadline still ahead are read: one query
    for them, then `respondent_progress`'s four per assessment (245 offices: about 1,000 queries
    a day), then the notification's own for each instrument behind. Returns how many were told.
    """
    today = today or timezone.localdate()
    assessments = (
        Assessment.objects.filter(
            respondent_targets__deadline__gte=today,
            framework__milestones__code=WINDOW_MILESTONE,
            framework__milestones__start__lte=today,
        )
        .distinct()
        .select_related("office", "framework")
        .order_by("pk")
    )
    told = 0
    for assessment in assessments:
        for progress in respondent_progress(assessment, today=today):
            if progress.state == "behind":
                events.respondent_pace_behind(assessment=assessment, progress=progress, day=today)
                told += 1
    return told


@shared_task
def watch_respondent_pace() -> int:
    """Beat, daily at NOTIFICATIONS_DIGEST_TIME."""
    return respondent_pace_watch()
