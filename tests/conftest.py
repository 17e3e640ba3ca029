import os
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command

from accounts.models import Role
from ita.models import Framework
from ita.services.assessments import assessment_open
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory

FRAMEWORK_DIR = Path(__file__).resolve().parent.parent / "ita" / "framework"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real FY 2565 and 2566 frameworks once; every test rolls its own changes back."""
    with django_db_blocker.unblock():
        call_command("load_framework", *sorted(str(p) for p in FRAMEWORK_DIR.glob("*.yaml")), verbosity=0)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached pages of an earlier test (SQLite reuses primary keys after a rollback) must not show,
    and each test draws its page fragments itself."""
    cache.clear()
    caches["fragments"].clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def framework_2565(db):
    return Framework.objects.get(fiscal_year=2565)


@pytest.fixture
def framework_2566(db):
    return Framework.objects.get(fiscal_year=2566)


@pytest.fixture
def office(db):
    return OfficeFactory()


@pytest.fixture
def unit(office):
    return UnitFactory(office=office)


@pytest.fixture
def admin_member(office, unit):
    return MembershipFactory(office=office, role=Role.ADMIN, unit=unit)


@pytest.fixture
def committee_member(office, unit):
    return MembershipFactory(office=office, role=Role.COMMITTEE, unit=unit)


@pytest.fixture
def staff_member(office, unit):
    return MembershipFactory(office=office, role=Role.STAFF, unit=unit)


@pytest.fixture
def other_office_admin(db):
    return MembershipFactory(role=Role.ADMIN)


@pytest.fixture
def assessment(office, admin_member, framework_2566):
    return assessment_open(office=office, framework=framework_2566, user=admin_member.user)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> None:
    """A service or program a test needs is missing: skipped on a laptop, a failure in CI, which
    installs and starts everything."""
    if in_ci():
        pytest.fail(f"CI must provide it: {reason}")
    pytest.skip(reason)


def require_postgresql(why: str = "needs PostgreSQL") -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        unavailable(why)
