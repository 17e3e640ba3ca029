"""The records of an item's history are written once and never changed."""

import pytest

from oit.models import EvidenceRevision, ItemEvent
from tests.oit.helpers import THAI_NAME, Status, add_file

# --- immutable records ---------------------------------------------------------------------


def test_item_events_cannot_be_changed_or_deleted(item, staff_member):
    add_file(item, staff_member)
    event = ItemEvent.objects.get(item=item)
    assert (event.actor, event.from_status, event.to_status) == (staff_member.user, Status.DRAFT, "")
    assert event.note
    event.note = "แก้ไขประวัติ"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    event.refresh_from_db()
    assert event.note != "แก้ไขประวัติ"
    assert ItemEvent.objects.filter(item=item).count() == 1


def test_evidence_revisions_cannot_be_changed(item, staff_member):
    revision = add_file(item, staff_member)
    revision.original_name = "อื่น.pdf"
    with pytest.raises(ValueError):
        revision.save()
    assert EvidenceRevision.objects.get(pk=revision.pk).original_name == THAI_NAME
