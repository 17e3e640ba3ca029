from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Membership, Office


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


DOCUMENT_FIELDS = (
    "pdf_thai_digits",
    "affiliation",
    "ministry",
    "director_honorific",
    "director_name",
    "director_position",
)


@transaction.atomic
def office_documents_update(*, office: Office, membership: Membership, **values) -> Office:
    """How the office's documents are written and signed: digits, affiliation, the director."""
    if not membership.is_admin or membership.office_id != office.pk:
        raise PermissionDenied(_("Only the office's administrators change its documents."))
    changed = [name for name in DOCUMENT_FIELDS if name in values and getattr(office, name) != values[name]]
    for name in changed:
        setattr(office, name, values[name])
    if changed:
        office.save(update_fields=[*changed, "updated_at"])
        audit_record(
            office=office,
            actor=membership.user,
            action="office.report_settings",
            summary=_("Document settings: %(fields)s")
            % {"fields": ", ".join(str(Office._meta.get_field(name).verbose_name) for name in changed)},
            obj=office,
            data={name: values[name] for name in changed},
        )
    return office
