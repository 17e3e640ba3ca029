"""The daily respondent-pace watch: the administrators and the committee hear, once a day, of an
instrument whose respondents will not reach the target at the pace so far."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ita.selectors import WINDOW_MILESTONE
from ita.services import respondents
from ita.services.assessments import assessment_open
from ita.tasks import respondent_pace_watch, watch_respondent_pace
from notifications.models import Channel, Notification
from tests.oit.publishing import make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def behind(assessment, admin_member, committee_member, staff_member):
    """IIT: 30 needed and one answer ten days into the survey window; EIT has no target yet."""
    iit = assessment.respondent_targets.get(rule__instrument__code="IIT")
    respondents.target_update(target=iit, membership=admin_member, population=None, required_override=30)
    respondents.iit_confirm(assessment=assessment, membership=staff_member)
    window = assessment.framework.milestones.get(code=WINDOW_MILESTONE)
    Notification.objects.all().delete()
    return window.start + timedelta(days=9)


def test_admins_and_the_committee_hear_once_a_day(behind, assessment, admin_member, committee_member, staff_member):
    other = make_team()  # another office in its window, on track: nobody there hears anything
    assessment_open(office=other.admin.office, framework=assessment.framework, user=other.admin.user)
    assert respondent_pace_watch(today=behind) == 1
    assert respondent_pace_watch(today=behind) == 1  # the same day again: nothing new
    rows = Notification.objects.filter(event="respondent_pace", channel=Channel.APP)
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(
        [admin_member.user_id, committee_member.user_id]
    )
    body = rows.first().body
    assert "ตอบแล้ว 1 จากที่ต้องการ 30 คน" in body
    assert not Notification.objects.exclude(recipient__in=[admin_member.user, committee_member.user]).exists()
    respondent_pace_watch(today=behind + timedelta(days=1))
    assert Notification.objects.filter(event="respondent_pace", channel=Channel.APP).count() == 4


def test_nothing_before_the_window_or_after_the_deadline(behind, assessment):
    window = assessment.framework.milestones.get(code=WINDOW_MILESTONE)
    deadline = assessment.respondent_targets.get(rule__instrument__code="IIT").deadline
    assert respondent_pace_watch(today=window.start - timedelta(days=1)) == 0
    assert respondent_pace_watch(today=deadline + timedelta(days=1)) == 0
    assert not Notification.objects.exists()


def test_the_queries_grow_by_a_constant_per_assessment_in_its_window(behind, assessment):
    def queries() -> int:
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            respondent_pace_watch(today=behind)
        return len(captured)

    one = queries()
    for _ in range(2):
        team = make_team()
        assessment_open(office=team.admin.office, framework=assessment.framework, user=team.admin.user)
    three = queries()
    assert three - one == 2 * 5  # respondent_progress's five (with the staff list) for each office with nothing behind


def test_beat_runs_it_daily(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["ita-respondent-pace"]
    assert schedule["task"] == "ita.tasks.watch_respondent_pace"
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({7}, {30})
    assert watch_respondent_pace.delay().get() == 0
