"""What the records say about the cycle, for pages and documents that must agree with them.

A stage's recorded status is what an administrator last set; its work is what the office recorded
in it. Documents print the status the work supports, and list every place where the two differ,
so that a report never calls a stage "not started" beside a plan carried out in full.
"""

from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from ita.models import Assessment
from ita.respondents import respondent_progress
from oit.models import Item
from spdca.models import Stage
from spdca.services import GATES, activities_with_progress

STAGE_PAGES = {
    "S": "spdca:stage-s",
    "P": "spdca:stage-p",
    "D": "spdca:stage-d",
    "C": "spdca:stage-c",
    "A": "spdca:stage-a",
}


@dataclass
class StageWork:
    """A stage with the status and the period its recorded work supports."""

    stage: Stage
    status: str
    start: date | None
    end: date | None
    problems: list[str] = field(default_factory=list)  # why the work is not finished

    @property
    def code(self) -> str:
        return self.stage.code

    @property
    def status_label(self) -> str:
        return Stage.Status(self.status).label

    @property
    def recorded_differs(self) -> bool:
        return self.status != self.stage.status


def _span(dates: list[date | None]) -> tuple[date | None, date | None]:
    known = [day for day in dates if day is not None]
    return (min(known), max(known)) if known else (None, None)


def stages_work(assessment: Assessment) -> dict[str, StageWork]:
    """Each stage's status and period as its work shows them, in a fixed number of queries.

    A stage closed by an administrator stays closed (an override carries its recorded reason);
    otherwise a stage is done when its gate is met, in progress when anything was recorded in it,
    and not started when nothing was. Its period covers its planned dates and the dates of its
    work, so that a meeting held in May is never printed inside a stage dated October–December."""
    stages = {stage.code: stage for stage in assessment.stages.all()}
    activities = activities_with_progress(assessment)
    meeting = getattr(assessment, "analysis_meeting", None)
    updates = [activity.latest_date for activity in activities]
    started = {
        "S": meeting is not None or assessment.findings.exists(),
        "P": bool(activities),
        "D": any(activity.percent > 0 for activity in activities),
        "C": assessment.iit_confirmations.exists()
        or assessment.eit_counts.exists()
        or assessment.oit_items.exclude(status=Item.Status.DRAFT).exists(),
        "A": assessment.improvements.exists() or assessment.lessons.exists(),
    }
    work_dates = {
        "S": [meeting.date] if meeting else [],
        "P": [],
        "D": updates,
        "C": list(assessment.eit_counts.values_list("date", flat=True)),
        "A": [],
    }
    result = {}
    for code, stage in stages.items():
        problems = GATES[code](assessment)
        if stage.status == Stage.Status.DONE or (started[code] and not problems):
            status = Stage.Status.DONE
        elif started[code]:
            status = Stage.Status.IN_PROGRESS
        else:
            status = Stage.Status.NOT_STARTED
        start, end = _span([stage.start, stage.end, *work_dates[code]])
        result[code] = StageWork(stage=stage, status=status, start=start, end=end, problems=problems)
    return result


@dataclass
class Problem:
    """Something an annual report would state wrongly or leave empty, and where to put it right."""

    text: str
    url: str = ""


def annual_report_problems(assessment: Assessment) -> list[Problem]:
    """What is inconsistent or missing before the annual report is made (empty when nothing is)."""
    args = [assessment.office.slug, assessment.fiscal_year]
    problems = []
    for work in stages_work(assessment).values():
        url = reverse(STAGE_PAGES[work.code], args=args)
        label = work.stage.get_code_display()
        if work.recorded_differs and work.status == Stage.Status.DONE:
            problems.append(
                Problem(
                    _("Stage %(stage)s is recorded as “%(recorded)s” but its work is finished: close the stage.")
                    % {"stage": work.code, "recorded": work.stage.get_status_display()},
                    reverse("spdca:cycle", args=args),
                )
            )
        elif work.status != Stage.Status.DONE:
            for problem in work.problems:
                problems.append(Problem(f"{label}: {problem}", url))
    for progress in respondent_progress(assessment):
        if not progress.reached:
            problems.append(
                Problem(
                    _("%(code)s respondents did not reach the target: %(done)d of %(required)s.")
                    % {"code": progress.code, "done": progress.done, "required": progress.required or "?"},
                    reverse("ita:respondents", args=args),
                )
            )
    items = assessment.oit_items.count()
    published = assessment.oit_items.filter(status=Item.Status.PUBLISHED).count()
    if published < items:
        problems.append(
            Problem(
                _("%(open)d of %(items)d OIT items are not published.") % {"open": items - published, "items": items},
                reverse("oit:item-list", args=args),
            )
        )
    office = assessment.office
    if not (office.director_name and office.director_position):
        problems.append(
            Problem(
                _("The office's director is not named: the report's sign-off would be left blank."),
                reverse("reports:list", args=args) + "#documents",
            )
        )
    text = getattr(assessment, "report_text", None)
    if text is None or not text.preface.strip():
        problems.append(
            Problem(
                _("No preface has been written: the report prints a standard one."),
                reverse("spdca:report-text", args=args),
            )
        )
    if not assessment.official_results.exists():
        problems.append(
            Problem(
                _("The year's official result is not entered: the report says it is being processed."),
                reverse("ita:results", args=args),
            )
        )
    return problems
