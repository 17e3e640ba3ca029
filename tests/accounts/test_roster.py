"""The office's staff list: administrators add, edit, deactivate and import people, with or
without accounts; members are on it, linked; nothing about a person removes a confirmation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError, RestrictedError
from django.urls import reverse

from accounts import roster, services
from accounts.models import AuditEvent, Invitation, StaffMember
from core.versions import StaleVersionError
from ita.models import IITConfirmation
from ita.services import respondents
from ita.services.iit import iit_roster_record
from tests.factories import MembershipFactory, UnitFactory
from tests.helpers import assert_queries_constant

pytestmark = pytest.mark.django_db


def add(admin_member, first="สมหญิง", last="ไม่มีบัญชี", **values) -> StaffMember:
    return roster.staff_member_create(
        office=admin_member.office, membership=admin_member, first_name=first, last_name=last, **values
    )


# --- services ------------------------------------------------------------------------------


def test_an_admin_adds_a_person_without_an_account(admin_member, unit):
    entry = add(admin_member, honorific="นาง", position="ครู", unit=unit)
    assert (entry.full_name, entry.user, entry.is_active, entry.unit) == ("นางสมหญิง ไม่มีบัญชี", None, True, unit)
    assert AuditEvent.objects.filter(action="roster.add", object_id=str(entry.pk)).exists()


def test_only_administrators_manage_the_list(admin_member, committee_member, staff_member, other_office_admin):
    for member in (committee_member, staff_member, other_office_admin):
        with pytest.raises(PermissionDenied):
            roster.staff_member_create(office=admin_member.office, membership=member, first_name="ก", last_name="ข")
    entry = add(admin_member)
    with pytest.raises(PermissionDenied):
        roster.staff_member_deactivate(staff_member=entry, membership=committee_member)
    assert StaffMember.objects.filter(office=admin_member.office, user=None).count() == 1


def test_the_same_name_is_not_listed_twice(admin_member):
    add(admin_member)
    with pytest.raises(ValidationError) as error:
        add(admin_member, first=" สมหญิง ", last="ไม่มีบัญชี")
    assert error.value.code == "twice"


def test_a_stale_edit_changes_nothing(admin_member):
    entry = add(admin_member)
    roster.staff_member_update(staff_member=entry, membership=admin_member, expected_version=1, position="ครู")
    with pytest.raises(StaleVersionError):
        roster.staff_member_update(staff_member=entry, membership=admin_member, expected_version=1, position="x")
    entry.refresh_from_db()
    assert (entry.position, entry.version) == ("ครู", 2)


def test_no_confirmation_is_lost_when_a_person_leaves(assessment, admin_member, committee_member, staff_member):
    entry = add(admin_member)
    respondents.iit_confirm(assessment=assessment, membership=staff_member)
    iit_roster_record(assessment=assessment, membership=committee_member, staff_members=[entry])
    roster.staff_member_deactivate(staff_member=entry, membership=admin_member)
    services.member_deactivate(target=staff_member, membership=admin_member)
    assert IITConfirmation.objects.filter(assessment=assessment).count() == 2
    assert not StaffMember.objects.get(user=staff_member.user).is_active  # off the population with them
    with pytest.raises(RestrictedError):
        entry.delete()
    with pytest.raises(ProtectedError):
        staff_member.user.delete()
    assert IITConfirmation.objects.filter(assessment=assessment).count() == 2


def test_a_member_joining_takes_over_their_imported_entry(admin_member):
    entry = add(admin_member, first="วิไล", last="รักงาน")
    invitation = Invitation.objects.create(
        office=admin_member.office, email="wilai@example.go.th", invited_by=admin_member.user
    )
    membership = services.invitation_accept(
        invitation=invitation, username="wilai", password="a-Long-pass-2566", first_name="วิไล", last_name="รักงาน"
    )
    entry.refresh_from_db()
    assert entry.user == membership.user
    assert StaffMember.objects.filter(office=admin_member.office).count() == 1


# --- the sheet -----------------------------------------------------------------------------


def sheet(rows) -> SimpleUploadedFile:
    text = "\n".join(",".join(row) for row in rows)
    return SimpleUploadedFile("staff.csv", text.encode("utf-8"), content_type="text/csv")


def test_people_without_an_email_go_on_the_list_without_an_account(
    client, admin_member, unit, django_capture_on_commit_callbacks
):
    admin_member.user.email = "admin@example.go.th"
    admin_member.user.save()
    client.force_login(admin_member.user)
    rows = [
        ["คำนำหน้า", "ชื่อ", "นามสกุล", "ตำแหน่ง", "กลุ่ม/หน่วย", "อีเมล"],
        ["นาง", "สมศรี", "มีสุข", "ครู", unit.name, ""],
        ["นาย", "สมชาย", "ใจดี", "", "", "somchai@example.go.th"],
        ["นาย", "ผู้ดูแล", "เดิม", "", "", "ADMIN@example.go.th"],  # already a member
        ["", "ชื่อ-ไม่มีอีเมล", "อีกคน", "", "", ""],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:member-import", args=[admin_member.office.slug]), {"file": sheet(rows), "next": "roster"}
        )
    assert response.status_code == 302 and response.url == reverse("accounts:roster", args=[admin_member.office.slug])
    entries = StaffMember.objects.filter(office=admin_member.office)
    assert sorted(entries.filter(user=None).values_list("first_name", flat=True)) == [
        "ชื่อ-ไม่มีอีเมล",
        "สมชาย",
        "สมศรี",
    ]
    assert entries.get(first_name="สมศรี").unit == unit
    assert entries.get(user=admin_member.user)  # the admin is on the list, linked, not twice
    assert list(Invitation.objects.values_list("email", flat=True)) == ["somchai@example.go.th"]
    event = AuditEvent.objects.get(action="member.import")
    assert len(event.data["listed"]) == 3


# --- views ---------------------------------------------------------------------------------


def test_the_staff_list_page_is_in_thai_and_for_administrators(client, admin_member, committee_member):
    entry = add(admin_member)
    page = reverse("accounts:roster", args=[admin_member.office.slug])
    client.force_login(committee_member.user)
    assert client.get(page).status_code == 403
    client.force_login(admin_member.user)
    text = client.get(page).content.decode()
    assert "ทะเบียนรายชื่อบุคลากร" in text and "นางสมหญิง" not in text and "สมหญิง ไม่มีบัญชี" in text
    assert "ไม่มีบัญชี" in text
    response = client.post(page, {"honorific": "นาย", "first_name": "ใหม่", "last_name": "มาก", "version": ""})
    assert response.status_code == 302
    assert StaffMember.objects.filter(first_name="ใหม่").exists()
    response = client.post(page, {"first_name": "ก" * 151, "last_name": "ข"})
    assert response.status_code == 400
    assert not StaffMember.objects.filter(last_name="ข").exists()
    detail = reverse("accounts:roster-detail", args=[admin_member.office.slug, entry.pk])
    response = client.post(detail, {"first_name": "สมหญิง", "last_name": "แก้ชื่อ", "version": 1})
    assert response.status_code == 302
    response = client.post(detail, {"first_name": "สมหญิง", "last_name": "เก่า", "version": 1})
    assert response.status_code == 409 and "มีผู้อื่นแก้ไข" in response.content.decode()
    assert 'value="เก่า"' in response.content.decode()  # the typed text stays
    entry.refresh_from_db()
    assert entry.last_name == "แก้ชื่อ"


def test_deactivating_asks_for_the_version_shown(client, admin_member):
    entry = add(admin_member)
    client.force_login(admin_member.user)
    deactivate = reverse("accounts:roster-deactivate", args=[admin_member.office.slug, entry.pk])
    assert client.get(deactivate).status_code == 405
    assert client.post(deactivate, {"version": 1}).status_code == 302
    entry.refresh_from_db()
    assert not entry.is_active
    reactivate = reverse("accounts:roster-reactivate", args=[admin_member.office.slug, entry.pk])
    client.post(reactivate, {"version": 1})  # stale: nothing changes
    entry.refresh_from_db()
    assert not entry.is_active


def test_another_office_cannot_reach_an_entry(client, admin_member, other_office_admin):
    entry = add(admin_member)
    client.force_login(other_office_admin.user)
    url = reverse("accounts:roster-detail", args=[other_office_admin.office.slug, entry.pk])
    assert client.get(url).status_code == 404


def test_the_staff_list_page_query_count_does_not_grow(client, admin_member, unit):
    def grow():  # people with and without units and accounts, some gone, and more units to choose
        for n in range(3):
            other_unit = UnitFactory(office=admin_member.office)
            add(admin_member, first=f"คนที่{n}", position="ครู", unit=other_unit)
            gone = add(admin_member, first=f"ย้ายไป{n}")
            roster.staff_member_deactivate(staff_member=gone, membership=admin_member)
            member = MembershipFactory(office=admin_member.office, unit=unit)
            roster.staff_member_for_user(office=admin_member.office, user=member.user, unit=unit)

    add(admin_member, unit=unit)
    client.force_login(admin_member.user)
    assert_queries_constant(client, reverse("accounts:roster", args=[admin_member.office.slug]), expected=8, grow=grow)
