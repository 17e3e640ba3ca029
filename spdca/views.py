import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from core.files import private_file_response
from core.thai import format_be_date
from core.versions import StaleVersionError
from core.views import error_messages
from ita.access import assessment_context, get_assessment_or_404
from ita.selectors import WINDOW_MILESTONE, respondent_progress
from oit.selectors import item_status_summary
from spdca import selectors, services
from spdca.forms import (
    ActivityForm,
    AnnualReportTextForm,
    CommitteeForm,
    CommitteeMemberForm,
    FindingForm,
    ImprovementForm,
    LessonForm,
    MeetingForm,
    OutcomeForm,
    ProgressForm,
    StageForm,
)
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
from spdca.timeline import build_timeline

ADMIN = [Role.ADMIN]


def _get_stage_for_user(request, office_slug, fiscal_year, code, *, roles=None):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=roles)
    stage = get_object_or_404(Stage, assessment=assessment, code=code)
    stage.assessment = assessment  # already loaded with its office
    return stage, membership


def _get_finding_for_user(request, office_slug, fiscal_year, finding_id, *, roles=None):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=roles)
    finding = get_object_or_404(Finding, pk=finding_id, assessment=assessment)
    finding.assessment = assessment
    return finding, membership


def _get_activity_for_user(request, office_slug, fiscal_year, activity_id, *, roles=None):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=roles)
    activity = get_object_or_404(Activity, pk=activity_id, assessment=assessment)
    activity.assessment = assessment
    return activity, membership


def _get_improvement_for_user(request, office_slug, fiscal_year, improvement_id, *, roles=None):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=roles)
    improvement = get_object_or_404(Improvement, pk=improvement_id, assessment=assessment)
    improvement.assessment = assessment
    return improvement, membership


def _get_outcome_for_user(request, office_slug, fiscal_year, outcome_id, *, roles=None):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=roles)
    outcome = get_object_or_404(Outcome, pk=outcome_id, assessment=assessment)
    outcome.assessment = assessment
    return outcome, membership


def _get_lesson_for_user(request, office_slug, fiscal_year, lesson_id, *, roles=None):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=roles)
    lesson = get_object_or_404(Lesson, pk=lesson_id, assessment=assessment)
    lesson.assessment = assessment
    return lesson, membership


def _get_member_for_user(request, office_slug, fiscal_year, member_id, *, roles=None):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=roles)
    member = get_object_or_404(CommitteeMember.objects.select_related("committee", "user"), pk=member_id)
    if member.committee.assessment_id != assessment.pk:
        raise Http404
    member.committee.assessment = assessment
    return member, membership


def _values(form) -> dict:
    """The form's cleaned values for a service, the version it was built from as the expected one."""
    values = dict(form.cleaned_data)
    values["expected_version"] = values.pop("version", None)
    return values


def _new_values(form) -> dict:
    """The form's cleaned values for a service that adds a record (no version to compare)."""
    return {name: value for name, value in form.cleaned_data.items() if name != "version"}


def _refuse(form, exc: ValidationError, record) -> int:
    """Show why the save was refused. After a conflict the form keeps what was typed, and its
    version becomes the latest, so that a retry goes against what is now shown. The status."""
    form.add_error(None, exc)
    if not isinstance(exc, StaleVersionError):
        return 400
    if record.pk:
        record.refresh_from_db()
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = record.version
    return 409


@login_required
def dashboard(request, office_slug, fiscal_year):
    """Where the office stands in one assessment: calendar, OIT items, respondent targets."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    today = timezone.localdate()
    milestones = list(assessment.framework.milestones.all())
    for milestone in milestones:
        milestone.state = "past" if milestone.end < today else "current" if milestone.start <= today else "upcoming"
    context = assessment_context(
        assessment,
        membership,
        milestones=milestones,
        summary=item_status_summary(assessment),
        progress=respondent_progress(
            assessment, today, window=next((m for m in milestones if m.code == WINDOW_MILESTONE), None)
        ),
        stages=_stages(assessment, today, with_responsible=False),
    )
    return render(request, "spdca/assessment_dashboard.html", context)


def _stages(assessment, today, *, with_responsible: bool = True) -> list[Stage]:
    stages = list(assessment.stages.prefetch_related("responsible") if with_responsible else assessment.stages.all())
    for stage in stages:
        stage.assessment = assessment
        stage.late = stage.is_late(today)
    return stages


# --- the cycle -----------------------------------------------------------------------------


@login_required
def cycle(request, office_slug, fiscal_year):
    """The five stages: where the office stands, what is late, and what each gate still needs."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_cycle(request, assessment, membership)


def _render_cycle(request, assessment, membership, status=200, bound=None):
    stages = _stages(assessment, timezone.localdate())
    editing = request.GET.get("edit")
    for stage in stages:
        stage.problems = selectors.gate_problems(stage) if stage.status != Stage.Status.DONE else []
        if membership.is_admin:
            # One stage's form at a time (the one asked for, or the one sent back with errors):
            # five forms with the office's people in each made the page slow to build.
            stage.form = bound if bound is not None and bound.instance.pk == stage.pk else None
            if stage.form is None and editing == stage.code:
                stage.form = StageForm(instance=stage, office=assessment.office)
    current = next((stage for stage in stages if stage.status != Stage.Status.DONE), None)
    context = assessment_context(assessment, membership, stages=stages, current=current)
    return render(request, "spdca/cycle.html", context, status=status)


@login_required
@require_POST
def stage_update(request, office_slug, fiscal_year, code):
    stage, membership = _get_stage_for_user(request, office_slug, fiscal_year, code, roles=ADMIN)
    form = StageForm(request.POST, instance=stage, office=stage.assessment.office)
    status = 400
    if form.is_valid():
        try:
            services.stage_update(stage=stage, membership=membership, **_values(form))
        except ValidationError as exc:
            status = _refuse(form, exc, Stage.objects.get(pk=stage.pk))
        else:
            messages.success(request, _("Stage %(code)s saved.") % {"code": code})
            return redirect("spdca:cycle", office_slug, fiscal_year)
    return _render_cycle(request, stage.assessment, membership, status=status, bound=form)


# --- S -------------------------------------------------------------------------------------


@login_required
def stage_s(request, office_slug, fiscal_year):
    """The analysis meeting, its findings, proposals from last year's results and what carried over."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_s(request, assessment, membership)


def _render_s(request, assessment, membership, status=200, **forms):
    meeting = Meeting.objects.filter(assessment=assessment).first()
    context = assessment_context(
        assessment,
        membership,
        meeting=meeting,
        meeting_files=meeting.files.all() if meeting else [],
        findings=assessment.findings.select_related("instrument", "indicator"),
        proposals=selectors.proposals(assessment),
        previous=assessment.previous(),
        carried_improvements=assessment.improvements.filter(carried_from__isnull=False).select_related("owner"),
        carried_lessons=assessment.lessons.filter(carried_from__isnull=False),
        meeting_form=forms.get("meeting_form") or MeetingForm(instance=meeting),
        meeting_latest=forms.get("latest") or [],
        finding_form=forms.get("finding_form") or FindingForm(assessment=assessment),
    )
    return render(request, "spdca/stage_s.html", context, status=status)


@login_required
@require_POST
def meeting_save(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    meeting = Meeting.objects.filter(assessment=assessment).first() or Meeting(assessment=assessment)
    form = MeetingForm(request.POST, request.FILES, instance=meeting)
    status = 400
    if form.is_valid():
        try:
            services.meeting_save(assessment=assessment, membership=membership, **_values(form))
        except StaleVersionError as exc:
            saved = Meeting.objects.filter(assessment=assessment).first() or meeting
            status = _refuse(form, exc, saved)
            return _render_s(request, assessment, membership, status, meeting_form=form, latest=_shown(saved, form))
        except ValidationError as exc:
            form.add_error("files", exc)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("spdca:stage-s", office_slug, fiscal_year)
    return _render_s(request, assessment, membership, status=status, meeting_form=form)


@login_required
@require_POST
def finding_add(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    form = FindingForm(request.POST, assessment=assessment)
    if form.is_valid():
        services.finding_add(assessment=assessment, membership=membership, **_new_values(form))
        messages.success(request, _("Finding added."))
        return redirect("spdca:stage-s", office_slug, fiscal_year)
    return _render_s(request, assessment, membership, status=400, finding_form=form)


@login_required
@require_POST
def finding_remove(request, office_slug, fiscal_year, finding_id):
    finding, membership = _get_finding_for_user(request, office_slug, fiscal_year, finding_id, roles=ADMIN)
    services.finding_remove(finding=finding, membership=membership)
    messages.success(request, _("Finding removed."))
    return redirect("spdca:stage-s", office_slug, fiscal_year)


# --- P -------------------------------------------------------------------------------------


@login_required
def stage_p(request, office_slug, fiscal_year):
    """The action plan and whether it covers every point to develop."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_p(request, assessment, membership)


def _render_p(request, assessment, membership, status=200, form=None):
    activities = selectors.activities_with_progress(assessment)
    context = assessment_context(
        assessment,
        membership,
        activities=activities,
        uncovered=selectors.uncovered_findings(assessment),
        has_points=assessment.findings.filter(kind=Finding.Kind.DEVELOP).exists(),
        budget=sum((activity.budget or 0) for activity in activities),
        form=form or ActivityForm(assessment=assessment),
    )
    return render(request, "spdca/stage_p.html", context, status=status)


@login_required
@require_POST
def activity_add(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    form = ActivityForm(request.POST, assessment=assessment, instance=Activity(assessment=assessment))
    if not form.is_valid():
        return _render_p(request, assessment, membership, status=400, form=form)
    services.activity_add(
        activity=form.save(commit=False),
        membership=membership,
        findings=form.cleaned_data["findings"],
        indicators=form.cleaned_data["indicators"],
    )
    messages.success(request, _("Activity added to the plan."))
    return redirect("spdca:stage-p", office_slug, fiscal_year)


@login_required
def activity_edit(request, office_slug, fiscal_year, activity_id):
    activity, membership = _get_activity_for_user(request, office_slug, fiscal_year, activity_id, roles=ADMIN)
    assessment = activity.assessment
    posted = request.method == "POST"
    form = ActivityForm(request.POST if posted else None, assessment=assessment, instance=activity)
    status, latest = 400 if posted else 200, []
    if posted and form.is_valid():
        try:
            services.activity_update(
                activity=form.save(commit=False),
                membership=membership,
                findings=form.cleaned_data["findings"],
                indicators=form.cleaned_data["indicators"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            activity = Activity.objects.get(pk=activity.pk)  # the latest, shown beside what was typed
            status = _refuse(form, exc, activity)
            latest = _shown(activity, form) if status == 409 else []
        else:
            messages.success(request, _("Activity saved."))
            return redirect("spdca:stage-p", office_slug, fiscal_year)
    context = assessment_context(assessment, membership, activity=activity, form=form, latest=latest)
    return render(request, "spdca/activity_form.html", context, status=status)


# --- D -------------------------------------------------------------------------------------


@login_required
def stage_d(request, office_slug, fiscal_year):
    """Progress of the plan's activities and their timeline against the assessment calendar."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_d(request, assessment, membership)


def _render_d(request, assessment, membership, status=200, form=None):
    today = timezone.localdate()
    activities = selectors.activities_with_progress(assessment)
    updates = (
        ProgressUpdate.objects.filter(activity__assessment=assessment)
        .select_related("activity", "recorded_by")
        .prefetch_related("files")
    )
    reportable = Activity.objects.filter(
        pk__in=[a.pk for a in activities if selectors.can_report_progress(a, membership)]
    )
    context = assessment_context(
        assessment,
        membership,
        activities=activities,
        updates=updates,
        today=today,
        timeline=build_timeline(assessment, activities, today),
        form=form or (ProgressForm(activities=reportable, initial={"date": today}) if reportable else None),
    )
    return render(request, "spdca/stage_d.html", context, status=status)


@login_required
@require_POST
def progress_add(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    form = ProgressForm(request.POST, request.FILES, activities=assessment.activities.all())
    if form.is_valid():
        try:
            services.progress_add(membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("files", exc)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("spdca:stage-d", office_slug, fiscal_year)
    return _render_d(request, assessment, membership, status=400, form=form)


@login_required
def attachment_download(request, office_slug, fiscal_year, attachment_id):
    """Members of the office only, as an attachment with nosniff."""
    assessment, _membership = get_assessment_or_404(request, office_slug, fiscal_year)
    attachment = get_object_or_404(
        Attachment.objects.filter(Q(update__activity__assessment=assessment) | Q(meeting__assessment=assessment)),
        pk=attachment_id,
    )
    return private_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


# --- C -------------------------------------------------------------------------------------


@login_required
def stage_c(request, office_slug, fiscal_year):
    """Everything the check looks at, on one page, each gap linking to where it is acted on."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    today = timezone.localdate()
    activities = selectors.activities_with_progress(assessment)
    committee = Committee.objects.filter(assessment=assessment).first()
    context = assessment_context(
        assessment,
        membership,
        committee=committee,
        members=list(committee.members.select_related("user")) if committee else [],
        summary=item_status_summary(assessment),
        progress=respondent_progress(assessment, today),
        activities_done=sum(1 for activity in activities if activity.percent >= 100),
        activities_total=len(activities),
        overdue=[a for a in activities if a.percent < 100 and a.end < today],
    )
    return render(request, "spdca/stage_c.html", context)


# --- A -------------------------------------------------------------------------------------


@login_required
def stage_a(request, office_slug, fiscal_year):
    """Improvements in the two phases, lessons learned and copying last year's assignments."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_a(request, assessment, membership)


def _render_a(request, assessment, membership, status=200, **forms):
    context = assessment_context(
        assessment,
        membership,
        improvements=assessment.improvements.select_related("owner", "carried_from__assessment"),
        lessons=assessment.lessons.select_related("carried_from__assessment"),
        has_previous=assessment.previous() is not None,
        improvement_form=forms.get("improvement_form") or ImprovementForm(office=assessment.office),
        lesson_form=forms.get("lesson_form") or LessonForm(),
    )
    return render(request, "spdca/stage_a.html", context, status=status)


@login_required
@require_POST
def improvement_add(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    form = ImprovementForm(request.POST, office=assessment.office, instance=Improvement(assessment=assessment))
    if not form.is_valid():
        return _render_a(request, assessment, membership, status=400, improvement_form=form)
    services.improvement_add(assessment=assessment, membership=membership, **_new_values(form))
    messages.success(request, _("Improvement added."))
    return redirect("spdca:stage-a", office_slug, fiscal_year)


@login_required
@require_POST
def improvement_toggle(request, office_slug, fiscal_year, improvement_id):
    improvement, membership = _get_improvement_for_user(request, office_slug, fiscal_year, improvement_id, roles=ADMIN)
    services.improvement_toggle(improvement=improvement, membership=membership)
    return redirect("spdca:stage-a", office_slug, fiscal_year)


@login_required
@require_POST
def lesson_add(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    form = LessonForm(request.POST, instance=Lesson(assessment=assessment))
    if not form.is_valid():
        return _render_a(request, assessment, membership, status=400, lesson_form=form)
    services.lesson_add(assessment=assessment, membership=membership, **_new_values(form))
    messages.success(request, _("Lesson added."))
    return redirect("spdca:stage-a", office_slug, fiscal_year)


@login_required
@require_POST
def assignments_copy(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    try:
        count = services.assignments_copy(assessment=assessment, membership=membership)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("%(count)d items assigned as last year.") % {"count": count})
    return redirect("spdca:stage-a", office_slug, fiscal_year)


# --- results -------------------------------------------------------------------------------


@login_required
def outcomes(request, office_slug, fiscal_year):
    """The year's quantitative and qualitative outcomes for the annual report."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_outcomes(request, assessment, membership)


def _render_outcomes(request, assessment, membership, status=200, form=None):
    context = assessment_context(
        assessment,
        membership,
        outcomes=assessment.outcomes.all(),
        hints=selectors.outcome_hints(assessment),
        form=form or OutcomeForm(),
    )
    return render(request, "spdca/outcomes.html", context, status=status)


@login_required
@require_POST
def outcome_add(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    form = OutcomeForm(request.POST, instance=Outcome(assessment=assessment))
    if not form.is_valid():
        return _render_outcomes(request, assessment, membership, status=400, form=form)
    services.outcome_add(assessment=assessment, membership=membership, **_new_values(form))
    messages.success(request, _("Outcome added."))
    return redirect("spdca:outcomes", office_slug, fiscal_year)


@login_required
@require_POST
def outcome_remove(request, office_slug, fiscal_year, outcome_id):
    outcome, membership = _get_outcome_for_user(request, office_slug, fiscal_year, outcome_id, roles=ADMIN)
    services.outcome_remove(outcome=outcome, membership=membership)
    return redirect("spdca:outcomes", office_slug, fiscal_year)


@login_required
def report_text(request, office_slug, fiscal_year):
    """The annual report's own words: preface, introduction, project and ITA Coach."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    text = AnnualReportText.objects.filter(assessment=assessment).first() or AnnualReportText(assessment=assessment)
    status = 200
    if request.method == "POST":
        form = AnnualReportTextForm(request.POST, instance=text)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in services.REPORT_TEXT_FIELDS}
            try:
                services.annual_report_text_update(
                    assessment=assessment,
                    membership=membership,
                    expected_version=form.cleaned_data["version"],
                    **values,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 409
            else:
                messages.success(request, _("The report's texts were saved."))
                return redirect("reports:list", office_slug, fiscal_year)
        else:
            status = 400
    else:
        form = AnnualReportTextForm(instance=text, initial={"version": text.version})
    context = assessment_context(assessment, membership, form=form)
    return render(request, "spdca/annualreporttext_form.html", context, status=status)


# --- editing the cycle's records (each save from the version the form showed) ---------------


def _edit_record(request, assessment, membership, *, form, record, save, back, title, part):
    """GET shows the form; POST saves through the service and goes back, or shows the form again
    with what was typed (409 and the latest saved values when someone saved in between)."""
    status, latest = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                save(**_values(form))
            except ValidationError as exc:
                status = _refuse(form, exc, record)
                latest = record if status == 409 else None
            else:
                messages.success(request, _("Saved."))
                return redirect(back)
    context = assessment_context(
        assessment, membership, form=form, title=title, back=back, part=part, latest=_shown(latest, form)
    )
    return render(request, "spdca/record_form.html", context, status=status)


def _shown(record, form) -> list[tuple[str, str]]:
    """The record's saved values, labelled as in the form, to show beside what was typed."""
    if record is None:
        return []
    rows = []
    for name, field in form.fields.items():
        if name == "version" or not hasattr(record, name):
            continue
        display = getattr(record, f"get_{name}_display", None)
        rows.append((str(field.label), _as_text(display() if display else getattr(record, name))))
    return rows


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return format_be_date(value)
    if hasattr(value, "all"):  # the records of a many-to-many field or of a reverse relation
        return ", ".join(_as_text(each) for each in value.all())
    return str(getattr(value, "formal_name", value))  # a person as documents name them


@login_required
def finding_edit(request, office_slug, fiscal_year, finding_id):
    finding, membership = _get_finding_for_user(request, office_slug, fiscal_year, finding_id, roles=ADMIN)
    assessment = finding.assessment
    initial = {
        "kind": finding.kind,
        "indicator": finding.indicator_id,
        "instrument": None if finding.indicator_id else finding.instrument_id,
        "text": finding.text,
        "version": finding.version,
    }
    form = FindingForm(request.POST or None, assessment=assessment, initial=initial)
    form.fields["version"].required = True
    return _edit_record(
        request,
        assessment,
        membership,
        form=form,
        record=finding,
        save=lambda **values: services.finding_update(finding=finding, membership=membership, **values),
        back=reverse("spdca:stage-s", args=[office_slug, fiscal_year]),
        title=_("Finding"),
        part="S",
    )


@login_required
def improvement_edit(request, office_slug, fiscal_year, improvement_id):
    improvement, membership = _get_improvement_for_user(request, office_slug, fiscal_year, improvement_id, roles=ADMIN)
    assessment = improvement.assessment
    form = ImprovementForm(request.POST or None, office=assessment.office, instance=improvement)
    return _edit_record(
        request,
        assessment,
        membership,
        form=form,
        record=improvement,
        save=lambda **values: services.improvement_update(improvement=improvement, membership=membership, **values),
        back=reverse("spdca:stage-a", args=[office_slug, fiscal_year]),
        title=_("Improvement"),
        part="A",
    )


@login_required
def lesson_edit(request, office_slug, fiscal_year, lesson_id):
    lesson, membership = _get_lesson_for_user(request, office_slug, fiscal_year, lesson_id, roles=ADMIN)
    form = LessonForm(request.POST or None, instance=lesson)
    return _edit_record(
        request,
        lesson.assessment,
        membership,
        form=form,
        record=lesson,
        save=lambda **values: services.lesson_update(lesson=lesson, membership=membership, **values),
        back=reverse("spdca:stage-a", args=[office_slug, fiscal_year]),
        title=_("Lesson learned"),
        part="A",
    )


@login_required
def outcome_edit(request, office_slug, fiscal_year, outcome_id):
    outcome, membership = _get_outcome_for_user(request, office_slug, fiscal_year, outcome_id, roles=ADMIN)
    form = OutcomeForm(request.POST or None, instance=outcome)
    return _edit_record(
        request,
        outcome.assessment,
        membership,
        form=form,
        record=outcome,
        save=lambda **values: services.outcome_update(outcome=outcome, membership=membership, **values),
        back=reverse("spdca:outcomes", args=[office_slug, fiscal_year]),
        title=_("Outcome"),
        part="results",
    )


# --- C: the OIT committee ------------------------------------------------------------------


@login_required
def committee(request, office_slug, fiscal_year):
    """The committee's name, duties and order, and its members in the order's order (admins)."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    return _render_committee(request, assessment, membership)


def _render_committee(request, assessment, membership, status=200, **forms):
    committee = Committee.objects.filter(assessment=assessment).first()
    if committee is None:
        committee = Committee(assessment=assessment, name=_("Committee for publishing and collecting the OIT data"))
    members = list(committee.members.select_related("user")) if committee.pk else []
    form = forms.get("committee_form") or CommitteeForm(instance=committee)
    context = assessment_context(
        assessment,
        membership,
        committee=committee,
        members=members,
        committee_form=form,
        member_form=forms.get("member_form") or CommitteeMemberForm(office=assessment.office),
    )
    return render(request, "spdca/committee_edit.html", context, status=status)


@login_required
@require_POST
def committee_save(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    committee = Committee.objects.filter(assessment=assessment).first() or Committee(assessment=assessment)
    form = CommitteeForm(request.POST, request.FILES, instance=committee)
    status = 400
    if form.is_valid():
        try:
            services.committee_save(assessment=assessment, membership=membership, **_values(form))
        except StaleVersionError as exc:
            status = _refuse(form, exc, Committee.objects.filter(assessment=assessment).first() or committee)
        except ValidationError as exc:
            form.add_error("order_file", exc)
        else:
            messages.success(request, _("The committee was saved."))
            return redirect("spdca:committee", office_slug, fiscal_year)
    return _render_committee(request, assessment, membership, status=status, committee_form=form)


@login_required
@require_POST
def committee_member_add(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    form = CommitteeMemberForm(request.POST, office=assessment.office)
    if form.is_valid():
        try:
            services.committee_member_add(assessment=assessment, membership=membership, **_new_values(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Added to the committee."))
            return redirect("spdca:committee", office_slug, fiscal_year)
    return _render_committee(request, assessment, membership, status=400, member_form=form)


@login_required
def committee_member_edit(request, office_slug, fiscal_year, member_id):
    member, membership = _get_member_for_user(request, office_slug, fiscal_year, member_id, roles=ADMIN)
    assessment = member.committee.assessment
    form = CommitteeMemberForm(request.POST or None, office=assessment.office, instance=member)
    return _edit_record(
        request,
        assessment,
        membership,
        form=form,
        record=member,
        save=lambda **values: services.committee_member_update(member=member, membership=membership, **values),
        back=reverse("spdca:committee", args=[office_slug, fiscal_year]),
        title=_("Member of the committee"),
        part="C",
    )


@login_required
@require_POST
def committee_member_remove(request, office_slug, fiscal_year, member_id):
    member, membership = _get_member_for_user(request, office_slug, fiscal_year, member_id, roles=ADMIN)
    services.committee_member_remove(member=member, membership=membership)
    messages.success(request, _("Taken off the committee."))
    return redirect("spdca:committee", office_slug, fiscal_year)


@login_required
@require_POST
def committee_member_move(request, office_slug, fiscal_year, member_id):
    member, membership = _get_member_for_user(request, office_slug, fiscal_year, member_id, roles=ADMIN)
    services.committee_member_move(member=member, membership=membership, up=request.POST.get("direction") != "down")
    return redirect("spdca:committee", office_slug, fiscal_year)


@login_required
def committee_order_file(request, office_slug, fiscal_year):
    """The signed order, for members of the office only, as an attachment with nosniff."""
    assessment, _membership = get_assessment_or_404(request, office_slug, fiscal_year)
    committee = Committee.objects.filter(assessment=assessment).exclude(order_file="").first()
    if committee is None:
        raise Http404
    return private_file_response(
        committee.order_file, filename=committee.order_file_name, content_type=committee.order_file_type
    )
