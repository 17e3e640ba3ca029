"""The daily digest written in bulk: the same rules as one notification at a time (members of
the office only, the channels people chose and have, LINE held in quiet hours), in a number of
queries that does not grow with the offices and people."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, Role
from ita.services.assessments import assessment_open
from notifications.models import Channel, LineChannel, Notification, PersonalSettings, Preference
from notifications.services import digests_send
from oit.models import Item
from tests.factories import MembershipFactory, UnitFactory
from tests.notifications.conftest import link_line
from tests.oit.publishing import make_team

pytestmark = pytest.mark.django_db

TODAY = date(2023, 6, 1)


def office_with_due_items(framework, people: int = 4):
    """An office whose O1–O4 are due (in 7, 3, 1 days, overdue) in one unit of `people` staff."""
    team = make_team()
    unit = UnitFactory(office=team.admin.office)
    staff = [
        MembershipFactory(office=unit.office, unit=unit, role=Role.STAFF, user__email=f"s{n}-{unit.pk}@example.go.th")
        for n in range(people)
    ]
    assessment = assessment_open(office=unit.office, framework=framework, user=team.admin.user)
    for code, offset in {"O1": 7, "O2": 3, "O3": 1, "O4": -2}.items():
        Item.objects.filter(assessment=assessment, definition__code=code).update(
            unit=unit, due_date=TODAY + timedelta(days=offset)
        )
    return staff


def queries_of_a_digest_run() -> int:
    Notification.objects.filter(event="digest").delete()
    with CaptureQueriesContext(connection) as captured:
        digests_send(today=TODAY)
    return len(captured)


def test_the_queries_do_not_grow_with_offices_or_people(framework_2566, django_capture_on_commit_callbacks):
    office_with_due_items(framework_2566, people=2)
    small = queries_of_a_digest_run()
    for _ in range(3):
        office_with_due_items(framework_2566, people=6)
    large = queries_of_a_digest_run()
    assert Notification.objects.filter(event="digest").count() == 2 + 3 * 6
    assert large == small


def test_only_members_active_people_and_their_chosen_channels(framework_2566, django_capture_on_commit_callbacks):
    staff = office_with_due_items(framework_2566, people=4)
    gone, inactive, silent, everywhere = staff
    Membership.objects.filter(pk=gone.pk).update(office=make_team().admin.office)  # moved to another office
    gone.user.oit_items.clear()
    inactive.user.is_active = False
    inactive.user.save()
    Preference.objects.create(user=silent.user, event="digest", channels=[])
    Preference.objects.create(user=everywhere.user, event="digest", channels=["app", "email", "line"])
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(today=TODAY) == 1
    rows = Notification.objects.filter(event="digest")
    assert sorted(rows.values_list("recipient_id", "channel")) == [
        (everywhere.user_id, Channel.APP),
        (everywhere.user_id, Channel.EMAIL),
    ]  # no LINE: the office has no LINE account
    app_row = rows.get(channel=Channel.APP)
    assert app_row.status == Notification.Status.SENT and "เลยกำหนดแล้ว" in app_row.body
    assert [message.to for message in mail.outbox] == [[everywhere.user.email]]


def test_line_waits_for_the_morning_unless_the_person_turned_quiet_hours_off(framework_2566, settings):
    now = timezone.localtime()
    settings.NOTIFICATIONS_QUIET_START = (now - timedelta(hours=1)).strftime("%H:%M")
    settings.NOTIFICATIONS_QUIET_END = (now + timedelta(hours=1)).strftime("%H:%M")
    sleeper, night_owl, *_rest = office_with_due_items(framework_2566, people=2)
    LineChannel.objects.create(office=sleeper.office, channel_secret="s", access_token="t")
    for n, member in enumerate((sleeper, night_owl), start=1):
        link_line(member, n)
        Preference.objects.create(user=member.user, event="digest", channels=["line"])
    PersonalSettings.objects.create(user=night_owl.user, line_quiet_hours=False)
    digests_send(today=TODAY)
    held = Notification.objects.get(recipient=sleeper.user, event="digest")
    assert held.channel == Channel.LINE and held.send_after is not None and held.enqueued_at is None
    assert timezone.localtime(held.send_after).strftime("%H:%M") == settings.NOTIFICATIONS_QUIET_END
    assert Notification.objects.get(recipient=night_owl.user, event="digest").send_after is None


def test_a_second_run_the_same_day_writes_and_queues_nothing(framework_2566, django_capture_on_commit_callbacks):
    office_with_due_items(framework_2566, people=3)
    with django_capture_on_commit_callbacks(execute=True):
        digests_send(today=TODAY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert digests_send(today=TODAY) == 3
    assert callbacks == [] and len(mail.outbox) == 3
