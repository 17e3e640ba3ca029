from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.services import audit_record
from ita.access import get_assessment_or_404
from ita.respondents import respondent_progress
from oit.selectors import item_status_summary
from spdca import services
from spdca.forms import ActivityForm, FindingForm, MeetingForm, StageForm
from spdca.models import Activity, Finding, Meeting, Stage

ADMIN = [Role.ADMIN]


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
    for stage in stages:
        stage.problems = services.gate_problems(stage) if stage.status != Stage.Status.DONE else []
        if request.membership.is_admin:
            stage.form = bound if bound is not None and bound.instance.pk == stage.pk else None
            stage.form = stage.form or StageForm(instance=stage, office=assessment.office)
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
    previous = assessment.office.assessments.filter(fiscal_year__lt=assessment.fiscal_year).first()
    context = {
        "assessment": assessment,
        "office": assessment.office,
        "membership": request.membership,
        "meeting": meeting,
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
    form = MeetingForm(request.POST, instance=meeting)
    if not form.is_valid():
        return _render_s(request, assessment, status=400, meeting_form=form)
    form.save()
    audit_record(
        office=assessment.office, actor=request.user, action="spdca.meeting_saved",
        summary=f"Analysis meeting {meeting.date}", obj=meeting,
    )  # fmt: skip
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
    audit_record(
        office=assessment.office, actor=request.user, action="spdca.finding_removed", summary=finding.text[:200],
        obj=finding,
    )  # fmt: skip
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
    audit_record(
        office=assessment.office, actor=request.user, action="spdca.activity_added", summary=activity.title,
        obj=activity,
    )  # fmt: skip
    messages.success(request, _("Activity added to the plan."))
    return redirect("spdca:stage-p", office_slug, fiscal_year)


@login_required
def activity_edit(request, office_slug, fiscal_year, activity_id):
    assessment = get_assessment_or_404(request, office_slug, fiscal_year, roles=ADMIN)
    activity = get_object_or_404(Activity, pk=activity_id, assessment=assessment)
    form = ActivityForm(request.POST or None, assessment=assessment, instance=activity)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit_record(
            office=assessment.office, actor=request.user, action="spdca.activity_changed", summary=activity.title,
            obj=activity,
        )  # fmt: skip
        messages.success(request, _("Activity saved."))
        return redirect("spdca:stage-p", office_slug, fiscal_year)
    return render(
        request,
        "spdca/activity_form.html",
        {"assessment": assessment, "office": assessment.office, "activity": activity, "form": form},
    )
