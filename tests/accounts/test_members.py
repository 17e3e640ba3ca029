"""Office administrators change members' roles and units, deactivate them (never delete), send a
password-reset link and invite a staff list from a sheet."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import services
from accounts.models import AuditEvent, Invitation, Membership, Role
from accounts.permissions import get_membership_or_404
from oit.models import Item
from oit.services import items_assign
from tests.factories import MembershipFactory, UnitFactory

pytestmark = pytest.mark.django_db


def url(name, member):
    return reverse(name, args=[member.office.slug, member.pk])


def test_an_admin_changes_a_members_role_and_unit(client, admin_member, staff_member):
    other_unit = UnitFactory(office=admin_member.office)
    client.force_login(admin_member.user)
    assert client.get(url("accounts:member-detail", staff_member)).status_code == 200
    data = {"role": Role.COMMITTEE, "unit": other_unit.pk, "version": staff_member.version}
    assert client.post(url("accounts:member-update", staff_member), data).status_code == 302
    staff_member.refresh_from_db()
    assert (staff_member.role, staff_member.unit, staff_member.version) == (Role.COMMITTEE, other_unit, 2)
    event = AuditEvent.objects.get(action="member.update")
    assert event.data["after"] == {"role": Role.COMMITTEE, "unit": other_unit.pk}
    # The same form sent again is stale: the change shown was made by someone else meanwhile.
    response = client.post(url("accounts:member-update", staff_member), {**data, "role": Role.STAFF})
    assert response.status_code == 409
    staff_member.refresh_from_db()
    assert staff_member.role == Role.COMMITTEE


def test_the_last_administrator_stays(admin_member, staff_member):
    with pytest.raises(ValidationError):
        services.member_update(target=admin_member, membership=admin_member, role=Role.STAFF, unit=None)
    second = MembershipFactory(office=admin_member.office, role=Role.ADMIN)
    services.member_update(target=admin_member, membership=second, role=Role.STAFF, unit=None)
    with pytest.raises(ValidationError):  # nor does the last one deactivate themselves
        services.member_deactivate(target=second, membership=second)


def test_only_an_admin_of_the_office_changes_members(staff_member, committee_member, other_office_admin):
    for member in (committee_member, other_office_admin):
        with pytest.raises(PermissionDenied):
            services.member_update(target=staff_member, membership=member, role=Role.ADMIN, unit=None)


def test_a_deactivated_member_keeps_their_history_and_loses_access(
    client, admin_member, staff_member, assessment, django_capture_on_commit_callbacks
):
    item = Item.objects.filter(assessment=assessment).first()
    items_assign(items=[item], membership=admin_member, unit=None, assignees=[staff_member.user], due_date=None)
    client.force_login(admin_member.user)
    page = client.get(url("accounts:member-detail", staff_member)).content.decode()
    assert item.code in page and "?item=" + item.code in page  # listed for reassignment
    response = client.post(url("accounts:member-deactivate", staff_member), {"version": staff_member.version})
    assert response.status_code == 302
    staff_member = Membership.all_objects.get(pk=staff_member.pk)
    assert not staff_member.is_active and staff_member.deactivated_by == admin_member.user
    assert not staff_member.user.is_active  # no other office: the account is closed too
    assert list(item.assignees.all()) == [staff_member.user]  # the assignment stays
    assert not Membership.objects.filter(pk=staff_member.pk).exists()  # gone from every list
    client.force_login(staff_member.user)
    assert client.get(admin_member.office.get_absolute_url()).status_code == 302  # signed out: to login
    client.force_login(admin_member.user)
    list_page = client.get(reverse("accounts:member-list", args=[admin_member.office.slug])).content.decode()
    assert staff_member.user.last_name in list_page  # under "deactivated"
    assert client.post(url("accounts:member-reactivate", staff_member)).status_code == 302
    staff_member.refresh_from_db()
    staff_member.user.refresh_from_db()
    assert staff_member.is_active and staff_member.user.is_active
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="member.")] == [
        "member.reactivate",
        "member.deactivate",
    ]


def test_someone_in_another_office_keeps_their_account(admin_member, staff_member):
    MembershipFactory(user=staff_member.user)
    services.member_deactivate(target=staff_member, membership=admin_member)
    staff_member.user.refresh_from_db()
    assert staff_member.user.is_active
    request = type("Request", (), {"user": staff_member.user})()
    with pytest.raises(Exception) as caught:
        get_membership_or_404(request, admin_member.office.slug)
    assert caught.type.__name__ == "Http404"


def test_an_admin_sends_a_password_reset_link_that_works(
    client, admin_member, staff_member, django_capture_on_commit_callbacks
):
    staff_member.user.email = "staff@example.go.th"
    staff_member.user.save()
    client.force_login(admin_member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("accounts:member-password-reset", staff_member))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["staff@example.go.th"] and admin_member.office.short_name in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    client.logout()
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    new = "ยาวพอและเดายาก-2567"
    response = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    staff_member.user.refresh_from_db()
    assert staff_member.user.check_password(new)
    assert AuditEvent.objects.filter(action="member.password_reset", office=admin_member.office).exists()


def test_a_member_without_an_address_gets_no_link(client, admin_member, staff_member):
    client.force_login(admin_member.user)
    client.post(url("accounts:member-password-reset", staff_member))
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="member.password_reset").exists()


def sheet(rows) -> SimpleUploadedFile:
    text = "\n".join(",".join(row) for row in rows)
    return SimpleUploadedFile("staff.csv", text.encode("utf-8"), content_type="text/csv")


def test_a_staff_sheet_invites_everyone_once(client, admin_member, unit, django_capture_on_commit_callbacks):
    admin_member.user.email = "admin@example.go.th"
    admin_member.user.save()
    client.force_login(admin_member.user)
    import_url = reverse("accounts:member-import", args=[admin_member.office.slug])
    rows = [
        ["คำนำหน้า", "ชื่อ", "นามสกุล", "ตำแหน่ง", "กลุ่ม/หน่วย", "อีเมล", "บทบาท"],
        ["นาง", "สมศรี", "มีสุข", "ครู", unit.name, "somsri@example.go.th", "เจ้าหน้าที่"],
        ["นาย", "สมชาย", "ใจดี", "", "", "somchai@example.go.th", "คณะกรรมการ"],
        ["นาย", "ผู้ดูแล", "เดิม", "", "", "ADMIN@example.go.th", ""],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(import_url, {"file": sheet(rows)})
    assert response.status_code == 302
    assert sorted(i.email for i in Invitation.objects.all()) == ["somchai@example.go.th", "somsri@example.go.th"]
    assert Invitation.objects.get(email="somsri@example.go.th").unit == unit
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(import_url, {"file": sheet(rows)})  # again: everyone is invited already
    assert Invitation.objects.count() == 2 and len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="member.import").count() == 2


def test_a_bad_sheet_invites_nobody_and_lists_its_rows(client, admin_member):
    client.force_login(admin_member.user)
    client.cookies["django_language"] = "en"
    rows = [["ชื่อ", "นามสกุล", "อีเมล"], ["สมศรี", "มีสุข", "somsri@example.go.th"], ["สมชาย", "", "x"]]
    response = client.post(reverse("accounts:member-import", args=[admin_member.office.slug]), {"file": sheet(rows)})
    assert response.status_code == 400
    assert "Row 3: the last name is missing." in response.content.decode()
    assert not Invitation.objects.exists()
