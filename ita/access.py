from collections.abc import Iterable

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Role
from accounts.permissions import get_membership_or_404
from ita.models import Assessment


def get_assessment_or_404(
    request: HttpRequest, office_slug: str, fiscal_year: int, *, roles: Iterable[Role] | None = None
) -> Assessment:
    """The office's assessment of a fiscal year, for a member whose role is allowed."""
    membership = get_membership_or_404(request, office_slug, roles=roles)
    return get_object_or_404(
        Assessment.objects.select_related("framework", "office"), office=membership.office, fiscal_year=fiscal_year
    )
