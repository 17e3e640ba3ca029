"""What documents may state about the cycle: the status and period its work supports, and the list
of what an annual report would get wrong."""

import datetime

import pytest

from spdca import selectors, services
from spdca.models import Activity, Finding, Meeting, ProgressUpdate, Stage
from spdca.selectors import annual_report_problems, stages_work

pytestmark = pytest.mark.django_db


def _activity(assessment, member, indicator, percent):
    activity = Activity.objects.create(
        assessment=assessment,
        title="ประชุมเชิงปฏิบัติการ No Gift Policy",
        unit=member.unit,
        responsible=member.user,
        start=datetime.date(2023, 1, 16),
        end=datetime.date(2023, 3, 31),
    )
    activity.indicators.set([indicator])
    ProgressUpdate.objects.create(
        activity=activity, date=datetime.date(2023, 3, 31), percent=percent, narrative="ทำแล้ว", recorded_by=member.user
    )
    return activity


def test_a_stage_recorded_not_started_shows_as_done_when_its_work_is_finished(assessment, admin_member):
    indicator = assessment.framework.indicators.get(number=6)
    services.finding_add(
        assessment=assessment, membership=admin_member, kind="develop", indicator=indicator, text="ยึดมาตรฐาน"
    )
    _activity(assessment, admin_member, indicator, 100)
    work = stages_work(assessment)
    assert work["P"].stage.status == Stage.Status.NOT_STARTED
    assert work["P"].status == Stage.Status.DONE and work["P"].recorded_differs
    assert work["D"].status == Stage.Status.DONE
    assert work["A"].status == Stage.Status.NOT_STARTED and not work["A"].recorded_differs
    problems = [problem.text for problem in annual_report_problems(assessment)]
    assert any("Stage P" in text or "ขั้น P" in text for text in problems), problems


def test_half_done_work_is_in_progress_and_says_why(assessment, admin_member):
    indicator = assessment.framework.indicators.get(number=6)
    _activity(assessment, admin_member, indicator, 40)
    work = stages_work(assessment)["D"]
    assert work.status == Stage.Status.IN_PROGRESS and work.problems


def test_an_activity_on_the_findings_indicator_covers_the_finding(assessment, admin_member):
    indicator = assessment.framework.indicators.get(number=9)
    services.finding_add(
        assessment=assessment, membership=admin_member, kind="develop", indicator=indicator, text="รายงานความก้าวหน้า"
    )
    assert len(selectors.uncovered_findings(assessment)) == 1
    _activity(assessment, admin_member, indicator, 10)
    assert selectors.uncovered_findings(assessment) == []
    assert Finding.objects.get().activities.count() == 0  # covered by its indicator, not by name


def test_the_stage_period_covers_the_work_done_in_it(assessment):
    stage = assessment.stages.get(code="S")
    Stage.objects.filter(pk=stage.pk).update(start=datetime.date(2022, 10, 1), end=datetime.date(2022, 12, 31))
    Meeting.objects.create(assessment=assessment, date=datetime.date(2023, 5, 10), place="ห้องประชุมปันสุข")
    work = stages_work(assessment)["S"]
    assert (work.start, work.end) == (datetime.date(2022, 10, 1), datetime.date(2023, 5, 10))


def test_the_problems_name_the_director_preface_respondents_and_items(assessment):
    problems = annual_report_problems(assessment)
    texts = " ".join(problem.text for problem in problems)
    urls = {problem.url for problem in problems}
    assert "director" in texts or "ผู้อำนวยการ" in texts
    assert any(url.endswith("/report-text/") for url in urls)
    assert any("/respondents/" in url for url in urls)
    assert any("/items/" in url for url in urls)
