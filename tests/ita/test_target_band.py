"""The office's target level for the year: set by its administrators, recorded in the activity log."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from ita.models import Framework
from ita.services.results import target_band_update

pytestmark = pytest.mark.django_db


def test_the_admin_sets_the_target_and_it_is_logged(assessment, admin_member):
    band = assessment.framework.rating_bands.first()
    target_band_update(assessment=assessment, membership=admin_member, target_band=band)
    assessment.refresh_from_db()
    assert assessment.target_band == band
    event = AuditEvent.objects.get(action="results.target")
    assert (event.office, event.actor) == (assessment.office, admin_member.user)
    assert str(band) in event.summary


def test_the_target_can_be_cleared(assessment, admin_member):
    target_band_update(
        assessment=assessment, membership=admin_member, target_band=assessment.framework.rating_bands.first()
    )
    target_band_update(assessment=assessment, membership=admin_member, target_band=None)
    assessment.refresh_from_db()
    assert assessment.target_band is None


@pytest.mark.parametrize("member", ["committee_member", "staff_member", "other_office_admin"])
def test_anyone_else_is_refused(request, assessment, member):
    with pytest.raises(PermissionDenied):
        target_band_update(
            assessment=assessment,
            membership=request.getfixturevalue(member),
            target_band=assessment.framework.rating_bands.first(),
        )
    assessment.refresh_from_db()
    assert assessment.target_band is None
    assert not AuditEvent.objects.filter(action="results.target").exists()


def test_a_level_of_another_year_is_refused(assessment, admin_member):
    other_year = Framework.objects.exclude(pk=assessment.framework_id).first()
    with pytest.raises(ValidationError):
        target_band_update(assessment=assessment, membership=admin_member, target_band=other_year.rating_bands.first())


def test_nothing_is_saved_when_the_event_cannot_be_recorded(monkeypatch, assessment, admin_member):
    def broken(**kwargs):
        raise RuntimeError("the activity log is unavailable")

    monkeypatch.setattr("ita.services.results.audit_record", broken)
    with pytest.raises(RuntimeError):
        target_band_update(
            assessment=assessment, membership=admin_member, target_band=assessment.framework.rating_bands.first()
        )
    assessment.refresh_from_db()
    assert assessment.target_band is None
