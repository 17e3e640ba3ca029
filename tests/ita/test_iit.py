"""IIT confirmations against the office's staff list: in the app, ticked by the committee, or
through the public link; progress counts the list and never says "everyone" before it is so."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import roster
from accounts.models import AuditEvent, StaffMember
from ita import selectors
from ita.models import IITConfirmation, IITLink
from ita.services import iit, respondents

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
IN_WINDOW = datetime.date(2023, 5, 1)  # FY 2566's survey window: 1 April to 30 June 2023


def people(admin_member, count: int) -> list[StaffMember]:
    return [
        roster.staff_member_create(
            office=admin_member.office, membership=admin_member, first_name=f"คนที่{n}", last_name="ไม่มีบัญชี"
        )
        for n in range(count)
    ]


def iit_progress(assessment) -> selectors.Progress:
    return next(p for p in selectors.respondent_progress(assessment) if p.code == "IIT")


def open_window(assessment) -> None:
    """Put today in the year's survey window, as when the office collects answers."""
    today = datetime.date.today()
    assessment.framework.milestones.filter(code=selectors.WINDOW_MILESTONE).update(
        start=today - datetime.timedelta(days=1), end=today + datetime.timedelta(days=1)
    )


def public_url(assessment, token: str) -> str:
    return reverse("public:iit-confirm", args=[assessment.office.slug, assessment.fiscal_year, token])


# --- ticks by the committee ----------------------------------------------------------------


def test_the_committee_ticks_several_names_at_once(assessment, admin_member, committee_member):
    first, second, third = people(admin_member, 3)
    recorded, already = iit.iit_roster_record(
        assessment=assessment, membership=committee_member, staff_members=[first, second]
    )
    assert [c.staff_member for c in recorded] == [first, second] and already == []
    confirmation = recorded[0]
    assert (confirmation.user, confirmation.recorded_by, confirmation.channel) == (
        None,
        committee_member.user,
        IITConfirmation.Channel.ROSTER,
    )
    # One per name: ticking again records only the new one and says who had confirmed.
    recorded, already = iit.iit_roster_record(
        assessment=assessment, membership=committee_member, staff_members=[first, third]
    )
    assert [c.staff_member for c in recorded] == [third] and already == [first]
    assert assessment.iit_confirmations.count() == 3
    assert AuditEvent.objects.filter(action="respondents.iit_ticked").count() == 2


def test_staff_cannot_tick_and_nobody_ticks_another_offices_names(
    assessment, admin_member, staff_member, committee_member, other_office_admin
):
    (entry,) = people(admin_member, 1)
    with pytest.raises(PermissionDenied):
        iit.iit_roster_record(assessment=assessment, membership=staff_member, staff_members=[entry])
    outsider = roster.staff_member_create(
        office=other_office_admin.office, membership=other_office_admin, first_name="นอก", last_name="หน่วย"
    )
    with pytest.raises(ValidationError):
        iit.iit_roster_record(assessment=assessment, membership=committee_member, staff_members=[outsider])
    assert not IITConfirmation.objects.exists()


def test_a_member_confirming_lands_on_their_entry(assessment, admin_member, staff_member):
    confirmation = respondents.iit_confirm(assessment=assessment, membership=staff_member)
    entry = StaffMember.objects.get(office=assessment.office, user=staff_member.user)
    assert confirmation.staff_member == entry and confirmation.channel == IITConfirmation.Channel.SELF
    recorded, already = iit.iit_roster_record(assessment=assessment, membership=admin_member, staff_members=[entry])
    assert (recorded, already) == ([], [entry])
    with pytest.raises(ValidationError) as error:
        respondents.iit_confirm(assessment=assessment, membership=staff_member)
    assert error.value.code == "twice"


# --- population and progress ---------------------------------------------------------------


def test_an_empty_staff_list_gives_no_target(assessment):
    progress = iit_progress(assessment)
    assert (progress.population, progress.required, progress.state) == (None, None, "unknown")


def test_the_population_follows_the_staff_list_unless_the_admin_gives_one(assessment, admin_member):
    entries = people(admin_member, 29)
    progress = iit_progress(assessment)
    assert (progress.population, progress.population_from_roster, progress.required) == (29, True, 25)
    roster.staff_member_deactivate(staff_member=entries[0], membership=admin_member)
    assert iit_progress(assessment).population == 28
    target = assessment.respondent_targets.get(rule__instrument__code="IIT")
    respondents.target_update(target=target, membership=admin_member, population=62, required_override=None)
    progress = iit_progress(assessment)
    assert (progress.population, progress.population_from_roster, progress.required) == (62, False, 25)
    respondents.target_update(target=target, membership=admin_member, population=None, required_override=20)
    assert iit_progress(assessment).required == 20


def test_the_page_says_everyone_only_when_everyone_on_the_list_confirmed(
    client, assessment, admin_member, committee_member
):
    entries = people(admin_member, 3)
    target = assessment.respondent_targets.get(rule__instrument__code="IIT")
    respondents.target_update(target=target, membership=admin_member, population=None, required_override=2)
    iit.iit_roster_record(assessment=assessment, membership=committee_member, staff_members=entries[:2])
    client.force_login(committee_member.user)
    page = reverse("ita:respondents", args=[assessment.office.slug, assessment.fiscal_year])
    text = client.get(page).content.decode()
    assert "ยืนยันแล้ว 2 จาก 3 คนในทะเบียนรายชื่อ" in text and "ต้องการ 2 คน" in text
    # The target is reached, but not everyone has confirmed.
    assert "ทุกคนในทะเบียนรายชื่อยืนยันแล้ว" not in text and "ทุกคนยืนยันแล้ว" not in text
    iit.iit_roster_record(assessment=assessment, membership=committee_member, staff_members=entries[2:])
    text = client.get(page).content.decode()
    assert "ทุกคนในทะเบียนรายชื่อยืนยันแล้ว" in text


def test_the_committee_ticks_names_on_the_page(client, assessment, admin_member, committee_member, staff_member):
    first, second = people(admin_member, 2)
    record = reverse("ita:iit-record", args=[assessment.office.slug, assessment.fiscal_year])
    client.force_login(staff_member.user)
    assert client.post(record, {"staff": [first.pk]}).status_code == 403
    client.force_login(committee_member.user)
    assert client.get(record).status_code == 405
    response = client.post(record, {"staff": [first.pk, second.pk]}, follow=True)
    assert "บันทึกแล้ว 2 คน" in response.content.decode()
    response = client.post(record, {"staff": [first.pk]}, follow=True)
    assert "คนที่0 ไม่มีบัญชี ยืนยันแล้ว" in response.content.decode()
    assert client.post(record, {}).status_code == 400
    assert assessment.iit_confirmations.count() == 2


# --- the public link -----------------------------------------------------------------------


def test_only_administrators_open_and_close_the_link(assessment, admin_member, committee_member):
    with pytest.raises(PermissionDenied):
        iit.iit_link_rotate(assessment=assessment, membership=committee_member)
    link = iit.iit_link_rotate(assessment=assessment, membership=admin_member)
    with pytest.raises(PermissionDenied):
        iit.iit_link_close(link=link, membership=committee_member)
    assert IITLink.objects.get().is_open and len(link.token) >= 32


def test_someone_without_a_login_confirms_once_for_their_name(assessment, admin_member):
    (entry,) = people(admin_member, 1)
    link = iit.iit_link_rotate(assessment=assessment, membership=admin_member)
    confirmation = iit.iit_link_confirm(
        token=link.token,
        staff_member=entry,
        client_address="203.0.113.5",
        screenshot=SimpleUploadedFile("last-page.png", PNG, "image/png"),
        today=IN_WINDOW,
    )
    assert (confirmation.channel, confirmation.recorded_by, confirmation.user) == ("link", None, None)
    assert confirmation.screenshot and confirmation.screenshot_type == "image/png"
    with pytest.raises(ValidationError) as error:
        iit.iit_link_confirm(token=link.token, staff_member=entry, client_address="203.0.113.5", today=IN_WINDOW)
    assert error.value.code == "twice"
    event = AuditEvent.objects.get(action="respondents.iit_confirmed")
    assert event.actor is None and "คนที่0" in event.summary


def test_the_link_works_only_in_the_window_and_with_the_current_token(assessment, admin_member):
    first, second = people(admin_member, 2)
    old = iit.iit_link_rotate(assessment=assessment, membership=admin_member).token
    with pytest.raises(ValidationError) as error:
        iit.iit_link_confirm(
            token=old, staff_member=first, client_address="x", today=datetime.date(2023, 7, 1)
        )  # the day after the window
    assert error.value.code == "window"
    new = iit.iit_link_rotate(assessment=assessment, membership=admin_member)
    with pytest.raises(ValidationError) as error:
        iit.iit_link_confirm(token=old, staff_member=first, client_address="x", today=IN_WINDOW)
    assert error.value.code == "closed"
    iit.iit_link_close(link=new, membership=admin_member)
    with pytest.raises(ValidationError) as error:
        iit.iit_link_confirm(token=new.token, staff_member=second, client_address="x", today=IN_WINDOW)
    assert error.value.code == "closed"
    roster.staff_member_deactivate(staff_member=second, membership=admin_member)
    reopened = iit.iit_link_rotate(assessment=assessment, membership=admin_member)
    with pytest.raises(ValidationError) as error:  # someone who left is not on the list
        iit.iit_link_confirm(token=reopened.token, staff_member=second, client_address="x", today=IN_WINDOW)
    assert error.value.code == "office"
    assert not IITConfirmation.objects.exists()


def test_the_link_is_throttled_per_client_address(assessment, admin_member, settings):
    settings.IIT_LINK_POSTS_PER_HOUR = 2
    entries = people(admin_member, 4)
    link = iit.iit_link_rotate(assessment=assessment, membership=admin_member)
    for entry in entries[:2]:
        iit.iit_link_confirm(token=link.token, staff_member=entry, client_address="198.51.100.7", today=IN_WINDOW)
    with pytest.raises(iit.Throttled):
        iit.iit_link_confirm(token=link.token, staff_member=entries[2], client_address="198.51.100.7", today=IN_WINDOW)
    # Another address is counted apart.
    iit.iit_link_confirm(token=link.token, staff_member=entries[3], client_address="198.51.100.8", today=IN_WINDOW)
    assert assessment.iit_confirmations.count() == 3


def test_the_public_page_needs_no_login(client, assessment, admin_member):
    first, second = people(admin_member, 2)
    link = iit.iit_link_rotate(assessment=assessment, membership=admin_member)
    url = public_url(assessment, link.token)
    text = client.get(url).content.decode()
    assert "ขณะนี้ไม่อยู่ในช่วงเก็บข้อมูลแบบวัด IIT" in text and "<form" not in text  # FY 2566 is long past
    assert client.post(url, {"staff_member": first.pk}).status_code == 200  # nothing recorded
    assert not IITConfirmation.objects.exists()
    open_window(assessment)
    response = client.get(url)
    text = response.content.decode()
    assert response.status_code == 200 and "เลือกชื่อของท่าน" in text and "คนที่0 ไม่มีบัญชี" in text
    assert response.headers["Cache-Control"].startswith("max-age=0")
    upload = SimpleUploadedFile("last-page.png", PNG, "image/png")
    response = client.post(url, {"staff_member": first.pk, "screenshot": upload})
    assert response.status_code == 302
    text = client.get(url).content.decode()
    assert "ขอบคุณ คนที่0 ไม่มีบัญชี" in text
    assert f'value="{first.pk}"' not in text and f'value="{second.pk}"' in text  # confirmed names leave the list
    response = client.post(url, {"staff_member": first.pk})  # a second attempt for the same name
    assert response.status_code == 400 and "คนที่0 ไม่มีบัญชี ยืนยันแล้ว" in response.content.decode()
    bad = client.post(url, {"staff_member": second.pk, "screenshot": SimpleUploadedFile("x.pdf", b"%PDF-1.4")})
    assert bad.status_code == 400
    assert assessment.iit_confirmations.count() == 1
    assert client.get(public_url(assessment, "not-the-token")).status_code == 404
    iit.iit_link_rotate(assessment=assessment, membership=admin_member)
    response = client.get(url)  # the old link after a new one
    assert response.status_code == 404 and "ลิงก์ยืนยันนี้ปิดแล้ว" in response.content.decode()


def test_the_public_form_is_protected_against_cross_site_posts(assessment, admin_member):
    from django.test import Client

    (entry,) = people(admin_member, 1)
    open_window(assessment)
    link = iit.iit_link_rotate(assessment=assessment, membership=admin_member)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(public_url(assessment, link.token), {"staff_member": entry.pk}).status_code == 403
    assert not IITConfirmation.objects.exists()


def test_the_respondents_page_shows_the_link_and_its_qr_code(client, assessment, admin_member, committee_member):
    client.force_login(admin_member.user)
    page = reverse("ita:respondents", args=[assessment.office.slug, assessment.fiscal_year])
    assert "เปิดลิงก์ยืนยัน" in client.get(page).content.decode()
    rotate = reverse("ita:iit-link-rotate", args=[assessment.office.slug, assessment.fiscal_year])
    assert client.post(rotate).status_code == 302
    link = IITLink.objects.get()
    text = client.get(page).content.decode()
    assert public_url(assessment, link.token) in text and 'class="iit-qr"' in text
    client.force_login(committee_member.user)
    printable = reverse("ita:iit-link-print", args=[assessment.office.slug, assessment.fiscal_year])
    text = client.get(printable).content.decode()
    assert "ยืนยันที่นี่" in text and 'class="iit-qr"' in text and "<script>" not in text
    assert client.post(rotate).status_code == 403
    client.force_login(admin_member.user)
    close = reverse("ita:iit-link-close", args=[assessment.office.slug, assessment.fiscal_year])
    assert client.post(close).status_code == 302
    link.refresh_from_db()
    assert not link.is_open
    assert client.get(printable).status_code == 404
