from datetime import date, datetime

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent
from core.models import AppendOnlyModel, AppendOnlyQuerySet
from oit.models import EvidenceRevision, Item, ItemEvent
from spdca.models import Activity, ProgressUpdate

APPEND_ONLY = [AuditEvent, EvidenceRevision, ItemEvent, ProgressUpdate]


@pytest.fixture
def event(office):
    return AuditEvent.objects.create(office=office, action="x", summary="ครั้งแรก")


@pytest.fixture
def activity(assessment):
    return Activity.objects.create(
        assessment=assessment, title="กิจกรรม", start=date(2022, 10, 1), end=date(2023, 3, 31)
    )


@pytest.mark.parametrize("model", APPEND_ONLY, ids=lambda model: model.__name__)
def test_every_record_of_what_happened_is_append_only(model):
    assert issubclass(model, AppendOnlyModel)
    assert isinstance(model.objects.all(), AppendOnlyQuerySet)


def test_a_record_cannot_be_changed_or_deleted_one_by_one(event):
    event.summary = "แก้ไข"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    event.refresh_from_db()
    assert event.summary == "ครั้งแรก"


def test_bulk_changes_and_deletions_are_refused_too(event):
    events = AuditEvent.objects.filter(pk=event.pk)
    with pytest.raises(ValueError):
        events.update(summary="แก้ไข")
    event.summary = "แก้ไข"
    with pytest.raises(ValueError), transaction.atomic():  # bulk_update runs in its own atomic block
        AuditEvent.objects.bulk_update([event], ["summary"])
    with pytest.raises(ValueError):
        events.delete()
    assert list(events.values_list("summary", flat=True)) == ["ครั้งแรก"]


def test_deleting_the_parent_still_takes_its_records(activity, admin_member, assessment):
    ProgressUpdate.objects.create(activity=activity, date=date(2023, 1, 1), percent=50, recorded_by=admin_member.user)
    item = Item.objects.filter(assessment=assessment).first()
    ItemEvent.objects.create(item=item, actor=admin_member.user, kind=ItemEvent.Kind.COMMENTED, note="x")
    activity.delete()
    item.delete()
    assert not ProgressUpdate.objects.filter(activity_id=activity.pk).exists()
    assert not ItemEvent.objects.filter(item_id=item.pk).exists()


def test_seeding_rewrites_history_only_through_its_own_method(event):
    moment = datetime(2023, 3, 1, 10, 0, tzinfo=timezone.get_current_timezone())
    assert AuditEvent.objects.filter(pk=event.pk).rewrite_for_seeding(created_at=moment) == 1
    event.refresh_from_db()
    assert event.created_at == moment
