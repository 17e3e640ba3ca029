"""The demo's year in progress, and what an office sees when its current year has no framework."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Office
from ita.models import Framework
from oit.models import Item
from oit.selectors import items_out_of_period
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)  # FY 2570 has begun


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def test_the_demo_opens_the_current_year_from_a_draft_of_the_latest(settings, today):
    settings.DEBUG = False
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_cycle", verbosity=0)
    call_command("seed_demo_current_year", verbosity=0)
    framework = Framework.objects.get(fiscal_year=2570)
    assert framework.revisions.get().note.startswith("ตัวอย่าง (demo)")
    assert all(item.unconfirmed for item in framework.items.all())
    assert framework.assessor_unconfirmed
    oit_collect = framework.milestones.get(code="oit_collect")
    assert oit_collect.end.year == 2027 and oit_collect.end > today  # today's deadlines, not last year's
    office = Office.objects.get(slug="spm-chanthaburi-trat")
    assessment = office.assessments.get(fiscal_year=2570)
    statuses = dict(assessment.oit_items.values_list("definition__code", "status"))
    assert len(statuses) == 26
    assert (statuses["O1"], statuses["O3"], statuses["O4"], statuses["O11"]) == (
        Item.Status.PUBLISHED,
        Item.Status.SUBMITTED,
        Item.Status.RETURNED,
        Item.Status.DRAFT,
    )
    assert [item.definition.code for item, _period, _documents in items_out_of_period(assessment)] == ["O12"]
    assert assessment.oit_items.filter(unit__isnull=False).count() > len(
        ["O1", "O3", "O4", "O11", "O12", "O13"]
    )  # carried over from FY 2566 through the mappings
    assert not assessment.oit_items.filter(due_date__lt=today).exists()
    call_command("seed_demo_current_year", verbosity=0)  # again: nothing changes
    assert Framework.objects.get(fiscal_year=2570).revision == 1


def test_an_admin_is_told_whom_to_ask_and_an_editor_where_to_start(client, monkeypatch, admin_member):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2027, 11, 1))  # FY 2571
    editor = UserFactory(is_superuser=True, email="editor@example.go.th")
    office = admin_member.office
    client.force_login(admin_member.user)
    html = client.get(reverse("ita:office", args=[office.slug])).content.decode()
    assert "2571" in html and "editor@example.go.th" in html
    html = client.get(reverse("ita:assessment-create", args=[office.slug])).content.decode()
    assert "editor@example.go.th" in html
    MembershipFactory(user=editor, office=office)
    client.force_login(editor)
    html = client.get(reverse("ita:office", args=[office.slug])).content.decode()
    assert f"{reverse('ita:draft-start')}?year=2571&amp;from=2569" in html
