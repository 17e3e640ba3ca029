"""IIT and EIT respondents: targets, confirmations and counts (the pace towards the target is
read in ita.selectors).

No survey answer is ever stored: an IIT confirmation records only that a person took part, and EIT
counts are numbers reported by the committee.
"""

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from accounts.roster import staff_member_for_user
from accounts.services import audit_record
from core.thai import format_be_date
from core.versions import lock_versioned, save_version
from ita.models import Assessment, EITCount, IITConfirmation, Instrument, RespondentTarget
from ita.selectors import eit_instruments, survey_window
from ita.services.iit import record_confirmation

TOO_MANY = gettext_lazy(
    "One count can hold at most %(limit_value)s respondents: check the number, or split it by day or channel."
)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_member(assessment: Assessment, membership: Membership) -> None:
    if assessment.office_id != membership.office_id:
        raise PermissionDenied("The assessment belongs to another office.")


@transaction.atomic
def target_update(
    *,
    target: RespondentTarget,
    membership: Membership,
    population: int | None,
    required_override: int | None,
    expected_version: int | None = None,
) -> RespondentTarget:
    """Set the population, and the number the national system gives when it gives one.

    With `expected_version`, a target changed by someone else since the form was shown is refused
    (`StaleVersionError`) and nothing is saved."""
    _require_member(target.assessment, membership)
    _require(membership.is_admin, _("Only the office's administrators set respondent targets."))
    locked = lock_versioned(RespondentTarget, target.pk, expected_version)
    target.population = population
    target.required_override = required_override
    target.version = locked.version
    save_version(target, "population", "required_override")
    audit_record(
        office=membership.office,
        actor=membership.user,
        action="respondents.target",
        summary=_("%(instrument)s: population %(population)s, required %(required)s")
        % {"instrument": target.rule.instrument.code, "population": population, "required": target.required},
        obj=target,
    )
    return target


@transaction.atomic
def iit_confirm(
    *, assessment: Assessment, membership: Membership, user=None, screenshot: UploadedFile | None = None
) -> IITConfirmation:
    """Record that `user` (by default the member) answered the IIT, against their entry on the
    office's staff list (added, linked to the account, when they have none). Once per person."""
    _require_member(assessment, membership)
    user = user or membership.user
    if user.pk != membership.user_id:
        _require(membership.can_review, _("Only the committee records a confirmation for someone else."))
        if not Membership.objects.filter(office_id=membership.office_id, user=user).exists():
            raise ValidationError(_("That person is not a member of the office."), code="member")
    entry = staff_member_for_user(office=assessment.office, user=user)
    confirmation = record_confirmation(
        assessment=assessment,
        entry=entry,
        user=user,
        channel=IITConfirmation.Channel.SELF if user.pk == membership.user_id else IITConfirmation.Channel.ROSTER,
        recorded_by=membership.user,
        screenshot=screenshot,
    )
    audit_record(
        office=assessment.office,
        actor=membership.user,
        action="respondents.iit_confirmed",
        summary=_("IIT confirmed for %(name)s") % {"name": user.display_name},
        obj=confirmation,
    )
    return confirmation


def _eit_instrument(assessment: Assessment, instrument: Instrument | None) -> Instrument:
    choices = eit_instruments(assessment)
    if instrument is None and len(choices) == 1:
        return choices[0]
    if instrument is None:
        raise ValidationError(_("Choose which EIT survey the respondents answered."), code="instrument")
    if instrument not in choices:
        raise ValidationError(_("That survey is not an EIT survey of this year."), code="instrument")
    return instrument


def _check_eit_date(assessment: Assessment, membership: Membership, day: date, reason: str) -> None:
    """Refuse a day in the future, and a day outside the survey window unless an administrator gives a reason."""
    if day > timezone.localdate():
        raise ValidationError(_("A count cannot be dated in the future."), code="future")
    window = survey_window(assessment)
    if window is None or window[0] <= day <= window[1]:
        return
    if not reason:
        raise ValidationError(
            _(
                "%(day)s is outside the year's survey window (%(start)s – %(end)s). Check the date; "
                "an administrator may record it with a reason."
            )
            % {"day": format_be_date(day), "start": format_be_date(window[0]), "end": format_be_date(window[1])},
            code="outside_window",
        )
    _require(membership.is_admin, _("Only the office's administrators record a count outside the survey window."))


def _check_population(assessment: Assessment, instrument: Instrument, count: int) -> None:
    """Refuse, until the person says they checked, a count that takes the total above the population."""
    target = assessment.respondent_targets.filter(rule__instrument=instrument).first()
    if target is None or target.population is None:
        return
    total = (assessment.eit_counts.filter(instrument=instrument).aggregate(n=Sum("count"))["n"] or 0) + count
    if total > target.population:
        raise ValidationError(
            _(
                "With this count %(code)s reaches %(total)d respondents, more than its population of "
                "%(population)d. Check the numbers; if they are right, tick “Yes, I checked” and save again."
            )
            % {"code": instrument.code, "total": total, "population": target.population},
            code="over_population",
        )


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
    instrument: Instrument | None = None,
    token: uuid.UUID | None = None,
    over_population_checked: bool = False,
    outside_window_reason: str = "",
) -> EITCount:
    """Add EIT answers reported through a channel; a list of names, when given, sets the count.

    The same `token` (made when the form was shown) returns the entry it already made, so a form
    posted twice counts once. The count goes to one of the year's EIT instruments (the only one
    unless the year splits EIT), is bounded, is dated inside the survey window (an administrator
    may go outside it with a reason), and may take the total above the population only when the
    person says they checked."""
    _require_member(assessment, membership)
    _require(membership.can_review, _("Only the committee records EIT counts."))
    token = token or uuid.uuid4()
    existing = EITCount.objects.filter(assessment=assessment, token=token).first()
    if existing is not None:
        existing.repeated = True
        return existing
    names = [line.strip() for line in respondents.splitlines() if line.strip()]
    if names:
        count = len(names)
    if not count or count < 1:
        raise ValidationError(_("Give the number of respondents, or their names."), code="count")
    if count > EITCount.MAX_COUNT:
        raise ValidationError(TOO_MANY % {"limit_value": f"{EITCount.MAX_COUNT:,}"}, code="too_many")
    instrument = _eit_instrument(assessment, instrument)
    outside_window_reason = outside_window_reason.strip()
    _check_eit_date(assessment, membership, date, outside_window_reason)
    window = survey_window(assessment)
    if window is None or window[0] <= date <= window[1]:
        outside_window_reason = ""  # a reason is kept only where it explains something
    if not over_population_checked:
        _check_population(assessment, instrument, count)
    entry = EITCount(
        assessment=assessment,
        instrument=instrument,
        date=date,
        channel=channel,
        count=count,
        respondents="\n".join(names),
        note=note,
        outside_window_reason=outside_window_reason,
        token=token,
        recorded_by=membership.user,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # the same form posted twice at once: the other request made the entry
        existing = EITCount.objects.get(assessment=assessment, token=token)
        existing.repeated = True
        return existing
    values = {"instrument": instrument.code, "count": count, "channel": channel, "date": format_be_date(date)}
    summary = _("%(instrument)s %(count)s via %(channel)s on %(date)s") % values
    if outside_window_reason:
        summary += " · " + _("outside the survey window: %(reason)s") % {"reason": outside_window_reason}
    audit_record(
        office=assessment.office,
        actor=membership.user,
        action="respondents.eit_counted",
        summary=summary,
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
        summary=_("Removed EIT %(count)s via %(channel)s on %(date)s")
        % {"count": entry.count, "channel": entry.channel, "date": format_be_date(entry.date)},
        obj=entry,
    )
    entry.delete()
