from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.services import audit_record
from core.files import private_file_response
from ita.access import get_assessment_or_404
from ita.respondents import respondent_progress
from oit.selectors import item_status_summary
from spdca import services
from spdca.forms import (
    ActivityForm,
    AnnualReportTextForm,
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


def _log(request, assessment, action: str, obj, summary: str) -> None:
    """Record a change of the cycle in the office's activity log."""
    audit_record(office=assessment.office, actor=request.user, action=action, summary=summary[:200], obj=obj)


@login_required
def dashboard(request, office_slug, fiscal_year):
    """Where the office stands in one assessment: calendar, OIT items, respondent targets."""
    assessment = get_assessment_or_404(request, office_slug, fiscal_year)
    today = timezone.localdate()
    milestones = list(assessment.framework.milestones.all())
    for milestone in milestones:
        milestone.state = "past" if milestone.end < today else "current" if milestone.start <= today else "upcoming"
    return render(
        request,
        "spdca/assessment_dashboard.html",
        {
            "assessment": assessment,
            "office": assessment.office,
            "membership": request.membership,
            "milestones": milestones,
            "summary": item_status_summary(assessment),
            "progress": respondent_progress(assessment, today),
            "stages": _stages(assessment, today),
        },
    )


def _stages(assessment, today) -> list[Stage]:
    stages = list(assessment.stages.prefetch_related("responsible"))
    for stage in stages:
        stage.assessment = assessment
        stage.late = stage.is_late(today)
    return stages


# --- the cycle -----------------------------------------------------------------------------


@login_required
def cycle(request, office_slug, fiscal_year):
    """The five stages: where the office stands, what is late, and what each gate still needs."""
    assessment = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_cycle(request, assessment)


def _render_cycle(request, assessment, status=200, bound=None):
    stages = _stages(assessment, timezone.localdate())
    editing = request.GET.get("edit")
    for stage in stages:
        stage.problems = services.gate_problems(stage) if stage.status != Stage.Status.DONE else []
        if request.membership.is_admin:
            # One stage's form at a time (the one asked for, or the one sent back with errors):
            # five forms with the office's people in each made the page slow to build.
            stage.form = bound if bound is not None and bound.instance.pk == stage.pk else None
            if stage.form is None and editing == stage.code:
                stage.form = StageForm(instance=stage, office=assessment.office)
    current = next((stage for stage in stages if stage.status != Stage.Status.DONE), None)
    context = {
        "assessment": assessment,
        "office": assessment.office,
        "membership": request.membership,
        "stages": stages,
        "current": current,
    }
    return render(request, "spdca/cycle.html", context, status=status)


@login_required
@require_POST
def stage_update(request, office_slug, fiscal_year, code):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    stage = get_object_or_404(Stage, assessment=assessment, code=code)
    form = StageForm(request.POST, instance=stage, office=assessment.office)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.stage_update(
                stage=Stage.objects.get(pk=stage.pk),
                membership=request.membership,
                status=data["status"],
                start=data["start"],
                end=data["end"],
                notes=data["notes"],
                responsible=data["responsible"],
                override_reason=data["override_reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Stage %(code)s saved.") % {"code": code})
            return redirect("spdca:cycle", office_slug, fiscal_year)
    return _render_cycle(request, assessment, status=400, bound=form)


# --- S -------------------------------------------------------------------------------------


@login_required
def stage_s(request, office_slug, fiscal_year):
    """The analysis meeting, its findings, proposals from last year's results and what carried over."""
    assessment = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_s(request, assessment)


def _render_s(request, assessment, status=200, **forms):
    meeting = Meeting.objects.filter(assessment=assessment).first()
    previous = assessment.previous()
    context = {
        "assessment": assessment,
        "office": assessment.office,
        "membership": request.membership,
        "meeting": meeting,
        "meeting_files": meeting.files.all() if meeting else [],
        "findings": assessment.findings.select_related("instrument", "indicator"),
        "proposals": services.proposals(assessment),
        "previous": previous,
        "carried_improvements": assessment.improvements.filter(carried_from__isnull=False).select_related("owner"),
        "carried_lessons": assessment.lessons.filter(carried_from__isnull=False),
        "meeting_form": forms.get("meeting_form") or MeetingForm(instance=meeting),
        "finding_form": forms.get("finding_form") or FindingForm(assessment=assessment),
    }
    return render(request, "spdca/stage_s.html", context, status=status)


@login_required
@require_POST
def meeting_save(request, office_slug, fiscal_year):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    meeting = Meeting.objects.filter(assessment=assessment).first() or Meeting(assessment=assessment)
    form = MeetingForm(request.POST, request.FILES, instance=meeting)
    if not form.is_valid():
        return _render_s(request, assessment, status=400, meeting_form=form)
    try:
        with transaction.atomic():
            form.save()
            services.meeting_attach(meeting=meeting, membership=request.membership, files=form.cleaned_data["files"])
    except ValidationError as exc:
        form.add_error("files", exc)
        return _render_s(request, assessment, status=400, meeting_form=form)
    _log(request, assessment, "spdca.meeting_saved", meeting, f"Analysis meeting {meeting.date}")
    messages.success(request, _("Meeting saved."))
    return redirect("spdca:stage-s", office_slug, fiscal_year)


@login_required
@require_POST
def finding_add(request, office_slug, fiscal_year):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    form = FindingForm(request.POST, assessment=assessment)
    if form.is_valid():
        services.finding_add(assessment=assessment, membership=request.membership, **form.cleaned_data)
        messages.success(request, _("Finding added."))
        return redirect("spdca:stage-s", office_slug, fiscal_year)
    return _render_s(request, assessment, status=400, finding_form=form)


@login_required
@require_POST
def finding_remove(request, office_slug, fiscal_year, finding_id):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    finding = get_object_or_404(Finding, pk=finding_id, assessment=assessment)
    _log(request, assessment, "spdca.finding_removed", finding, finding.text)
    finding.delete()
    messages.success(request, _("Finding removed."))
    return redirect("spdca:stage-s", office_slug, fiscal_year)


# --- P -------------------------------------------------------------------------------------


@login_required
def stage_p(request, office_slug, fiscal_year):
    """The action plan and whether it covers every point to develop."""
    assessment = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_p(request, assessment)


def _render_p(request, assessment, status=200, form=None):
    activities = services.activities_with_progress(assessment)
    context = {
        "assessment": assessment,
        "office": assessment.office,
        "membership": request.membership,
        "activities": activities,
        "uncovered": services.uncovered_findings(assessment),
        "has_points": assessment.findings.filter(kind=Finding.Kind.DEVELOP).exists(),
        "budget": sum((activity.budget or 0) for activity in activities),
        "form": form or ActivityForm(assessment=assessment),
    }
    return render(request, "spdca/stage_p.html", context, status=status)


@login_required
@require_POST
def activity_add(request, office_slug, fiscal_year):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    form = ActivityForm(request.POST, assessment=assessment, instance=Activity(assessment=assessment))
    if not form.is_valid():
        return _render_p(request, assessment, status=400, form=form)
    activity = form.save()
    _log(request, assessment, "spdca.activity_added", activity, activity.title)
    messages.success(request, _("Activity added to the plan."))
    return redirect("spdca:stage-p", office_slug, fiscal_year)


@login_required
def activity_edit(request, office_slug, fiscal_year, activity_id):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    activity = get_object_or_404(Activity, pk=activity_id, assessment=assessment)
    posted = request.method == "POST"
    form = ActivityForm(request.POST if posted else None, assessment=assessment, instance=activity)
    if posted and form.is_valid():
        form.save()
        _log(request, assessment, "spdca.activity_changed", activity, activity.title)
        messages.success(request, _("Activity saved."))
        return redirect("spdca:stage-p", office_slug, fiscal_year)
    return render(
        request,
        "spdca/activity_form.html",
        {"assessment": assessment, "office": assessment.office, "activity": activity, "form": form},
        status=400 if posted else 200,
    )


# --- D -------------------------------------------------------------------------------------


@login_required
def stage_d(request, office_slug, fiscal_year):
    """Progress of the plan's activities and their timeline against the assessment calendar."""
    assessment = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_d(request, assessment)


def _render_d(request, assessment, status=200, form=None):
    today = timezone.localdate()
    activities = services.activities_with_progress(assessment)
    updates = (
        ProgressUpdate.objects.filter(activity__assessment=assessment)
        .select_related("activity", "recorded_by")
        .prefetch_related("files")
    )
    reportable = Activity.objects.filter(
        pk__in=[a.pk for a in activities if services.can_report_progress(a, request.membership)]
    )
    context = {
        "assessment": assessment,
        "office": assessment.office,
        "membership": request.membership,
        "activities": activities,
        "updates": updates,
        "today": today,
        "timeline": build_timeline(assessment, activities, today),
        "form": form or (ProgressForm(activities=reportable, initial={"date": today}) if reportable else None),
    }
    return render(request, "spdca/stage_d.html", context, status=status)


@login_required
@require_POST
def progress_add(request, office_slug, fiscal_year):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year)
    form = ProgressForm(request.POST, request.FILES, activities=assessment.activities.all())
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_add(
                activity=data["activity"],
                membership=request.membership,
                date=data["date"],
                percent=data["percent"],
                narrative=data["narrative"],
                files=data["files"],
            )
        except ValidationError as exc:
            form.add_error("files", exc)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("spdca:stage-d", office_slug, fiscal_year)
    return _render_d(request, assessment, status=400, form=form)


@login_required
def attachment_download(request, office_slug, fiscal_year, attachment_id):
    """Members of the office only, as an attachment with nosniff."""
    assessment = get_assessment_or_404(request, office_slug, fiscal_year)
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
    assessment = get_assessment_or_404(request, office_slug, fiscal_year)
    today = timezone.localdate()
    activities = services.activities_with_progress(assessment)
    return render(
        request,
        "spdca/stage_c.html",
        {
            "assessment": assessment,
            "office": assessment.office,
            "membership": request.membership,
            "summary": item_status_summary(assessment),
            "progress": respondent_progress(assessment, today),
            "activities_done": sum(1 for activity in activities if activity.percent >= 100),
            "activities_total": len(activities),
            "overdue": [a for a in activities if a.percent < 100 and a.end < today],
        },
    )


# --- A -------------------------------------------------------------------------------------


@login_required
def stage_a(request, office_slug, fiscal_year):
    """Improvements in the two phases, lessons learned and copying last year's assignments."""
    assessment = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_a(request, assessment)


def _render_a(request, assessment, status=200, **forms):
    context = {
        "assessment": assessment,
        "office": assessment.office,
        "membership": request.membership,
        "improvements": assessment.improvements.select_related("owner", "carried_from__assessment"),
        "lessons": assessment.lessons.select_related("carried_from__assessment"),
        "has_previous": assessment.previous() is not None,
        "improvement_form": forms.get("improvement_form") or ImprovementForm(office=assessment.office),
        "lesson_form": forms.get("lesson_form") or LessonForm(),
    }
    return render(request, "spdca/stage_a.html", context, status=status)


@login_required
@require_POST
def improvement_add(request, office_slug, fiscal_year):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    form = ImprovementForm(request.POST, office=assessment.office, instance=Improvement(assessment=assessment))
    if not form.is_valid():
        return _render_a(request, assessment, status=400, improvement_form=form)
    improvement = form.save()
    _log(request, assessment, "spdca.improvement_added", improvement, improvement.action)
    messages.success(request, _("Improvement added."))
    return redirect("spdca:stage-a", office_slug, fiscal_year)


@login_required
@require_POST
def improvement_toggle(request, office_slug, fiscal_year, improvement_id):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    improvement = get_object_or_404(Improvement, pk=improvement_id, assessment=assessment)
    improvement.done = not improvement.done
    improvement.save(update_fields=["done", "updated_at"])
    state = "done" if improvement.done else "reopened"
    _log(request, assessment, "spdca.improvement_done", improvement, f"{state}: {improvement.action}")
    return redirect("spdca:stage-a", office_slug, fiscal_year)


@login_required
@require_POST
def lesson_add(request, office_slug, fiscal_year):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    form = LessonForm(request.POST, instance=Lesson(assessment=assessment))
    if not form.is_valid():
        return _render_a(request, assessment, status=400, lesson_form=form)
    lesson = form.save()
    _log(request, assessment, "spdca.lesson_added", lesson, lesson.text)
    messages.success(request, _("Lesson added."))
    return redirect("spdca:stage-a", office_slug, fiscal_year)


@login_required
@require_POST
def assignments_copy(request, office_slug, fiscal_year):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    try:
        count = services.assignments_copy(assessment=assessment, membership=request.membership)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(count)d items assigned as last year.") % {"count": count})
    return redirect("spdca:stage-a", office_slug, fiscal_year)


# --- results -------------------------------------------------------------------------------


@login_required
def outcomes(request, office_slug, fiscal_year):
    """The year's quantitative and qualitative outcomes for the annual report."""
    assessment = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_outcomes(request, assessment)


def _render_outcomes(request, assessment, status=200, form=None):
    context = {
        "assessment": assessment,
        "office": assessment.office,
        "membership": request.membership,
        "outcomes": assessment.outcomes.all(),
        "hints": services.outcome_hints(assessment),
        "form": form or OutcomeForm(),
    }
    return render(request, "spdca/outcomes.html", context, status=status)


@login_required
@require_POST
def outcome_add(request, office_slug, fiscal_year):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    form = OutcomeForm(request.POST, instance=Outcome(assessment=assessment))
    if not form.is_valid():
        return _render_outcomes(request, assessment, status=400, form=form)
    outcome = form.save()
    _log(request, assessment, "spdca.outcome_added", outcome, outcome.text)
    messages.success(request, _("Outcome added."))
    return redirect("spdca:outcomes", office_slug, fiscal_year)


@login_required
@require_POST
def outcome_remove(request, office_slug, fiscal_year, outcome_id):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    outcome = get_object_or_404(Outcome, pk=outcome_id, assessment=assessment)
    _log(request, assessment, "spdca.outcome_removed", outcome, outcome.text)
    outcome.delete()
    return redirect("spdca:outcomes", office_slug, fiscal_year)


@login_required
def report_text(request, office_slug, fiscal_year):
    """The annual report's own words: preface, introduction, project and ITA Coach."""
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    text = AnnualReportText.objects.filter(assessment=assessment).first() or AnnualReportText(assessment=assessment)
    status = 200
    if request.method == "POST":
        form = AnnualReportTextForm(request.POST, instance=text)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in services.REPORT_TEXT_FIELDS}
            try:
                services.annual_report_text_update(
                    assessment=assessment,
                    membership=request.membership,
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
    return render(
        request,
        "spdca/annualreporttext_form.html",
        {"assessment": assessment, "office": assessment.office, "membership": request.membership, "form": form},
        status=status,
    )
