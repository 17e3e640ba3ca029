"""Reads for the people pages that are more than one query of one model."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q, QuerySet

from accounts.models import AuditEvent, Invitation, Membership, Office, User
from core.thai import ThaiCollate


def offices_with_counts() -> QuerySet[Office]:
    """Every office, with its active members, its units and its open invitations counted."""
    return Office.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True),
        unit_count=Count("units", distinct=True),
        invitation_count=Count(
            "invitations",
            filter=Q(invitations__accepted_at=None, invitations__revoked_at=None),
            distinct=True,
        ),
    )


def office_members(office: Office) -> QuerySet[Membership]:
    """Everyone who is or was a member, the active first, by name."""
    return (
        Membership.all_objects.filter(office=office)
        .select_related("user", "unit")
        .order_by("-is_active", ThaiCollate("user__first_name"), ThaiCollate("user__last_name"), "user__username")
    )


def open_invitations(office: Office) -> QuerySet[Invitation]:
    return office.invitations.filter(accepted_at=None, revoked_at=None).select_related("unit", "invited_by")


def open_oit_items(membership: Membership) -> list:
    """The member's OIT items in this office that are not approved yet, to hand to someone else.

    Read through the reverse relation the OIT app declares on User (`oit_items`), so that
    accounts imports nothing of the apps above it.
    """
    try:
        relation = User._meta.get_field("oit_items")
    except FieldDoesNotExist:
        return []
    item_model = relation.related_model
    passed = getattr(item_model, "PASSED", ())
    return list(
        item_model.objects.filter(assignees=membership.user_id, assessment__office_id=membership.office_id)
        .exclude(status__in=passed)
        .select_related("assessment", "definition")
        .order_by("-assessment__fiscal_year", "definition__number")
    )


def office_events(office: Office, *, actor=None, action: str = "", start=None, end=None) -> QuerySet[AuditEvent]:
    """The office's audit events, newest first, filtered."""
    events = AuditEvent.objects.filter(office=office).select_related("actor")
    if actor is not None:
        events = events.filter(actor=actor)
    if action:
        events = events.filter(action=action)
    if start is not None:
        events = events.filter(created_at__date__gte=start)
    if end is not None:
        events = events.filter(created_at__date__lte=end)
    return events
