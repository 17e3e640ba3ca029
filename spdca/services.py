"""The SPDCA cycle of an assessment: its stages and gates, the S-stage findings, the plan and the
carry-over of unfinished work into next year's cycle."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.services import audit_record
from core.uploads import check_upload
from ita.compare import framework_diff
from ita.models import Assessment, Indicator
from ita.respondents import respondent_progress
from ita.results import previous_summary
from oit import services as oit_services
from oit.models import Item
from spdca.models import (
    Activity,
    AnnualReportText,
    Attachment,
    Finding,
    Improvement,
    Lesson,
    ProgressUpdate,
    Stage,
)

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
    previous = assessment.previous()
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
    open_items = assessment.oit_items.exclude(status__in=Item.PASSED).count()
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
    """Points to develop that no activity of the plan addresses, neither by naming the finding nor
    by working on its indicator."""
    indicators = Activity.indicators.through.objects.filter(activity__assessment=assessment).values("indicator_id")
    return list(
        assessment.findings.filter(kind=Finding.Kind.DEVELOP)
        .annotate(n=Count("activities"))
        .filter(n=0)
        .exclude(indicator_id__in=indicators)
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


# --- D: progress ---------------------------------------------------------------------------


def can_report_progress(activity: Activity, membership: Membership) -> bool:
    """The activity's unit or responsible person reports its progress; the admin may too."""
    return (
        membership.is_admin
        or (activity.unit_id is not None and activity.unit_id == membership.unit_id)
        or activity.responsible_id == membership.user_id
    )


@transaction.atomic
def progress_add(
    *,
    activity: Activity,
    membership: Membership,
    date: date,
    percent: int,
    narrative: str = "",
    files: Iterable[UploadedFile] = (),
) -> ProgressUpdate:
    """Record what an activity achieved, with its files and photos (checked before anything is saved)."""
    if activity.assessment.office_id != membership.office_id or not can_report_progress(activity, membership):
        raise PermissionDenied(_("Only the activity's unit reports its progress."))
    checked = [(upload, check_upload(upload)) for upload in files]
    update = ProgressUpdate.objects.create(
        activity=activity, date=date, percent=percent, narrative=narrative, recorded_by=membership.user
    )
    _attach(checked, membership, update=update)
    audit_record(
        office=membership.office,
        actor=membership.user,
        action="spdca.progress",
        summary=f"{activity.title}: {percent}% on {date}",
        obj=update,
    )
    return update


def _attach(checked: list, membership: Membership, **owner) -> None:
    """Store files already checked by `check_upload` as attachments of a meeting or an update."""
    for upload, info in checked:
        attachment = Attachment(
            original_name=info.original_name,
            extension=info.extension,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            uploaded_by=membership.user,
            **owner,
        )
        attachment.file.save(info.original_name, upload, save=False)
        attachment.save()


@transaction.atomic
def meeting_attach(*, meeting, membership: Membership, files: Iterable[UploadedFile]) -> None:
    """Add the minutes, the attendance sheet or photos to the analysis meeting."""
    _require_admin(membership)
    _attach([(upload, check_upload(upload)) for upload in files], membership, meeting=meeting)


# --- A: improvements, lessons and last year's assignments ----------------------------------


@transaction.atomic
def assignments_copy(*, assessment: Assessment, membership: Membership) -> int:
    """Give this year's unassigned items the unit and staff of the same item last year.

    Items are paired by name through the framework comparison, because codes change meaning
    between years (2566 renumbered O1–O43).
    """
    _require_admin(membership)
    previous = assessment.previous()
    if previous is None:
        raise ValidationError(_("There is no earlier assessment to copy from."))
    pairs = {
        change.old.pk: change.new.pk
        for change in framework_diff(previous.framework, assessment.framework).items
        if change.old is not None and change.new is not None
    }
    old_items = {
        item.definition_id: item
        for item in previous.oit_items.filter(definition_id__in=pairs).prefetch_related("assignees")
    }
    new_items = {
        item.definition_id: item
        for item in assessment.oit_items.filter(definition_id__in=pairs.values(), unit__isnull=True)
        .select_related("assessment__office")
        .prefetch_related("assignees")
    }
    members = set(Membership.objects.filter(office=assessment.office).values_list("user_id", flat=True))
    copied = 0
    for old_definition, new_definition in pairs.items():
        old, new = old_items.get(old_definition), new_items.get(new_definition)
        if old is None or new is None or new.assignees.all() or (old.unit is None and not old.assignees.all()):
            continue
        assignees = [user for user in old.assignees.all() if user.pk in members]
        oit_services.items_assign(
            items=[new], membership=membership, unit=old.unit, assignees=assignees, due_date=new.due_date
        )
        copied += 1
    return copied


# --- results -------------------------------------------------------------------------------


@dataclass
class OutcomeHint:
    """A fact of the year the admin may state as a quantitative outcome."""

    text: str
    met: bool


def outcome_hints(assessment: Assessment) -> list[OutcomeHint]:
    hints = []
    for progress in respondent_progress(assessment):
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


# --- the annual report's own words ---------------------------------------------------------


class StaleRecordError(ValidationError):
    """The record changed after the form was shown; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else changed this after you opened it, so your change was not saved. "
                "Check the latest version below and try again."
            ),
            code="stale",
        )


REPORT_TEXT_FIELDS = ("preface", "introduction", "project", "coach")


@transaction.atomic
def annual_report_text_update(
    *, assessment: Assessment, membership: Membership, expected_version: int, **values: str
) -> AnnualReportText:
    """Save the preface, introduction, project and ITA Coach of the annual report. A save made
    from a form shown before someone else's save is refused (the typed text stays in the form)."""
    _require_admin(membership)
    text, _created = AnnualReportText.objects.select_for_update().get_or_create(assessment=assessment)
    if text.version != expected_version:
        raise StaleRecordError()
    for name in REPORT_TEXT_FIELDS:
        setattr(text, name, values.get(name, getattr(text, name)))
    text.version += 1
    text.save(update_fields=[*REPORT_TEXT_FIELDS, "version", "updated_at"])
    audit_record(
        office=assessment.office,
        actor=membership.user,
        action="spdca.report_text_saved",
        summary=_("Annual report texts"),
        obj=text,
    )
    return text
