"""The office's staff list (the roster): everyone who works there, with or without an account.

It gives the IIT population and the names that confirm taking part. The office's administrators
add, edit, deactivate and import people; members with accounts are on it too, linked to their
account. Each write checks the role and records its audit event in one transaction, like
`accounts.services`.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership, Office, StaffMember, Unit, User
from accounts.services import _require_admin, audit_record
from accounts.sheets import StaffRow
from core.versions import lock_versioned, save_version

FIELDS = ("honorific", "first_name", "last_name", "position", "unit")


def _name_key(first_name: str, last_name: str) -> tuple[str, str]:
    return (" ".join(first_name.split()).casefold(), " ".join(last_name.split()).casefold())


def _check_unit(office: Office, unit: Unit | None) -> None:
    if unit is not None and unit.office_id != office.pk:
        raise ValidationError({"unit": _("The unit must belong to the same office.")})


def _refuse_a_second_entry(office: Office, first_name: str, last_name: str, exclude: int | None = None) -> None:
    others = StaffMember.objects.filter(office=office).exclude(pk=exclude)
    key = _name_key(first_name, last_name)
    if any(_name_key(f, last) == key for f, last in others.values_list("first_name", "last_name")):
        raise ValidationError(
            _("%(name)s is already on the staff list.") % {"name": f"{first_name} {last_name}".strip()}, code="twice"
        )


@transaction.atomic
def staff_member_create(
    *,
    office: Office,
    membership: Membership,
    first_name: str,
    last_name: str = "",
    honorific: str = "",
    position: str = "",
    unit: Unit | None = None,
) -> StaffMember:
    """Add a person to the staff list, without an account."""
    _require_admin(membership, office)
    _check_unit(office, unit)
    _refuse_a_second_entry(office, first_name, last_name)
    entry = StaffMember(
        office=office, honorific=honorific, first_name=first_name, last_name=last_name, position=position, unit=unit
    )
    entry.full_clean()
    entry.save()
    audit_record(
        office=office,
        actor=membership.user,
        action="roster.add",
        summary=_("Added to the staff list: %(name)s") % {"name": entry.full_name},
        obj=entry,
    )
    return entry


def _lock(entry: StaffMember, membership: Membership, expected_version: int | None) -> StaffMember:
    _require_admin(membership, entry.office)
    return lock_versioned(StaffMember, entry.pk, expected_version, related=["office"])


@transaction.atomic
def staff_member_update(
    *, staff_member: StaffMember, membership: Membership, expected_version: int | None = None, **values
) -> StaffMember:
    """Correct a person's name, position or unit; a stale form changes nothing."""
    entry = _lock(staff_member, membership, expected_version)
    values = {name: values[name] for name in FIELDS if name in values}
    _check_unit(entry.office, values.get("unit"))
    changed = [name for name, value in values.items() if getattr(entry, name) != value]
    if not changed:
        return entry
    before = {name: str(getattr(entry, name) or "") for name in changed}
    if {"first_name", "last_name"} & set(changed):
        _refuse_a_second_entry(
            entry.office, values.get("first_name", entry.first_name), values.get("last_name", entry.last_name), entry.pk
        )
    for name in changed:
        setattr(entry, name, values[name])
    entry.full_clean()
    save_version(entry, *changed)
    audit_record(
        office=entry.office,
        actor=membership.user,
        action="roster.update",
        summary=_("Staff list entry changed: %(name)s") % {"name": entry.full_name},
        obj=entry,
        data={"before": before, "after": {name: str(getattr(entry, name) or "") for name in changed}},
    )
    return entry


@transaction.atomic
def staff_member_deactivate(
    *, staff_member: StaffMember, membership: Membership, expected_version: int | None = None
) -> StaffMember:
    """The person left: off the population, their confirmations kept."""
    summary = _("Taken off the staff list: %(name)s")
    return _set_active(staff_member, membership, expected_version, False, "roster.deactivate", summary)


@transaction.atomic
def staff_member_reactivate(
    *, staff_member: StaffMember, membership: Membership, expected_version: int | None = None
) -> StaffMember:
    summary = _("Back on the staff list: %(name)s")
    return _set_active(staff_member, membership, expected_version, True, "roster.reactivate", summary)


def _set_active(staff_member, membership, expected_version, active: bool, action: str, summary: str) -> StaffMember:
    entry = _lock(staff_member, membership, expected_version)
    if entry.is_active == active:
        return entry
    entry.is_active = active
    save_version(entry, "is_active")
    summary = summary % {"name": entry.full_name}
    audit_record(office=entry.office, actor=membership.user, action=action, summary=summary, obj=entry)
    return entry


def staff_member_for_user(*, office: Office, user: User, unit: Unit | None = None) -> StaffMember:
    """The user's entry on the office's staff list, linking or adding one when there is none.

    An entry without an account and with the same name (imported from the staff sheet) is taken
    over. Called inside the audited service that needs it (joining the office, confirming)."""
    entry = StaffMember.objects.filter(office=office, user=user).first()
    if entry is not None:
        return entry
    key = _name_key(user.first_name, user.last_name)
    entry = next(
        (
            candidate
            for candidate in StaffMember.objects.filter(office=office, user=None).select_for_update()
            if user.first_name and _name_key(candidate.first_name, candidate.last_name) == key
        ),
        None,
    )
    if entry is not None:
        entry.user = user
        save_version(entry, "user")
        return entry
    return StaffMember.objects.create(
        office=office,
        user=user,
        honorific=user.honorific,
        first_name=user.first_name or user.username[:150],
        last_name=user.last_name,
        position=user.position,
        unit=unit,
    )


@dataclass
class RosterImport:
    added: list[StaffMember]
    known: int  # already on the list


def roster_import(*, office: Office, membership: Membership, rows: list[StaffRow]) -> RosterImport:
    """Put everyone of a checked staff sheet on the staff list; the caller's transaction and audit
    event (`members_import`) cover it. Someone already on it (same name) is left as they are."""
    _require_admin(membership, office)
    members = {
        member.user.email.lower(): member
        for member in Membership.objects.filter(office=office).select_related("user", "unit")
        if member.user.email
    }
    known = {
        _name_key(f, last)
        for f, last in StaffMember.objects.filter(office=office).values_list("first_name", "last_name")
    }
    result = RosterImport(added=[], known=0)
    for row in rows:
        member = members.get(row.email.lower()) if row.email else None
        if member is not None:  # a member: their own entry, linked to the account
            staff_member_for_user(office=office, user=member.user, unit=member.unit)
            result.known += 1
            continue
        key = _name_key(row.first_name, row.last_name)
        if key in known:
            result.known += 1
            continue
        known.add(key)
        result.added.append(
            StaffMember.objects.create(
                office=office,
                honorific=row.honorific,
                first_name=row.first_name,
                last_name=row.last_name,
                position=row.position,
                unit=row.unit,
            )
        )
    return result
