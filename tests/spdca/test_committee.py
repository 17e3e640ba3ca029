"""The OIT committee of an assessment: who sits on it, in what order and role, the order that
appointed it with its signed document, on the check page and in the annual report."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditEvent
from spdca import services
from spdca.models import Committee, CommitteeMember
from spdca.reports import annual_report_context
from tests.factories import MembershipFactory
from tests.helpers import assert_queries_constant

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def url(assessment, name, *extra):
    return reverse(name, args=[assessment.office.slug, assessment.fiscal_year, *extra])


def pdf(name="คำสั่งแต่งตั้ง.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def appoint(assessment, admin, **values):
    values = {"name": "คณะกรรมการเผยแพร่และจัดเก็บข้อมูล", "order_number": "45/2566", **values}
    return services.committee_save(
        assessment=assessment, membership=admin, expected_version=values.pop("expected_version", 1), **values
    )


def names(assessment):
    return [m.formal_name for m in CommitteeMember.objects.filter(committee__assessment=assessment)]


# --- services --------------------------------------------------------------------------------


def test_members_are_users_of_the_office_or_typed_names_in_the_order_added(assessment, admin_member, committee_member):
    services.committee_member_add(
        assessment=assessment,
        membership=admin_member,
        role="chair",
        honorific="นาย",
        name="สมชาย ใจดี",
        position="ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา",
    )
    user = committee_member.user
    services.committee_member_add(assessment=assessment, membership=admin_member, role="member", user=user)
    services.committee_member_add(
        assessment=assessment, membership=admin_member, role="secretary", user=admin_member.user, position="เลขา"
    )
    members = list(CommitteeMember.objects.filter(committee__assessment=assessment))
    assert [m.formal_name for m in members] == ["นายสมชาย ใจดี", user.formal_name, admin_member.user.formal_name]
    assert [m.get_role_display() for m in members] == ["ประธานกรรมการ", "กรรมการ", "กรรมการและเลขานุการ"]
    assert members[1].printed_position == user.position  # a user's own position unless one is typed
    assert members[2].printed_position == "เลขา"
    assert AuditEvent.objects.filter(action="spdca.committee_member_added").count() == 3


def test_the_order_of_members_is_kept_and_changed_one_place_at_a_time(assessment, admin_member):
    for name in ("ก", "ข", "ค"):
        services.committee_member_add(assessment=assessment, membership=admin_member, role="member", name=name)
    last = CommitteeMember.objects.get(name="ค")
    services.committee_member_move(member=last, membership=admin_member, up=True)
    assert names(assessment) == ["ก", "ค", "ข"]
    first = CommitteeMember.objects.get(name="ก")
    services.committee_member_move(member=first, membership=admin_member, up=True)  # already first
    services.committee_member_move(member=first, membership=admin_member, up=False)
    assert names(assessment) == ["ค", "ก", "ข"]
    services.committee_member_remove(member=CommitteeMember.objects.get(name="ก"), membership=admin_member)
    assert names(assessment) == ["ค", "ข"]
    assert AuditEvent.objects.filter(action="spdca.committee_member_removed").count() == 1


def test_one_chair_and_one_secretary(assessment, admin_member):
    services.committee_member_add(assessment=assessment, membership=admin_member, role="chair", name="ก")
    with pytest.raises(ValidationError):
        services.committee_member_add(assessment=assessment, membership=admin_member, role="chair", name="ข")
    other = services.committee_member_add(assessment=assessment, membership=admin_member, role="member", name="ค")
    with pytest.raises(ValidationError):
        services.committee_member_update(
            member=other, membership=admin_member, expected_version=1, role="chair", name="ค"
        )
    assert names(assessment) == ["ก", "ค"]


def test_a_member_is_a_person_of_this_office(assessment, admin_member, other_office_admin):
    with pytest.raises(ValidationError):
        services.committee_member_add(
            assessment=assessment, membership=admin_member, role="member", user=other_office_admin.user
        )
    with pytest.raises(ValidationError):
        services.committee_member_add(assessment=assessment, membership=admin_member, role="member", name="  ")
    assert not CommitteeMember.objects.exists()


@pytest.mark.parametrize("member", ["committee_member", "staff_member", "other_office_admin"])
def test_only_the_offices_admins_change_the_committee(request, assessment, admin_member, member):
    someone = request.getfixturevalue(member)
    with pytest.raises(PermissionDenied):
        services.committee_member_add(assessment=assessment, membership=someone, role="member", name="ก")
    with pytest.raises(PermissionDenied):
        appoint(assessment, someone)
    assert not Committee.objects.exists()


def test_the_signed_order_is_kept_privately_and_replaced(assessment, admin_member, django_capture_on_commit_callbacks):
    committee = appoint(assessment, admin_member, order_date=datetime.date(2023, 1, 16), order_file=pdf())
    assert (committee.order_file_name, committee.order_file_type, committee.version) == (
        "คำสั่งแต่งตั้ง.pdf",
        "application/pdf",
        2,
    )
    first = committee.order_file.name
    storage = committee.order_file.storage
    assert storage.exists(first) and "คำสั่ง" not in first  # an opaque name, in private storage
    with django_capture_on_commit_callbacks(execute=True):
        committee = appoint(
            assessment, admin_member, expected_version=2, order_file=SimpleUploadedFile("scan.png", PNG)
        )
    assert committee.order_file_type == "image/png"
    assert not storage.exists(first)  # the old file goes once the new one is kept


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("order.docx", b"PK\x03\x04not really"),  # not a PDF or a picture
        SimpleUploadedFile("order.pdf", b"<html>not a pdf</html>"),  # the content says otherwise
        SimpleUploadedFile("order.pdf", b""),
    ],
    ids=["word", "fake-pdf", "empty"],
)
def test_a_bad_order_file_is_refused_and_nothing_changes(assessment, admin_member, upload):
    with pytest.raises(ValidationError):
        appoint(assessment, admin_member, order_file=upload)
    assert not Committee.objects.exists()


# --- pages -----------------------------------------------------------------------------------


def test_the_check_page_shows_the_committee_to_every_member(client, assessment, admin_member, staff_member):
    appoint(assessment, admin_member, order_date=datetime.date(2023, 1, 16), order_file=pdf())
    services.committee_member_add(
        assessment=assessment, membership=admin_member, role="chair", honorific="นาย", name="สมชาย ใจดี"
    )
    client.force_login(staff_member.user)
    page = client.get(url(assessment, "spdca:stage-c")).content.decode()
    assert "คณะกรรมการเผยแพร่และจัดเก็บข้อมูล" in page
    assert "นายสมชาย ใจดี" in page and "ประธานกรรมการ" in page
    assert "45/2566" in page and "16 มกราคม 2566" in page
    assert url(assessment, "spdca:committee-order-file") in page
    assert f'href="{url(assessment, "spdca:committee")}"' not in page  # staff read it, admins edit it


def test_the_admin_edits_the_committee_through_the_pages(client, assessment, admin_member, committee_member):
    client.force_login(admin_member.user)
    assert client.get(url(assessment, "spdca:committee")).status_code == 200
    data = {"name": "คณะกรรมการ OIT", "order_number": "7/2566", "order_date": "2023-01-16", "version": 1}
    response = client.post(url(assessment, "spdca:committee-save"), {**data, "order_file": pdf()})
    assert response.status_code == 302
    add = url(assessment, "spdca:committee-member-add")
    assert client.post(add, {"role": "chair", "user": committee_member.user_id}).status_code == 302
    assert client.post(add, {"role": "member", "honorific": "นาง", "name": "สมใจ ดีมาก"}).status_code == 302
    assert client.post(add, {"role": "member"}).status_code == 400  # neither a user nor a name
    assert client.post(add, {"role": "member", "name": "ก" * 201}).status_code == 400
    member = CommitteeMember.objects.get(name="สมใจ ดีมาก")
    move = url(assessment, "spdca:committee-member-move", member.pk)
    assert client.post(move, {"direction": "up"}).status_code == 302
    assert names(assessment) == ["นางสมใจ ดีมาก", committee_member.user.formal_name]
    assert client.get(move).status_code == 405
    committee = Committee.objects.get(assessment=assessment)
    assert (committee.order_number, committee.order_date) == ("7/2566", datetime.date(2023, 1, 16))


def test_the_signed_order_is_for_the_offices_members_only(
    client, assessment, admin_member, staff_member, other_office_admin
):
    appoint(assessment, admin_member, order_file=pdf())
    target = url(assessment, "spdca:committee-order-file")
    client.force_login(staff_member.user)
    response = client.get(target)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    client.force_login(other_office_admin.user)
    assert client.get(target).status_code == 404


@pytest.mark.parametrize("member", ["committee_member", "staff_member"])
def test_committee_and_staff_cannot_edit_it(client, request, assessment, member):
    client.force_login(request.getfixturevalue(member).user)
    assert client.get(url(assessment, "spdca:committee")).status_code == 403
    data = {"role": "member", "name": "ก"}
    assert client.post(url(assessment, "spdca:committee-member-add"), data).status_code == 403
    assert not CommitteeMember.objects.exists()


def test_another_offices_member_is_not_found(client, assessment, admin_member, other_office_admin):
    member = services.committee_member_add(assessment=assessment, membership=admin_member, role="member", name="ก")
    client.force_login(other_office_admin.user)
    assert client.get(url(assessment, "spdca:committee-member-edit", member.pk)).status_code == 404


def test_the_committee_pages_query_counts_do_not_grow(client, assessment, admin_member):
    def grow():  # users of the office and typed names on the committee, more people to choose from
        for n in range(3):
            member = MembershipFactory(office=assessment.office)
            services.committee_member_add(
                assessment=assessment, membership=admin_member, role="member", user=member.user
            )
            services.committee_member_add(
                assessment=assessment, membership=admin_member, role="member", honorific="นาง", name=f"กรรมการ{n}"
            )

    appoint(assessment, admin_member, order_date=datetime.date(2023, 1, 16), order_file=pdf())
    services.committee_member_add(assessment=assessment, membership=admin_member, role="chair", user=admin_member.user)
    client.force_login(admin_member.user)
    assert_queries_constant(client, url(assessment, "spdca:committee"), expected=9, grow=grow)
    assert_queries_constant(client, url(assessment, "spdca:stage-c"), expected=16, grow=grow)


# --- the annual report -----------------------------------------------------------------------


def test_the_annual_report_names_the_committee_and_its_order_in_the_check_stage(assessment, admin_member):
    appoint(assessment, admin_member, order_date=datetime.date(2023, 1, 16), duties=" รวบรวมเอกสาร ตรวจสอบความถูกต้อง")
    services.committee_member_add(
        assessment=assessment, membership=admin_member, role="chair", honorific="นาย", name="สมชาย ใจดี"
    )
    services.committee_member_add(
        assessment=assessment, membership=admin_member, role="secretary", user=admin_member.user
    )
    with translation.override("th"):
        html = render_to_string("pdf/annual_report.html", annual_report_context(assessment))
    check = html[html.index('id="stage-C"') : html.index('id="stage-A"')]
    assert "ได้แต่งตั้งคณะกรรมการเผยแพร่และจัดเก็บข้อมูล ตามคำสั่ง" in check
    assert "ที่ 45/2566 ลงวันที่ 16 มกราคม 2566" in check
    assert "ซึ่งมีหน้าที่ รวบรวมเอกสาร" in check
    assert check.index("นายสมชาย ใจดี") < check.index("ประธานกรรมการ") < check.index("กรรมการและเลขานุการ")
