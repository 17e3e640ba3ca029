"""Respondent records are written only by members of the assessment's office."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AuditEvent
from ita.services import respondents

pytestmark = pytest.mark.django_db


def test_another_offices_admin_writes_no_respondent_record(assessment, admin_member, other_office_admin):
    entry = respondents.eit_count_add(
        assessment=assessment, membership=admin_member, date=datetime.date(2023, 5, 1), channel="web", count=3
    )
    writes = [
        lambda: respondents.iit_confirm(assessment=assessment, membership=other_office_admin),
        lambda: respondents.eit_count_add(
            assessment=assessment,
            membership=other_office_admin,
            date=datetime.date(2023, 5, 2),
            channel="web",
            count=5,
        ),
        lambda: respondents.eit_count_remove(entry=entry, membership=other_office_admin),
        lambda: respondents.target_update(
            target=assessment.respondent_targets.first(),
            membership=other_office_admin,
            population=100,
            required_override=None,
        ),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    assert not assessment.iit_confirmations.exists()
    assert list(assessment.eit_counts.all()) == [entry]
    assert not assessment.respondent_targets.filter(population=100).exists()
    assert not AuditEvent.objects.filter(actor=other_office_admin.user).exists()
