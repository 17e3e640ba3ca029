from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Role
from accounts.permissions import get_membership_or_404
from core.thai import format_be_date
from core.views import error_messages
from ita.access import assessment_context, get_assessment_or_404
from ita.selectors import revisions_since_opened
from oit import services, whatif
from oit.files import revision_response
from oit.forms import (
    AssignForm,
    ChecklistTransitionForm,
    CommentForm,
    ContentsForm,
    EvidenceForm,
    ItemFilterForm,
    OfficeOitSettingsForm,
    ReasonForm,
    ReviewChecksForm,
    TransitionForm,
    WhatIfForm,
)
from oit.models import Approval, Evidence, EvidenceRevision, Item, ItemEvent, Publication
from oit.selectors import (
    evidence_period,
    item_row_groups,
    item_rows,
    item_status_summary,
    items_out_of_period,
    mark_out_of_period,
    review_rows,
)

REVIEWERS = [Role.ADMIN, Role.COMMITTEE]


def _get_item_for_user(
    request, office_slug: str, fiscal_year: int, code: str, *, roles=None, withdrawn_too: bool = False
) -> tuple[Item, Membership]:
    """The item of the office's assessment, for a member whose role is allowed (an item withdrawn
    from the framework only if `withdrawn_too`: its page stays readable, nothing more is done on it)."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=roles)
    item = get_object_or_404(
        (Item.all_objects if withdrawn_too else Item.objects).select_related(
            "definition__sub_indicator__indicator", "unit", "submitted_by"
        ),
        assessment=assessment,
        definition__code=code,
    )
    item.assessment = assessment  # already loaded with its office and framework
    return item, membership


# --- lists ---------------------------------------------------------------------------------


@login_required
def item_list(request, office_slug, fiscal_year):
    """The assessment's items grouped by indicator and sub-indicator, filtered by the form."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    form = ItemFilterForm(request.GET or None, assessment=assessment)
    items = form.filter(assessment.oit_items.all())
    return render(
        request,
        "oit/item_list.html",
        assessment_context(
            assessment,
            membership,
            items=items,  # not read by the page, which shows the groups
            groups=item_row_groups(items, assessment, today=timezone.localdate()),
            form=form,
            # A framework that was never revised (revision 1) has no revisions to tell of.
            revisions=[revision for _assessment, revision in revisions_since_opened([assessment])]
            if assessment.framework.revision > 1
            else [],
            has_previous=assessment.office.assessments.filter(fiscal_year__lt=assessment.fiscal_year).exists(),
        ),
    )


@login_required
def item_mine(request, office_slug, fiscal_year):
    """The items the member prepares: their unit's and those they are named on."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    mine = Q(assignees=request.user)
    if membership.unit_id:
        mine |= Q(unit_id=membership.unit_id)
    items = assessment.oit_items.filter(mine).distinct().order_by("due_date", "definition__number")
    return render(
        request,
        "oit/item_mine.html",
        assessment_context(
            assessment,
            membership,
            items=items,  # not read by the page, which shows the rows
            rows=item_rows(items, assessment, today=timezone.localdate()),
        ),
    )


@login_required
def review_queue(request, office_slug, fiscal_year):
    """Submitted items waiting for the committee, oldest first, and approved items to publish."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=REVIEWERS)
    waiting, approved = review_rows(assessment, request.user)
    return render(
        request,
        "oit/item_review_queue.html",
        assessment_context(
            assessment, membership, items=waiting, approved=approved, needed=assessment.office.oit_required_approvals
        ),
    )


@login_required
def item_progress(request, office_slug, fiscal_year):
    """Counts by status per indicator and sub-indicator, the OIT score they predict, and a what-if
    of the year's total and rating from expected IIT and EIT scores."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    summary = item_status_summary(assessment)
    expected_instruments, _oit = whatif.instruments(assessment)
    form = WhatIfForm(initial=whatif.expected_defaults(assessment), instruments=expected_instruments)
    if form.is_submitted(request.GET):
        form = WhatIfForm(request.GET, initial=form.initial, instruments=expected_instruments)
    expected = form.cleaned_data if form.is_bound and form.is_valid() else form.initial
    oit_score = expected.get("oit")
    if oit_score is None:
        oit_score = summary.oit_score
    result = None
    if oit_score is not None and (not form.is_bound or form.is_valid()):
        result = whatif.simulate(assessment, expected=expected, oit=oit_score)
    return render(
        request,
        "oit/item_progress.html",
        assessment_context(
            assessment,
            membership,
            summary=summary,
            form=form,
            whatif=result,
            out_of_period=items_out_of_period(assessment),
        ),
    )


@login_required
def item_export_csv(request, office_slug, fiscal_year):
    from oit import export

    assessment, _membership = get_assessment_or_404(request, office_slug, fiscal_year)
    rows = export.export_rows(assessment, base_url=request.build_absolute_uri("/").rstrip("/"))
    return _download(export.render_csv(rows), "text/csv; charset=utf-8", f"oit-{assessment.fiscal_year}.csv")


@login_required
def item_export_xlsx(request, office_slug, fiscal_year):
    from oit import export

    assessment, _membership = get_assessment_or_404(request, office_slug, fiscal_year)
    rows = export.export_rows(assessment, base_url=request.build_absolute_uri("/").rstrip("/"))
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(export.render_xlsx(rows), content_type, f"oit-{assessment.fiscal_year}.xlsx")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- assignment and settings ---------------------------------------------------------------


@login_required
def item_assign(request, office_slug, fiscal_year):
    """Assign items, one by one or a whole sub-indicator, to a unit and responsible staff."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=[Role.ADMIN])
    form = AssignForm(request.POST or None, assessment=assessment, initial=_assign_initial(request, assessment))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = services.items_assign(
                items=data["selected"],
                membership=membership,
                unit=data["unit"],
                assignees=data["assignees"],
                due_date=data["due_date"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(count)d items assigned.") % {"count": count})
            next_url = request.POST.get("next", "")
            if len(data["selected"]) == 1 and next_url == "item":
                return redirect(data["selected"][0].get_absolute_url())
            return redirect("oit:item-list", office_slug, fiscal_year)
    return render(request, "oit/item_assign.html", assessment_context(assessment, membership, form=form))


def _assign_initial(request, assessment) -> dict:
    """Prefill from ?item=O12 (one item's page links here) with that item's current assignment."""
    code = request.GET.get("item")
    item = assessment.oit_items.filter(definition__code=code).first() if code else None
    if item is None:
        return {"due_date": assessment.framework.milestone_end(services.DUE_DATE_MILESTONE)}
    return {"items": [item], "unit": item.unit, "assignees": list(item.assignees.all()), "due_date": item.due_date}


@login_required
def office_oit_settings(request, office_slug):
    """How many approvals an item needs, and whether the committee may publish."""
    membership = get_membership_or_404(request, office_slug, roles=[Role.ADMIN])
    office = membership.office
    version = services.office_oit_settings_version(office)
    form = OfficeOitSettingsForm(request.POST or None, instance=office, version=version)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.office_oit_settings_update(
                office=office, membership=membership, expected_version=data.pop("version"), **data
            )
        except ValidationError as exc:  # changed by someone else: the typed values stay, against the new version
            form.add_error(None, exc)
            form.data = form.data.copy()
            form.data["version"] = version
            status = 409
        else:
            messages.success(request, _("Settings saved."))
            return redirect("oit:office-settings", office_slug)
    context = {"office": office, "membership": membership, "form": form}
    return render(request, "oit/office_settings.html", context, status=status)


# --- one item ------------------------------------------------------------------------------


@login_required
def item_detail(request, office_slug, fiscal_year, code):
    """The item's evidence, checklist, review actions and timeline."""
    item, membership = _get_item_for_user(request, office_slug, fiscal_year, code, withdrawn_too=True)
    return _render_detail(request, item, membership)


def _render_detail(request, item: Item, membership: Membership, status: int = 200, **forms) -> HttpResponse:
    revisions = EvidenceRevision.objects.select_related("uploaded_by").order_by("-number")
    evidence = list(
        item.evidence.filter(removed_at__isnull=True)
        .select_related("current__uploaded_by")
        .prefetch_related(Prefetch("revisions", queryset=revisions))
    )
    period = evidence_period(item.definition, item.assessment.fiscal_year)
    out_of_period = mark_out_of_period(evidence, period)
    checks = list(item.checks.select_related("requirement", "evidence__current", "reviewed_by"))
    assignees = list(item.assignees.all())
    assignee_ids = {user.pk for user in assignees}
    withdrawn = item.definition.withdrawn_in is not None
    can_edit = item.can_edit(membership, assignee_ids) and item.is_editable and not withdrawn
    # Approvals count only while the item is under review; a live publication exists only while it
    # is published (publishing and unpublishing change both together).
    approvals = (
        list(Approval.objects.filter(item=item, review_round=item.review_round).select_related("reviewer"))
        if item.status in (Item.Status.SUBMITTED, Item.Status.APPROVED)
        else []
    )
    live = (
        Publication.objects.filter(item=item, withdrawn_at__isnull=True).first()
        if item.status == Item.Status.PUBLISHED
        else None
    )
    events = list(item.events.select_related("actor"))
    version = {"version": item.version}
    context = assessment_context(
        item.assessment,
        membership,
        item=item,
        evidence=evidence,
        checks=checks,
        assignees=assignees,
        approvals=approvals,
        needed=item.assessment.office.oit_required_approvals,
        approved_by_me=any(approval.reviewer_id == membership.user_id for approval in approvals),
        live_publication=live,
        events=events,
        return_note=_return_note(item, events),
        can_edit=can_edit,
        can_review=membership.can_review
        and item.status in (Item.Status.SUBMITTED, Item.Status.APPROVED)
        and not withdrawn,
        can_publish=item.can_publish(membership) and not withdrawn,
        withdrawn=withdrawn,
        is_overdue=item.is_overdue(),
        period=period,
        out_of_period=out_of_period,
        evidence_form=forms.get("evidence_form") or EvidenceForm(item=item),
        contents_form=forms.get("contents_form") or ContentsForm(item=item, checks=checks, evidence=evidence),
        review_form=forms.get("review_form") or ReviewChecksForm(item=item, checks=checks),
        submit_form=forms.get("submit_form")
        or ChecklistTransitionForm(
            initial=version, auto_id="submit_%s", unticked=[check for check in checks if not check.covered]
        ),
        approve_form=forms.get("approve_form")
        or ChecklistTransitionForm(
            initial=version, auto_id="approve_%s", unticked=[check for check in checks if not check.reviewer_ok]
        ),
        return_form=ReasonForm(initial=version, auto_id="return_%s"),
        unpublish_form=ReasonForm(initial=version, auto_id="unpublish_%s"),
        comment_form=CommentForm(),
    )
    return render(request, "oit/item_detail.html", context, status=status)


def out_of_period_warning(day, period) -> str:
    return _(
        "The document is dated %(date)s, outside the item's evidence period (%(period)s: %(start)s – %(end)s). "
        "It can still be submitted; the committee decides."
    ) % {
        "date": format_be_date(day),
        "period": period.label,
        "start": format_be_date(period.start),
        "end": format_be_date(period.end),
    }


def _return_note(item: Item, events: list) -> object | None:
    """Why a returned item came back: the latest return or unpublish event."""
    if item.status != Item.Status.RETURNED:
        return None
    kinds = (ItemEvent.Kind.RETURNED, ItemEvent.Kind.UNPUBLISHED)
    return next((event for event in reversed(events) if event.kind in kinds), None)


@login_required
def evidence_download(request, office_slug, fiscal_year, code, revision_id):
    """Any member of the office may read its evidence; nobody else, whatever the URL."""
    item, _membership = _get_item_for_user(request, office_slug, fiscal_year, code, withdrawn_too=True)
    revision = get_object_or_404(EvidenceRevision, pk=revision_id, evidence__item=item)
    return revision_response(revision)


@login_required
@require_POST
def evidence_add(request, office_slug, fiscal_year, code):
    item, membership = _get_item_for_user(request, office_slug, fiscal_year, code)
    form = EvidenceForm(request.POST, request.FILES, item=item)
    if form.is_valid():
        data = form.cleaned_data
        common = {
            "item": item,
            "membership": membership,
            "title": data["title"],
            "document_date": data["document_date"],
            "description": data["description"],
            "replaces": data["replaces"],
        }
        try:
            if data["file"]:
                services.evidence_add_file(upload=data["file"], **common)
            else:
                services.evidence_add_link(url=data["url"], **common)
        except ValidationError as exc:
            form.add_error("file" if data["file"] else "url", exc)
        else:
            messages.success(request, _("Evidence added."))
            period = evidence_period(item.definition, item.assessment.fiscal_year)
            if period is not None and not period.holds(data["document_date"]):
                messages.warning(request, out_of_period_warning(data["document_date"], period))
            return redirect(item)
    return _render_detail(request, item, membership, status=400, evidence_form=form)


@login_required
@require_POST
def evidence_remove(request, office_slug, fiscal_year, code, evidence_id):
    item, membership = _get_item_for_user(request, office_slug, fiscal_year, code)
    evidence = get_object_or_404(Evidence, pk=evidence_id, item=item)
    try:
        services.evidence_remove(evidence=evidence, membership=membership)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("“%(title)s” removed.") % {"title": evidence.title})
    return redirect(item)


@login_required
@require_POST
def item_contents(request, office_slug, fiscal_year, code):
    item, membership = _get_item_for_user(request, office_slug, fiscal_year, code)
    evidence = list(item.evidence.filter(removed_at__isnull=True))
    checks = list(item.checks.select_related("requirement"))
    form = ContentsForm(request.POST, item=item, checks=checks, evidence=evidence)
    if form.is_valid():
        try:
            services.item_update_contents(
                item=item,
                membership=membership,
                expected_version=form.cleaned_data["version"],
                description=form.cleaned_data["description"],
                coverage=form.coverage(),
            )
        except services.StaleItemError as exc:
            form.add_error(None, exc)
            item.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = item.version  # the retry goes against what is now shown
            return _render_detail(request, item, membership, status=409, contents_form=form)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(item)
    return _render_detail(request, item, membership, status=400, contents_form=form)


@login_required
@require_POST
def item_review_checks(request, office_slug, fiscal_year, code):
    item, membership = _get_item_for_user(request, office_slug, fiscal_year, code, roles=REVIEWERS)
    checks = list(item.checks.select_related("requirement"))
    form = ReviewChecksForm(request.POST, item=item, checks=checks)
    if not form.is_valid():
        return _render_detail(request, item, membership, status=400, review_form=form)
    try:
        services.item_review_checks(
            item=item, membership=membership, expected_version=form.cleaned_data["version"], ok_ids=form.ok_ids()
        )
    except ValidationError as exc:  # a stale version among them: the page shows what is there now
        error_messages(request, exc)
    else:
        messages.success(request, _("Review checklist saved."))
    return redirect(item)


# --- the workflow: each action shows a service's refusal (a stale version, a wrong status) as a
# message on the item's page, and goes back there either way (PRG) --------------------------


@login_required
@require_POST
def item_submit(request, office_slug, fiscal_year, code):
    item, membership = _get_item_for_user(request, office_slug, fiscal_year, code)
    form = ChecklistTransitionForm(request.POST, auto_id="submit_%s")
    if not form.is_valid():
        error_messages(request, form)
        return redirect(item)
    data = form.cleaned_data
    try:
        services.item_submit(
            item=item, membership=membership, expected_version=data["version"], note=data["note"], reason=data["reason"]
        )
    except ValidationError as exc:
        if exc.code == "unticked":  # the form comes back, with what was typed, to ask for the reason
            form.add_error("reason", exc)
            return _render_detail(request, item, membership, status=400, submit_form=form)
        error_messages(request, exc)
    else:
        messages.success(request, _("Sent to the committee."))
    return redirect(item)


@login_required
@require_POST
def item_return(request, office_slug, fiscal_year, code):
    item, membership = _get_item_for_user(request, office_slug, fiscal_year, code, roles=REVIEWERS)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return redirect(item)
    data = form.cleaned_data
    try:
        services.item_return(item=item, membership=membership, expected_version=data["version"], reason=data["note"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Returned to the unit."))
    return redirect(item)


@login_required
@require_POST
def item_approve(request, office_slug, fiscal_year, code):
    item, membership = _get_item_for_user(request, office_slug, fiscal_year, code, roles=REVIEWERS)
    form = ChecklistTransitionForm(request.POST, auto_id="approve_%s")
    if not form.is_valid():
        error_messages(request, form)
        return redirect(item)
    data = form.cleaned_data
    try:
        services.item_approve(
            item=item, membership=membership, expected_version=data["version"], note=data["note"], reason=data["reason"]
        )
    except ValidationError as exc:
        if exc.code == "unticked":
            form.add_error("reason", exc)
            return _render_detail(request, item, membership, status=400, approve_form=form)
        error_messages(request, exc)
    else:
        messages.success(request, _("Approval recorded."))
    return redirect(item)


@login_required
@require_POST
def item_publish(request, office_slug, fiscal_year, code):
    item, membership = _get_item_for_user(request, office_slug, fiscal_year, code, roles=REVIEWERS)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return redirect(item)
    try:
        services.item_publish(item=item, membership=membership, expected_version=form.cleaned_data["version"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Published on the office's public page."))
    return redirect(item)


@login_required
@require_POST
def item_unpublish(request, office_slug, fiscal_year, code):
    item, membership = _get_item_for_user(request, office_slug, fiscal_year, code, roles=REVIEWERS)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return redirect(item)
    data = form.cleaned_data
    try:
        services.item_unpublish(item=item, membership=membership, expected_version=data["version"], reason=data["note"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Taken off the public page and returned to the unit."))
    return redirect(item)


@login_required
@require_POST
def item_comment(request, office_slug, fiscal_year, code):
    item, membership = _get_item_for_user(request, office_slug, fiscal_year, code)
    form = CommentForm(request.POST)
    if not form.is_valid():  # empty, or longer than a comment may be: the form says which
        error_messages(request, form)
        return redirect(item)
    try:
        services.item_comment(item=item, membership=membership, text=form.cleaned_data["text"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Comment added."))
    return redirect(item)
