"""The office's OIT settings: how many approvals an item needs and whether the committee
publishes; changed by its administrators and recorded in the activity log."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AuditEvent
from oit import services

pytestmark = pytest.mark.django_db


def change(office, membership, approvals=2, committee_publishes=True):
    return services.office_oit_settings_update(
        office=office,
        membership=membership,
        oit_required_approvals=approvals,
        oit_committee_publishes=committee_publishes,
    )


def test_the_admin_changes_the_settings_and_it_is_logged(office, admin_member):
    change(office, admin_member)
    office.refresh_from_db()
    assert (office.oit_required_approvals, office.oit_committee_publishes) == (2, True)
    event = AuditEvent.objects.get(action="office.oit_settings")
    assert (event.office, event.actor) == (office, admin_member.user)
    assert event.data == {"oit_required_approvals": 2, "oit_committee_publishes": True}


def test_saving_the_same_settings_records_nothing(office, admin_member):
    change(office, admin_member, approvals=office.oit_required_approvals, committee_publishes=False)
    assert not AuditEvent.objects.filter(action="office.oit_settings").exists()


def test_a_copy_changed_by_a_bound_form_is_still_saved(office, admin_member):
    office.oit_required_approvals = 3  # what OfficeOitSettingsForm.is_valid() does to its instance
    change(office, admin_member, approvals=3)
    office.refresh_from_db()
    assert office.oit_required_approvals == 3
    assert AuditEvent.objects.filter(action="office.oit_settings").exists()


@pytest.mark.parametrize("member", ["committee_member", "staff_member", "other_office_admin"])
def test_anyone_else_is_refused(request, office, member):
    with pytest.raises(PermissionDenied):
        change(office, request.getfixturevalue(member))
    office.refresh_from_db()
    assert office.oit_required_approvals == 1
    assert not AuditEvent.objects.filter(action="office.oit_settings").exists()


def test_nothing_is_saved_when_the_event_cannot_be_recorded(monkeypatch, office, admin_member):
    def broken(**kwargs):
        raise RuntimeError("the activity log is unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        change(office, admin_member)
    office.refresh_from_db()
    assert office.oit_required_approvals == 1
