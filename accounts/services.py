"""Writes about offices and people. Each checks who asks, writes, and records its audit event in
one transaction; e-mail leaves after commit through `accounts.tasks`.

Who may do what:
- the people who run the installation (superusers, or the site-wide permission
  `accounts.manage_offices`) create and edit offices and invite an office's first administrator;
- an office's administrators manage its units and members, and may also invite;
- everyone edits their own profile.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts import throttle
from accounts.history import describe, related_counts, relation_label, reverse_relations
from accounts.models import AuditEvent, Invitation, Membership, Office, Role, Unit
from accounts.permissions import is_office_manager
from accounts.sheets import StaffRow
from core.versions import check_version, lock_versioned, save_version

User = get_user_model()


def audit_record(
    *,
    office: Office | None,
    actor,
    action: str,
    summary: str,
    obj: models.Model | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one event to the office's activity log."""
    return AuditEvent.objects.create(
        office=office,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:500],
        data=data or {},
    )


def _require_admin(membership: Membership, office: Office) -> None:
    if not (membership.is_active and membership.is_admin and membership.office_id == office.pk):
        raise PermissionDenied(_("Only the office's administrators manage its people and units."))


def _require_office_manager(user) -> None:
    if not is_office_manager(user):
        raise PermissionDenied(_("Only the people who run this site manage offices."))


def _may_manage_people(user, office: Office) -> bool:
    """An active administrator of the office, or someone who runs the site."""
    if is_office_manager(user):
        return True
    return Membership.objects.filter(user=user, office=office, role=Role.ADMIN).exists()


# --- offices --------------------------------------------------------------------------------

DOCUMENT_FIELDS = (
    "pdf_thai_digits",
    "affiliation",
    "ministry",
    "director_honorific",
    "director_name",
    "director_position",
)
OFFICE_FIELDS = (
    "name",
    "short_name",
    "website",
    "affiliation",
    "ministry",
    "director_honorific",
    "director_name",
    "director_position",
)


def _changed(obj: models.Model, fields: Iterable[str], values: dict) -> list[str]:
    return [name for name in fields if name in values and getattr(obj, name) != values[name]]


def _labels(model: type[models.Model], names: Iterable[str]) -> str:
    return ", ".join(str(model._meta.get_field(name).verbose_name) for name in names)


@transaction.atomic
def office_documents_update(*, office: Office, membership: Membership, **values) -> Office:
    """How the office's documents are written and signed: digits, affiliation, the director."""
    if not membership.is_admin or membership.office_id != office.pk:
        raise PermissionDenied(_("Only the office's administrators change its documents."))
    changed = _changed(office, DOCUMENT_FIELDS, values)
    for name in changed:
        setattr(office, name, values[name])
    if changed:
        office.save(update_fields=[*changed, "updated_at"])
        audit_record(
            office=office,
            actor=membership.user,
            action="office.report_settings",
            summary=_("Document settings: %(fields)s") % {"fields": _labels(Office, changed)},
            obj=office,
            data={name: values[name] for name in changed},
        )
    return office


@transaction.atomic
def office_create(*, user, slug: str, **values) -> Office:
    """A new office, by someone who runs the site. Its slug is its public address from now on."""
    _require_office_manager(user)
    office = Office(slug=slug, **{name: values[name] for name in OFFICE_FIELDS if name in values})
    office.full_clean()
    office.save()
    audit_record(
        office=office,
        actor=user,
        action="office.create",
        summary=_("Office created: %(office)s") % {"office": office.name},
        obj=office,
        data={"slug": slug, **{name: str(getattr(office, name)) for name in OFFICE_FIELDS}},
    )
    return office


@transaction.atomic
def office_update(*, office: Office, user, **values) -> Office:
    """Names, website, affiliation and director. The slug stays: published links use it."""
    _require_office_manager(user)
    office = Office.objects.select_for_update().get(pk=office.pk)
    changed = _changed(office, OFFICE_FIELDS, values)
    for name in changed:
        setattr(office, name, values[name])
    if changed:
        office.full_clean()
        office.save(update_fields=[*changed, "updated_at"])
        audit_record(
            office=office,
            actor=user,
            action="office.update",
            summary=_("Office details: %(fields)s") % {"fields": _labels(Office, changed)},
            obj=office,
            data={name: str(values[name]) for name in changed},
        )
    return office


# --- invitations ----------------------------------------------------------------------------

INVITATION_SALT = "accounts.invitation"


class InvitationError(Exception):
    """An invitation link that cannot be used, and why: invalid, expired, replaced, revoked or accepted."""

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def invitation_token(invitation: Invitation) -> str:
    """The signed, timestamped value in the invitation's link."""
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(f"{invitation.pk}.{invitation.nonce}")


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a link stands for, or InvitationError saying why it cannot be used."""
    signer = signing.TimestampSigner(salt=INVITATION_SALT)
    try:
        value = signer.unsign(token, max_age=settings.INVITATION_MAX_AGE_DAYS * 24 * 60 * 60)
    except signing.SignatureExpired:
        invitation = _invitation_of(signer.unsign(token))
        raise InvitationError("expired", invitation) from None
    except signing.BadSignature:
        raise InvitationError("invalid") from None
    invitation = _invitation_of(value)
    if invitation is None:
        raise InvitationError("invalid")
    if invitation.accepted_at:
        raise InvitationError("accepted", invitation)
    if invitation.revoked_at:
        raise InvitationError("revoked", invitation)
    if not secrets.compare_digest(value, f"{invitation.pk}.{invitation.nonce}"):
        raise InvitationError("replaced", invitation)  # sent again since: only the latest link works
    return invitation


def _invitation_of(value: str) -> Invitation | None:
    pk = value.partition(".")[0]
    if not pk.isdigit():
        return None
    return Invitation.objects.select_related("office", "unit").filter(pk=int(pk)).first()


def _send_invitation(invitation: Invitation, base_url: str) -> None:
    """A new link (the earlier ones stop working) and the e-mail, after commit."""
    from accounts.tasks import send_invitation  # tasks import services

    invitation.nonce = secrets.token_hex(16)
    invitation.sent_at = timezone.now()
    invitation.send_count += 1
    invitation.save(update_fields=["nonce", "sent_at", "send_count", "updated_at"])
    transaction.on_commit(lambda: send_invitation.delay(invitation.pk, base_url), robust=True)


@transaction.atomic
def invitation_create(
    *,
    office: Office,
    user,
    email: str,
    role: str,
    base_url: str,
    unit: Unit | None = None,
    honorific: str = "",
    first_name: str = "",
    last_name: str = "",
    position: str = "",
) -> Invitation:
    """Invite someone by e-mail to join the office with a role (and a unit)."""
    if not _may_manage_people(user, office):
        raise PermissionDenied(_("Only the office's administrators invite people."))
    _check_invitable(office, email, unit)
    invitation = Invitation.objects.create(
        office=office,
        email=email.strip(),
        role=role,
        unit=unit,
        honorific=honorific,
        first_name=first_name,
        last_name=last_name,
        position=position,
        invited_by=user,
    )
    _send_invitation(invitation, base_url)
    audit_record(
        office=office,
        actor=user,
        action="invitation.send",
        summary=_("Invited %(email)s as %(role)s") % {"email": invitation.email, "role": invitation.get_role_display()},
        obj=invitation,
        data={"email": invitation.email, "role": role, "unit": unit.pk if unit else None},
    )
    return invitation


def _check_invitable(office: Office, email: str, unit: Unit | None) -> None:
    if unit is not None and unit.office_id != office.pk:
        raise ValidationError({"unit": _("The unit must belong to the same office.")})
    if Membership.objects.filter(office=office, user__email__iexact=email.strip()).exists():
        raise ValidationError({"email": _("Someone with this e-mail address is already a member of the office.")})
    if office.invitations.filter(email__iexact=email.strip(), accepted_at=None, revoked_at=None).exists():
        raise ValidationError(
            {"email": _("This address has already been invited; send the invitation again from the members page.")}
        )


def _lock_open_invitation(invitation: Invitation, user) -> Invitation:
    locked = Invitation.objects.select_for_update(of=("self",)).select_related("office").get(pk=invitation.pk)
    if not _may_manage_people(user, locked.office):
        raise PermissionDenied(_("Only the office's administrators invite people."))
    if not locked.is_open:
        raise ValidationError(_("This invitation was already accepted or revoked."))
    return locked


@transaction.atomic
def invitation_resend(*, invitation: Invitation, user, base_url: str) -> Invitation:
    """Send the invitation again with a new link; the earlier links stop working."""
    invitation = _lock_open_invitation(invitation, user)
    _send_invitation(invitation, base_url)
    audit_record(
        office=invitation.office,
        actor=user,
        action="invitation.resend",
        summary=_("Invitation sent again to %(email)s") % {"email": invitation.email},
        obj=invitation,
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, user) -> Invitation:
    """End the invitation: its link no longer works."""
    invitation = _lock_open_invitation(invitation, user)
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = user
    invitation.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit_record(
        office=invitation.office,
        actor=user,
        action="invitation.revoke",
        summary=_("Invitation to %(email)s revoked") % {"email": invitation.email},
        obj=invitation,
    )
    return invitation


def invitation_account(invitation: Invitation):
    """The existing account with the invitation's address (the newest one), or None."""
    return User.objects.filter(email__iexact=invitation.email).order_by("-is_active", "-last_login", "-pk").first()


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user=None,
    username: str = "",
    password: str = "",
    honorific: str = "",
    first_name: str = "",
    last_name: str = "",
    position: str = "",
) -> Membership:
    """Join the office: with the signed-in account that has the invited address, or with a new
    account (or a deactivated one with that address, given a new password)."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("office", "unit").get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise ValidationError(_("This invitation was already accepted or revoked."))
    if user is not None:
        if (user.email or "").lower() != invitation.email.lower():
            raise PermissionDenied(_("This invitation is for another e-mail address."))
    else:
        user = invitation_account(invitation)
        if user is not None and user.is_active:
            raise PermissionDenied(_("An account with this address exists: log in to accept the invitation."))
        if user is None:
            user = User(username=username, email=invitation.email)
        for name, value in (
            ("honorific", honorific),
            ("first_name", first_name),
            ("last_name", last_name),
            ("position", position),
        ):
            setattr(user, name, value)
        user.is_active = True
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
    membership = (
        Membership.all_objects.select_for_update(of=("self",)).filter(user=user, office=invitation.office).first()
    )
    if membership is None:
        membership = Membership.objects.create(
            user=user, office=invitation.office, role=invitation.role, unit=invitation.unit
        )
    else:  # someone who left comes back, with the role and unit of the invitation
        membership.role, membership.unit, membership.is_active = invitation.role, invitation.unit, True
        membership.deactivated_at = membership.deactivated_by = None
        save_version(membership, "role", "unit", "is_active", "deactivated_at", "deactivated_by")
    _on_the_roster(membership)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit_record(
        office=invitation.office,
        actor=user,
        action="invitation.accept",
        summary=_("%(name)s joined the office as %(role)s")
        % {"name": user.display_name, "role": membership.get_role_display()},
        obj=membership,
        data={"invitation": invitation.pk},
    )
    return membership


# --- members --------------------------------------------------------------------------------


def _on_the_roster(member: Membership, *, active: bool = True) -> None:
    """A member is on the office's staff list, linked to their account: active while they are."""
    from accounts.roster import staff_member_for_user  # roster uses this module's helpers

    entry = staff_member_for_user(office=member.office, user=member.user, unit=member.unit)
    if entry.is_active != active:
        entry.is_active = active
        save_version(entry, "is_active")


def _lock_member(target: Membership, membership: Membership, expected_version: int | None) -> Membership:
    _require_admin(membership, target.office)
    # Not `lock_versioned`: it reads through `objects`, which hides the members who left.
    locked = (
        Membership.all_objects.select_for_update(of=("self",))
        .select_related("user", "office", "unit")
        .get(pk=target.pk)
    )
    check_version(locked.version, expected_version)
    return locked


def _refuse_removing_the_last_admin(target: Membership) -> None:
    others = Membership.objects.filter(office_id=target.office_id, role=Role.ADMIN).exclude(pk=target.pk)
    if target.role == Role.ADMIN and target.is_active and not others.exists():
        raise ValidationError(_("The office needs at least one administrator: make someone else one first."))


@transaction.atomic
def member_update(
    *, target: Membership, membership: Membership, role: str, unit: Unit | None, expected_version: int | None = None
) -> Membership:
    """Change a member's role or unit."""
    target = _lock_member(target, membership, expected_version)
    if unit is not None and unit.office_id != target.office_id:
        raise ValidationError({"unit": _("The unit must belong to the same office.")})
    if role != Role.ADMIN:
        _refuse_removing_the_last_admin(target)
    before = {"role": target.role, "unit": target.unit_id}
    after = {"role": role, "unit": unit.pk if unit else None}
    if before == after:
        return target
    old_role, old_unit = target.get_role_display(), target.unit
    target.role, target.unit = role, unit
    save_version(target, "role", "unit")
    audit_record(
        office=target.office,
        actor=membership.user,
        action="member.update",
        summary=_("%(name)s: %(old_role)s, %(old_unit)s → %(role)s, %(unit)s")
        % {
            "name": target.user.display_name,
            "old_role": old_role,
            "old_unit": old_unit or "-",
            "role": target.get_role_display(),
            "unit": unit or "-",
        },
        obj=target,
        data={"before": before, "after": after, "user": target.user_id},
    )
    return target


@transaction.atomic
def member_deactivate(*, target: Membership, membership: Membership, expected_version: int | None = None) -> Membership:
    """The member leaves the office. Nothing of theirs is deleted: their confirmations, items,
    events and assignments stay. Someone with no other office can no longer sign in."""
    target = _lock_member(target, membership, expected_version)
    if not target.is_active:
        return target
    if target.user_id == membership.user_id:
        raise ValidationError(_("You cannot deactivate yourself; ask another administrator."))
    _refuse_removing_the_last_admin(target)
    target.is_active = False
    target.deactivated_at = timezone.now()
    target.deactivated_by = membership.user
    save_version(target, "is_active", "deactivated_at", "deactivated_by")
    _on_the_roster(target, active=False)
    user = target.user
    signs_in_elsewhere = Membership.objects.filter(user=user).exists() or user.is_staff or is_office_manager(user)
    if not signs_in_elsewhere and user.is_active:
        user.is_active = False  # also ends their sessions: the auth backend refuses inactive users
        user.save(update_fields=["is_active"])
    audit_record(
        office=target.office,
        actor=membership.user,
        action="member.deactivate",
        summary=_("%(name)s deactivated") % {"name": user.display_name},
        obj=target,
        data={"user": user.pk, "account_closed": not user.is_active},
    )
    return target


@transaction.atomic
def member_reactivate(*, target: Membership, membership: Membership) -> Membership:
    """Someone who left comes back with the role and unit they had."""
    target = _lock_member(target, membership, None)
    if target.is_active:
        return target
    target.is_active = True
    target.deactivated_at = target.deactivated_by = None
    save_version(target, "is_active", "deactivated_at", "deactivated_by")
    _on_the_roster(target)
    user = target.user
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    audit_record(
        office=target.office,
        actor=membership.user,
        action="member.reactivate",
        summary=_("%(name)s reactivated") % {"name": user.display_name},
        obj=target,
        data={"user": user.pk},
    )
    return target


@transaction.atomic
def member_password_reset_send(*, target: Membership, membership: Membership, base_url: str) -> None:
    """E-mail the member a link to set a new password (the same link as "forgot password")."""
    from accounts.tasks import send_password_reset  # tasks import services

    target = _lock_member(target, membership, None)
    user = target.user
    if not (target.is_active and user.is_active):
        raise ValidationError(_("This member is deactivated."))
    if not user.email:
        raise ValidationError(_("This member has no e-mail address."))
    transaction.on_commit(lambda: send_password_reset.delay(user.pk, base_url, target.office_id), robust=True)
    audit_record(
        office=target.office,
        actor=membership.user,
        action="member.password_reset",
        summary=_("Password reset link sent to %(name)s") % {"name": user.display_name},
        obj=target,
        data={"user": user.pk},
    )


@dataclass
class ImportResult:
    invited: list[Invitation]
    skipped: list[tuple[int, str]]  # (row, e-mail) already members or already invited
    listed: int = 0  # people added to the staff list


@transaction.atomic
def members_import(*, office: Office, membership: Membership, rows: list[StaffRow], base_url: str) -> ImportResult:
    """Put everyone of a checked staff sheet on the staff list, and invite those with an e-mail
    address at once; those already members or invited are not invited again. One transaction: the
    sheet goes in whole or not at all."""
    from accounts.roster import roster_import  # roster uses this module's helpers

    _require_admin(membership, office)
    listed = roster_import(office=office, membership=membership, rows=rows)
    members = {
        email.lower()
        for email in Membership.objects.filter(office=office).values_list("user__email", flat=True)
        if email
    }
    invited = {
        email.lower()
        for email in office.invitations.filter(accepted_at=None, revoked_at=None).values_list("email", flat=True)
    }
    result = ImportResult(invited=[], skipped=[], listed=len(listed.added))
    for row in rows:
        if not row.email:
            continue  # on the staff list only, without an account
        if row.email.lower() in members | invited:
            result.skipped.append((row.row, row.email))
            continue
        invitation = Invitation.objects.create(
            office=office,
            email=row.email,
            role=row.role,
            unit=row.unit,
            honorific=row.honorific,
            first_name=row.first_name,
            last_name=row.last_name,
            position=row.position,
            invited_by=membership.user,
        )
        _send_invitation(invitation, base_url)
        invited.add(row.email.lower())
        result.invited.append(invitation)
    audit_record(
        office=office,
        actor=membership.user,
        action="member.import",
        summary=_(
            "Staff sheet: %(listed)d added to the staff list, %(invited)d invited, "
            "%(skipped)d already members or invited"
        )
        % {"listed": result.listed, "invited": len(result.invited), "skipped": len(result.skipped)},
        data={
            "listed": [entry.pk for entry in listed.added],
            "invited": [i.email for i in result.invited],
            "skipped": [email for _row, email in result.skipped],
        },
    )
    return result


# --- units ----------------------------------------------------------------------------------


@transaction.atomic
def unit_create(*, office: Office, membership: Membership, name: str, short_name: str = "") -> Unit:
    _require_admin(membership, office)
    unit = Unit(office=office, name=name, short_name=short_name)
    unit.full_clean()
    unit.save()
    audit_record(
        office=office,
        actor=membership.user,
        action="unit.create",
        summary=_("Unit created: %(unit)s") % {"unit": unit.name},
        obj=unit,
    )
    return unit


def _lock_unit(unit: Unit, membership: Membership, expected_version: int | None = None) -> Unit:
    _require_admin(membership, unit.office)
    return lock_versioned(Unit, unit.pk, expected_version, related=["office"])


@transaction.atomic
def unit_update(
    *, unit: Unit, membership: Membership, name: str, short_name: str, expected_version: int | None = None
) -> Unit:
    """Rename a unit; everything assigned to it follows, as it points at the unit, not its name."""
    unit = _lock_unit(unit, membership, expected_version)
    before = {"name": unit.name, "short_name": unit.short_name}
    if before == {"name": name, "short_name": short_name}:
        return unit
    unit.name, unit.short_name = name, short_name
    unit.full_clean()
    save_version(unit, "name", "short_name")
    audit_record(
        office=unit.office,
        actor=membership.user,
        action="unit.rename",
        summary=_("Unit renamed: %(old)s → %(new)s") % {"old": before["name"], "new": name},
        obj=unit,
        data={"before": before, "after": {"name": name, "short_name": short_name}},
    )
    return unit


def unit_usage(unit: Unit) -> dict[str, int]:
    """{what: how many} of everything that points at the unit: people, items, activities…"""
    return related_counts(unit)


@transaction.atomic
def unit_merge(*, unit: Unit, into: Unit, membership: Membership) -> dict[str, int]:
    """Move everything that points at `unit` to `into`, then remove `unit`.

    Every relation to Unit is found from the models (`accounts.history`), so the OIT items, plan
    activities, members and invitations move, and so would what a later app adds. A row that
    cannot move (a one-to-one, or a uniqueness the target already holds) stops the merge whole.
    """
    unit = _lock_unit(unit, membership)
    into = _lock_unit(into, membership)
    if into.pk == unit.pk:
        raise ValidationError(_("Choose another unit to merge into."))
    if into.office_id != unit.office_id:
        raise ValidationError(_("The unit must belong to the same office."))
    moved: dict[str, int] = {}
    try:
        with transaction.atomic():  # a savepoint, so that a refused move leaves the request usable
            for relation in reverse_relations(Unit):
                count = _move(relation, unit, into)
                if count:
                    label = relation_label(relation)
                    moved[label] = moved.get(label, 0) + count
            name = unit.name
            unit.delete()
    except IntegrityError as exc:
        raise ValidationError(
            _("The units cannot be merged: %(unit)s holds something that %(into)s already has.")
            % {"unit": unit.name, "into": into.name}
        ) from exc
    audit_record(
        office=into.office,
        actor=membership.user,
        action="unit.merge",
        summary=_("Unit %(unit)s merged into %(into)s (%(moved)s)")
        % {"unit": name, "into": into.name, "moved": describe(moved) or "-"},
        obj=into,
        data={"unit": name, "unit_id": unit.pk, "moved": moved},
    )
    return moved


def _move(relation, unit: Unit, into: Unit) -> int:
    """Point the rows of one relation at `into`. In a many-to-many table a row whose other end is
    already linked to `into` is a duplicate of one that stays, so it goes instead of moving."""
    model, field = relation.related_model, relation.field.name
    rows = model._base_manager.filter(**{field: unit})
    if model._meta.auto_created:
        other = next(
            f.name for f in model._meta.concrete_fields if f.is_relation and f.name != field and f.related_model
        )
        linked = model._base_manager.filter(**{field: into}).values(other)
        duplicates = rows.filter(**{f"{other}__in": linked})
        duplicates.delete()  # only rows of a many-to-many table, which hold nothing but the link
    return rows.update(**{field: into})


@transaction.atomic
def unit_delete(*, unit: Unit, membership: Membership) -> None:
    """Remove a unit that nothing points at; one that is used can only be merged."""
    unit = _lock_unit(unit, membership)
    usage = unit_usage(unit)
    if usage:
        raise ValidationError(
            _("%(unit)s is still used (%(usage)s): merge it into another unit instead.")
            % {"unit": unit.name, "usage": describe(usage)}
        )
    name, pk = unit.name, unit.pk
    audit_record(
        office=unit.office,
        actor=membership.user,
        action="unit.delete",
        summary=_("Unit removed: %(unit)s") % {"unit": name},
        data={"unit": name, "unit_id": pk},
    )
    unit.delete()


# --- one's own account ----------------------------------------------------------------------

# The e-mail address is not among them: a new one waits for its owner to confirm it (below).
PROFILE_FIELDS = ("honorific", "first_name", "last_name", "position", "phone", "language")


def _audit_own_change(user, *, action: str, summary: str, data: dict) -> None:
    """Record a change to one's own account in the log of each office the person belongs to, or
    once outside any office for someone who belongs to none."""
    offices = Office.objects.filter(pk__in=Membership.objects.filter(user=user).values("office_id"))
    for office in list(offices) or [None]:
        audit_record(office=office, actor=user, action=action, summary=summary, obj=user, data=data)


@transaction.atomic
def user_profile_update(*, user, **values):
    """The person's own name, honorific, position (printed in documents), phone and language."""
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = _changed(user, PROFILE_FIELDS, values)
    for name in changed:
        setattr(user, name, values[name])
    if changed:
        user.save(update_fields=changed)
        _audit_own_change(
            user,
            action="user.profile",
            summary=_("%(name)s updated their profile: %(fields)s")
            % {"name": user.display_name, "fields": _labels(User, changed)},
            data={name: values[name] for name in changed},
        )
    return user


@transaction.atomic
def user_language_set(*, user, language: str):
    """The language the person's pages are shown in, kept with their account and applied when
    they log in; blank follows the browser's choice, or the site's default."""
    languages = dict(settings.LANGUAGES)
    if language and language not in languages:
        raise ValidationError(_("Choose one of the site's languages."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.language == language:
        return user
    user.language = language
    user.save(update_fields=["language"])
    _audit_own_change(
        user,
        action="user.language",
        summary=_("%(name)s set their language: %(language)s")
        % {"name": user.display_name, "language": languages.get(language) or _("the site's default")},
        data={"language": language},
    )
    return user


def user_password_changed(*, user, how: str) -> None:
    """After a password change or reset: lift a login lockout on the name and log it."""
    from axes.utils import reset

    reset(username=user.get_username())
    audit_record(
        office=None,
        actor=user,
        action=f"user.password_{how}",
        summary=_("%(name)s set a new password") % {"name": user.display_name},
        obj=user,
    )


# --- one's own e-mail address ---------------------------------------------------------------
#
# The address is where password-reset links and notifications go, so a new one takes effect only
# once its owner opens the link sent to it while signed in as the account that asked. The pending
# address travels in the signed link rather than in a column: the link holds the account, the new
# address and a check made from the current address and password, so it stops working once
# either changes (as Django's password-reset tokens do), which also makes it work only once.

EMAIL_CHANGE_SALT = "accounts.email-change"


class EmailChangeError(Exception):
    """A confirmation link that cannot be used, and why: invalid, expired, other-user, used,
    stale (the address or password changed since) or taken (another account has the address)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _email_change_check(user) -> str:
    return salted_hmac(EMAIL_CHANGE_SALT, f"{user.pk}|{user.password}|{user.email}", algorithm="sha256").hexdigest()


def email_change_token(*, user, email: str) -> str:
    """The signed, timestamped value in the link that confirms `email` for `user`."""
    data = {"u": user.pk, "e": email, "c": _email_change_check(user)}
    return signing.dumps(data, salt=EMAIL_CHANGE_SALT, compress=True)


def email_change_read(*, token: str, user) -> str:
    """The new address a confirmation link holds for `user`, or EmailChangeError saying why the
    link cannot be used."""
    from django.conf import settings

    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=settings.EMAIL_CHANGE_MAX_AGE_DAYS * 24 * 60 * 60)
    except signing.SignatureExpired:
        raise EmailChangeError("expired") from None
    except signing.BadSignature:
        raise EmailChangeError("invalid") from None
    if not (isinstance(data, dict) and isinstance(data.get("e"), str) and isinstance(data.get("c"), str)):
        raise EmailChangeError("invalid")
    if data.get("u") != user.pk:
        raise EmailChangeError("other-user")
    email = data["e"]
    if user.email.lower() == email.lower():
        raise EmailChangeError("used")
    if not constant_time_compare(data["c"], _email_change_check(user)):
        raise EmailChangeError("stale")
    if _email_taken(email, user):
        raise EmailChangeError("taken")
    return email


def _email_taken(email: str, user) -> bool:
    """Invitations and reset links find an account by its address: it must be one account's."""
    return User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()


def _audit_own(user, *, action: str, summary: str, data: dict) -> None:
    """One event in the log of each office the person belongs to, or a site-wide one if none."""
    offices = list(Office.objects.filter(pk__in=Membership.objects.filter(user=user).values("office_id")))
    for office in offices or [None]:
        audit_record(office=office, actor=user, action=action, summary=summary, obj=user, data=data)


@transaction.atomic
def user_email_change_request(*, user, email: str, base_url: str) -> None:
    """E-mail a confirmation link to the new address and a notice (without a link) to the current
    one; the account keeps its address until the link is used (`user_email_confirm`)."""
    from django.conf import settings

    from accounts.tasks import send_email_change  # tasks import services

    user = User.objects.select_for_update().get(pk=user.pk)  # the address as stored, not as a form left it
    if _email_taken(email, user):
        raise ValidationError(_("Another account uses this e-mail address."))
    if not throttle.allow("email-change", str(user.pk), limit=settings.EMAIL_CHANGE_PER_HOUR, seconds=60 * 60):
        raise ValidationError(
            _("Too many changes of e-mail address were asked for. Try again in an hour."), code="throttled"
        )
    transaction.on_commit(lambda: send_email_change.delay(user.pk, email, base_url), robust=True)
    _audit_own(
        user,
        action="user.email_change_request",
        summary=_("%(name)s asked to change their e-mail address to %(email)s")
        % {"name": user.display_name, "email": email},
        data={"old": user.email, "new": email},
    )


@transaction.atomic
def user_email_confirm(*, user, token: str):
    """Give the account the address its confirmation link holds; EmailChangeError when the link
    cannot be used, or the address has gone to another account since."""
    user = User.objects.select_for_update().get(pk=user.pk)
    email = email_change_read(token=token, user=user)
    old = user.email
    user.email = email
    user.save(update_fields=["email"])
    _audit_own(
        user,
        action="user.email_change",
        summary=_("%(name)s confirmed a new e-mail address: %(email)s") % {"name": user.display_name, "email": email},
        data={"old": old, "new": email},
    )
    return user
