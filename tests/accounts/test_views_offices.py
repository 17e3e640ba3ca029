"""Offices, for the people who run the site; the office log, for its administrators."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent, Office, Role
from accounts.services import audit_record
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

OFFICE = {
    "name": "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาระยอง",
    "short_name": "สพม.ระยอง",
    "slug": "spm-rayong",
    "website": "https://www.sesarayong.go.th",
    "affiliation": "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน",
    "ministry": "กระทรวงศึกษาธิการ",
    "director_honorific": "นาย",
    "director_name": "สมชาย ใจดี",
    "director_position": "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาระยอง",
}


@pytest.fixture
def manager(db):
    """Someone who runs the site without being a superuser: the site-wide permission."""
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="manage_offices"))
    return user


def test_someone_who_runs_the_site_creates_an_office_and_invites_its_admin(
    client, manager, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    assert client.get(reverse("accounts:office-list")).status_code == 200
    response = client.post(reverse("accounts:office-create"), OFFICE)
    assert response["Location"] == reverse("accounts:office-invite", args=["spm-rayong"])
    office = Office.objects.get(slug="spm-rayong")
    assert office.director_full_name == "นายสมชาย ใจดี"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:office-invite", args=["spm-rayong"]),
            {"email": "admin@sesarayong.go.th", "first_name": "วิไล", "last_name": "รักงาน"},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/accounts/invitation/\S+/)", message.body).group(1)
    assert office.invitations.get().role == Role.ADMIN
    client.logout()
    password = "ยาวพอและเดายาก-2566"
    data = {
        "username": "wilai",
        "first_name": "วิไล",
        "last_name": "รักงาน",
        "password1": password,
        "password2": password,
    }
    assert client.post(link, data).status_code == 302
    assert client.get(reverse("accounts:member-list", args=["spm-rayong"])).status_code == 200  # the new admin
    assert list(AuditEvent.objects.filter(office=office).values_list("action", flat=True)) == [
        "invitation.accept",
        "invitation.send",
        "office.create",
    ]


def test_an_office_is_edited_but_keeps_its_slug(client, manager, office):
    client.force_login(manager)
    url = reverse("accounts:office-edit", args=[office.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {**OFFICE, "slug": "changed"})
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.short_name == "สพม.ระยอง" and office.slug != "changed"
    assert AuditEvent.objects.get(action="office.update").office == office


def test_a_reserved_or_taken_slug_is_refused(client, manager, office):
    client.force_login(manager)
    assert client.post(reverse("accounts:office-create"), {**OFFICE, "slug": "admin"}).status_code == 200
    assert client.post(reverse("accounts:office-create"), {**OFFICE, "slug": office.slug}).status_code == 200
    assert not Office.objects.filter(short_name="สพม.ระยอง").exists()


def test_a_superuser_runs_the_site_too_an_office_admin_does_not(client, admin_member):
    client.force_login(admin_member.user)
    assert client.get(reverse("accounts:office-list")).status_code == 403
    assert client.post(reverse("accounts:office-create"), OFFICE).status_code == 403
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("accounts:office-list")).status_code == 200


def test_the_site_manager_resends_and_revokes_an_admins_invitation(
    client, manager, office, django_capture_on_commit_callbacks
):
    from accounts.services import invitation_create

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            office=office, user=manager, email="a@example.go.th", role=Role.ADMIN, base_url="http://testserver/"
        )
    client.force_login(manager)
    args = [office.slug, invitation.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:invitation-resend", args=args), {"next": "office"})
    assert response["Location"] == reverse("accounts:office-edit", args=[office.slug])
    assert len(mail.outbox) == 2
    client.post(reverse("accounts:invitation-revoke", args=args), {"next": "office"})
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_the_office_log_is_filtered_and_paged(client, admin_member, staff_member, other_office_admin, settings):
    office = admin_member.office
    for number in range(60):
        audit_record(office=office, actor=admin_member.user, action="unit.create", summary=f"หน่วย {number}")
    audit_record(office=office, actor=staff_member.user, action="member.update", summary="ของเจ้าหน้าที่")
    audit_record(office=other_office_admin.office, actor=other_office_admin.user, action="unit.create", summary="อื่น")
    client.force_login(admin_member.user)
    url = reverse("accounts:office-log", args=[office.slug])
    first = client.get(url)
    assert first.status_code == 200 and first.context["page"].paginator.count == 61
    assert "อื่น" not in first.content.decode()
    second = client.get(url, {"action": "unit.create", "page": 2})
    assert [e.summary for e in second.context["page"].object_list][-1] == "หน่วย 0"
    assert "action=unit.create&amp;page=1" in second.content.decode()
    by_person = client.get(url, {"actor": staff_member.user_id})
    assert [e.summary for e in by_person.context["page"].object_list] == ["ของเจ้าหน้าที่"]
    future = client.get(url, {"start": "2150-01-01"})
    assert future.context["page"].paginator.count == 0
    client.force_login(staff_member.user)
    assert client.get(url).status_code == 403


def test_the_office_log_takes_constant_queries(client, admin_member, django_assert_max_num_queries):
    office = admin_member.office
    for number in range(30):
        actor = MembershipFactory(office=office).user
        audit_record(office=office, actor=actor, action="x", summary=str(number))
    client.force_login(admin_member.user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("accounts:office-log", args=[office.slug])).status_code == 200
