from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import get_membership_or_404
from core.thai import ThaiCollate
from ita.compare import framework_diff
from ita.forms import AssessmentOpenForm, FrameworkCompareForm
from ita.models import Framework, Indicator, ItemDefinition, SubIndicator
from ita.services import assessment_open


@login_required
def home(request):
    """Straight to the user's office; with several, to the one used last."""
    memberships = list(request.user.memberships.select_related("office").order_by(ThaiCollate("office__short_name")))
    slugs = [m.office.slug for m in memberships]
    if len(memberships) == 1:
        return redirect("ita:office", memberships[0].office.slug)
    if request.session.get("current_office") in slugs:
        return redirect("ita:office", request.session["current_office"])
    return render(request, "ita/office_choose.html", {"memberships": memberships})


@login_required
def office(request, office_slug):
    membership = get_membership_or_404(request, office_slug)
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
