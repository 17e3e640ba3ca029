"""What the records say about the cycle, read for pages and documents; nothing here writes.

The plan and its coverage, the gates that say whether a stage may close, the points to develop
proposed from last year's results, and the facts an outcome may state.

A stage's recorded status is what an administrator last set; its work is what the office recorded
in it. Documents print the status the work supports, and list every place where the two differ,
so that a report never calls a stage "not started" beside a plan carried out in full.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Membership
from ita.models import Assessment, Indicator
from ita.selectors import previous_summary, respondent_progress
from oit.models import Item
from spdca.models import Activity, Finding, Meeting, ProgressUpdate, Stage

# --- the plan and its coverage ---------------------------------------------------------------


def uncovered_findings(assessment: Assessment) -> list[Finding]:
    """Points to develop that no activity of the plan addresses, neither by naming the finding nor
    by working on its indicator."""
    return list(_uncovered(assessment).select_related("instrument", "indicator"))


def _uncovered(assessment: Assessment):
    indicators = Activity.indicators.through.objects.filter(activity__assessment=assessment).values("indicator_id")
    return assessment.findings.filter(kind=Finding.Kind.DEVELOP, activities=None).exclude(indicator_id__in=indicators)


def _unfinished_count(assessment: Assessment) -> int:
    """Activities whose latest progress update is below 100 % (or that have none)."""
    latest = ProgressUpdate.objects.filter(activity=OuterRef("pk")).order_by("-date", "-id").values("percent")[:1]
    return (
        assessment.activities.annotate(latest_percent=Subquery(latest))
        .filter(Q(latest_percent__lt=100) | Q(latest_percent=None))
        .count()
    )


def activities_with_progress(assessment: Assessment) -> list[Activity]:
    """The plan's activities, each with `percent` from its latest update (0 without one)."""
    latest = ProgressUpdate.objects.filter(activity=OuterRef("pk")).order_by("-date", "-id")
    activities = (
        assessment.activities.select_related("unit", "responsible")
        .prefetch_related("findings", "indicators")
        .annotate(
            latest_percent=Subquery(latest.values("percent")[:1]), latest_date=Subquery(latest.values("date")[:1])
        )
    )
    result = list(activities)
    for activity in result:
        activity.percent = activity.latest_percent or 0
    return result


def can_report_progress(activity: Activity, membership: Membership) -> bool:
    """The activity's unit or responsible person reports its progress; the admin may too."""
    return (
        membership.is_admin
        or (activity.unit_id is not None and activity.unit_id == membership.unit_id)
        or activity.responsible_id == membership.user_id
    )


# --- stages and their gates ------------------------------------------------------------------


def gate_problems(stage: Stage) -> list[str]:
    """Why the stage may not be closed yet (empty when it may)."""
    return GATES[stage.code](stage.assessment)


def _gate_s(assessment: Assessment) -> list[str]:
    problems = []
    if not Meeting.objects.filter(assessment=assessment).exists():
        problems.append(_("The analysis meeting is not recorded."))
    if not assessment.findings.filter(kind=Finding.Kind.DEVELOP).exists():
        problems.append(_("No point to develop has been recorded."))
    return problems


def _gate_p(assessment: Assessment) -> list[str]:
    problems = []
    if not assessment.activities.exists():
        problems.append(_("The plan has no activity."))
    uncovered = _uncovered(assessment).count()
    if uncovered:
        problems.append(_("%(count)d points to develop have no activity.") % {"count": uncovered})
    return problems


def _gate_d(assessment: Assessment) -> list[str]:
    unfinished = _unfinished_count(assessment)
    if unfinished:
        return [_("%(count)d activities are not complete.") % {"count": unfinished}]
    return []


def _gate_c(assessment: Assessment) -> list[str]:
    problems = []
    open_items = assessment.oit_items.exclude(status__in=Item.PASSED).count()
    if open_items:
        problems.append(_("%(count)d OIT items are not approved.") % {"count": open_items})
    for progress in respondent_progress(assessment, window=None):  # whether reached: the window plays no part
        if not progress.reached:
            problems.append(
                _("%(code)s respondents: %(done)d of %(required)s.")
                % {"code": progress.code, "done": progress.done, "required": progress.required or "?"}
            )
    return problems


def _gate_a(assessment: Assessment) -> list[str]:
    if not assessment.improvements.exists() and not assessment.lessons.exists():
        return [_("No improvement or lesson learned has been recorded.")]
    return []


GATES = {"S": _gate_s, "P": _gate_p, "D": _gate_d, "C": _gate_c, "A": _gate_a}


# --- S: points to develop proposed from last year's results ----------------------------------


@dataclass
class Proposal:
    """A point to develop the app suggests from last year's official results."""

    indicator: Indicator  # this year's indicator of the same number
    score: Decimal
    reason: str
    exists: bool  # already recorded as a finding


def proposals(assessment: Assessment) -> list[Proposal]:
    """Last year's weakest indicator of each instrument and those below this year's target level."""
    found = previous_summary(assessment)
    if found is None:
        return []
    previous, summary = found
    indicators = {i.number: i for i in assessment.framework.indicators.select_related("instrument")}
    recorded = set(assessment.findings.filter(kind=Finding.Kind.DEVELOP).values_list("indicator__number", flat=True))
    target = assessment.target_band
    suggested: dict[int, Proposal] = {}
    by_instrument: dict[str, tuple] = {}
    for indicator, score in summary.indicators:
        code = indicator.instrument.code
        if code not in by_instrument or score < by_instrument[code][1]:
            by_instrument[code] = (indicator, score)
    for indicator, score in by_instrument.values():
        if indicator.number in indicators:
            reason = _("the weakest %(instrument)s indicator in %(year)s") % {
                "instrument": indicator.instrument.code,
                "year": previous.fiscal_year,
            }
            suggested[indicator.number] = Proposal(
                indicators[indicator.number], score, reason, indicator.number in recorded
            )
    if target is not None:
        for indicator, score in summary.indicators:
            if score < target.min_total and indicator.number in indicators and indicator.number not in suggested:
                reason = _("below the target level %(level)s") % {"level": target.label}
                suggested[indicator.number] = Proposal(
                    indicators[indicator.number], score, reason, indicator.number in recorded
                )
    return sorted(suggested.values(), key=lambda proposal: proposal.indicator.number)


# --- results ---------------------------------------------------------------------------------


@dataclass
class OutcomeHint:
    """A fact of the year the admin may state as a quantitative outcome."""

    text: str
    met: bool


def outcome_hints(assessment: Assessment) -> list[OutcomeHint]:
    hints = []
    for progress in respondent_progress(assessment, window=None):  # whether reached: the window plays no part
        hints.append(
            OutcomeHint(
                _("%(code)s respondents: %(done)d of the %(required)s required.")
                % {"code": progress.code, "done": progress.done, "required": progress.required or "?"},
                progress.reached,
            )
        )
    items = assessment.oit_items.count()
    published = assessment.oit_items.filter(status=Item.Status.PUBLISHED).count()
    hints.append(
        OutcomeHint(
            _("OIT: %(published)d of %(items)d items published.") % {"published": published, "items": items},
            published == items,
        )
    )
    return hints


# --- what documents may state ----------------------------------------------------------------

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
    for progress in respondent_progress(assessment, window=None):  # whether reached: the window plays no part
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
