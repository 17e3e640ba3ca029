import pytest
from django.urls import reverse

from ita.services.assessments import assessment_open
from oit.models import Item
from tests.factories import MembershipFactory, OfficeFactory
from tests.helpers import assert_queries_constant

pytestmark = pytest.mark.django_db


def dashboard_url(assessment):
    return reverse("spdca:dashboard", args=[assessment.office.slug, assessment.fiscal_year])


@pytest.mark.parametrize("member", ["admin_member", "committee_member", "staff_member"])
def test_every_member_sees_the_dashboard(client, request, assessment, member):
    client.force_login(request.getfixturevalue(member).user)
    response = client.get(dashboard_url(assessment))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.total.total == 43
    assert [row.code for row in summary.rows if row.is_indicator] == ["9", "10"]
    assert [row.total for row in summary.rows if not row.is_indicator] == [10, 8, 4, 4, 4, 8, 5]


def test_counts_follow_the_item_status(client, assessment, staff_member):
    Item.objects.filter(assessment=assessment, definition__code__in=["O1", "O2"]).update(status=Item.Status.PUBLISHED)
    client.force_login(staff_member.user)
    summary = client.get(dashboard_url(assessment)).context["summary"]
    assert summary.total.counts[Item.Status.PUBLISHED] == 2
    assert summary.rows[1].counts[Item.Status.PUBLISHED] == 2  # 9.1


def test_another_office_cannot_see_it(client, assessment, other_office_admin):
    client.force_login(other_office_admin.user)
    assert client.get(dashboard_url(assessment)).status_code == 404


def test_the_dashboard_query_count_does_not_grow_with_data(client, assessment, staff_member, framework_2565):
    def grow():  # more offices and years in the database
        for _ in range(3):
            admin = MembershipFactory(office=OfficeFactory())
            assessment_open(office=admin.office, framework=framework_2565, user=admin.user)

    client.force_login(staff_member.user)
    assert_queries_constant(client, dashboard_url(assessment), expected=14, grow=grow)


def report_text_url(assessment):
    return reverse("spdca:report-text", args=[assessment.office.slug, assessment.fiscal_year])


TEXTS = {
    "preface": "รายงานฉบับนี้จัดทำขึ้นเพื่อสรุปผล",
    "introduction": "ประชุมเชิงปฏิบัติการจัดทำแผน สอดคล้องกับยุทธศาสตร์ชาติ",
    "project": "โครงการเสริมสร้างคุณธรรม",
    "coach": "ITA Coach ของ สพฐ.",
}


def test_the_admin_writes_the_reports_own_words_and_it_is_logged(client, assessment, admin_member):
    from accounts.models import AuditEvent
    from spdca.models import AnnualReportText

    client.force_login(admin_member.user)
    assert client.get(report_text_url(assessment)).status_code == 200
    response = client.post(report_text_url(assessment), {**TEXTS, "version": 1})
    assert response.status_code == 302
    text = AnnualReportText.objects.get(assessment=assessment)
    assert (text.preface, text.coach, text.version) == (TEXTS["preface"], TEXTS["coach"], 2)
    assert AuditEvent.objects.filter(action="spdca.report_text_saved", office=assessment.office).count() == 1


def test_a_stale_save_of_the_report_texts_is_refused_and_keeps_what_was_typed(client, assessment, admin_member):
    from spdca.models import AnnualReportText

    client.force_login(admin_member.user)
    client.post(report_text_url(assessment), {**TEXTS, "version": 1})
    response = client.post(report_text_url(assessment), {**TEXTS, "preface": "ข้อความใหม่ที่พิมพ์ไว้", "version": 1})
    assert response.status_code == 409
    assert "ข้อความใหม่ที่พิมพ์ไว้" in response.content.decode()
    assert AnnualReportText.objects.get(assessment=assessment).preface == TEXTS["preface"]


def test_only_the_admin_writes_the_report_texts(client, assessment, committee_member, other_office_admin):
    client.force_login(committee_member.user)
    assert client.post(report_text_url(assessment), {**TEXTS, "version": 1}).status_code == 403
    client.force_login(other_office_admin.user)
    assert client.get(report_text_url(assessment)).status_code == 404


def test_a_preface_longer_than_the_limit_is_refused(client, assessment, admin_member):
    from spdca.models import AnnualReportText

    client.force_login(admin_member.user)
    response = client.post(report_text_url(assessment), {**TEXTS, "preface": "ก" * 3001, "version": 1})
    assert response.status_code == 400
    assert not AnnualReportText.objects.filter(assessment=assessment).exists()


def test_the_admin_names_the_director_who_signs_the_documents(client, assessment, admin_member, committee_member):
    from accounts.models import AuditEvent

    url = reverse("reports:settings", args=[assessment.office.slug, assessment.fiscal_year])
    data = {
        "pdf_thai_digits": "on",
        "affiliation": "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน",
        "ministry": "กระทรวงศึกษาธิการ",
        "director_honorific": "นาย",
        "director_name": "สมชาย ใจดี",
        "director_position": "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา",
    }
    client.force_login(committee_member.user)
    assert client.post(url, data).status_code == 403
    client.force_login(admin_member.user)
    assert client.post(url, data).status_code == 302
    assessment.office.refresh_from_db()
    assert assessment.office.director_full_name == "นายสมชาย ใจดี"
    event = AuditEvent.objects.get(action="office.report_settings")
    assert event.data["director_name"] == "สมชาย ใจดี"


# --- the cycle's changes through the pages: each redirects after the change and records it, is
# refused to other roles (403) and other offices (404), and does not answer GET (405) --------


def cycle_url(assessment, name, *extra):
    return reverse(name, args=[assessment.office.slug, assessment.fiscal_year, *extra])


def _finding(assessment):
    from spdca.models import Finding

    indicator = assessment.framework.indicators.get(number=9)
    return Finding.objects.create(
        assessment=assessment, kind="develop", instrument=indicator.instrument, indicator=indicator, text="x"
    )


def _activity(assessment):
    from spdca.models import Activity

    return Activity.objects.create(assessment=assessment, title="เดิม", start="2023-01-01", end="2023-02-01")


def _improvement(assessment):
    from spdca.models import Improvement

    return Improvement.objects.create(assessment=assessment, phase="during_oit", cause="c", action="a")


def _outcome(assessment):
    from spdca.models import Outcome

    return Outcome.objects.create(assessment=assessment, kind="qualitative", text="ผ่าน")


def _lesson(assessment):
    from spdca.models import Lesson

    return Lesson.objects.create(assessment=assessment, text="เดิม")


def _committee_member(assessment):
    from spdca.models import Committee, CommitteeMember

    committee = Committee.objects.create(assessment=assessment, name="คณะกรรมการ")
    return CommitteeMember.objects.create(committee=committee, name="สมใจ")


def _two_committee_members(assessment):
    member = _committee_member(assessment)
    member.committee.members.create(name="สมศักดิ์", order=1)
    return member


def _exists(model_name, **lookup):
    from django.apps import apps

    return apps.get_model("spdca", model_name).objects.filter(**lookup).exists()


# name: (make the object the URL points to, POST data, the event, whether the change is made)
CHANGES = {
    "spdca:meeting-save": (
        None,
        {"date": "2023-05-10", "place": "ห้องประชุม", "version": 1},
        "spdca.meeting_saved",
        lambda assessment, obj: _exists("Meeting", assessment=assessment, place="ห้องประชุม"),
    ),
    "spdca:finding-remove": (
        _finding,
        {},
        "spdca.finding_removed",
        lambda assessment, obj: not _exists("Finding", pk=obj.pk),
    ),
    "spdca:activity-add": (
        None,
        {"title": "อบรม", "start": "2023-01-01", "end": "2023-02-01"},
        "spdca.activity_added",
        lambda assessment, obj: _exists("Activity", assessment=assessment, title="อบรม"),
    ),
    "spdca:activity-edit": (
        _activity,
        {"title": "ใหม่", "start": "2023-01-01", "end": "2023-02-01", "version": 1},
        "spdca.activity_changed",
        lambda assessment, obj: _exists("Activity", pk=obj.pk, title="ใหม่"),
    ),
    "spdca:improvement-add": (
        None,
        {"phase": "during_oit", "cause": "c", "action": "ตรวจก่อนส่ง"},
        "spdca.improvement_added",
        lambda assessment, obj: _exists("Improvement", assessment=assessment, action="ตรวจก่อนส่ง"),
    ),
    "spdca:improvement-toggle": (
        _improvement,
        {},
        "spdca.improvement_done",
        lambda assessment, obj: _exists("Improvement", pk=obj.pk, done=True),
    ),
    "spdca:lesson-add": (
        None,
        {"text": "เริ่มเร็ว"},
        "spdca.lesson_added",
        lambda assessment, obj: _exists("Lesson", assessment=assessment, text="เริ่มเร็ว"),
    ),
    "spdca:outcome-add": (
        None,
        {"kind": "qualitative", "text": "ผ่าน"},
        "spdca.outcome_added",
        lambda assessment, obj: _exists("Outcome", assessment=assessment, text="ผ่าน"),
    ),
    "spdca:outcome-remove": (
        _outcome,
        {},
        "spdca.outcome_removed",
        lambda assessment, obj: not _exists("Outcome", pk=obj.pk),
    ),
    "spdca:finding-edit": (
        _finding,
        lambda assessment: {
            "kind": "strength",
            "instrument": assessment.framework.instruments.get(code="OIT").pk,
            "text": "y",
            "version": 1,
        },
        "spdca.finding_changed",
        lambda assessment, obj: _exists("Finding", pk=obj.pk, text="y"),
    ),
    "spdca:improvement-edit": (
        _improvement,
        {"phase": "after_results", "cause": "c", "action": "ใหม่", "version": 1},
        "spdca.improvement_changed",
        lambda assessment, obj: _exists("Improvement", pk=obj.pk, action="ใหม่"),
    ),
    "spdca:lesson-edit": (
        _lesson,
        {"text": "ใหม่", "version": 1},
        "spdca.lesson_changed",
        lambda assessment, obj: _exists("Lesson", pk=obj.pk, text="ใหม่"),
    ),
    "spdca:outcome-edit": (
        _outcome,
        {"kind": "quantitative", "text": "ใหม่", "version": 1},
        "spdca.outcome_changed",
        lambda assessment, obj: _exists("Outcome", pk=obj.pk, text="ใหม่"),
    ),
    "spdca:committee-save": (
        None,
        {"name": "คณะกรรมการ OIT", "order_number": "9/2566", "order_date": "2023-01-16", "version": 1},
        "spdca.committee_saved",
        lambda assessment, obj: _exists("Committee", assessment=assessment, order_number="9/2566"),
    ),
    "spdca:committee-member-add": (
        None,
        {"role": "chair", "honorific": "นาย", "name": "สมชาย ใจดี", "position": "ผู้อำนวยการ"},
        "spdca.committee_member_added",
        lambda assessment, obj: _exists("CommitteeMember", committee__assessment=assessment, name="สมชาย ใจดี"),
    ),
    "spdca:committee-member-edit": (
        _committee_member,
        {"role": "secretary", "name": "สมใจ", "version": 1},
        "spdca.committee_member_changed",
        lambda assessment, obj: _exists("CommitteeMember", pk=obj.pk, role="secretary"),
    ),
    "spdca:committee-member-remove": (
        _committee_member,
        {},
        "spdca.committee_member_removed",
        lambda assessment, obj: not _exists("CommitteeMember", pk=obj.pk),
    ),
    "spdca:committee-member-move": (
        _two_committee_members,
        {"direction": "down"},
        "spdca.committee_member_moved",
        lambda assessment, obj: _exists("CommitteeMember", pk=obj.pk, order=1),
    ),
}
changes = pytest.mark.parametrize("name", CHANGES)


def _change_url(assessment, name):
    make = CHANGES[name][0]
    obj = make(assessment) if make else None
    return (cycle_url(assessment, name, obj.pk) if obj else cycle_url(assessment, name)), obj


@changes
def test_the_admin_changes_the_cycle_and_it_is_recorded(client, assessment, admin_member, name):
    from accounts.models import AuditEvent

    _make, data, action, done = CHANGES[name]
    url, obj = _change_url(assessment, name)
    data = data(assessment) if callable(data) else data
    client.force_login(admin_member.user)
    response = client.post(url, data)
    assert response.status_code == 302
    assert done(assessment, obj)
    assert AuditEvent.objects.filter(action=action, actor=admin_member.user, office=assessment.office).count() == 1


@changes
@pytest.mark.parametrize(("member", "status"), [("committee_member", 403), ("other_office_admin", 404)])
def test_no_one_else_changes_the_cycle(client, request, assessment, member, status, name):
    _make, data, _action, done = CHANGES[name]
    url, obj = _change_url(assessment, name)
    data = data(assessment) if callable(data) else data
    client.force_login(request.getfixturevalue(member).user)
    assert client.post(url, data).status_code == status
    assert not done(assessment, obj)


@changes
def test_the_cycle_is_not_changed_by_get(client, assessment, admin_member, name):
    url, obj = _change_url(assessment, name)
    client.force_login(admin_member.user)
    expected = 200 if name.endswith("-edit") else 405  # the edit pages show their form
    assert client.get(url).status_code == expected
    assert not CHANGES[name][3](assessment, obj)


def test_the_drawn_tabs_and_status_table_follow_role_name_language_and_counts(
    client, assessment, staff_member, committee_member, admin_member
):
    """The header, tabs and status table are kept drawn under what they show: each change shows at once."""
    review = reverse("oit:review-queue", args=[assessment.office.slug, assessment.fiscal_year])
    client.force_login(committee_member.user)
    page = client.get(dashboard_url(assessment)).content.decode()
    assert review in page and assessment.office.name in page
    client.force_login(staff_member.user)
    page = client.get(dashboard_url(assessment)).content.decode()
    assert review not in page  # same office, year and tab: the role is part of the key
    office = assessment.office
    office.name = "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาทดสอบ 🏫"
    office.save()
    page = client.get(dashboard_url(assessment)).content.decode()
    assert office.name in page

    def table(html):
        return html[html.index("table-status") : html.index("</table>")]

    Item.objects.filter(assessment=assessment, definition__code="O1").update(status=Item.Status.PUBLISHED)
    after = client.get(dashboard_url(assessment)).content.decode()
    assert table(after) != table(page)
    assert '<td class="num">1</td>' in table(after)  # the one published item, in its sub-indicator's row
    client.cookies["django_language"] = "en"
    page = client.get(dashboard_url(assessment)).content.decode()
    assert "Overview" in page and "Published" in page
