from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Role
from accounts.permissions import get_membership_or_404
from core.files import private_file_response
from core.thai import ThaiCollate
from core.views import error_messages
from ita import respondents as respondents_service
from ita import results as results_service
from ita import scoring
from ita.access import assessment_context, get_assessment_or_404
from ita.analysis import office_analysis
from ita.compare import framework_diff
from ita.forms import (
    AssessmentOpenForm,
    EITCountForm,
    FrameworkCompareForm,
    IITConfirmForm,
    IITRecordForm,
    ResultForm,
    ResultImportForm,
    TargetBandForm,
    TargetForm,
)
from ita.models import (
    EITCount,
    Framework,
    IITConfirmation,
    Indicator,
    ItemDefinition,
    RespondentTarget,
    SubIndicator,
)
from ita.respondents import eit_counts_with_running_total, respondent_progress
from ita.services import assessment_open

REVIEWERS = [Role.ADMIN, Role.COMMITTEE]
# The office a person with several offices last opened; home leads back to it.
CURRENT_OFFICE = "current_office"


@login_required
def home(request):
    """Straight to the user's office; with several, to the one used last."""
    memberships = list(request.user.memberships.select_related("office").order_by(ThaiCollate("office__short_name")))
    slugs = [m.office.slug for m in memberships]
    if len(memberships) == 1:
        return redirect("ita:office", memberships[0].office.slug)
    if request.session.get(CURRENT_OFFICE) in slugs:
        return redirect("ita:office", request.session[CURRENT_OFFICE])
    return render(request, "ita/office_choose.html", {"memberships": memberships})


@login_required
def office(request, office_slug):
    """The office's assessments; opening it (from home or the office switcher) chooses the office."""
    membership = get_membership_or_404(request, office_slug)
    if request.session.get(CURRENT_OFFICE) != office_slug:  # write the session only on a change
        request.session[CURRENT_OFFICE] = office_slug
    assessments = membership.office.assessments.select_related("framework").annotate(item_count=Count("oit_items"))
    can_open = membership.is_admin and Framework.objects.exclude(assessments__office=membership.office).exists()
    return render(
        request,
        "ita/office_detail.html",
        {"office": membership.office, "membership": membership, "assessments": assessments, "can_open": can_open},
    )


@login_required
def assessment_create(request, office_slug):
    membership = get_membership_or_404(request, office_slug, roles=[Role.ADMIN])
    form = AssessmentOpenForm(request.POST or None, office=membership.office)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_open(
                office=membership.office, framework=form.cleaned_data["framework"], user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The assessment has been opened with its OIT items and targets."))
            return redirect(assessment)
    return render(request, "ita/assessment_form.html", {"office": membership.office, "form": form})


@login_required
def framework_list(request):
    frameworks = Framework.objects.annotate(item_count=Count("items", distinct=True))
    return render(
        request, "ita/framework_list.html", {"frameworks": frameworks, "compare_form": FrameworkCompareForm()}
    )


@login_required
def framework_detail(request, fiscal_year):
    items = ItemDefinition.objects.prefetch_related("requirements")
    framework = get_object_or_404(
        Framework.objects.prefetch_related(
            "instruments",
            "rating_bands",
            "milestones",
            "respondent_rules__instrument",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("instrument").prefetch_related(
                    Prefetch("sub_indicators", queryset=SubIndicator.objects.prefetch_related(Prefetch("items", items)))
                ),
            ),
        ),
        fiscal_year=fiscal_year,
    )
    return render(request, "ita/framework_detail.html", {"framework": framework})


@login_required
def framework_compare(request):
    form = FrameworkCompareForm(request.GET or None)
    diff = framework_diff(form.cleaned_data["old"], form.cleaned_data["new"]) if form.is_valid() else None
    return render(request, "ita/framework_compare.html", {"form": form, "diff": diff})


# --- respondents ---------------------------------------------------------------------------


@login_required
def respondents(request, office_slug, fiscal_year):
    """IIT confirmations and EIT counts against the targets, with the days left and the pace."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_respondents(request, assessment, membership)


def _render_respondents(request, assessment, membership, status=200, **forms):
    confirmations = list(assessment.iit_confirmations.select_related("user", "recorded_by"))
    confirmed_ids = {confirmation.user_id for confirmation in confirmations}
    members = (
        Membership.objects.filter(office=assessment.office)
        .select_related("user", "unit")
        .order_by("user__first_name", "user__last_name")
    )
    context = assessment_context(
        assessment,
        membership,
        progress=respondent_progress(assessment),
        confirmations=confirmations,
        my_confirmation=next((c for c in confirmations if c.user_id == membership.user_id), None),
        unconfirmed=[member for member in members if member.user_id not in confirmed_ids],
        eit_counts=eit_counts_with_running_total(assessment)[::-1],  # newest first
        targets=assessment.respondent_targets.select_related("rule__instrument"),
        confirm_form=forms.get("confirm_form") or IITConfirmForm(),
        record_form=forms.get("record_form") or IITRecordForm(assessment=assessment),
        eit_form=forms.get("eit_form") or EITCountForm(initial={"date": timezone.localdate()}),
    )
    return render(request, "ita/respondents.html", context, status=status)


def _respondents_redirect(assessment):
    return redirect("ita:respondents", assessment.office.slug, assessment.fiscal_year)


def _get_confirmation_for_user(request, office_slug, fiscal_year, confirmation_id):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    confirmation = get_object_or_404(IITConfirmation, pk=confirmation_id, assessment=assessment)
    return confirmation, membership


def _get_eit_count_for_user(request, office_slug, fiscal_year, entry_id, *, roles):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=roles)
    entry = get_object_or_404(EITCount, pk=entry_id, assessment=assessment)
    entry.assessment = assessment  # already loaded with its office
    return entry, membership


def _get_target_for_user(request, office_slug, fiscal_year, target_id, *, roles):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=roles)
    target = get_object_or_404(
        RespondentTarget.objects.select_related("rule__instrument"), pk=target_id, assessment=assessment
    )
    target.assessment = assessment
    return target, membership


@login_required
@require_POST
def iit_confirm(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    form = IITConfirmForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            respondents_service.iit_confirm(
                assessment=assessment, membership=membership, screenshot=form.cleaned_data["screenshot"]
            )
        except ValidationError as exc:
            form.add_error("screenshot", exc)
        else:
            messages.success(request, _("Thank you: your IIT participation is recorded."))
            return _respondents_redirect(assessment)
    return _render_respondents(request, assessment, membership, status=400, confirm_form=form)


@login_required
@require_POST
def iit_record(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=REVIEWERS)
    form = IITRecordForm(request.POST, assessment=assessment)
    if form.is_valid():
        user = form.cleaned_data["user"]
        try:
            respondents_service.iit_confirm(assessment=assessment, membership=membership, user=user)
        except ValidationError as exc:
            form.add_error("user", exc)
        else:
            messages.success(request, _("Recorded for %(name)s.") % {"name": user.display_name})
            return _respondents_redirect(assessment)
    return _render_respondents(request, assessment, membership, status=400, record_form=form)


@login_required
def iit_screenshot(request, office_slug, fiscal_year, confirmation_id):
    """The screenshot, for its owner and the committee only."""
    confirmation, membership = _get_confirmation_for_user(request, office_slug, fiscal_year, confirmation_id)
    if confirmation.user_id != request.user.pk and not membership.can_review:
        raise PermissionDenied
    if not confirmation.screenshot:
        raise Http404
    return private_file_response(
        confirmation.screenshot,
        filename=f"iit-{confirmation.pk}{confirmation.screenshot_extension}",
        content_type=confirmation.screenshot_type,
    )


@login_required
@require_POST
def eit_count_add(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=REVIEWERS)
    form = EITCountForm(request.POST)
    if form.is_valid():
        entry = respondents_service.eit_count_add(assessment=assessment, membership=membership, **form.cleaned_data)
        messages.success(request, _("%(count)d EIT respondents added.") % {"count": entry.count})
        return _respondents_redirect(assessment)
    return _render_respondents(request, assessment, membership, status=400, eit_form=form)


@login_required
@require_POST
def eit_count_remove(request, office_slug, fiscal_year, entry_id):
    entry, membership = _get_eit_count_for_user(request, office_slug, fiscal_year, entry_id, roles=REVIEWERS)
    respondents_service.eit_count_remove(entry=entry, membership=membership)
    messages.success(request, _("The count was removed."))
    return _respondents_redirect(entry.assessment)


@login_required
@require_POST
def target_update(request, office_slug, fiscal_year, target_id):
    target, membership = _get_target_for_user(request, office_slug, fiscal_year, target_id, roles=[Role.ADMIN])
    form = TargetForm(request.POST, instance=target)
    if form.is_valid():
        respondents_service.target_update(target=target, membership=membership, **form.cleaned_data)
        messages.success(request, _("Target saved."))
    else:
        error_messages(request, form)
    return _respondents_redirect(target.assessment)


# --- official results ----------------------------------------------------------------------


@login_required
def results(request, office_slug, fiscal_year):
    """The year's official scores with their instrument scores, total and rating, and the gap to
    the office's target; administrators enter or import them here."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_results(request, assessment, membership)


def _render_results(request, assessment, membership, status=200, **forms):
    framework = results_service.framework_for_scoring(assessment.framework)
    entries = list(assessment.official_results.select_related("entered_by").prefetch_related("scores"))
    summary = results_service.summarize(entries[0], framework) if entries else None
    target = assessment.target_band
    context = assessment_context(
        assessment,
        membership,
        summary=summary,
        item_scores=list(entries[0].item_scores.select_related("definition")) if entries else [],
        entries=entries,
        target=target,
        below_target=summary.below(target.min_total) if summary and target else [],
        gap=target.min_total - scoring.rounded(summary.total) if summary and target else None,
        target_reached=bool(summary and target and summary.reaches(target)),
        instruments_below=summary.instruments_below(target) if summary and target else [],
        form=forms.get("form") or ResultForm(framework=framework, initial=_result_initial(summary)),
        import_form=forms.get("import_form") or ResultImportForm(),
        target_form=TargetBandForm(instance=assessment),
    )
    return render(request, "ita/results.html", context, status=status)


def _result_initial(summary) -> dict:
    if summary is None:
        return {}
    return {f"indicator_{indicator.number}": score for indicator, score in summary.indicators}


def _results_redirect(assessment):
    return redirect("ita:results", assessment.office.slug, assessment.fiscal_year)


@login_required
@require_POST
def result_enter(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=[Role.ADMIN])
    form = ResultForm(request.POST, framework=assessment.framework)
    if form.is_valid():
        try:
            results_service.result_enter(
                assessment=assessment, membership=membership, scores=form.scores(), source=form.cleaned_data["source"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Official results saved."))
            return _results_redirect(assessment)
    return _render_results(request, assessment, membership, status=400, form=form)


@login_required
@require_POST
def result_import(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=[Role.ADMIN])
    form = ResultImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            scores, item_scores = results_service.parse_results_file(form.cleaned_data["file"])
            results_service.result_enter(
                assessment=assessment,
                membership=membership,
                scores=scores,
                item_scores=item_scores,
                source=form.cleaned_data["source"] or form.cleaned_data["file"].name,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Official results imported."))
            return _results_redirect(assessment)
    return _render_results(request, assessment, membership, status=400, import_form=form)


@login_required
@require_POST
def target_band_update(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=[Role.ADMIN])
    form = TargetBandForm(request.POST, instance=assessment)
    if form.is_valid():
        try:
            results_service.target_band_update(
                assessment=assessment, membership=membership, target_band=form.cleaned_data["target_band"]
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("Target level saved."))
    return _results_redirect(assessment)


@login_required
def analysis(request, office_slug):
    """The office's indicators across the years it has official results for."""
    membership = get_membership_or_404(request, office_slug)
    return render(
        request,
        "ita/analysis.html",
        {"office": membership.office, "membership": membership, "analysis": office_analysis(membership.office)},
    )
