"""IIT confirmations against the office's staff list (`accounts.StaffMember`), three ways:

- a member confirms in the app (`ita.services.respondents.iit_confirm`);
- the committee ticks the names of those who sent the screenshot of the survey's last page
  (`iit_roster_record`);
- anyone holding the assessment's public link picks their own name (`iit_link_confirm`): no
  login, while the survey window is open, throttled per client address.

Only that a person took part is recorded, never an answer; once per person and assessment. What
the staff list counts, the survey window and the link's lookup are read in `ita.selectors`.
"""

import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import throttle
from accounts.models import Membership, StaffMember
from accounts.services import audit_record
from core.uploads import check_upload
from ita.models import Assessment, IITConfirmation, IITLink
from ita.selectors import window_is_open

HOUR = 60 * 60


class Throttled(ValidationError):
    """Too many confirmations from one client address within the hour; nothing was recorded."""

    def __init__(self) -> None:
        super().__init__(_("Too many confirmations from this network. Wait an hour and try again."), code="throttled")


def record_confirmation(
    *,
    assessment: Assessment,
    entry: StaffMember,
    channel: str,
    recorded_by=None,
    user=None,
    screenshot: UploadedFile | None = None,
) -> IITConfirmation:
    """Store one confirmation; a second one for the same person is refused with their name."""
    confirmation = IITConfirmation(
        assessment=assessment,
        staff_member=entry,
        user=user if user is not None else entry.user,
        channel=channel,
        recorded_by=recorded_by,
    )
    if screenshot is not None:
        checked = check_upload(screenshot, images_only=True)
        confirmation.screenshot_extension = checked.extension
        confirmation.screenshot_type = checked.content_type
    try:
        with transaction.atomic():
            if screenshot is not None:
                confirmation.screenshot.save(screenshot.name, screenshot, save=False)
            confirmation.save()
    except IntegrityError as exc:
        if confirmation.screenshot:
            confirmation.screenshot.delete(save=False)
        raise ValidationError(_("%(name)s has already confirmed.") % {"name": entry.full_name}, code="twice") from exc
    return confirmation


def _require_reviewer(assessment: Assessment, membership: Membership) -> None:
    if assessment.office_id != membership.office_id:
        raise PermissionDenied("The assessment belongs to another office.")
    if not membership.can_review:
        raise PermissionDenied(_("Only the committee records a confirmation for someone else."))


@transaction.atomic
def iit_roster_record(
    *, assessment: Assessment, membership: Membership, staff_members: list[StaffMember]
) -> tuple[list[IITConfirmation], list[StaffMember]]:
    """Record the ticked names (from the screenshots the committee received). Returns the new
    confirmations and the names that had already confirmed, which are left as they are."""
    _require_reviewer(assessment, membership)
    if any(entry.office_id != assessment.office_id for entry in staff_members):
        raise ValidationError(_("That person is not on the office's staff list."), code="office")
    already = set(
        assessment.iit_confirmations.filter(staff_member__in=staff_members).values_list("staff_member_id", flat=True)
    )
    recorded = [
        record_confirmation(
            assessment=assessment, entry=entry, channel=IITConfirmation.Channel.ROSTER, recorded_by=membership.user
        )
        for entry in staff_members
        if entry.pk not in already
    ]
    if recorded:
        audit_record(
            office=assessment.office,
            actor=membership.user,
            action="respondents.iit_ticked",
            summary=_("IIT confirmed from the staff list for %(count)d: %(names)s")
            % {"count": len(recorded), "names": ", ".join(c.staff_member.full_name for c in recorded)},
            obj=assessment,
            data={"staff_members": [c.staff_member_id for c in recorded]},
        )
    return recorded, [entry for entry in staff_members if entry.pk in already]


def _require_admin(assessment: Assessment, membership: Membership) -> None:
    if assessment.office_id != membership.office_id:
        raise PermissionDenied("The assessment belongs to another office.")
    if not membership.is_admin:
        raise PermissionDenied(_("Only the office's administrators open or close the confirmation link."))


@transaction.atomic
def iit_link_rotate(*, assessment: Assessment, membership: Membership) -> IITLink:
    """Open the assessment's public link with a new token: the old link stops working."""
    _require_admin(assessment, membership)
    link = IITLink.objects.select_for_update().filter(assessment=assessment).first()
    if link is None:
        link = IITLink(assessment=assessment)
    replaced = link.pk is not None
    link.token = secrets.token_urlsafe(24)
    link.is_open = True
    link.changed_by = membership.user
    link.save()
    audit_record(
        office=assessment.office,
        actor=membership.user,
        action="respondents.iit_link_rotated" if replaced else "respondents.iit_link_opened",
        summary="New IIT confirmation link; the old one no longer works"
        if replaced
        else "IIT confirmation link opened",
        obj=link,
    )
    return link


@transaction.atomic
def iit_link_close(*, link: IITLink, membership: Membership) -> IITLink:
    """Close the public link; opening it again gives a new token."""
    _require_admin(link.assessment, membership)
    link = IITLink.objects.select_for_update().select_related("assessment__office").get(pk=link.pk)
    if not link.is_open:
        return link
    link.is_open = False
    link.changed_by = membership.user
    link.save(update_fields=["is_open", "changed_by", "updated_at"])
    audit_record(
        office=link.assessment.office,
        actor=membership.user,
        action="respondents.iit_link_closed",
        summary="IIT confirmation link closed",
        obj=link,
    )
    return link


@transaction.atomic
def iit_link_confirm(
    *,
    token: str,
    staff_member: StaffMember,
    client_address: str,
    screenshot: UploadedFile | None = None,
    today: date | None = None,
) -> IITConfirmation:
    """Someone without a login confirms for their own name through the public link."""
    if not throttle.allow("iit-link", client_address or "", limit=settings.IIT_LINK_POSTS_PER_HOUR, seconds=HOUR):
        raise Throttled()
    link = IITLink.objects.select_for_update().filter(token=token, is_open=True).first()
    if link is None:
        raise ValidationError(_("This link is closed or was replaced. Ask the office for the new one."), code="closed")
    assessment = Assessment.objects.select_related("office", "framework").get(pk=link.assessment_id)
    if not window_is_open(assessment, today):
        raise ValidationError(_("The IIT survey window is closed."), code="window")
    # As the list stands now, not as the form saw it.
    staff_member = StaffMember.objects.filter(
        pk=staff_member.pk, office_id=assessment.office_id, is_active=True
    ).first()
    if staff_member is None:
        raise ValidationError(_("That person is not on the office's staff list."), code="office")
    confirmation = record_confirmation(
        assessment=assessment, entry=staff_member, channel=IITConfirmation.Channel.LINK, screenshot=screenshot
    )
    audit_record(
        office=assessment.office,
        actor=None,
        action="respondents.iit_confirmed",
        summary=_("IIT confirmed through the public link for %(name)s") % {"name": staff_member.full_name},
        obj=confirmation,
    )
    return confirmation
