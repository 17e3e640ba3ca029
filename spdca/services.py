"""Changes to the SPDCA cycle of an assessment: its stages, the S-stage meeting and findings, the
plan and its progress, improvements, lessons and outcomes, and the carry-over of unfinished work
into next year's cycle. What the cycle's records say (gates, proposals, coverage) is read in
spdca.selectors.

Every change checks the member's role, writes, and records its event in the office's activity
log, in one transaction.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership, User
from accounts.services import audit_record
from core.uploads import IMAGES, check_upload
from core.versions import StaleVersionError, check_version, lock_versioned, save_version
from ita.hooks import on_carry_over_preview
from ita.models import Assessment, Indicator
from oit import services as oit_services
from spdca.models import (
    Activity,
    AnnualReportText,
    Attachment,
    Committee,
    CommitteeMember,
    Finding,
    Improvement,
    Lesson,
    Meeting,
    Outcome,
    ProgressUpdate,
    Stage,
)
from spdca.selectors import can_report_progress, gate_problems

# Each stage's default dates come from one milestone of the year's calendar.
STAGE_MILESTONES = {"S": "prepare", "P": "register", "D": "oit_collect", "C": "perception", "A": "act"}


def _require_admin(membership: Membership, assessment: Assessment) -> None:
    """Only the office's administrators change its cycle."""
    if assessment.office_id != membership.office_id:
        raise PermissionDenied("The assessment belongs to another office.")
    if not membership.is_admin:
        raise PermissionDenied(_("Only the office's administrators change the cycle."))


def _audit(membership: Membership, action: str, obj: models.Model, summary: str) -> None:
    """Record a change of the cycle in the office's activity log."""
    audit_record(office=membership.office, actor=membership.user, action=action, summary=summary[:200], obj=obj)


# --- setting up a new assessment -------------------------------------------------------------


def stages_create_for_assessment(*, assessment: Assessment, carry_over: bool = True) -> None:
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


def carry_over_for_assessment(*, assessment: Assessment, carry_over: bool = True) -> None:
    """Bring the latest earlier year's unfinished improvements and its lessons into the new
    year's cycle (the years between may never have been opened)."""
    previous = assessment.previous()
    if previous is None or not carry_over:
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


# --- stages ----------------------------------------------------------------------------------


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
    expected_version: int | None = None,
) -> Stage:
    """Change a stage. Closing it while its gate is not met needs a reason, which is recorded."""
    # Re-read under a lock: a bound form has already changed the caller's copy, and two closings
    # at once must not both skip the gate.
    stage = Stage.objects.select_for_update(of=("self",)).select_related("assessment__office").get(pk=stage.pk)
    _require_admin(membership, stage.assessment)
    check_version(stage.version, expected_version)
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
    stage.version += 1
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


# --- S: the analysis meeting and its findings ------------------------------------------------

MEETING_FIELDS = ("date", "place", "attendees", "minutes")


@transaction.atomic
def meeting_save(
    *,
    assessment: Assessment,
    membership: Membership,
    date: date,
    place: str,
    attendees: str = "",
    minutes: str = "",
    files: Iterable[UploadedFile] = (),
    expected_version: int | None = None,
) -> Meeting:
    """Record the analysis meeting (one per assessment), adding the minutes, the attendance sheet
    or photos; the files are checked before anything is saved. A meeting not yet recorded counts
    as version 1, so two first saves from the same empty form do not both pass."""
    _require_admin(membership, assessment)
    checked = [(upload, check_upload(upload)) for upload in files]
    meeting = Meeting.objects.select_for_update().filter(assessment=assessment).first()
    meeting = meeting or Meeting(assessment=assessment)
    check_version(meeting.version, expected_version)
    meeting.date, meeting.place, meeting.attendees, meeting.minutes = date, place, attendees, minutes
    meeting.version += 1
    meeting.save()
    _attach(checked, membership, meeting=meeting)
    _audit(membership, "spdca.meeting_saved", meeting, f"Analysis meeting {meeting.date}")
    return meeting


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
    """Record a strength or a point to develop, of an indicator or of a whole instrument."""
    _require_admin(membership, assessment)
    if indicator is not None and indicator.framework_id != assessment.framework_id:
        raise ValidationError(_("The indicator belongs to another year's framework."))
    instrument = indicator.instrument if indicator is not None else instrument
    if instrument is None:
        raise ValidationError(_("Choose an indicator or an instrument."))
    finding = Finding.objects.create(
        assessment=assessment, kind=kind, instrument=instrument, indicator=indicator, text=text, proposed=proposed
    )
    _audit(membership, "spdca.finding_added", finding, text)
    return finding


@transaction.atomic
def finding_update(
    *,
    finding: Finding,
    membership: Membership,
    expected_version: int | None,
    kind: str,
    indicator: Indicator | None,
    instrument=None,
    text: str,
    proposed: bool = False,
) -> Finding:
    """Change what a finding says, or the indicator it is about."""
    _require_admin(membership, finding.assessment)
    assessment = finding.assessment
    if indicator is not None and indicator.framework_id != assessment.framework_id:
        raise ValidationError(_("The indicator belongs to another year's framework."))
    instrument = indicator.instrument if indicator is not None else instrument
    if instrument is None:
        raise ValidationError(_("Choose an indicator or an instrument."))
    locked = lock_versioned(Finding, finding.pk, expected_version)
    locked.kind, locked.indicator, locked.instrument, locked.text = kind, indicator, instrument, text
    save_version(locked, "kind", "indicator", "instrument", "text")
    _audit(membership, "spdca.finding_changed", locked, text)
    return locked


@transaction.atomic
def finding_remove(*, finding: Finding, membership: Membership) -> None:
    """Take a finding back; the activity log keeps what it said."""
    _require_admin(membership, finding.assessment)
    _audit(membership, "spdca.finding_removed", finding, finding.text)
    finding.delete()


# --- P: the plan -----------------------------------------------------------------------------


@transaction.atomic
def activity_add(
    *, activity: Activity, membership: Membership, findings: Iterable[Finding], indicators: Iterable[Indicator]
) -> Activity:
    """Add an activity (a validated, unsaved instance of the assessment) to the plan, with the
    findings and indicators it works on."""
    _require_admin(membership, activity.assessment)
    activity.save()
    activity.findings.set(findings)
    activity.indicators.set(indicators)
    _audit(membership, "spdca.activity_added", activity, activity.title)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    membership: Membership,
    findings: Iterable[Finding],
    indicators: Iterable[Indicator],
    expected_version: int | None = None,
) -> Activity:
    """Save the changes made to an activity of the plan (a validated instance), with the findings
    and indicators it works on."""
    _require_admin(membership, activity.assessment)
    # The form has already changed the caller's copy: the version is read from the locked row.
    current = Activity.objects.select_for_update().values_list("version", flat=True).get(pk=activity.pk)
    check_version(current, expected_version)
    activity.version = current + 1
    activity.save()
    activity.findings.set(findings)
    activity.indicators.set(indicators)
    _audit(membership, "spdca.activity_changed", activity, activity.title)
    return activity


# --- D: progress -----------------------------------------------------------------------------


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


# --- A: improvements, lessons and last year's assignments ------------------------------------


@transaction.atomic
def improvement_add(
    *, assessment: Assessment, membership: Membership, phase: str, cause: str, action: str, owner: User | None = None
) -> Improvement:
    """Plan an improvement: what caused the problem and what will be done, by whom."""
    _require_admin(membership, assessment)
    improvement = Improvement.objects.create(
        assessment=assessment, phase=phase, cause=cause, action=action, owner=owner
    )
    _audit(membership, "spdca.improvement_added", improvement, improvement.action)
    return improvement


@transaction.atomic
def improvement_toggle(*, improvement: Improvement, membership: Membership) -> Improvement:
    """Mark the improvement done, or open it again."""
    _require_admin(membership, improvement.assessment)
    # From the locked row: two clicks at once must give one change each, not the same one twice.
    improvement = Improvement.objects.select_for_update().get(pk=improvement.pk)
    improvement.done = not improvement.done
    save_version(improvement, "done")
    state = "done" if improvement.done else "reopened"
    _audit(membership, "spdca.improvement_done", improvement, f"{state}: {improvement.action}")
    return improvement


@transaction.atomic
def improvement_update(
    *,
    improvement: Improvement,
    membership: Membership,
    expected_version: int | None,
    phase: str,
    cause: str,
    action: str,
    owner: User | None = None,
) -> Improvement:
    """Change an improvement's phase, cause, action or owner."""
    _require_admin(membership, improvement.assessment)
    locked = lock_versioned(Improvement, improvement.pk, expected_version)
    locked.phase, locked.cause, locked.action, locked.owner = phase, cause, action, owner
    save_version(locked, "phase", "cause", "action", "owner")
    _audit(membership, "spdca.improvement_changed", locked, locked.action)
    return locked


@transaction.atomic
def lesson_add(*, assessment: Assessment, membership: Membership, text: str) -> Lesson:
    """Write down a lesson learned; next year's cycle starts with it."""
    _require_admin(membership, assessment)
    lesson = Lesson.objects.create(assessment=assessment, text=text)
    _audit(membership, "spdca.lesson_added", lesson, lesson.text)
    return lesson


@transaction.atomic
def lesson_update(*, lesson: Lesson, membership: Membership, expected_version: int | None, text: str) -> Lesson:
    """Change what a lesson learned says."""
    _require_admin(membership, lesson.assessment)
    locked = lock_versioned(Lesson, lesson.pk, expected_version)
    locked.text = text
    save_version(locked, "text")
    _audit(membership, "spdca.lesson_changed", locked, locked.text)
    return locked


@transaction.atomic
def assignments_copy(*, assessment: Assessment, membership: Membership) -> int:
    """Give this year's unassigned items the unit and staff of the items they continue in the
    office's latest earlier year, through the chain of item mappings (codes change meaning
    between years, and years may have been skipped)."""
    _require_admin(membership, assessment)
    return oit_services.assignments_carry_over(assessment=assessment, membership=membership)


@on_carry_over_preview
def cycle_preview(*, previous: Assessment, lineage) -> dict:
    """The unfinished improvements and the lessons a new year would start with."""
    improvements = previous.improvements.filter(done=False).count()
    lessons = previous.lessons.count()
    lines = []
    if improvements:
        lines.append(
            ngettext(
                "%(count)d unfinished improvement of %(year)s will be carried into the new cycle.",
                "%(count)d unfinished improvements of %(year)s will be carried into the new cycle.",
                improvements,
            )
            % {"count": improvements, "year": previous.fiscal_year}
        )
    if lessons:
        lines.append(
            ngettext(
                "%(count)d lesson learned in %(year)s will open the new year's analysis.",
                "%(count)d lessons learned in %(year)s will open the new year's analysis.",
                lessons,
            )
            % {"count": lessons, "year": previous.fiscal_year}
        )
    return {"lines": lines}


# --- results ---------------------------------------------------------------------------------


@transaction.atomic
def outcome_add(*, assessment: Assessment, membership: Membership, kind: str, text: str) -> Outcome:
    """State a quantitative or qualitative outcome of the year, for the annual report."""
    _require_admin(membership, assessment)
    outcome = Outcome.objects.create(assessment=assessment, kind=kind, text=text)
    _audit(membership, "spdca.outcome_added", outcome, outcome.text)
    return outcome


@transaction.atomic
def outcome_update(
    *, outcome: Outcome, membership: Membership, expected_version: int | None, kind: str, text: str
) -> Outcome:
    """Change an outcome of the year."""
    _require_admin(membership, outcome.assessment)
    locked = lock_versioned(Outcome, outcome.pk, expected_version)
    locked.kind, locked.text = kind, text
    save_version(locked, "kind", "text")
    _audit(membership, "spdca.outcome_changed", locked, locked.text)
    return locked


@transaction.atomic
def outcome_remove(*, outcome: Outcome, membership: Membership) -> None:
    """Take an outcome off the annual report; the activity log keeps what it said."""
    _require_admin(membership, outcome.assessment)
    _audit(membership, "spdca.outcome_removed", outcome, outcome.text)
    outcome.delete()


# --- the annual report's own words -----------------------------------------------------------


REPORT_TEXT_FIELDS = ("preface", "introduction", "project", "coach")


@transaction.atomic
def annual_report_text_update(
    *, assessment: Assessment, membership: Membership, expected_version: int, **values: str
) -> AnnualReportText:
    """Save the preface, introduction, project and ITA Coach of the annual report. A save made
    from a form shown before someone else's save is refused (the typed text stays in the form)."""
    _require_admin(membership, assessment)
    text, _created = AnnualReportText.objects.select_for_update().get_or_create(assessment=assessment)
    if text.version != expected_version:
        raise StaleVersionError()
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


# --- C: the OIT committee and the order that appointed it ------------------------------------

COMMITTEE_FIELDS = ("name", "duties", "order_number", "order_date")
ORDER_FILE_TYPES = (".pdf", *IMAGES)
# Roles the order gives to one person only.
SINGLE_ROLES = (CommitteeMember.Role.CHAIR, CommitteeMember.Role.SECRETARY)


def _lock_committee(assessment: Assessment) -> Committee:
    """The assessment's committee, locked; a new one, unsaved, counts as version 1."""
    committee = Committee.objects.select_for_update().filter(assessment=assessment).first()
    return committee or Committee(assessment=assessment, name=_("Committee for publishing and collecting the OIT data"))


def check_order_file(upload: UploadedFile):
    """The signed order is a PDF or a picture, checked by its content like evidence files."""
    info = check_upload(upload)
    if info.extension not in ORDER_FILE_TYPES:
        raise ValidationError(_("The signed order must be a PDF or a picture (PNG, JPEG, GIF or WebP)."), code="type")
    return info


@transaction.atomic
def committee_save(
    *,
    assessment: Assessment,
    membership: Membership,
    expected_version: int | None,
    name: str,
    duties: str = "",
    order_number: str = "",
    order_date: date | None = None,
    order_file: UploadedFile | None = None,
) -> Committee:
    """Name the committee and its duties, and record the order that appointed it with the signed
    document (checked before anything is saved; a new file replaces the old one)."""
    _require_admin(membership, assessment)
    checked = check_order_file(order_file) if order_file else None
    committee = _lock_committee(assessment)
    check_version(committee.version, expected_version)
    committee.name, committee.duties = name, duties
    committee.order_number, committee.order_date = order_number.strip(), order_date
    if checked is not None:
        old = committee.order_file.name if committee.order_file else ""
        committee.order_file_name = checked.original_name
        committee.order_file_extension = checked.extension
        committee.order_file_type = checked.content_type
        committee.order_file_size = checked.size
        committee.order_file_sha256 = checked.sha256
        committee.order_file.save(checked.original_name, order_file, save=False)
        if old:
            storage = committee.order_file.storage
            transaction.on_commit(lambda: storage.delete(old))  # only once the new one is kept
    committee.version += 1
    committee.save()
    summary = f"{committee.name}: {committee.order_number or '-'}"
    _audit(membership, "spdca.committee_saved", committee, summary)
    return committee


def _check_member(committee: Committee, membership: Membership, *, role: str, user, name: str, exclude=None):
    if user is None and not name.strip():
        raise ValidationError(_("Choose a user of the office or type the person's name."), code="name")
    if user is not None and not Membership.objects.filter(office=membership.office, user=user).exists():
        raise ValidationError(_("The person is not a member of this office."), code="office")
    if role in SINGLE_ROLES and committee.pk:
        others = committee.members.filter(role=role).exclude(pk=exclude)
        if others.exists():
            raise ValidationError(
                _("The committee already has a %(role)s."),
                code="role",
                params={"role": CommitteeMember.Role(role).label},
            )


@transaction.atomic
def committee_member_add(
    *,
    assessment: Assessment,
    membership: Membership,
    role: str,
    user: User | None = None,
    honorific: str = "",
    name: str = "",
    position: str = "",
) -> CommitteeMember:
    """Put a person of the office on the committee, at the end of the list."""
    _require_admin(membership, assessment)
    committee = _lock_committee(assessment)
    if committee.pk is None:
        committee.save()
    _check_member(committee, membership, role=role, user=user, name=name)
    last = committee.members.aggregate(last=models.Max("order"))["last"]
    member = CommitteeMember.objects.create(
        committee=committee,
        role=role,
        user=user,
        honorific="" if user else honorific.strip(),
        name="" if user else name.strip(),
        position=position.strip(),
        order=0 if last is None else last + 1,
    )
    _audit(membership, "spdca.committee_member_added", member, f"{member.formal_name}: {member.get_role_display()}")
    return member


@transaction.atomic
def committee_member_update(
    *,
    member: CommitteeMember,
    membership: Membership,
    expected_version: int | None,
    role: str,
    user: User | None = None,
    honorific: str = "",
    name: str = "",
    position: str = "",
) -> CommitteeMember:
    """Change a member's role, name or position."""
    assessment = member.committee.assessment
    _require_admin(membership, assessment)
    committee = _lock_committee(assessment)
    locked = lock_versioned(CommitteeMember, member.pk, expected_version)
    _check_member(committee, membership, role=role, user=user, name=name, exclude=locked.pk)
    locked.role, locked.user, locked.position = role, user, position.strip()
    locked.honorific, locked.name = ("", "") if user else (honorific.strip(), name.strip())
    save_version(locked, "role", "user", "honorific", "name", "position")
    _audit(membership, "spdca.committee_member_changed", locked, f"{locked.formal_name}: {locked.get_role_display()}")
    return locked


@transaction.atomic
def committee_member_remove(*, member: CommitteeMember, membership: Membership) -> None:
    """Take a person off the committee; the activity log keeps who it was."""
    _require_admin(membership, member.committee.assessment)
    _lock_committee(member.committee.assessment)
    _audit(membership, "spdca.committee_member_removed", member, member.formal_name)
    member.delete()


@transaction.atomic
def committee_member_move(*, member: CommitteeMember, membership: Membership, up: bool) -> None:
    """Move a member one place up or down the order's list (nothing happens at either end)."""
    assessment = member.committee.assessment
    _require_admin(membership, assessment)
    committee = _lock_committee(assessment)
    members = list(committee.members.all())
    index = next((i for i, other in enumerate(members) if other.pk == member.pk), None)
    if index is None:
        return
    other = index - 1 if up else index + 1
    if not 0 <= other < len(members):
        return
    members[index], members[other] = members[other], members[index]
    for order, each in enumerate(members):  # renumber, so that gaps and ties left earlier go away
        if each.order != order:
            each.order = order
            each.save(update_fields=["order", "updated_at"])
    direction = "up" if up else "down"
    _audit(membership, "spdca.committee_member_moved", member, f"{member.formal_name}: {direction}")
