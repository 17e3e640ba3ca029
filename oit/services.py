"""The OIT item workflow: assignment, evidence, the required-contents checklist and review.

draft → submitted → returned → submitted … → approved → published, and unpublished → returned.
Every service locks the item row, checks the actor's right and the item's state, changes it,
raises its version and writes an immutable event, all in one transaction.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Membership, Office, Role, Unit
from accounts.services import audit_record
from core.uploads import check_upload
from core.versions import StaleVersionError, lock_versioned, save_version
from ita.hooks import on_carry_over_preview, on_demo_year
from ita.mapping import item_lineage
from ita.models import Assessment, ItemRequirement
from notifications import events
from oit.models import Approval, Evidence, EvidenceRevision, Item, ItemEvent, Publication, RequirementCheck

DUE_DATE_MILESTONE = "oit_collect"
Status = Item.Status


class StaleItemError(StaleVersionError):
    """The item changed after the form was shown; nothing was saved."""

    message = gettext_lazy(
        "Someone else changed this item after you opened it, so your change was not saved. "
        "Check the latest version below and try again."
    )


def items_create_for_assessment(*, assessment: Assessment, carry_over: bool = True) -> None:
    """Give a new assessment one item per OIT item of its framework, due when OIT closes, held by
    the units and staff that held the items they continue in the office's latest earlier year."""
    due_date = assessment.framework.milestone_end(DUE_DATE_MILESTONE)
    items = Item.objects.bulk_create(
        Item(assessment=assessment, definition=definition, due_date=due_date)
        for definition in assessment.framework.items.all()
    )
    checks_create(items=items)
    previous = assessment.previous()
    if carry_over and previous is not None and assessment.opened_by is not None:
        _carry_assignments(assessment, previous, actor=assessment.opened_by)


# --- carrying last year's assignments over -----------------------------------------------------


def _holders(items) -> dict[int, tuple]:
    """(unit, assignees) of each item that someone holds, by its definition's id."""
    return {
        item.definition_id: (item.unit, list(item.assignees.all()))
        for item in items
        if item.unit_id is not None or item.assignees.all()
    }


def _carry_assignments(assessment: Assessment, previous: Assessment, *, actor) -> int:
    """Give this year's unassigned items the unit and staff of the items they continue in
    `previous`, through the chain of item mappings (`ita.mapping`); a merged item takes its
    first predecessor's holders. Only people still in the office are named."""
    lineage = item_lineage(previous.framework, assessment.framework)
    held = _holders(previous.oit_items.select_related("unit").prefetch_related("assignees"))
    members = set(Membership.objects.filter(office_id=assessment.office_id).values_list("user_id", flat=True))
    items = {
        item.definition_id: item
        for item in assessment.oit_items.filter(unit__isnull=True)
        .select_for_update(of=("self",))
        .prefetch_related("assignees")
    }
    copied = 0
    for link in lineage.links:
        item = items.get(link.new.pk)
        holder = next((held[old.pk] for old in link.old if old.pk in held), None)
        if item is None or holder is None or item.assignees.all():
            continue
        unit, assignees = holder
        assignees = [user for user in assignees if user.pk in members]
        item.unit = unit
        save_version(item, "unit")
        item.assignees.set(assignees)
        source = ", ".join(old.code for old in link.old)
        names = ", ".join(user.display_name for user in assignees)
        note = " · ".join(part for part in (str(unit or ""), names) if part)
        ItemEvent.objects.create(
            item=item,
            actor=actor,
            kind=ItemEvent.Kind.ASSIGNED,
            from_status=item.status,
            note=f"{note} ({_('as %(code)s of %(year)s') % {'code': source, 'year': previous.fiscal_year}})",
        )
        copied += 1
    return copied


@transaction.atomic
def assignments_carry_over(*, assessment: Assessment, membership: Membership) -> int:
    """Give this year's unassigned items the unit and staff of the items they continue in the
    office's latest earlier year; return how many were assigned."""
    _require(
        membership.is_admin and membership.office_id == assessment.office_id,
        _("Only the office's administrators assign items."),
    )
    previous = assessment.previous()
    if previous is None:
        raise ValidationError(_("There is no earlier assessment to copy from."))
    copied = _carry_assignments(assessment, previous, actor=membership.user)
    audit_record(
        office=assessment.office,
        actor=membership.user,
        action="oit.assignments_carried_over",
        summary=f"{copied} items assigned as in fiscal year {previous.fiscal_year}",
        obj=assessment,
    )
    return copied


@on_carry_over_preview
def assignments_preview(*, previous: Assessment, lineage) -> dict:
    """Who held each of the earlier year's items, for the page shown before a year is opened."""
    held = _holders(previous.oit_items.select_related("unit").prefetch_related("assignees"))
    described = {}
    for definition_id, (unit, assignees) in held.items():
        names = ", ".join(user.display_name for user in assignees)
        described[definition_id] = " · ".join(part for part in (str(unit or ""), names) if part)
    carried = sum(1 for link in lineage.links if any(old.pk in held for old in link.old))
    line = ngettext(
        "%(count)d of this year's items will be assigned to the unit and staff of the item it continues.",
        "%(count)d of this year's items will be assigned to the units and staff of the items they continue.",
        carried,
    )
    return {"assignments": described, "lines": [line % {"count": carried}] if carried else []}


def checks_create(*, items: Iterable[Item]) -> None:
    """One checklist row per minimum content of each item's definition (existing rows are kept)."""
    items_by_definition: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        items_by_definition[item.definition_id].append(item)
    requirements = ItemRequirement.objects.filter(item_id__in=items_by_definition).only("id", "item_id")
    RequirementCheck.objects.bulk_create(
        (
            RequirementCheck(item=item, requirement=requirement)
            for requirement in requirements
            for item in items_by_definition[requirement.item_id]
        ),
        ignore_conflicts=True,
        batch_size=1000,
    )


def checks_create_for_framework(*, framework) -> None:
    """After a framework changed, give existing items a check for each newly listed requirement."""
    checks_create(items=Item.objects.filter(definition__framework=framework))


def items_follow_framework(*, framework, revision, added, withdrawn, user) -> None:
    """After a correction of a year offices run: each office gets the items it added (unassigned,
    not started, due when OIT closes), and keeps its work on the items it withdrew, out of its
    lists; both carry the change note in their history."""
    due_date = framework.milestone_end(DUE_DATE_MILESTONE)
    assessments = list(Assessment.objects.filter(framework=framework).select_related("office"))
    new_items = Item.objects.bulk_create(
        Item(assessment=assessment, definition=definition, due_date=due_date)
        for assessment in assessments
        for definition in added
    )
    checks_create(items=new_items)
    gone = list(Item.all_objects.filter(assessment__in=assessments, definition__in=withdrawn))
    if user is not None:  # a file loaded from the command line has no one to name
        said = {
            "added": _("Added to the framework in revision %(number)d: %(note)s"),
            "withdrawn": _("Withdrawn from the framework in revision %(number)d: %(note)s"),
        }
        values = {"number": revision.number, "note": revision.note}
        ItemEvent.objects.bulk_create(
            [
                ItemEvent(item=item, actor=user, kind=ItemEvent.Kind.COMMENTED, from_status=item.status, note=note)
                for items, note in ((new_items, said["added"] % values), (gone, said["withdrawn"] % values))
                for item in items
            ]
        )
    for assessment in assessments:
        if withdrawn:
            assessment.public_changed()  # a withdrawn item leaves the public page
        audit_record(
            office=assessment.office,
            actor=user,
            action="oit.items_followed_framework",
            summary=f"Framework revision {revision.number}: items added "
            f"{', '.join(d.code for d in added) or '-'}, withdrawn {', '.join(d.code for d in withdrawn) or '-'}",
            obj=assessment,
        )


# --- helpers -------------------------------------------------------------------------------


def _lock(item: Item, expected_version: int | None = None) -> Item:
    """The item, re-read and locked for this transaction; stale if its version moved on."""
    return lock_versioned(Item, item.pk, expected_version, related=["assessment__office"], error=StaleItemError)


def _event(item: Item, membership: Membership, kind: str, *, to_status: str = "", note: str = "", from_status=None):
    return ItemEvent.objects.create(
        item=item,
        actor=membership.user,
        kind=kind,
        from_status=item.status if from_status is None else from_status,
        to_status=to_status,
        note=note,
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_status(item: Item, *statuses: str) -> None:
    if item.status not in statuses:
        raise ValidationError(
            _("This cannot be done while the item is “%(status)s”."),
            code="status",
            params={"status": item.get_status_display()},
        )


def _require_editable(item: Item, membership: Membership) -> None:
    _same_office(item, membership)
    _require(item.can_edit(membership), _("Only the staff responsible for this item can change it."))
    if not item.is_editable:
        raise ValidationError(
            _("The item is “%(status)s”: it can be changed only while it is a draft or has been returned."),
            code="status",
            params={"status": item.get_status_display()},
        )


def _same_office(item: Item, membership: Membership) -> None:
    if item.assessment.office_id != membership.office_id:
        raise PermissionDenied("The item belongs to another office.")


# --- assignment ----------------------------------------------------------------------------


@transaction.atomic
def items_assign(
    *, items: Iterable[Item], membership: Membership, unit: Unit | None, assignees: Iterable, due_date: date | None
) -> int:
    """Give items a unit, responsible staff and a due date; return how many were assigned."""
    _require(membership.is_admin, _("Only the office's administrators assign items."))
    assignees = list(assignees)
    if unit is not None and unit.office_id != membership.office_id:
        raise ValidationError(_("The unit belongs to another office."), code="unit")
    member_ids = set(
        Membership.objects.filter(office_id=membership.office_id, user__in=assignees).values_list("user_id", flat=True)
    )
    if any(user.pk not in member_ids for user in assignees):
        raise ValidationError(_("Responsible staff must be members of the office."), code="assignees")
    names = ", ".join(user.display_name for user in assignees)
    count = 0
    for item in items:
        locked = _lock(item)
        _same_office(locked, membership)
        locked.unit = unit
        locked.due_date = due_date
        save_version(locked, "unit", "due_date")
        locked.assignees.set(assignees)
        note = " · ".join(part for part in (str(unit or ""), names) if part)
        _event(locked, membership, ItemEvent.Kind.ASSIGNED, note=note)
        events.item_assigned(item=locked, assignees=assignees, actor=membership)
        count += 1
    return count


# --- the office's OIT settings --------------------------------------------------------------

OIT_SETTINGS_FIELDS = ("oit_required_approvals", "oit_committee_publishes")


def office_oit_settings_version(office: Office) -> str:
    """The version of the office's OIT settings that a form carries: the settings themselves, so
    that only a change to them (not to the office's name, say) makes a save stale."""
    return "-".join(str(int(getattr(office, name))) for name in OIT_SETTINGS_FIELDS)


@transaction.atomic
def office_oit_settings_update(
    *,
    office: Office,
    membership: Membership,
    oit_required_approvals: int,
    oit_committee_publishes: bool,
    expected_version: str | None = None,
) -> Office:
    """How many approvals an item needs, and whether committee members may publish."""
    _require(
        membership.is_admin and membership.office_id == office.pk,
        _("Only the office's administrators change its OIT settings."),
    )
    office = Office.objects.select_for_update().get(pk=office.pk)  # a bound form may have changed the caller's copy
    if expected_version is not None and office_oit_settings_version(office) != expected_version:
        raise StaleVersionError()
    values = {"oit_required_approvals": oit_required_approvals, "oit_committee_publishes": oit_committee_publishes}
    changed = [name for name in OIT_SETTINGS_FIELDS if getattr(office, name) != values[name]]
    if changed:
        for name in changed:
            setattr(office, name, values[name])
        office.save(update_fields=[*changed, "updated_at"])
        audit_record(
            office=office,
            actor=membership.user,
            action="office.oit_settings",
            summary=f"OIT settings: {oit_required_approvals} approvals per item, "
            f"committee publishes: {'yes' if oit_committee_publishes else 'no'}",
            obj=office,
            data={name: values[name] for name in changed},
        )
    return office


# --- evidence ------------------------------------------------------------------------------


@transaction.atomic
def evidence_add_file(
    *,
    item: Item,
    membership: Membership,
    upload: UploadedFile,
    title: str,
    document_date: date,
    description: str = "",
    replaces: Evidence | None = None,
) -> EvidenceRevision:
    """Store an uploaded file as a new document of the item, or as the next revision of one."""
    checked = check_upload(upload)  # before the lock: a bad file changes nothing
    item = _lock(item)
    _require_editable(item, membership)
    evidence = _evidence_for(item, replaces, Evidence.Kind.FILE, title, default_title=checked.original_name)
    revision = EvidenceRevision(
        evidence=evidence,
        number=_next_number(evidence),
        title=evidence.title,
        original_name=checked.original_name,
        extension=checked.extension,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        document_date=document_date,
        description=description,
        uploaded_by=membership.user,
    )
    revision.file.save(checked.original_name, upload, save=False)
    revision.save()
    _finish_revision(item, membership, evidence, revision)
    return revision


@transaction.atomic
def evidence_add_link(
    *,
    item: Item,
    membership: Membership,
    url: str,
    title: str,
    document_date: date,
    description: str = "",
    replaces: Evidence | None = None,
) -> EvidenceRevision:
    """Point the item to a web page, or change where an existing link points."""
    limit = EvidenceRevision._meta.get_field("url").max_length
    if len(url) > limit:
        raise ValidationError(
            _("The link is %(length)d characters long; the longest accepted is %(limit)d."),
            code="url_length",
            params={"length": len(url), "limit": limit},
        )
    item = _lock(item)
    _require_editable(item, membership)
    evidence = _evidence_for(item, replaces, Evidence.Kind.LINK, title, default_title=url)
    revision = EvidenceRevision.objects.create(
        evidence=evidence,
        number=_next_number(evidence),
        title=evidence.title,
        url=url,
        document_date=document_date,
        description=description,
        uploaded_by=membership.user,
    )
    _finish_revision(item, membership, evidence, revision)
    return revision


def _evidence_for(item: Item, replaces: Evidence | None, kind: str, title: str, *, default_title: str) -> Evidence:
    """The document a new revision belongs to: a new one, or `replaces` (renamed if a title is given)."""
    if replaces is None:
        _require_room_for_evidence(item)
        return Evidence.objects.create(item=item, kind=kind, title=(title or default_title)[:255])
    # Re-read under the item's lock: the caller's copy may predate someone else's removal.
    replaces = Evidence.objects.filter(pk=replaces.pk, item=item, removed_at__isnull=True, kind=kind).first()
    if replaces is None:
        raise ValidationError(_("That document cannot take a new revision."), code="replaces")
    if title and title != replaces.title:
        replaces.title = title[:255]
        replaces.save(update_fields=["title", "updated_at"])
    return replaces


def _require_room_for_evidence(item: Item) -> None:
    """Refuse a new document past the limit: every file and link is a line of the item's page and forms."""
    limit = settings.OIT_EVIDENCE_MAX_PER_ITEM
    if item.evidence.filter(removed_at__isnull=True).count() >= limit:
        raise ValidationError(
            _(
                "An item may have at most %(limit)d files and links. Remove one it no longer needs, "
                "or add a new revision of an existing one."
            ),
            code="too_many",
            params={"limit": limit},
        )


def _next_number(evidence: Evidence) -> int:
    return (evidence.revisions.aggregate(n=Max("number"))["n"] or 0) + 1


def _finish_revision(item: Item, membership: Membership, evidence: Evidence, revision: EvidenceRevision) -> None:
    evidence.current = revision
    evidence.save(update_fields=["current", "updated_at"])
    save_version(item)
    label = revision.original_name or revision.url
    _event(item, membership, ItemEvent.Kind.UPLOADED, note=f"{evidence.title} (#{revision.number}: {label})")


@transaction.atomic
def evidence_remove(*, evidence: Evidence, membership: Membership) -> None:
    """Take a document off the item. Its revisions stay in the history (and in past publications)."""
    item = _lock(evidence.item)
    _require_editable(item, membership)
    evidence = Evidence.objects.get(pk=evidence.pk)  # under the lock: someone may have removed it already
    if evidence.removed_at is None:
        evidence.removed_at = timezone.now()
        evidence.removed_by = membership.user
        evidence.save(update_fields=["removed_at", "removed_by", "updated_at"])
        # What the document covered is no longer covered: staff must point the requirement elsewhere.
        RequirementCheck.objects.filter(item=item, evidence=evidence).update(
            evidence=None, covered=False, updated_at=timezone.now()
        )
        save_version(item)
        _event(item, membership, ItemEvent.Kind.REMOVED, note=evidence.title)


# --- contents and checklist ----------------------------------------------------------------


@transaction.atomic
def item_update_contents(
    *, item: Item, membership: Membership, expected_version: int, description: str, coverage: dict[int, Evidence | None]
) -> Item:
    """Save the summary and the staff side of the checklist.

    `coverage` maps each ticked check's id to the document that covers it (or None); checks that
    are absent are unticked.
    """
    item = _lock(item, expected_version)
    _require_editable(item, membership)
    pointed = {evidence.pk for evidence in coverage.values() if evidence is not None}
    live = set(Evidence.objects.filter(pk__in=pointed, item=item, removed_at__isnull=True).values_list("pk", flat=True))
    if pointed - live:
        raise ValidationError(_("A requirement points to a document of another item."), code="evidence")
    checks = list(item.checks.all())
    changed = [check for check in checks if _apply_coverage(check, coverage)]
    RequirementCheck.objects.bulk_update(changed, ["covered", "evidence", "updated_at"])
    if description != item.description or changed:
        item.description = description
        save_version(item, "description")
        _event(item, membership, ItemEvent.Kind.EDITED)
    return item


def _apply_coverage(check: RequirementCheck, coverage: dict[int, Evidence | None]) -> bool:
    covered = check.pk in coverage
    evidence_id = coverage[check.pk].pk if covered and coverage[check.pk] is not None else None
    if check.covered == covered and check.evidence_id == evidence_id:
        return False
    check.covered, check.evidence_id, check.updated_at = covered, evidence_id, timezone.now()
    return True


@transaction.atomic
def item_review_checks(*, item: Item, membership: Membership, expected_version: int, ok_ids: set[int]) -> Item:
    """Save the reviewer's own ticks, independent of what staff ticked."""
    item = _lock(item, expected_version)
    _same_office(item, membership)
    _require(membership.can_review, _("Only committee members review items."))
    _require_status(item, Status.SUBMITTED, Status.APPROVED)
    changed = []
    for check in item.checks.all():
        ok = check.pk in ok_ids
        if check.reviewer_ok != ok:
            check.reviewer_ok, check.reviewed_by, check.updated_at = ok, membership.user, timezone.now()
            changed.append(check)
    if changed:
        RequirementCheck.objects.bulk_update(changed, ["reviewer_ok", "reviewed_by", "updated_at"])
        save_version(item)
        ticked = sum(1 for check in item.checks.all() if check.pk in ok_ids)
        _event(item, membership, ItemEvent.Kind.CHECKED, note=_("%(n)d requirements confirmed") % {"n": ticked})
    return item


# --- workflow ------------------------------------------------------------------------------


def unticked_points(checks: Iterable[RequirementCheck]) -> str:
    """The required contents of `checks`, each by its number and the start of its text."""
    return "; ".join(f"{check.requirement.order}. {Truncator(check.requirement.text).chars(60)}" for check in checks)


def _checklist_note(unticked: list[RequirementCheck], reason: str, message: str) -> str:
    """The event's note on a step taken with required contents unticked, which needs a reason;
    refused with `message` (naming the unticked ones) without one. Nothing to say when all are ticked."""
    if not unticked:
        return ""
    if not reason.strip():
        raise ValidationError(message % {"points": unticked_points(unticked)}, code="unticked")
    numbers = ", ".join(str(check.requirement.order) for check in unticked)
    return _("Required contents not ticked (%(numbers)s); reason: %(reason)s") % {
        "numbers": numbers,
        "reason": reason.strip(),
    }


@transaction.atomic
def item_submit(*, item: Item, membership: Membership, expected_version: int, note: str = "", reason: str = "") -> Item:
    """Send the item to the committee; with some of the staff checklist unticked, only with a reason."""
    item = _lock(item, expected_version)
    _require_editable(item, membership)
    if not item.evidence.filter(removed_at__isnull=True).exists():
        raise ValidationError(_("Add at least one file or link before submitting."), code="no_evidence")
    unticked = list(item.checks.filter(covered=False).select_related("requirement"))
    message = _("Required contents not ticked: %(points)s. Tick them, or give the reason for submitting without them.")
    note = _join(note, _checklist_note(unticked, reason, message))
    _event(item, membership, ItemEvent.Kind.SUBMITTED, to_status=Status.SUBMITTED, note=note)
    item.status = Status.SUBMITTED
    item.review_round += 1
    item.submitted_at = timezone.now()
    item.submitted_by = membership.user
    save_version(item, "status", "review_round", "submitted_at", "submitted_by")
    events.item_submitted(item=item, actor=membership)
    return item


@transaction.atomic
def item_return(*, item: Item, membership: Membership, expected_version: int, reason: str) -> Item:
    """Send the item back to its unit with the reason it is not yet right."""
    item = _lock(item, expected_version)
    _same_office(item, membership)
    _require(membership.can_review, _("Only committee members return items."))
    _require_status(item, Status.SUBMITTED, Status.APPROVED)
    if not reason.strip():
        raise ValidationError(_("Say why the item is returned, so the unit knows what to fix."), code="reason")
    _event(item, membership, ItemEvent.Kind.RETURNED, to_status=Status.RETURNED, note=reason.strip())
    item.status = Status.RETURNED
    save_version(item, "status")
    events.item_returned(item=item, reason=reason.strip(), actor=membership)
    return item


@transaction.atomic
def item_approve(
    *, item: Item, membership: Membership, expected_version: int, note: str = "", reason: str = ""
) -> Item:
    """Record one committee member's approval; the item is approved once enough have approved.
    With some of the reviewer's checklist unticked, only with a reason."""
    item = _lock(item, expected_version)
    _same_office(item, membership)
    _require(membership.can_review, _("Only committee members approve items."))
    _require_status(item, Status.SUBMITTED)
    if item.submitted_by_id == membership.user_id:
        raise ValidationError(_("You submitted this item; another committee member must approve it."), code="own")
    if Approval.objects.filter(item=item, review_round=item.review_round, reviewer=membership.user).exists():
        raise ValidationError(_("You have already approved this item."), code="twice")
    unticked = list(item.checks.filter(reviewer_ok=False).select_related("requirement"))
    message = _(
        "Required contents not confirmed in the review checklist: %(points)s. "
        "Tick them there, or give the reason for approving without them."
    )
    note = _join(note, _checklist_note(unticked, reason, message))
    Approval.objects.create(item=item, review_round=item.review_round, reviewer=membership.user)
    approvals = Approval.objects.filter(item=item, review_round=item.review_round).count()
    needed = item.assessment.office.oit_required_approvals
    if approvals < needed:
        _event(item, membership, ItemEvent.Kind.APPROVAL, note=_join(note, f"{approvals}/{needed}"))
        save_version(item)
        return item
    _event(item, membership, ItemEvent.Kind.APPROVED, to_status=Status.APPROVED, note=note)
    item.status = Status.APPROVED
    save_version(item, "status")
    events.item_approved(item=item, actor=membership)
    return item


@transaction.atomic
def item_publish(*, item: Item, membership: Membership, expected_version: int | None = None) -> Publication:
    """Put the approved item, as it stands, on the office's public page."""
    item = _lock(item, expected_version)
    _same_office(item, membership)
    _require(item.can_publish(membership), _("You may not publish items in this office."))
    _require_status(item, Status.APPROVED)
    publication = Publication.objects.create(item=item, description=item.description, published_by=membership.user)
    current = Evidence.objects.filter(item=item, removed_at__isnull=True, current__isnull=False)
    publication.revisions.set(current.values_list("current_id", flat=True))
    _event(item, membership, ItemEvent.Kind.PUBLISHED, to_status=Status.PUBLISHED)
    item.status = Status.PUBLISHED
    save_version(item, "status")
    item.assessment.public_changed()
    events.item_published(item=item, actor=membership)
    return publication


@transaction.atomic
def item_unpublish(*, item: Item, membership: Membership, reason: str, expected_version: int | None = None) -> Item:
    """Take the item off the public page and back to its unit; the publication stays on record."""
    item = _lock(item, expected_version)
    _same_office(item, membership)
    _require(item.can_publish(membership), _("You may not unpublish items in this office."))
    _require_status(item, Status.PUBLISHED)
    if not reason.strip():
        raise ValidationError(_("Say why the item is taken off the public page."), code="reason")
    Publication.objects.filter(item=item, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=membership.user, withdrawn_reason=reason.strip()
    )
    _event(item, membership, ItemEvent.Kind.UNPUBLISHED, to_status=Status.RETURNED, note=reason.strip())
    item.status = Status.RETURNED
    save_version(item, "status")
    item.assessment.public_changed()
    events.item_unpublished(item=item, reason=reason.strip(), actor=membership)
    return item


@transaction.atomic
def item_comment(*, item: Item, membership: Membership, text: str) -> ItemEvent:
    """Add a comment to the item's timeline."""
    _same_office(item, membership)
    if not text.strip():
        raise ValidationError(_("The comment is empty."), code="empty")
    comment = _event(item, membership, ItemEvent.Kind.COMMENTED, note=text.strip(), from_status="")
    events.item_commented(item=item, comment=comment, actor=membership)
    return comment


def _join(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


# --- the demo's year in progress -----------------------------------------------------------------

# Items of the demo's current year and how far each gets (`manage.py seed_demo_current_year`).
DEMO_PROGRESS = {
    "O1": "published",
    "O3": "submitted",
    "O4": "returned",
    "O11": "evidence",
    "O12": "out_of_period",
    "O13": "evidence",
}
DEMO_PEOPLE = ("demo-admin", "demo-committee", "demo-staff")


@on_demo_year
def demo_items_under_way(*, assessment: Assessment, today: date) -> None:
    """A few of the demo staff member's items part of the way through review, through the real
    workflow: published, waiting for the committee, returned, and one with evidence dated outside
    its period. Evidence is dated by `today`, so the deadlines ahead are the year's own."""
    members = {
        m.user.username: m
        for m in Membership.objects.filter(
            office_id=assessment.office_id, user__username__in=DEMO_PEOPLE
        ).select_related("user", "unit", "office")
    }
    admin, committee, staff = (members.get(username) for username in DEMO_PEOPLE)
    if admin is None or committee is None or staff is None:
        return
    items = {
        item.definition.code: item
        for item in Item.objects.filter(assessment=assessment, definition__code__in=DEMO_PROGRESS).select_related(
            "definition", "assessment__office"
        )
    }
    unheld = [item for item in items.values() if item.unit_id != staff.unit_id]
    if unheld:
        due_date = assessment.framework.milestone_end(DUE_DATE_MILESTONE)
        items_assign(items=unheld, membership=admin, unit=staff.unit, assignees=[staff.user], due_date=due_date)
    reviewers = list(
        Membership.objects.filter(office_id=assessment.office_id, role__in=[Role.COMMITTEE, Role.ADMIN])
        .exclude(user_id=staff.user_id)
        .select_related("user", "office")
    )
    for code, state in DEMO_PROGRESS.items():
        if code not in items:
            continue
        item = Item.objects.select_related("definition", "assessment__office").get(pk=items[code].pk)
        window = item.definition.evidence_window(assessment.fiscal_year)
        if state == "out_of_period" and window is not None:
            day = min(today, window[1] + timedelta(days=20))  # this year's document where last year's is due
        else:
            day = (min(today, window[1]) if window else today) - timedelta(days=7)
        evidence_add_link(
            item=item,
            membership=staff,
            url=f"https://demo.example/ita/{assessment.fiscal_year}/{code}",
            title=f"{item.definition.name_th} (เว็บไซต์สำนักงาน)",
            document_date=day,
        )
        item.refresh_from_db()
        item = item_update_contents(
            item=item,
            membership=staff,
            expected_version=item.version,
            description=f"ข้อมูล{item.definition.name_th} ปีงบประมาณ พ.ศ. {assessment.fiscal_year}",
            coverage={check.pk: None for check in item.checks.all()},
        )
        if state not in ("submitted", "returned", "published"):
            continue
        item = item_submit(item=item, membership=staff, expected_version=item.version)
        if state == "returned":
            item_return(
                item=item,
                membership=committee,
                expected_version=item.version,
                reason="ยังไม่มีลายมือชื่อผู้อำนวยการในเอกสาร กรุณาแนบฉบับที่ลงนามแล้ว",
            )
        elif state == "published":
            ok_ids = set(item.checks.values_list("pk", flat=True))
            item = item_review_checks(item=item, membership=reviewers[0], expected_version=item.version, ok_ids=ok_ids)
            for reviewer in reviewers:
                if item.status == Status.SUBMITTED:
                    item = item_approve(item=item, membership=reviewer, expected_version=item.version)
            item_publish(item=item, membership=admin)
