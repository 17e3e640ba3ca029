from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ita.access import get_assessment_or_404
from oit.models import Item


@login_required
def item_list(request, office_slug, fiscal_year):
    """The assessment's items grouped by indicator and sub-indicator, optionally one status."""
    assessment = get_assessment_or_404(request, office_slug, fiscal_year)
    items = assessment.oit_items.select_related("definition__sub_indicator__indicator", "unit")
    status = request.GET.get("status")
    if status in Item.Status.values:
        items = items.filter(status=status)
    return render(
        request,
        "oit/item_list.html",
        {
            "assessment": assessment,
            "office": assessment.office,
            "items": items,
            "statuses": Item.Status.choices,
            "current_status": status if status in Item.Status.values else "",
        },
    )
