from collections.abc import Iterable

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Role
from accounts.permissions import get_membership_or_404
from ita.models import Assessment


def get_assessment_or_404(
    request: HttpRequest, office_slug: str, fiscal_year: int, *, roles: Iterable[Role] | None = None
) -> tuple[Assessment, Membership]:
    """The office's assessment of a fiscal year and the membership that reaches it, for a member
    whose role is allowed."""
    membership = get_membership_or_404(request, office_slug, roles=roles)
    assessment = get_object_or_404(
        Assessment.objects.select_related("framework"), office=membership.office, fiscal_year=fiscal_year
    )
    assessment.office = membership.office  # the row the membership query read
    return assessment, membership


def assessment_context(assessment: Assessment, membership: Membership, **extra) -> dict:
    """What every page of an assessment shows around its own content: the assessment, its office
    and the visitor's membership (the tabs depend on the role)."""
    return {
        "assessment": assessment,
        "office": assessment.office,
        "membership": membership,
        # The office switcher's list, read with the membership (else the context processor reads it).
        **({"user_memberships": membership.user_memberships} if hasattr(membership, "user_memberships") else {}),
        **extra,
    }
