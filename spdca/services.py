"""The SPDCA cycle of an assessment: its stages and gates, the S-stage findings, the plan and the
carry-over of unfinished work into next year's cycle."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.services import audit_record
from ita.models import Assessment, Indicator
from ita.respondents import respondent_progress
from ita.results import framework_for_scoring, summarize
from oit.models import Item
from spdca.models import Activity, Finding, Improvement, Lesson, ProgressUpdate, Stage

# Each stage's default dates come from one milestone of the year's calendar.
STAGE_MILESTONES = {"S": "prepare", "P": "register", "D": "oit_collect", "C": "perception", "A": "act"}


def _require_admin(membership: Membership) -> None:
    if not membership.is_admin:
        raise PermissionDenied(_("Only the office's administrators change the cycle."))


# --- setting up a new assessment -----------------------------------------------------------


def stages_create_for_assessment(*, assessment: Assessment) -> None:
    """The five stages, dated by the year's calendar."""
    milestones = {milestone.code: milestone for milestone in assessment.framework.milestones.all()}
    stages = []
    for order, code in enumerate(Stage.Code.values):
        milestone = milestones.get(STAGE_MILESTONES[code])
        stages.append(
            Stage(
                assessment=assessment,
                code=code,
                order=order,
                start=milestone.start if milestone else None,
                end=milestone.end if milestone else None,
            )
        )
    Stage.objects.bulk_create(stages)


def carry_over_for_assessment(*, assessment: Assessment) -> None:
    """Bring last year's unfinished improvements and its lessons into the new year's cycle."""
    previous = (
        Assessment.objects.filter(office=assessment.office, fiscal_year__lt=assessment.fiscal_year)
        .order_by("-fiscal_year")
        .first()
    )
    if previous is None:
        return
    Improvement.objects.bulk_create(
        Improvement(
            assessment=assessment,
            phase=improvement.phase,
            cause=improvement.cause,
            action=improvement.action,
            owner=improvement.owner,
            carried_from=improvement,
        )
        for improvement in previous.improvements.filter(done=False)
    )
    Lesson.objects.bulk_create(
        Lesson(assessment=assessment, text=lesson.text, carried_from=lesson) for lesson in previous.lessons.all()
    )


# --- stages and their gates ----------------------------------------------------------------


def gate_problems(stage: Stage) -> list[str]:
    """Why the stage may not be closed yet (empty when it may)."""
    return GATES[stage.code](stage.assessment)


def _gate_s(assessment: Assessment) -> list[str]:
    problems = []
    if not hasattr(assessment, "analysis_meeting"):
        problems.append(_("The analysis meeting is not recorded."))
    if not assessment.findings.filter(kind=Finding.Kind.DEVELOP).exists():
        problems.append(_("No point to develop has been recorded."))
    return problems


def _gate_p(assessment: Assessment) -> list[str]:
    problems = []
    if not assessment.activities.exists():
        problems.append(_("The plan has no activity."))
    uncovered = uncovered_findings(assessment)
    if uncovered:
        problems.append(_("%(count)d points to develop have no activity.") % {"count": len(uncovered)})
    return problems


def _gate_d(assessment: Assessment) -> list[str]:
    unfinished = [activity for activity in activities_with_progress(assessment) if activity.percent < 100]
    if unfinished:
        return [_("%(count)d activities are not complete.") % {"count": len(unfinished)}]
    return []


def _gate_c(assessment: Assessment) -> list[str]:
    problems = []
    open_items = assessment.oit_items.exclude(status__in=[Item.Status.APPROVED, Item.Status.PUBLISHED]).count()
    if open_items:
        problems.append(_("%(count)d OIT items are not approved.") % {"count": open_items})
    for progress in respondent_progress(assessment):
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


@transaction.atomic
def stage_update(
    *,
    stage: Stage,
    membership: Membership,
    status: str,
    start: date | None,
    end: date | None,
    notes: str,
    responsible: Iterable,
    override_reason: str = "",
) -> Stage:
    """Change a stage. Closing it while its gate is not met needs a reason, which is recorded."""
    _require_admin(membership)
    if start and end and end < start:
        raise ValidationError(_("The end is before the start."))
    override_reason = override_reason.strip()
    if status == Stage.Status.DONE and stage.status != Stage.Status.DONE:
        problems = gate_problems(stage)
        if problems and not override_reason:
            raise ValidationError(
                [_("The stage cannot be closed yet:"), *problems, _("Give a reason to close it anyway.")]
            )
        if problems:
            stage.override_reason, stage.overridden_by = override_reason, membership.user
            audit_record(
                office=membership.office,
                actor=membership.user,
                action="spdca.gate_overridden",
                summary=f"Stage {stage.code} closed despite: {'; '.join(problems)}",
                obj=stage,
                data={"reason": override_reason, "problems": problems},
            )
    stage.status, stage.start, stage.end, stage.notes = status, start, end, notes
    stage.save()
    stage.responsible.set(responsible)
    audit_record(
        office=membership.office,
        actor=membership.user,
        action="spdca.stage_updated",
        summary=f"Stage {stage.code}: {stage.get_status_display()}",
        obj=stage,
    )
    return stage


# --- S: findings proposed from last year's results -----------------------------------------


@dataclass
class Proposal:
    """A point to develop the app suggests from last year's official results."""

    indicator: Indicator  # this year's indicator of the same number
    score: Decimal
    reason: str
    exists: bool  # already recorded as a finding


def proposals(assessment: Assessment) -> list[Proposal]:
    """Last year's weakest indicator of each instrument and those below this year's target level."""
    previous = (
        Assessment.objects.filter(office=assessment.office, fiscal_year__lt=assessment.fiscal_year)
        .exclude(official_results=None)
        .select_related("framework")
        .order_by("-fiscal_year")
        .first()
    )
    if previous is None:
        return []
    result = previous.official_results.prefetch_related("scores").first()
    summary = summarize(result, framework_for_scoring(previous.framework))
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
                "instrument": indicator.instrument.code, "year": previous.fiscal_year}  # fmt: skip
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


@transaction.atomic
def finding_add(
    *,
    assessment: Assessment,
    membership: Membership,
    kind: str,
    indicator: Indicator | None,
    instrument=None,
    text: str,
    proposed: bool = False,
) -> Finding:
    _require_admin(membership)
    if indicator is not None and indicator.framework_id != assessment.framework_id:
        raise ValidationError(_("The indicator belongs to another year's framework."))
    instrument = indicator.instrument if indicator is not None else instrument
    if instrument is None:
        raise ValidationError(_("Choose an indicator or an instrument."))
    finding = Finding.objects.create(
        assessment=assessment, kind=kind, instrument=instrument, indicator=indicator, text=text, proposed=proposed
    )
    audit_record(
        office=assessment.office, actor=membership.user, action="spdca.finding_added", summary=text[:200], obj=finding
    )
    return finding


# --- P: the plan and its coverage ----------------------------------------------------------


def uncovered_findings(assessment: Assessment) -> list[Finding]:
    """Points to develop that no activity of the plan addresses."""
    return list(
        assessment.findings.filter(kind=Finding.Kind.DEVELOP)
        .annotate(n=Count("activities"))
        .filter(n=0)
        .select_related("instrument", "indicator")
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
