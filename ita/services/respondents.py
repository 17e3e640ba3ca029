"""IIT and EIT respondents: targets, confirmations and counts (the pace towards the target is
read in ita.selectors).

No survey answer is ever stored: an IIT confirmation records only that a person took part, and EIT
counts are numbers reported by the committee.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.services import audit_record
from core.uploads import check_upload
from ita.models import Assessment, EITCount, IITConfirmation, RespondentTarget


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_member(assessment: Assessment, membership: Membership) -> None:
    if assessment.office_id != membership.office_id:
        raise PermissionDenied("The assessment belongs to another office.")


@transaction.atomic
def target_update(
    *, target: RespondentTarget, membership: Membership, population: int | None, required_override: int | None
) -> RespondentTarget:
    """Set the population, and the number the national system gives when it gives one."""
    _require_member(target.assessment, membership)
    _require(membership.is_admin, _("Only the office's administrators set respondent targets."))
    target.population = population
    target.required_override = required_override
    target.save(update_fields=["population", "required_override", "updated_at"])
    audit_record(
        office=membership.office,
        actor=membership.user,
        action="respondents.target",
        summary=f"{target.rule.instrument.code}: population {population}, required {target.required}",
        obj=target,
    )
    return target


@transaction.atomic
def iit_confirm(
    *, assessment: Assessment, membership: Membership, user=None, screenshot: UploadedFile | None = None
) -> IITConfirmation:
    """Record that `user` (by default the member) answered the IIT. Once per person."""
    _require_member(assessment, membership)
    user = user or membership.user
    if user.pk != membership.user_id:
        _require(membership.can_review, _("Only the committee records a confirmation for someone else."))
        if not Membership.objects.filter(office_id=membership.office_id, user=user).exists():
            raise ValidationError(_("That person is not a member of the office."), code="member")
    confirmation = IITConfirmation(assessment=assessment, user=user, recorded_by=membership.user)
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
        raise ValidationError(_("%(name)s has already confirmed.") % {"name": user.display_name}, code="twice") from exc
    audit_record(
        office=assessment.office,
        actor=membership.user,
        action="respondents.iit_confirmed",
        summary=f"IIT confirmed for {user.display_name}",
        obj=confirmation,
    )
    return confirmation


@transaction.atomic
def eit_count_add(
    *,
    assessment: Assessment,
    membership: Membership,
    date: date,
    channel: str,
    count: int | None,
    respondents: str = "",
    note: str = "",
) -> EITCount:
    """Add EIT answers reported through a channel; a list of names, when given, sets the count."""
    _require_member(assessment, membership)
    _require(membership.can_review, _("Only the committee records EIT counts."))
    names = [line.strip() for line in respondents.splitlines() if line.strip()]
    if names:
        count = len(names)
    if not count or count < 1:
        raise ValidationError(_("Give the number of respondents, or their names."), code="count")
    entry = EITCount.objects.create(
        assessment=assessment,
        date=date,
        channel=channel,
        count=count,
        respondents="\n".join(names),
        note=note,
        recorded_by=membership.user,
    )
    audit_record(
        office=assessment.office,
        actor=membership.user,
        action="respondents.eit_counted",
        summary=f"EIT {count} via {channel} on {date}",
        obj=entry,
    )
    return entry


@transaction.atomic
def eit_count_remove(*, entry: EITCount, membership: Membership) -> None:
    """Take back a count entered by mistake; the activity log keeps what it was."""
    _require_member(entry.assessment, membership)
    _require(membership.can_review, _("Only the committee records EIT counts."))
    audit_record(
        office=entry.assessment.office,
        actor=membership.user,
        action="respondents.eit_removed",
        summary=f"Removed EIT {entry.count} via {entry.channel} on {entry.date}",
        obj=entry,
    )
    entry.delete()
