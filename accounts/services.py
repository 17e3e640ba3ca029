from django.db import models

from accounts.models import AuditEvent, Office


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
