from datetime import date

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import get_membership_or_404
from core.files import private_file_response
from core.thai import ThaiCollate, fiscal_year_label, fiscal_year_of
from core.versions import StaleVersionError
from core.views import error_messages
from ita import drafts, scoring, selectors, services
from ita.access import assessment_context, get_assessment_or_404
from ita.analysis import office_analysis
from ita.compare import SIMILAR_ENOUGH, framework_diff, revision_items, similarity
from ita.forms import (
    AssessmentOpenForm,
    CarryOverForm,
    DraftMappingForm,
    DraftPublishForm,
    DraftRowForm,
    DraftStartForm,
    DraftUploadForm,
    EITCountForm,
    FrameworkCompareForm,
    IITConfirmForm,
    IITRosterForm,
    RequirementFormSet,
    ResultForm,
    ResultImportForm,
    TargetBandForm,
    TargetForm,
    VersionForm,
)
from ita.framework_schema import FRAMEWORK
from ita.models import (
    EITCount,
    Framework,
    FrameworkDraft,
    IITConfirmation,
    IITLink,
    Indicator,
    ItemDefinition,
    RespondentTarget,
    SubIndicator,
)
from ita.selectors import eit_counts_with_running_total, respondent_progress
from ita.services.assessments import assessment_open
from ita.workbook import framework_workbook

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
    assessments = list(
        membership.office.assessments.select_related("framework").annotate(
            item_count=Count("oit_items", filter=Q(oit_items__definition__withdrawn_in__isnull=True))
        )
    )
    can_open = membership.is_admin and Framework.objects.exclude(assessments__office=membership.office).exists()
    missing = _missing_year(request)
    if not (membership.is_admin or missing.get("can_edit_frameworks")):
        missing = {"missing_year": None}  # staff and the committee cannot act on it
    return render(
        request,
        "ita/office_detail.html",
        {
            "office": membership.office,
            "membership": membership,
            "assessments": assessments,
            "can_open": can_open,
            "revisions": selectors.revisions_since_opened(assessments),
            **missing,
        },
    )


@login_required
def assessment_create(request, office_slug):
    """Choose the year to open. Below the form, for each year that can be opened, what it would
    carry over from the office's latest earlier year, before anything is copied."""
    membership = get_membership_or_404(request, office_slug, roles=[Role.ADMIN])
    form = AssessmentOpenForm(request.POST or None, office=membership.office)
    if request.method == "POST" and form.is_valid():
        response = _open(
            request, membership, form.cleaned_data["framework"], carry_over=form.cleaned_data["carry_over"], form=form
        )
        if response is not None:
            return response
    previews = [
        (framework, selectors.carry_over_preview(office=membership.office, framework=framework))
        for framework in form.fields["framework"].queryset
    ]
    return render(
        request,
        "ita/assessment_form.html",
        {
            "office": membership.office,
            "membership": membership,
            "form": form,
            "previews": [(framework, preview) for framework, preview in previews if preview is not None],
            **_missing_year(request),
        },
    )


def _open(request, membership, framework, *, carry_over: bool, form):
    try:
        assessment = assessment_open(
            office=membership.office, framework=framework, user=request.user, carry_over=carry_over
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    messages.success(request, _("The assessment has been opened with its OIT items and targets."))
    return redirect(assessment)


@login_required
def assessment_open_confirm(request, office_slug, fiscal_year):
    """What opening the year carries over from the office's latest earlier year, item by item
    through the chain of item mappings (what mapped where, what is new, what has no successor),
    before anything is copied; then open it, with or without the carry-over."""
    membership = get_membership_or_404(request, office_slug, roles=[Role.ADMIN])
    framework = get_object_or_404(Framework, fiscal_year=fiscal_year)
    if membership.office.assessments.filter(fiscal_year=fiscal_year).exists():
        messages.info(request, _("This year is already open."))
        return redirect("spdca:dashboard", office_slug, fiscal_year)
    form = CarryOverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        response = _open(request, membership, framework, carry_over=form.cleaned_data["carry_over"], form=form)
        if response is not None:
            return response
    preview = selectors.carry_over_preview(office=membership.office, framework=framework)
    return render(
        request,
        "ita/assessment_open.html",
        {
            "office": membership.office,
            "membership": membership,
            "framework": framework,
            "form": form,
            "preview": preview,
        },
    )


@login_required
def carry_over(request, office_slug, fiscal_year):
    """How this year's items continue the office's latest earlier year's, and who held them."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    preview = selectors.carry_over_preview(office=assessment.office, framework=assessment.framework)
    return render(request, "ita/carry_over.html", assessment_context(assessment, membership, preview=preview))


def _missing_year(request) -> dict:
    """The current fiscal year when no framework is published for it: who to ask, or (for a
    framework editor) the year to start it from."""
    current_year = fiscal_year_of(timezone.localdate())
    if Framework.objects.filter(fiscal_year=current_year).exists():
        return {"missing_year": None}
    can_edit = selectors.can_edit_frameworks(request.user)
    return {
        "can_edit_frameworks": can_edit,
        "missing_year": {
            "year": current_year,
            "latest": Framework.objects.order_by("-fiscal_year").first(),
            "draft": FrameworkDraft.objects.filter(fiscal_year=current_year).first(),
            "editors": selectors.framework_editors() if not can_edit else [],
        },
    }


@login_required
def framework_list(request):
    """The published years; framework editors also see the drafts and start the next one."""
    frameworks = Framework.objects.annotate(item_count=Count("items", distinct=True))
    can_edit = selectors.can_edit_frameworks(request.user)
    return render(
        request,
        "ita/framework_list.html",
        {
            "frameworks": frameworks,
            "compare_form": FrameworkCompareForm(),
            "can_edit": can_edit,
            "drafts": FrameworkDraft.objects.select_related("updated_by") if can_edit else [],
        },
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
    can_edit = selectors.can_edit_frameworks(request.user)
    revisions = list(framework.revisions.select_related("published_by"))
    changed = revision_items(framework, revisions)
    for revision in revisions:
        revision.items_changed = changed.get(revision.number)
    return render(
        request,
        "ita/framework_detail.html",
        {
            "framework": framework,
            "revisions": revisions,
            "can_edit": can_edit,
            "draft": FrameworkDraft.objects.filter(fiscal_year=fiscal_year).first() if can_edit else None,
            "next_year_exists": Framework.objects.filter(fiscal_year=fiscal_year + 1).exists()
            or FrameworkDraft.objects.filter(fiscal_year=fiscal_year + 1).exists(),
        },
    )


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


def _target_rows(progress, failed_form):
    """The targets, each with its form: the one whose save failed keeps what was typed."""
    targets = [p.target for p in progress]
    for target in targets:
        if failed_form is not None and failed_form.instance.pk == target.pk:
            target.form = failed_form
        else:
            target.form = TargetForm(instance=target, initial={"version": target.version}, prefix=f"target-{target.pk}")
    return targets


def _day_in_window(window: tuple[date, date] | None, today: date) -> date:
    """The EIT form's default date: today inside the survey window, else the window's nearer end,
    so that the first save in a closed year is not refused for its date."""
    if window is None:
        return today
    start, end = window
    return min(max(today, start), end)


def _render_respondents(request, assessment, membership, status=200, **forms):
    eit_instruments = selectors.eit_instruments(assessment)
    window = selectors.survey_window(assessment)
    progress = respondent_progress(assessment)
    confirmations = list(assessment.iit_confirmations.select_related("staff_member", "user", "recorded_by"))
    for p in progress:  # the number needed as progress counts it (IIT: from the staff list)
        p.target.needed, p.target.roster = p.required, p.roster
    context = assessment_context(
        assessment,
        membership,
        progress=progress,
        confirmations=confirmations,
        my_confirmation=next((c for c in confirmations if c.user_id == membership.user_id), None),
        eit_counts=eit_counts_with_running_total(assessment)[::-1],  # newest first
        eit_split=len(eit_instruments) > 1,
        survey_window=window,
        targets=_target_rows(progress, forms.get("target_form")),
        confirm_form=forms.get("confirm_form") or IITConfirmForm(),
        eit_form=forms.get("eit_form")
        or EITCountForm(instruments=eit_instruments, initial={"date": _day_in_window(window, timezone.localdate())}),
        **_iit_roster_context(request, assessment, membership, forms.get("record_form")),
    )
    return render(request, "ita/respondents.html", context, status=status)


def _iit_roster_context(request, assessment, membership, record_form=None) -> dict:
    """The IIT side of the respondents page: the staff list, the names to tick, the public link."""
    context = {"roster": selectors.roster_count(assessment), "window_open": selectors.window_is_open(assessment)}
    if membership.can_review:
        context["unconfirmed"] = list(selectors.unconfirmed_entries(assessment))
        context["record_form"] = record_form or IITRosterForm(assessment=assessment)
        link = IITLink.objects.filter(assessment=assessment, is_open=True).first()
        context["iit_link"] = link
        if link is not None:
            context["iit_link_url"] = _iit_link_url(request, assessment, link)
            context["iit_link_qr"] = _qr_svg(context["iit_link_url"])
    return context


def _qr_svg(url: str) -> str:
    """The URL as a QR code, inline SVG markup (no script, no style attribute)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True, svgclass="iit-qr", lineclass=None)


def _iit_link_url(request, assessment, link) -> str:
    return request.build_absolute_uri(
        reverse("public:iit-confirm", args=[assessment.office.slug, assessment.fiscal_year, link.token])
    )


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
            services.respondents.iit_confirm(
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
    """The committee ticks the names of those who sent the screenshot of the survey's last page."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=REVIEWERS)
    form = IITRosterForm(request.POST, assessment=assessment)
    if form.is_valid():
        try:
            recorded, already = services.iit.iit_roster_record(
                assessment=assessment, membership=membership, staff_members=list(form.cleaned_data["staff"])
            )
        except ValidationError as exc:
            form.add_error("staff", exc)
        else:
            if recorded:
                messages.success(
                    request,
                    ngettext("Recorded for %(count)d person.", "Recorded for %(count)d people.", len(recorded))
                    % {"count": len(recorded)},
                )
            for entry in already:
                messages.warning(request, _("%(name)s has already confirmed.") % {"name": entry.full_name})
            return _respondents_redirect(assessment)
    return _render_respondents(request, assessment, membership, status=400, record_form=form)


@login_required
@require_POST
def iit_link_rotate(request, office_slug, fiscal_year):
    """Open the public confirmation link, or give it a new token so the old one stops working."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=[Role.ADMIN])
    services.iit.iit_link_rotate(assessment=assessment, membership=membership)
    messages.success(request, _("The confirmation link is open. Any earlier link no longer works."))
    return redirect(reverse("ita:respondents", args=[office_slug, fiscal_year]) + "#iit-link")


@login_required
@require_POST
def iit_link_close(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=[Role.ADMIN])
    link = get_object_or_404(IITLink, assessment=assessment)
    link.assessment = assessment
    services.iit.iit_link_close(link=link, membership=membership)
    messages.success(request, _("The confirmation link is closed."))
    return redirect(reverse("ita:respondents", args=[office_slug, fiscal_year]) + "#iit-link")


@login_required
def iit_link_print(request, office_slug, fiscal_year):
    """A page to print or post: the QR code and the address of the public confirmation link."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=REVIEWERS)
    link = get_object_or_404(IITLink, assessment=assessment, is_open=True)
    url = _iit_link_url(request, assessment, link)
    context = assessment_context(
        assessment, membership, link=link, url=url, qr=_qr_svg(url), window=selectors.survey_milestone(assessment)
    )
    return render(request, "ita/respondents_link_print.html", context)


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
    form = EITCountForm(request.POST, instruments=services.respondents.eit_instruments(assessment))
    if form.is_valid():
        try:
            entry = services.respondents.eit_count_add(
                assessment=assessment, membership=membership, **form.cleaned_data
            )
        except ValidationError as exc:
            if exc.code == "over_population":
                form.ask("over_population_checked")
            elif exc.code == "outside_window" and membership.is_admin:
                form.ask("outside_window_reason")
            form.add_error(None, exc)
        else:
            if getattr(entry, "repeated", False):
                messages.info(request, _("This form was already saved; the count was not added twice."))
            else:
                messages.success(request, _("%(count)d EIT respondents added.") % {"count": entry.count})
            return _respondents_redirect(assessment)
    if form.data.get("over_population_checked") in ("on", "true", "True"):
        form.ask("over_population_checked")
    if form.data.get("outside_window_reason"):
        form.ask("outside_window_reason")
    return _render_respondents(request, assessment, membership, status=400, eit_form=form)


@login_required
@require_POST
def eit_count_remove(request, office_slug, fiscal_year, entry_id):
    entry, membership = _get_eit_count_for_user(request, office_slug, fiscal_year, entry_id, roles=REVIEWERS)
    services.respondents.eit_count_remove(entry=entry, membership=membership)
    messages.success(request, _("The count was removed."))
    return _respondents_redirect(entry.assessment)


@login_required
@require_POST
def target_update(request, office_slug, fiscal_year, target_id):
    target, membership = _get_target_for_user(request, office_slug, fiscal_year, target_id, roles=[Role.ADMIN])
    form = TargetForm(request.POST, instance=target, prefix=f"target-{target.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.respondents.target_update(
                target=target,
                membership=membership,
                population=data["population"],
                required_override=data["required_override"],
                expected_version=data["version"],
            )
        except StaleVersionError as exc:
            form.add_error(None, exc)
            target.refresh_from_db()
            form.data = form.data.copy()
            form.data[form.add_prefix("version")] = target.version  # the retry goes against what is now saved
            return _render_respondents(request, target.assessment, membership, status=409, target_form=form)
        messages.success(request, _("Target saved."))
        return _respondents_redirect(target.assessment)
    return _render_respondents(request, target.assessment, membership, status=400, target_form=form)


# --- official results ----------------------------------------------------------------------


@login_required
def results(request, office_slug, fiscal_year):
    """The year's official scores with their instrument scores, total and rating, and the gap to
    the office's target; administrators enter or import them here."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    return _render_results(request, assessment, membership)


def _render_results(request, assessment, membership, status=200, **forms):
    framework = selectors.framework_for_scoring(assessment.framework)
    entries = list(assessment.official_results.select_related("entered_by").prefetch_related("scores"))
    summary = selectors.summarize(entries[0], framework) if entries else None
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
            services.results.result_enter(
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
            scores, item_scores = services.results.parse_results_file(form.cleaned_data["file"])
            services.results.result_enter(
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
            services.results.target_band_update(
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


# --- the framework editor ------------------------------------------------------------------


def _require_editor(request) -> None:
    if not selectors.can_edit_frameworks(request.user):
        raise PermissionDenied


def _get_draft_for_editor(request, fiscal_year: int) -> FrameworkDraft:
    """The year's draft, for a framework editor (a site-wide permission, not an office role)."""
    _require_editor(request)
    return get_object_or_404(FrameworkDraft.objects.select_related("updated_by"), fiscal_year=fiscal_year)


def _draft_context(draft: FrameworkDraft, **extra) -> dict:
    spec, problems = services.frameworks.draft_problems(draft)
    published = Framework.objects.filter(fiscal_year=draft.fiscal_year).first()
    return {
        "draft": draft,
        "spec": spec,
        "problems": problems,
        "published": published,
        "in_use": published is not None and selectors.framework_in_use(draft.fiscal_year),
        "reserved": services.frameworks.draft_reserved_codes(draft),
        "labels": drafts.part_labels(),
        "part_tabs": [(name, drafts.part_labels()[name]) for name in drafts.EDITED_PARTS],
        "version_form": VersionForm(initial={"version": draft.version}),
        **extra,
    }


def _draft_saved(request, draft, content, summary, *, form=None) -> bool:
    """Save an edit through the service; a refusal goes on the form, or into messages."""
    try:
        services.frameworks.framework_draft_save(
            draft=draft,
            user=request.user,
            expected_version=form.cleaned_data["version"] if form is not None else None,
            content=content,
            summary=summary,
        )
    except ValidationError as exc:
        if form is not None:
            form.add_error(None, exc)
        else:
            error_messages(request, exc)
        return False
    return True


@login_required
def draft_start(request):
    """Start a year's draft from any published year (or empty); the same year starts a correction."""
    _require_editor(request)
    latest = Framework.objects.order_by("-fiscal_year").first()
    initial = {
        "fiscal_year": _int(request.GET.get("year"))
        or (latest.fiscal_year + 1 if latest else fiscal_year_of(timezone.localdate())),
        "based_on": _int(request.GET.get("from")) or (latest.fiscal_year if latest else None),
        "flag_unconfirmed": True,
    }
    form = DraftStartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draft = services.frameworks.framework_draft_start(
                user=request.user,
                fiscal_year=data["fiscal_year"],
                based_on=data["based_on"],
                flag_unconfirmed=data["flag_unconfirmed"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The draft of %(year)s is ready to edit.") % {"year": fiscal_year_label(draft.fiscal_year)}
            )
            return redirect(draft)
    return render(request, "ita/draft_start.html", {"form": form})


def _problem_url(draft: FrameworkDraft, problem) -> str:
    """Where a problem is fixed: its row's form, its part's page, or the framework's own form."""
    year = draft.fiscal_year
    if problem.part == "requirements" and problem.index is not None:
        code = draft.content["requirements"][problem.index].get("item")
        codes = [row.get("code") for row in draft.content.get("items", [])]
        if code in codes:
            return reverse("ita:draft-row", args=[year, "items", codes.index(code)])
        return reverse("ita:draft-part", args=[year, "items"])
    if problem.part in drafts.EDITED_PARTS:
        if problem.index is not None:
            return reverse("ita:draft-row", args=[year, problem.part, problem.index])
        return reverse("ita:draft-part", args=[year, problem.part])
    return reverse("ita:draft-header", args=[year])


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@login_required
def draft_detail(request, fiscal_year):
    """The draft as a whole: its parts, its problems, and what to do next."""
    draft = _get_draft_for_editor(request, fiscal_year)
    context = _draft_context(draft)
    content = draft.content
    subs_by_indicator: dict = {}
    for n, sub in enumerate(content.get("sub_indicators", [])):
        subs_by_indicator.setdefault(sub.get("indicator"), []).append((n, sub))
    items_by_sub: dict = {}
    for n, item in enumerate(content.get("items", [])):
        items_by_sub.setdefault(item.get("sub_indicator"), []).append((n, item))
    tree = [
        (
            indicator,
            [
                (n, sub, items_by_sub.get(sub.get("code"), []))
                for n, sub in subs_by_indicator.get(indicator.get("number"), [])
            ],
        )
        for indicator in content.get("indicators", [])
        if indicator.get("number") in subs_by_indicator
    ]
    context["tree"] = tree
    context["counts"] = [(name, label, len(content.get(name, []))) for name, label in context["part_tabs"]]
    labels = context["labels"]
    context["problem_links"] = [
        (problem, _problem_url(draft, problem), labels.get(problem.part, labels["framework"]))
        for problem in context["problems"].entries
    ]
    context["upload_form"] = DraftUploadForm(initial={"version": draft.version})
    return render(request, "ita/draft_detail.html", context)


@login_required
def draft_header(request, fiscal_year):
    """The framework's own values: its names, the assessor, the rating scheme, its sources."""
    draft = _get_draft_for_editor(request, fiscal_year)
    header = draft.content.get("framework", {})
    form = DraftRowForm(
        request.POST or None,
        part=FRAMEWORK,
        data=draft.content,
        exclude=("fiscal_year",),
        initial={**header, "version": draft.version},
    )
    if request.method == "POST" and form.is_valid():
        content = drafts.set_header(draft.content, form.values())
        if _draft_saved(request, draft, content, "framework", form=form):
            messages.success(request, _("Saved."))
            return redirect(draft)
    context = _draft_context(draft, form=form, part_name="framework", row=None)
    context["part_label"] = context["labels"]["framework"]
    return render(request, "ita/draft_form.html", context)


def _get_part(part: str):
    try:
        return drafts.part_of(part)
    except KeyError:
        raise Http404 from None


def _structure_fixed(draft: FrameworkDraft, part) -> bool:
    """A correction of a framework in use keeps its structural rows where they are."""
    return part.name in drafts.STRUCTURAL_PARTS and selectors.framework_in_use(draft.fiscal_year)


def _locked_fields(part, context, row: dict) -> tuple:
    """In a correction of a framework in use, what offices' items and scores hang on (an item the
    correction adds is still free)."""
    if not context["in_use"] or part.name not in drafts.STRUCTURAL_PARTS:
        return ()
    if part.name == "items" and row.get("code") not in context["reserved"]:
        return ()
    locked = {
        "instruments": ("code", "kind"),
        "indicators": ("number", "instrument"),
        "sub_indicators": ("indicator", "code"),
        "items": ("sub_indicator",),
    }
    return locked[part.name]


@login_required
def draft_part(request, fiscal_year, part):
    """The rows of one part, to edit, reorder or remove."""
    draft = _get_draft_for_editor(request, fiscal_year)
    part = _get_part(part)
    context = _draft_context(draft)
    rows = [
        (
            n,
            row,
            drafts.row_label(part, row, n),
            row.get("name_th") or row.get("label_th") or row.get("population_th") or "–",
            context["problems"].of(part.name, n),
        )
        for n, row in enumerate(draft.content.get(part.name, []))
    ]
    fixed = context["in_use"] and part.name in drafts.STRUCTURAL_PARTS
    context |= {
        "part": part,
        "part_name": part.name,
        "part_label": context["labels"][part.name],
        "rows": rows,
        "can_move": part.name in drafts.ORDERED_PARTS and not fixed,
        # Offices' items follow a correction that adds or withdraws items; the rest stays.
        "can_change_rows": not fixed or part.name == "items",
        "withdrawals": services.frameworks.draft_withdrawals(draft) if part.name == "items" else [],
    }
    return render(request, "ita/draft_part.html", context)


def _row_initial(part, row: dict) -> dict:
    initial = {}
    for f in part.fields:
        value = row.get(f.name)
        initial[f.name] = ", ".join(value) if isinstance(value, list) else value
    return initial


@login_required
def draft_row(request, fiscal_year, part, index=None):
    """Add a row to a part, or change one; an item's form holds its required contents too."""
    draft = _get_draft_for_editor(request, fiscal_year)
    part = _get_part(part)
    context = _draft_context(draft)
    rows = draft.content.get(part.name, [])
    if index is not None and not 0 <= index < len(rows):
        raise Http404
    row = (
        rows[index]
        if index is not None
        else {f.name: request.GET.get(f.name) for f in part.fields if request.GET.get(f.name)}
    )
    is_item = part.name == "items"
    form = DraftRowForm(
        request.POST or None,
        part=part,
        data=draft.content,
        exclude=("code",) if is_item else (),
        locked=_locked_fields(part, context, row) if index is not None else (),
        initial={**_row_initial(part, row), "version": draft.version},
    )
    requirements = None
    if is_item:
        current = drafts.requirements_of(draft.content, row.get("code")) if index is not None else []
        requirements = RequirementFormSet(
            request.POST or None,
            prefix="req",
            initial=[{**r, "ORDER": n} for n, r in enumerate(current, start=1)],
        )
    if request.method == "POST" and form.is_valid() and (requirements is None or requirements.is_valid()):
        try:
            reserved = context["reserved"]
            if index is None:
                content, key = drafts.add_row(draft.content, part.name, form.values(), reserved=reserved)
            else:
                content, key = drafts.set_row(draft.content, part.name, index, form.values(), reserved=reserved)
            if is_item:  # its required contents follow it when its code changes with its place
                content = drafts.set_requirements(content, key, _requirement_rows(requirements))
        except drafts.DraftError as exc:
            form.add_error(None, str(exc))
        else:
            summary = f"{part.name} {key or ''}".strip()
            if _draft_saved(request, draft, content, summary, form=form):
                return _after_row_saved(request, fiscal_year, part, content, key, index, context["reserved"])
    context |= {
        "form": form,
        "requirements": requirements,
        "part": part,
        "part_name": part.name,
        "part_label": context["labels"][part.name],
        "row": row if index is not None else None,
        "row_label": drafts.row_label(part, row, index) if index is not None else "",
        "index": index,
        "row_problems": context["problems"].of(part.name, index) if index is not None else [],
    }
    return render(request, "ita/draft_form.html", context)


def _after_row_saved(request, fiscal_year, part, content, key, index, reserved):
    """Back to the part's rows, or to the row's form when what only the whole shows (a code's
    form, weights that do not add up) is wrong with it."""
    keys = [row.get(part.key) for row in content.get(part.name, [])]
    if part.key != part.position and key in keys:
        index = keys.index(key)
    _spec, problems = drafts.read(content, reserved=reserved)
    if index is not None and problems.of(part.name, index):
        messages.warning(request, _("Saved, with problems to fix:"))
        for problem in problems.of(part.name, index):
            messages.warning(request, f"{problem.field or ''} {problem.text}".strip())
        return redirect("ita:draft-row", fiscal_year, part.name, index)
    messages.success(request, _("Saved."))
    return redirect("ita:draft-part", fiscal_year, part.name)


def _requirement_rows(formset) -> list[dict]:
    return [
        {name: form.cleaned_data.get(name) for name in ("text_th", "text_en", "source", "unconfirmed", "note")}
        for form in formset.ordered_forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("text_th")
    ]


@login_required
@require_POST
def draft_row_remove(request, fiscal_year, part, index):
    draft = _get_draft_for_editor(request, fiscal_year)
    part = _get_part(part)
    form = VersionForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return redirect("ita:draft-part", fiscal_year, part.name)
    try:
        label = (
            drafts.row_label(part, draft.content.get(part.name, [])[index], index)
            if index < len(draft.content.get(part.name, []))
            else ""
        )
        content = drafts.remove_row(
            draft.content, part.name, index, reserved=services.frameworks.draft_reserved_codes(draft)
        )
    except drafts.DraftError as exc:
        messages.error(request, str(exc))
    else:
        if _draft_saved(request, draft, content, f"removed {part.name} {label}", form=None):
            withdrawn = part.name == "items" and selectors.framework_in_use(draft.fiscal_year)
            said = (
                _(
                    "“%(row)s” is out of the draft. Publishing the correction withdraws it from the offices' "
                    "working lists, once you confirm the work it affects."
                )
                if withdrawn
                else _("“%(row)s” removed.")
            )
            messages.success(request, said % {"row": label})
    return redirect("ita:draft-part", fiscal_year, part.name)


@login_required
@require_POST
def draft_row_move(request, fiscal_year, part, index):
    """Move a row before its previous sibling or after its next one; items are numbered again."""
    draft = _get_draft_for_editor(request, fiscal_year)
    part = _get_part(part)
    form = VersionForm(request.POST)
    step = -1 if request.POST.get("step") == "up" else 1
    if _structure_fixed(draft, part):
        messages.error(request, _("Offices run the year on this framework: its items keep their places."))
    elif not form.is_valid() or part.name not in drafts.ORDERED_PARTS:
        error_messages(request, form)
    else:
        try:
            content = drafts.move_row(draft.content, part.name, index, step)
        except drafts.DraftError as exc:
            messages.error(request, str(exc))
        else:
            _draft_saved(request, draft, content, f"moved {part.name} #{index + 1}")
    return redirect("ita:draft-part", fiscal_year, part.name)


@login_required
def draft_workbook(request, fiscal_year):
    """The draft as a workbook, to fill in Excel and upload again."""
    draft = _get_draft_for_editor(request, fiscal_year)
    spec, _problems = drafts.read(draft.content)
    return _xlsx(framework_workbook(spec), f"framework-{draft.fiscal_year}-draft.xlsx")


@login_required
def framework_workbook_download(request, fiscal_year):
    """A published year as a workbook: the simplest start of next year's."""
    framework = get_object_or_404(Framework, fiscal_year=fiscal_year)
    return _xlsx(
        framework_workbook(services.frameworks.framework_spec(framework)), f"framework-{framework.fiscal_year}.xlsx"
    )


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def draft_upload(request, fiscal_year):
    draft = _get_draft_for_editor(request, fiscal_year)
    form = DraftUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        error_messages(request, form)
        return redirect(draft)
    try:
        services.frameworks.framework_draft_upload(
            draft=draft,
            user=request.user,
            expected_version=form.cleaned_data["version"],
            upload=form.cleaned_data["file"],
        )
    except ValidationError as exc:
        messages.error(request, _("The workbook was not taken; nothing changed:"))
        error_messages(request, exc)
    else:
        messages.success(request, _("The workbook's content is now the draft's."))
    return redirect(draft)


def _compared_with(draft: FrameworkDraft, against) -> Framework | None:
    """The published year the draft is compared with: the one asked for, else last year, else the
    year it started from."""
    years = [_int(against), draft.fiscal_year - 1, draft.based_on]
    for year in years:
        if year:
            framework = Framework.objects.filter(fiscal_year=year).first()
            if framework is not None:
                return framework
    return None


@login_required
def draft_compare(request, fiscal_year):
    """What the draft changes against last year (or any published year): renamed, merged, split,
    new and gone items, weights, indicators, the rating and respondent rules."""
    draft = _get_draft_for_editor(request, fiscal_year)
    context = _draft_context(draft)
    old = _compared_with(draft, request.GET.get("against"))
    context["diff"] = framework_diff(old, context["spec"]) if old is not None else None
    context["years"] = Framework.objects.values_list("fiscal_year", flat=True)
    return render(request, "ita/draft_compare.html", context)


def _suggestions(items: list[dict], previous: list[ItemDefinition]) -> dict[str, list]:
    """For each item, last year's items whose names are most alike (difflib), best first."""
    found = {}
    for row in items:
        name = row.get("name_th") or ""
        scored = sorted(((similarity(name, old.name_th), old) for old in previous), key=lambda pair: -pair[0])
        mapped = set(row.get("previous_codes") or [])
        scored = [(ratio, old) for ratio, old in scored if old.code not in mapped]
        found[row.get("code")] = [(old, round(ratio * 100)) for ratio, old in scored[:3] if ratio >= SUGGEST_FROM]
    return found


SUGGEST_FROM = 0.5


@login_required
def draft_mapping(request, fiscal_year):
    """Each item's last-year items, suggested by name similarity and confirmed by the editor."""
    draft = _get_draft_for_editor(request, fiscal_year)
    previous_framework = Framework.objects.filter(fiscal_year=draft.fiscal_year - 1).first()
    previous = list(previous_framework.items.order_by("number")) if previous_framework else []
    items = [row for row in draft.content.get("items", []) if row.get("code")]
    suggestions = _suggestions(items, previous)
    form = DraftMappingForm(
        request.POST or None,
        items=items,
        previous_codes={old.code for old in previous} if previous_framework else None,
        initial={"version": draft.version},
    )
    if request.method == "POST" and form.is_valid():
        mapping = form.cleaned_data["mapping"]
        use = request.POST.get("use", "")
        if ":" in use:  # one suggestion taken, on top of what was typed
            code, old = use.split(":", 1)
            if code in mapping and old in {o.code for o, _ratio in suggestions.get(code, [])}:
                mapping[code] = [*mapping[code], old] if old not in mapping[code] else mapping[code]
        elif "use_all" in request.POST:  # the best suggestion of every item still without one
            for code, codes in mapping.items():
                if not codes and suggestions.get(code) and suggestions[code][0][1] >= SIMILAR_ENOUGH * 100:
                    mapping[code] = [suggestions[code][0][0].code]
        content = drafts.set_mapping(draft.content, mapping)
        if _draft_saved(request, draft, content, "item mapping", form=form):
            messages.success(request, _("The mapping to last year's items is saved."))
            return redirect("ita:draft-mapping", fiscal_year)
    previous_by_code = {old.code: old for old in previous}
    context = _draft_context(
        draft,
        form=form,
        previous_framework=previous_framework,
        mapping_rows=[
            (
                row,
                field,
                suggestions.get(row["code"], []),
                [previous_by_code[code] for code in row.get("previous_codes") or [] if code in previous_by_code],
            )
            for row, field in form.rows()
        ],
        unmapped=[old for old in previous if not any(old.code in (row.get("previous_codes") or []) for row in items)],
    )
    return render(request, "ita/draft_mapping.html", context)


@login_required
def draft_publish(request, fiscal_year):
    """Publish the draft: the year opens to offices, or its correction becomes a new revision. A
    correction that withdraws items lists, per office, the work they hold, and asks to confirm."""
    _require_editor(request)
    draft = FrameworkDraft.objects.select_related("updated_by").filter(fiscal_year=fiscal_year).first()
    if draft is None:
        published = Framework.objects.filter(fiscal_year=fiscal_year).first()
        if request.method == "POST" and published is not None:  # another editor published it first
            messages.error(
                request,
                _("Another framework editor published or discarded this draft first; your publishing changed nothing."),
            )
            return redirect(published)
        raise Http404
    withdrawals = services.frameworks.draft_withdrawals(draft)
    form = DraftPublishForm(
        request.POST or None,
        initial={"version": draft.version, "note": draft.note},
        withdrawals=bool(withdrawals),
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.frameworks.framework_draft_publish(
                draft=draft,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
                confirm_withdrawals=form.cleaned_data.get("confirm_withdrawals", False),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(year)s is published (revision %(revision)d).")
                % {"year": fiscal_year_label(result.framework.fiscal_year), "revision": result.framework.revision},
            )
            return redirect(result.framework)
    context = _draft_context(
        draft,
        form=form,
        withdrawals=withdrawals,
        impact=services.frameworks.withdrawal_impact(withdrawals) if withdrawals else [],
    )
    if context["in_use"]:
        context["added"] = [row for row in draft.content.get("items", []) if row.get("code") not in context["reserved"]]
    old = _compared_with(draft, None)
    context["diff"] = framework_diff(old, context["spec"]) if old is not None else None
    return render(request, "ita/draft_publish.html", context)


@login_required
@require_POST
def draft_discard(request, fiscal_year):
    draft = _get_draft_for_editor(request, fiscal_year)
    services.frameworks.framework_draft_discard(draft=draft, user=request.user)
    messages.success(request, _("The draft was discarded."))
    return redirect("ita:framework-list")
