"""IIT and EIT respondents: targets, confirmations, counts and the pace towards the target.

No survey answer is ever stored: an IIT confirmation records only that a person took part, and EIT
counts are numbers reported by the committee.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.roster import staff_member_for_user
from accounts.services import audit_record
from ita import iit
from ita.models import Assessment, EITCount, IITConfirmation, Instrument, RespondentTarget

WINDOW_MILESTONE = "perception"


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
    """Record that `user` (by default the member) answered the IIT, against their entry on the
    office's staff list (added, linked to the account, when they have none). Once per person."""
    _require_member(assessment, membership)
    user = user or membership.user
    if user.pk != membership.user_id:
        _require(membership.can_review, _("Only the committee records a confirmation for someone else."))
        if not Membership.objects.filter(office_id=membership.office_id, user=user).exists():
            raise ValidationError(_("That person is not a member of the office."), code="member")
    entry = staff_member_for_user(office=assessment.office, user=user)
    confirmation = iit.record_confirmation(
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


def eit_counts_with_running_total(assessment: Assessment) -> list[EITCount]:
    """The assessment's EIT counts, oldest first, each with `running_total` so far."""
    total, entries = 0, []
    for entry in assessment.eit_counts.select_related("recorded_by").order_by("date", "id"):
        total += entry.count
        entry.running_total = total
        entries.append(entry)
    return entries


@dataclass
class Progress:
    """One instrument's respondents against its target, and whether the pace will reach it."""

    code: str
    target: RespondentTarget
    done: int
    start: date | None
    today: date
    roster: "iit.RosterCount | None" = None  # IIT: the office's staff list

    @property
    def population(self) -> int | None:
        """The population the admin gave, else (IIT) the active entries of the staff list."""
        if self.population_from_roster:
            return self.roster.active
        return self.target.population

    @property
    def population_from_roster(self) -> bool:
        # An empty list gives no population: "0 of 0" would read as the target reached.
        return self.roster is not None and self.roster.active > 0 and self.target.population is None

    @property
    def required(self) -> int | None:
        if self.population_from_roster and self.target.required_override is None:
            return self.target.rule.required_for(self.population)
        return self.target.required

    @property
    def deadline(self) -> date | None:
        return self.target.deadline

    @property
    def percent(self) -> float:
        if not self.required:
            return 0.0
        return min(100.0, 100 * self.done / self.required)

    @property
    def reached(self) -> bool:
        return self.required is not None and self.done >= self.required

    @property
    def days_left(self) -> int | None:
        """Days until the deadline, counting today; 0 once it has passed."""
        if self.deadline is None:
            return None
        return max(0, (self.deadline - self.today).days + 1)

    @property
    def projected(self) -> int | None:
        """Respondents by the deadline if the pace so far goes on."""
        if self.start is None or self.deadline is None or self.today < self.start:
            return None
        elapsed = (min(self.today, self.deadline) - self.start).days + 1
        return round(self.done + self.done / elapsed * self.days_left)

    @property
    def state(self) -> str:
        """reached, missed, behind (the pace will not reach the target), on_track, not_started or unknown."""
        if self.required is None:
            return "unknown"
        if self.reached:
            return "reached"
        if self.deadline is not None and self.today > self.deadline:
            return "missed"
        if self.start is not None and self.today < self.start:
            return "not_started"
        if self.projected is not None and self.projected < self.required:
            return "behind"
        return "on_track"


def respondent_progress(assessment: Assessment, today: date | None = None) -> list[Progress]:
    """IIT and EIT progress of the assessment, in a few queries."""
    today = today or timezone.localdate()
    roster = iit.roster_count(assessment)
    window = assessment.framework.milestones.filter(code=WINDOW_MILESTONE).first()
    done = {
        Instrument.Code.IIT: assessment.iit_confirmations.count(),
        Instrument.Code.EIT: assessment.eit_counts.aggregate(n=Sum("count"))["n"] or 0,
    }
    return [
        Progress(
            code=target.rule.instrument.code,
            target=target,
            done=done.get(target.rule.instrument.code, 0),
            start=window.start if window else None,
            today=today,
            roster=roster if target.rule.instrument.code == Instrument.Code.IIT else None,
        )
        for target in assessment.respondent_targets.select_related("rule__instrument")
    ]
