import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditEvent
from ita.models import Framework
from ita.services import results
from ita.services.assessments import assessment_open
from oit.models import Item
from spdca import selectors, services
from spdca.models import Activity, Finding, Improvement, Lesson, Meeting, ProgressUpdate, Stage
from tests.factories import MembershipFactory, UnitFactory
from tests.helpers import assert_queries_constant

pytestmark = pytest.mark.django_db

# The source document's 2565 analysis: IIT 5, EIT 6 and OIT 9 were the points to develop.
RESULTS_2565 = {
    1: D(97),
    2: D(96),
    3: D(95),
    4: D(96),
    5: D(88),
    6: D(90),
    7: D(93),
    8: D(94),
    9: D("87.5"),
    10: D(100),
}


def url(assessment, name, *extra):
    return reverse(name, args=[assessment.office.slug, assessment.fiscal_year, *extra])


def stage(assessment, code):
    return Stage.objects.get(assessment=assessment, code=code)


def update(stage_, member, status=Stage.Status.DONE, reason=""):
    return services.stage_update(
        stage=stage_,
        membership=member,
        status=status,
        start=stage_.start,
        end=stage_.end,
        notes="",
        responsible=[],
        override_reason=reason,
    )


def develop(assessment, member, number):
    indicator = assessment.framework.indicators.get(number=number)
    return services.finding_add(assessment=assessment, membership=member, kind="develop", indicator=indicator, text="x")


def test_opening_an_assessment_creates_the_five_stages_dated_by_the_calendar(assessment):
    stages = list(assessment.stages.all())
    assert [s.code for s in stages] == ["S", "P", "D", "C", "A"]
    act = assessment.framework.milestones.get(code="act")
    assert (stages[-1].start, stages[-1].end) == (act.start, act.end)


def test_s_cannot_close_without_the_meeting_and_a_point_to_develop(assessment, admin_member):
    with pytest.raises(ValidationError) as error:
        update(stage(assessment, "S"), admin_member)
    assert len(error.value.messages) == 4  # heading, two problems, how to override
    assert stage(assessment, "S").status == Stage.Status.NOT_STARTED
    Meeting.objects.create(assessment=assessment, date=datetime.date(2023, 5, 10), place="ห้องประชุมปันสุข")
    develop(assessment, admin_member, 5)
    assert update(stage(assessment, "S"), admin_member).status == Stage.Status.DONE


def test_an_admin_closes_a_stage_despite_its_gate_with_a_recorded_reason(assessment, admin_member):
    closed = update(stage(assessment, "C"), admin_member, reason="สพฐ. ขยายเวลา")
    assert (closed.status, closed.override_reason, closed.overridden_by) == ("done", "สพฐ. ขยายเวลา", admin_member.user)
    assert AuditEvent.objects.filter(action="spdca.gate_overridden", object_id=str(closed.pk)).exists()


def test_the_check_gate_names_unapproved_items_and_respondents(assessment, admin_member):
    problems = selectors.gate_problems(stage(assessment, "C"))
    assert "43" in problems[0]
    assert len(problems) == 3
    Item.objects.filter(assessment=assessment).update(status=Item.Status.PUBLISHED)
    assert len(selectors.gate_problems(stage(assessment, "C"))) == 2


def test_only_admins_change_stages(assessment, committee_member):
    with pytest.raises(PermissionDenied):
        update(stage(assessment, "A"), committee_member, status=Stage.Status.IN_PROGRESS)


def test_proposals_from_last_years_results(office, admin_member, framework_2565, assessment):
    earlier = assessment_open(office=office, framework=framework_2565, user=admin_member.user)
    results.result_enter(assessment=earlier, membership=admin_member, scores=RESULTS_2565)
    assessment.target_band = assessment.framework.rating_bands.get(code="excellent")
    assessment.save()
    with translation.override("en"):
        proposals = selectors.proposals(assessment)
    weakest = {p.indicator.number for p in proposals if "weakest" in p.reason}
    assert weakest == {5, 6, 9}  # as the source document found: IIT 5, EIT 6, OIT 9
    assert {p.indicator.number for p in proposals} == {5, 6, 7, 8, 9}  # and those below 95
    develop(assessment, admin_member, 5)
    assert [p.exists for p in selectors.proposals(assessment) if p.indicator.number == 5] == [True]


def test_no_results_no_proposals(assessment):
    assert selectors.proposals(assessment) == []


def test_coverage_lists_points_to_develop_without_an_activity(assessment, admin_member):
    five, nine = develop(assessment, admin_member, 5), develop(assessment, admin_member, 9)
    activity = Activity.objects.create(
        assessment=assessment, title="No Gift Policy", start=datetime.date(2023, 1, 1), end=datetime.date(2023, 3, 1)
    )
    activity.findings.add(five)
    assert selectors.uncovered_findings(assessment) == [nine]
    assert len(selectors.gate_problems(stage(assessment, "P"))) == 1


def test_next_year_gets_unfinished_improvements_and_lessons(office, admin_member, framework_2565, framework_2566):
    earlier = assessment_open(office=office, framework=framework_2565, user=admin_member.user)
    Improvement.objects.create(assessment=earlier, phase="after_results", cause="c", action="ยังไม่เสร็จ")
    Improvement.objects.create(assessment=earlier, phase="during_oit", cause="c", action="เสร็จแล้ว", done=True)
    Lesson.objects.create(assessment=earlier, text="ตรวจไฟล์ก่อนเผยแพร่")
    later = assessment_open(office=office, framework=framework_2566, user=admin_member.user)
    assert [i.action for i in later.improvements.all()] == ["ยังไม่เสร็จ"]
    assert later.improvements.get().carried_from.assessment == earlier
    assert [lesson.text for lesson in later.lessons.all()] == ["ตรวจไฟล์ก่อนเผยแพร่"]


# --- views ---------------------------------------------------------------------------------


def test_the_cycle_page_says_where_the_office_stands(client, assessment, staff_member, admin_member):
    update(stage(assessment, "S"), admin_member, reason="ทดสอบ")
    client.force_login(staff_member.user)
    response = client.get(url(assessment, "spdca:cycle"))
    assert response.context["current"].code == "P"
    assert all(getattr(s, "form", None) is None for s in response.context["stages"])


def test_closing_through_the_page_needs_a_reason(client, assessment, admin_member):
    client.force_login(admin_member.user)
    data = {"stage-S-status": "done", "stage-S-notes": "", "stage-S-version": 1}
    response = client.post(url(assessment, "spdca:stage-update", "S"), data)
    assert response.status_code == 400
    assert stage(assessment, "S").status == "not_started"
    response = client.post(url(assessment, "spdca:stage-update", "S"), {**data, "stage-S-override_reason": "เหตุผล"})
    assert response.status_code == 302
    assert stage(assessment, "S").status == "done"


def test_staff_and_other_offices_cannot_change_the_cycle(client, assessment, staff_member, other_office_admin):
    client.force_login(staff_member.user)
    assert client.post(url(assessment, "spdca:stage-update", "S"), {"stage-S-status": "done"}).status_code == 403
    assert client.post(url(assessment, "spdca:finding-add"), {"kind": "develop", "text": "x"}).status_code == 403
    client.force_login(other_office_admin.user)
    assert client.get(url(assessment, "spdca:cycle")).status_code == 404
    assert client.get(url(assessment, "spdca:stage-s")).status_code == 404
    assert client.get(url(assessment, "spdca:stage-update", "S")).status_code == 405


def test_accepting_a_proposal_through_the_page(client, office, admin_member, framework_2565, assessment):
    earlier = assessment_open(office=office, framework=framework_2565, user=admin_member.user)
    results.result_enter(assessment=earlier, membership=admin_member, scores=RESULTS_2565)
    indicator = assessment.framework.indicators.get(number=5)
    client.force_login(admin_member.user)
    assert "proposals" in client.get(url(assessment, "spdca:stage-s")).context
    data = {"kind": "develop", "indicator": indicator.pk, "text": "สร้างความเชื่อมั่น", "proposed": "True"}
    assert client.post(url(assessment, "spdca:finding-add"), data).status_code == 302
    finding = Finding.objects.get(assessment=assessment)
    assert (finding.proposed, finding.instrument.code) == (True, "IIT")


def test_adding_an_activity(client, assessment, admin_member, unit):
    finding = develop(assessment, admin_member, 9)
    client.force_login(admin_member.user)
    data = {
        "title": "รายงานความก้าวหน้าโครงการ",
        "findings": [finding.pk],
        "unit": unit.pk,
        "budget": "15000",
        "start": "2023-01-01",
        "end": "2023-03-31",
    }
    assert client.post(url(assessment, "spdca:activity-add"), data).status_code == 302
    assert selectors.uncovered_findings(assessment) == []
    bad = {**data, "end": "2022-12-01"}
    assert client.post(url(assessment, "spdca:activity-add"), bad).status_code == 400
    assert Activity.objects.count() == 1


def test_the_cycle_page_query_count_is_constant(client, assessment, admin_member):
    def grow():
        for number in (5, 6, 9):
            develop(assessment, admin_member, number)
        Meeting.objects.create(assessment=assessment, date=datetime.date(2023, 5, 10), place="x")

    client.force_login(admin_member.user)
    assert_queries_constant(client, url(assessment, "spdca:cycle"), expected=20, grow=grow)


def test_the_cycle_page_opens_one_stage_form_when_asked(client, assessment, admin_member, staff_member):
    client.force_login(admin_member.user)
    page = client.get(url(assessment, "spdca:cycle")).content.decode()
    assert "/cycle/stages/" not in page and "?edit=P#stage-P" in page
    page = client.get(url(assessment, "spdca:cycle") + "?edit=P").content.decode()
    assert page.count("/cycle/stages/") == 1 and "/cycle/stages/P/" in page
    client.force_login(staff_member.user)
    page = client.get(url(assessment, "spdca:cycle") + "?edit=P").content.decode()
    assert "/cycle/stages/" not in page and 'href="?edit=' not in page


# --- D, C, A and outcomes ------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def an_activity(assessment, unit=None, **kwargs):
    defaults = {
        "title": "ประชุมเชิงปฏิบัติการ No Gift Policy",
        "start": datetime.date(2023, 1, 1),
        "end": datetime.date(2023, 3, 31),
    }
    return Activity.objects.create(assessment=assessment, unit=unit, **{**defaults, **kwargs})


def test_the_unit_reports_progress_with_photos(client, assessment, staff_member, unit):
    activity = an_activity(assessment, unit=unit)
    client.force_login(staff_member.user)
    files = [SimpleUploadedFile("ภาพกิจกรรม.png", PNG), SimpleUploadedFile("รายงาน.pdf", b"%PDF-1.4 x")]
    data = {"activity": activity.pk, "date": "2023-02-01", "percent": 60, "narrative": "จัดประชุมแล้ว", "files": files}
    assert client.post(url(assessment, "spdca:progress-add"), data).status_code == 302
    update = ProgressUpdate.objects.get()
    assert sorted(f.original_name for f in update.files.all()) == ["ภาพกิจกรรม.png", "รายงาน.pdf"]
    photo = update.files.get(extension=".png")
    response = client.get(url(assessment, "spdca:attachment-download", photo.pk))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert selectors.activities_with_progress(assessment)[0].percent == 60


def test_a_bad_file_saves_no_progress(client, assessment, staff_member, unit):
    activity = an_activity(assessment, unit=unit)
    client.force_login(staff_member.user)
    data = {
        "activity": activity.pk,
        "date": "2023-02-01",
        "percent": 60,
        "files": [SimpleUploadedFile("ok.png", PNG), SimpleUploadedFile("x.png", b"<svg/>")],
    }
    assert client.post(url(assessment, "spdca:progress-add"), data).status_code == 400
    assert not ProgressUpdate.objects.exists()


def test_another_unit_cannot_report_progress(assessment, unit):
    activity = an_activity(assessment, unit=unit)
    outsider = MembershipFactory(office=assessment.office, unit=UnitFactory(office=assessment.office))
    with pytest.raises(PermissionDenied):
        services.progress_add(activity=activity, membership=outsider, date=datetime.date(2023, 2, 1), percent=10)


def test_the_d_gate_needs_every_activity_complete(assessment, admin_member, unit):
    activity = an_activity(assessment, unit=unit)
    assert selectors.gate_problems(stage(assessment, "D"))
    services.progress_add(activity=activity, membership=admin_member, date=datetime.date(2023, 3, 1), percent=100)
    assert selectors.gate_problems(stage(assessment, "D")) == []


def test_the_timeline_marks_overdue_activities(client, assessment, staff_member, unit):
    an_activity(assessment, unit=unit, title="เลยกำหนด")
    client.force_login(staff_member.user)
    timeline = client.get(url(assessment, "spdca:stage-d")).context["timeline"]
    assert [bar.kind for bar in timeline.activities] == ["overdue"]
    assert len(timeline.months) == 12
    assert {bar.kind for bar in timeline.milestones} == {"milestone"}


def test_the_check_page_gathers_the_gaps(client, assessment, staff_member, unit):
    an_activity(assessment, unit=unit)
    client.force_login(staff_member.user)
    context = client.get(url(assessment, "spdca:stage-c")).context
    assert (context["activities_done"], context["activities_total"], len(context["overdue"])) == (0, 1, 1)
    assert context["summary"].total.total == 43


def test_copying_last_years_assignments_pairs_items_by_name(office, admin_member, unit, framework_2565):
    earlier = assessment_open(office=office, framework=framework_2565, user=admin_member.user)
    earlier.oit_items.update(unit=unit)
    later = assessment_open(
        office=office, framework=Framework.objects.get(fiscal_year=2566), user=admin_member.user, carry_over=False
    )
    copied = services.assignments_copy(assessment=later, membership=admin_member)
    assert copied > 0
    assert later.oit_items.filter(unit=unit).count() == copied
    assert services.assignments_copy(assessment=later, membership=admin_member) == 0  # only unassigned items


def test_improvements_and_lessons_through_the_page(client, assessment, admin_member):
    client.force_login(admin_member.user)
    data = {"phase": "during_oit", "cause": "รายงานไม่ครบ", "action": "ตรวจตามองค์ประกอบก่อนส่ง"}
    assert client.post(url(assessment, "spdca:improvement-add"), data).status_code == 302
    improvement = Improvement.objects.get()
    assert client.post(url(assessment, "spdca:improvement-toggle", improvement.pk)).status_code == 302
    improvement.refresh_from_db()
    assert improvement.done
    assert client.post(url(assessment, "spdca:lesson-add"), {"text": "เริ่มเร็ว"}).status_code == 302
    assert selectors.gate_problems(stage(assessment, "A")) == []


def test_outcomes_for_the_annual_report(client, assessment, admin_member, staff_member):
    client.force_login(staff_member.user)
    assert client.post(url(assessment, "spdca:outcome-add"), {"kind": "qualitative", "text": "x"}).status_code == 403
    client.force_login(admin_member.user)
    text = "ไม่มีเรื่องร้องเรียนการกระทำการทุจริตและประพฤติมิชอบ"
    assert client.post(url(assessment, "spdca:outcome-add"), {"kind": "qualitative", "text": text}).status_code == 302
    response = client.get(url(assessment, "spdca:outcomes"))
    assert [o.text for o in response.context["outcomes"]] == [text]
    assert len(response.context["hints"]) == 3


@pytest.mark.parametrize("name", ["spdca:stage-d", "spdca:stage-c", "spdca:stage-a", "spdca:outcomes"])
def test_other_offices_get_404(client, assessment, other_office_admin, name):
    client.force_login(other_office_admin.user)
    assert client.get(url(assessment, name)).status_code == 404


def test_the_meeting_with_its_attachments(client, assessment, admin_member, staff_member):
    client.force_login(admin_member.user)
    data = {
        "date": "2023-05-10",
        "place": "ห้องประชุมปันสุข",
        "attendees": "ผอ.\nรอง ผอ.",
        "files": [SimpleUploadedFile("รายงานการประชุม.pdf", b"%PDF-1.4 x")],
        "version": 1,
    }
    assert client.post(url(assessment, "spdca:meeting-save"), data).status_code == 302
    meeting = Meeting.objects.get(assessment=assessment)
    file = meeting.files.get()
    client.force_login(staff_member.user)
    assert client.get(url(assessment, "spdca:attachment-download", file.pk)).status_code == 200
    bad = {**data, "files": [SimpleUploadedFile("x.pdf", b"<html>")], "version": 2}
    client.force_login(admin_member.user)
    assert client.post(url(assessment, "spdca:meeting-save"), bad).status_code == 400
    assert meeting.files.count() == 1


def test_the_gates_count_what_the_pages_list(assessment, admin_member, unit):
    """The gates count in the database what the plan pages list; the two must agree."""
    with translation.override("en"):
        assert selectors.gate_problems(stage(assessment, "S")) == [
            "The analysis meeting is not recorded.",
            "No point to develop has been recorded.",
        ]
        Meeting.objects.create(assessment=assessment, date=datetime.date(2023, 5, 10), place="ห้องประชุมปันสุข")
        five, six, nine = (develop(assessment, admin_member, n) for n in (5, 6, 9))
        assert selectors.gate_problems(stage(assessment, "S")) == []

        named_twice = an_activity(assessment, unit=unit)
        named_twice.findings.add(five)
        an_activity(assessment, title="อีกกิจกรรม").findings.add(five)
        by_indicator = an_activity(assessment, title="ตัวชี้วัด")
        by_indicator.indicators.add(six.indicator)
        assert selectors.uncovered_findings(assessment) == [nine]
        assert selectors.gate_problems(stage(assessment, "P")) == ["1 points to develop have no activity."]

        # Only the latest update counts: 100 % and then 80 % is not complete; none at all is not either.
        day = datetime.date(2023, 3, 1)
        services.progress_add(activity=named_twice, membership=admin_member, date=day, percent=100)
        services.progress_add(activity=by_indicator, membership=admin_member, date=day, percent=100)
        services.progress_add(activity=by_indicator, membership=admin_member, date=day.replace(day=2), percent=80)
        unfinished = [a for a in selectors.activities_with_progress(assessment) if a.percent < 100]
        assert len(unfinished) == 2
        assert selectors.gate_problems(stage(assessment, "D")) == ["2 activities are not complete."]
