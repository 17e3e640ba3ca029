"""Access helpers used by every office view.

Someone who is not a member of an office gets 404: the office's pages do not exist for them.
A member whose role does not allow the action gets 403. The helpers only check: they return what
they checked and change nothing, neither the request nor the session.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.models import Membership, Role
from core.thai import thai_sort_key


def membership_for(user, office_slug: str) -> Membership | None:
    """The user's membership of the office, or None. All the user's memberships are read in the same
    query, because every office page also lists them in the office switcher: the one found carries
    them as `user_memberships`, in Thai order of the offices' short names (as the switcher shows
    them; a person belongs to a handful of offices, so they are sorted here, not in SQL)."""
    if not user.is_authenticated:
        return None
    memberships = sorted(
        user.memberships.select_related("office", "unit"), key=lambda m: thai_sort_key(m.office.short_name)
    )
    membership = next((m for m in memberships if m.office.slug == office_slug), None)
    if membership is not None:
        membership.user_memberships = memberships
    return membership


def get_membership_or_404(request: HttpRequest, office_slug: str, *, roles: Iterable[Role] | None = None) -> Membership:
    """The request user's membership of the office, checked against the allowed roles."""
    membership = membership_for(request.user, office_slug)
    if membership is None:
        raise Http404("No such office.")
    if roles is not None and membership.role not in set(roles):
        raise PermissionDenied("Your role in this office does not allow this.")
    return membership


def is_office_manager(user) -> bool:
    """Someone who runs the installation: creates offices and invites their first administrator."""
    return bool(user.is_authenticated and user.is_active and user.has_perm("accounts.manage_offices"))


def require_office_manager(request: HttpRequest):
    """The request user, if they run the installation; otherwise 403."""
    if not is_office_manager(request.user):
        raise PermissionDenied("Only the people who run this site manage offices.")
    return request.user
