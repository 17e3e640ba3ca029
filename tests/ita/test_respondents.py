import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent, Role
from ita import selectors
from ita.forms import EITCountForm
from ita.models import EITCount, IITConfirmation
from ita.selectors import Progress
from ita.services import respondents
from tests.factories import MembershipFactory
from tests.helpers import assert_queries_constant

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def url(assessment, name="ita:respondents", *extra):
    return reverse(name, args=[assessment.office.slug, assessment.fiscal_year, *extra])


def target(assessment, code):
    return assessment.respondent_targets.get(rule__instrument__code=code)


# --- services ------------------------------------------------------------------------------


def test_a_member_confirms_once(assessment, staff_member):
    respondents.iit_confirm(assessment=assessment, membership=staff_member)
    with pytest.raises(ValidationError) as error:
        respondents.iit_confirm(assessment=assessment, membership=staff_member)
    assert error.value.code == "twice"
    assert IITConfirmation.objects.filter(assessment=assessment).count() == 1


def test_the_committee_records_for_someone_and_staff_cannot(assessment, staff_member, committee_member):
    colleague = MembershipFactory(office=assessment.office, role=Role.STAFF)
    with pytest.raises(PermissionDenied):
        respondents.iit_confirm(assessment=assessment, membership=staff_member, user=colleague.user)
    confirmation = respondents.iit_confirm(assessment=assessment, membership=committee_member, user=colleague.user)
    assert confirmation.recorded_for_someone
    assert AuditEvent.objects.filter(action="respondents.iit_confirmed").count() == 1


def test_nobody_outside_the_office_can_be_recorded(assessment, committee_member, other_office_admin):
    with pytest.raises(ValidationError):
        respondents.iit_confirm(assessment=assessment, membership=committee_member, user=other_office_admin.user)
    assert not IITConfirmation.objects.exists()


def test_a_screenshot_must_be_a_picture(assessment, staff_member, settings, tmp_path):
    with pytest.raises(ValidationError):
        respondents.iit_confirm(
            assessment=assessment, membership=staff_member, screenshot=SimpleUploadedFile("a.pdf", b"%PDF-1.4")
        )
    assert not IITConfirmation.objects.exists()
    confirmation = respondents.iit_confirm(
        assessment=assessment, membership=staff_member, screenshot=SimpleUploadedFile("หน้าจอ.png", PNG)
    )
    assert confirmation.screenshot.name.startswith("iit/") and confirmation.screenshot.name.endswith(".png")
    assert "หน้าจอ" not in confirmation.screenshot.name


def test_a_list_of_names_sets_the_eit_count(assessment, committee_member):
    entry = respondents.eit_count_add(
        assessment=assessment,
        membership=committee_member,
        date=datetime.date(2023, 6, 1),
        channel="กลุ่ม LINE ผู้บริหารสถานศึกษา",
        count=99,
        respondents="โรงเรียน ก\n\nโรงเรียน ข\n",
    )
    assert entry.count == 2


def test_a_list_of_names_is_bounded_to_the_largest_eit_sample(assessment):
    names = "\n".join(f"ผู้ตอบแบบวัด คนที่ {n:03}" for n in range(400))  # the 2566 rule never asks for more
    instruments = selectors.eit_instruments(assessment)
    data = {"date": "2023-06-01", "channel": "LINE", "token": uuid.uuid4()}
    assert EITCountForm(data={**data, "respondents": names}, instruments=instruments).is_valid()
    form = EITCountForm(data={**data, "respondents": "ก" * 20_001, "note": "ก" * 1001}, instruments=instruments)
    assert form.has_error("respondents", code="max_length")
    assert form.has_error("note", code="max_length")


def test_staff_cannot_record_eit_counts(assessment, staff_member):
    with pytest.raises(PermissionDenied):
        respondents.eit_count_add(
            assessment=assessment, membership=staff_member, date=datetime.date(2023, 6, 1), channel="x", count=5
        )


def test_removing_a_count_is_logged(assessment, committee_member):
    entry = respondents.eit_count_add(
        assessment=assessment, membership=committee_member, date=datetime.date(2023, 6, 1), channel="x", count=5
    )
    respondents.eit_count_remove(entry=entry, membership=committee_member)
    assert not EITCount.objects.exists()
    assert AuditEvent.objects.filter(action="respondents.eit_removed").exists()


def test_the_target_follows_the_years_rule(assessment, admin_member, staff_member):
    iit, eit = target(assessment, "IIT"), target(assessment, "EIT")
    respondents.target_update(target=iit, membership=admin_member, population=62, required_override=None)
    respondents.target_update(target=eit, membership=admin_member, population=420, required_override=None)
    assert (iit.required, eit.required) == (iit.rule.required_for(62), eit.rule.required_for(420))
    respondents.target_update(target=eit, membership=admin_member, population=420, required_override=55)
    assert eit.required == 55
    with pytest.raises(PermissionDenied):
        respondents.target_update(target=eit, membership=staff_member, population=1, required_override=None)


# --- pace ----------------------------------------------------------------------------------


class FakeTarget:
    def __init__(self, required, deadline):
        self.required = required
        self.deadline = deadline


START, DEADLINE = datetime.date(2023, 6, 1), datetime.date(2023, 6, 30)


@pytest.mark.parametrize(
    ("done", "today", "state"),
    [
        (30, datetime.date(2023, 6, 10), "reached"),
        (10, datetime.date(2023, 6, 10), "on_track"),  # 1 a day for 10 days; 20 more days → 30
        (5, datetime.date(2023, 6, 10), "behind"),  # half a day: about 15 by the deadline
        (0, datetime.date(2023, 5, 20), "not_started"),
        (29, datetime.date(2023, 7, 1), "missed"),
    ],
)
def test_the_pace_says_whether_the_target_will_be_reached(done, today, state):
    progress = Progress(code="IIT", target=FakeTarget(30, DEADLINE), done=done, start=START, today=today)
    assert progress.state == state


def test_days_left_count_today_and_stop_at_zero():
    progress = Progress(code="EIT", target=FakeTarget(30, DEADLINE), done=0, start=START, today=DEADLINE)
    assert progress.days_left == 1
    progress.today = DEADLINE + datetime.timedelta(days=3)
    assert progress.days_left == 0


def test_no_population_means_no_target_yet():
    progress = Progress(code="EIT", target=FakeTarget(None, DEADLINE), done=3, start=START, today=START)
    assert (progress.state, progress.percent) == ("unknown", 0.0)


# --- views ---------------------------------------------------------------------------------


def test_staff_confirm_from_the_page(client, assessment, staff_member):
    client.force_login(staff_member.user)
    response = client.post(url(assessment, "ita:iit-confirm"), {"screenshot": SimpleUploadedFile("s.png", PNG)})
    assert response.status_code == 302
    assert IITConfirmation.objects.get().user == staff_member.user
    page = client.get(url(assessment))
    assert page.context["my_confirmation"] is not None
    assert [p.done for p in page.context["progress"] if p.code == "IIT"] == [1]


def test_a_bad_screenshot_is_refused_with_a_message(client, assessment, staff_member):
    client.force_login(staff_member.user)
    response = client.post(url(assessment, "ita:iit-confirm"), {"screenshot": SimpleUploadedFile("s.png", b"no")})
    assert response.status_code == 400
    assert response.context["confirm_form"].errors["screenshot"]
    assert not IITConfirmation.objects.exists()


def test_the_screenshot_is_for_its_owner_and_the_committee(client, assessment, staff_member, committee_member):
    confirmation = respondents.iit_confirm(
        assessment=assessment, membership=staff_member, screenshot=SimpleUploadedFile("s.png", PNG)
    )
    screenshot_url = url(assessment, "ita:iit-screenshot", confirmation.pk)
    colleague = MembershipFactory(office=assessment.office, role=Role.STAFF)
    for member, status in ((staff_member, 200), (committee_member, 200), (colleague, 403)):
        client.force_login(member.user)
        assert client.get(screenshot_url).status_code == status


def test_staff_cannot_record_for_others_or_count_eit(client, assessment, staff_member):
    client.force_login(staff_member.user)
    assert client.post(url(assessment, "ita:iit-record"), {"user": staff_member.user.pk}).status_code == 403
    eit = {"date": "2023-06-01", "channel": "LINE", "count": 5}
    assert client.post(url(assessment, "ita:eit-add"), eit).status_code == 403
    assert not EITCount.objects.exists()


def test_the_committee_counts_eit_on_the_page(client, assessment, committee_member):
    client.force_login(committee_member.user)
    eit = {"date": "2023-06-01", "channel": "กลุ่ม LINE", "count": 12, "token": uuid.uuid4()}
    assert client.post(url(assessment, "ita:eit-add"), eit).status_code == 302
    missing = {"date": "2023-06-01", "channel": "x", "token": uuid.uuid4()}
    assert client.post(url(assessment, "ita:eit-add"), missing).status_code == 400
    assert EITCount.objects.get().count == 12


def test_another_office_gets_404_and_gets_need_post(client, assessment, other_office_admin, admin_member):
    client.force_login(other_office_admin.user)
    assert client.get(url(assessment)).status_code == 404
    assert client.post(url(assessment, "ita:iit-confirm")).status_code == 404
    client.force_login(admin_member.user)
    assert client.get(url(assessment, "ita:iit-confirm")).status_code == 405


def test_the_page_query_count_is_constant(client, assessment, committee_member):
    def grow():
        for _ in range(3):
            member = MembershipFactory(office=assessment.office, role=Role.STAFF)
            respondents.iit_confirm(assessment=assessment, membership=member)
            respondents.eit_count_add(
                assessment=assessment,
                membership=committee_member,
                date=datetime.date(2023, 6, 1),
                channel="x",
                count=4,
            )

    client.force_login(committee_member.user)
    assert_queries_constant(client, url(assessment), expected=19, grow=grow)


def test_eit_counts_show_a_running_total(client, assessment, committee_member):
    for day, count in ((1, 10), (3, 5), (2, 7)):
        respondents.eit_count_add(
            assessment=assessment,
            membership=committee_member,
            date=datetime.date(2023, 6, day),
            channel="x",
            count=count,
        )
    client.force_login(committee_member.user)
    entries = client.get(url(assessment)).context["eit_counts"]
    assert [(entry.date.day, entry.running_total) for entry in entries] == [(3, 22), (2, 17), (1, 10)]
