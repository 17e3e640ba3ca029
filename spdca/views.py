from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from ita.access import get_assessment_or_404
from ita.respondents import respondent_progress
from oit.selectors import item_status_summary


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
        },
    )
