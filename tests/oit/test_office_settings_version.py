"""The office's OIT settings carry a version: a save made from a page shown before someone else
changed them is refused with the conflict message, and the typed values stay on the form."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from core.versions import StaleVersionError
from oit import services

pytestmark = pytest.mark.django_db


def test_a_save_from_an_older_version_is_refused(office, admin_member):
    shown = services.office_oit_settings_version(office)
    services.office_oit_settings_update(
        office=office, membership=admin_member, oit_required_approvals=2, oit_committee_publishes=False
    )
    with pytest.raises(StaleVersionError):
        services.office_oit_settings_update(
            office=office,
            membership=admin_member,
            oit_required_approvals=3,
            oit_committee_publishes=True,
            expected_version=shown,
        )
    office.refresh_from_db()
    assert (office.oit_required_approvals, office.oit_committee_publishes) == (2, False)
    assert AuditEvent.objects.filter(action="office.oit_settings").count() == 1


def test_other_changes_to_the_office_do_not_make_the_settings_stale(office, admin_member):
    shown = services.office_oit_settings_version(office)
    office.name = "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาทดสอบ"
    office.save(update_fields=["name", "updated_at"])
    services.office_oit_settings_update(
        office=office,
        membership=admin_member,
        oit_required_approvals=2,
        oit_committee_publishes=True,
        expected_version=shown,
    )
    office.refresh_from_db()
    assert office.oit_required_approvals == 2


def test_the_page_shows_the_conflict_and_keeps_what_was_typed(client, office, admin_member):
    url = reverse("oit:office-settings", args=[office.slug])
    client.force_login(admin_member.user)
    page = client.get(url)
    shown = page.context["form"]["version"].value()
    services.office_oit_settings_update(  # another administrator, meanwhile
        office=office, membership=admin_member, oit_required_approvals=2, oit_committee_publishes=False
    )
    response = client.post(url, {"oit_required_approvals": 4, "oit_committee_publishes": "on", "version": shown})
    assert response.status_code == 409
    html = response.content.decode()
    assert "มีผู้อื่นแก้ไข" in html
    form = response.context["form"]
    assert form["oit_required_approvals"].value() == "4"
    assert form["oit_committee_publishes"].value() is True
    office.refresh_from_db()
    assert (office.oit_required_approvals, office.oit_committee_publishes) == (2, False)
    # Sent again, the typed values now go against the version on the page, and are saved.
    again = client.post(
        url, {"oit_required_approvals": 4, "oit_committee_publishes": "on", "version": form["version"].value()}
    )
    assert again.status_code == 302
    office.refresh_from_db()
    assert (office.oit_required_approvals, office.oit_committee_publishes) == (4, True)
