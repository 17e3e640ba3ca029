"""What every OIT service shares: it refuses another office, and a stale version changes nothing."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.models import Role, User
from ita.models import Assessment, Framework
from oit import services
from oit.models import Evidence, Item
from oit.services import StaleItemError
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory
from tests.helpers import in_own_connection
from tests.oit.helpers import (
    Kind,
    Status,
    add_file,
    add_link,
    approve,
    bring_to,
    fresh,
    kinds,
    publish,
    return_,
    state,
    stored_files,
    submit,
    unpublish,
)

# --- another office ------------------------------------------------------------------------

SERVICES = {
    "assign": (
        Status.DRAFT,
        lambda item, m, ev: services.items_assign(items=[item], membership=m, unit=None, assignees=[], due_date=None),
    ),
    "add file": (Status.DRAFT, lambda item, m, ev: add_file(item, m)),
    "add link": (Status.DRAFT, lambda item, m, ev: add_link(item, m)),
    "replace file": (Status.DRAFT, lambda item, m, ev: add_file(item, m, replaces=ev)),
    "remove": (Status.DRAFT, lambda item, m, ev: services.evidence_remove(evidence=ev, membership=m)),
    "contents": (
        Status.DRAFT,
        lambda item, m, ev: services.item_update_contents(
            item=item, membership=m, expected_version=item.version, description="x", coverage={}
        ),
    ),
    "submit": (Status.DRAFT, lambda item, m, ev: submit(item, m)),
    "comment": (Status.DRAFT, lambda item, m, ev: services.item_comment(item=item, membership=m, text="x")),
    "review checks": (
        Status.SUBMITTED,
        lambda item, m, ev: services.item_review_checks(
            item=item, membership=m, expected_version=item.version, ok_ids=set(item.checks.values_list("pk", flat=True))
        ),
    ),
    "approve": (Status.SUBMITTED, lambda item, m, ev: approve(item, m)),
    "return": (Status.SUBMITTED, lambda item, m, ev: return_(item, m)),
    "publish": (Status.APPROVED, lambda item, m, ev: publish(item, m)),
    "unpublish": (Status.PUBLISHED, lambda item, m, ev: unpublish(item, m)),
}


@pytest.mark.parametrize("service", SERVICES)
def test_members_of_another_office_are_refused_by_every_service(
    item, staff_member, committee_member, admin_member, other_office_admin, settings, service
):
    status, call = SERVICES[service]
    item = bring_to(item, status, staff_member, committee_member, admin_member)
    evidence = Evidence.objects.get(item=item)
    before, files = state(item), stored_files(settings)
    with pytest.raises(PermissionDenied):
        call(item, other_office_admin, evidence)
    assert state(item) == before
    assert stored_files(settings) == files


# --- two people at once --------------------------------------------------------------------


def test_of_two_people_editing_the_same_version_the_second_is_told_and_saves_nothing(item, staff_member, admin_member):
    seen_by_staff, seen_by_admin = fresh(item), fresh(item)
    services.item_update_contents(
        item=seen_by_staff,
        membership=staff_member,
        expected_version=seen_by_staff.version,
        description="ฉบับของเจ้าหน้าที่",
        coverage={},
    )
    with pytest.raises(StaleItemError):
        services.item_update_contents(
            item=seen_by_admin,
            membership=admin_member,
            expected_version=seen_by_admin.version,
            description="ฉบับของผู้ดูแล",
            coverage={},
        )
    item = fresh(item)
    assert item.description == "ฉบับของเจ้าหน้าที่"
    assert item.version == seen_by_staff.version + 1
    assert kinds(item) == [Kind.EDITED]


@pytest.fixture
def committed_item(db):
    """An item with two editors, committed so that every connection sees it, and removed after.

    A transactional test (django_db(transaction=True)) would flush the whole database after it,
    and with it the frameworks that conftest loads once per session; committing through another
    connection leaves the rest of the database as it was.
    """

    def create() -> tuple[Item, list]:
        framework = Framework.objects.get(fiscal_year=2566)
        office = OfficeFactory()
        unit = UnitFactory(office=office)
        editors = [MembershipFactory(office=office, unit=unit, role=Role.STAFF) for _ in range(2)]
        assessment = Assessment.objects.create(office=office, framework=framework, fiscal_year=2566)
        item = Item.objects.create(assessment=assessment, definition=framework.items.get(code="O12"), unit=unit)
        return item, editors

    def remove() -> None:
        office.delete()  # with its assessment, item, events, units and memberships
        User.objects.filter(pk__in=[editor.user_id for editor in editors]).delete()

    item, editors = in_own_connection(create)
    office = item.assessment.office
    try:
        yield item, editors
    finally:
        in_own_connection(remove)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_simultaneous_edits_of_the_same_version_save_exactly_one(committed_item):
    item, editors = committed_item
    version = item.version
    barrier = threading.Barrier(len(editors), timeout=10)
    results: dict[str, str] = {}

    def edit(membership, description: str) -> None:
        try:
            shown = Item.objects.get(pk=item.pk)
            barrier.wait()
            services.item_update_contents(
                item=shown, membership=membership, expected_version=version, description=description, coverage={}
            )
            results[description] = "saved"
        except StaleItemError:
            results[description] = "stale"
        except Exception as exc:  # reported by the assertion below
            results[description] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(m, f"ฉบับที่ {n}")) for n, m in enumerate(editors, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["saved", "stale"], results
    saved = fresh(item)
    assert saved.description == next(text for text, result in results.items() if result == "saved")
    assert saved.version == version + 1
    assert kinds(item) == [Kind.EDITED]


def test_a_stale_copy_of_a_removed_document_takes_no_revision(assessment, staff_member):
    item = assessment.oit_items.get(definition__code="O1")
    item.unit = staff_member.unit
    item.save()
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 a")
    revision = services.evidence_add_file(
        item=item, membership=staff_member, upload=upload, title="a", document_date=date(2022, 12, 1)
    )
    stale = Evidence.objects.get(pk=revision.evidence_id)
    services.evidence_remove(evidence=Evidence.objects.get(pk=stale.pk), membership=staff_member)
    with pytest.raises(ValidationError):
        services.evidence_add_link(
            item=item,
            membership=staff_member,
            url="https://a.go.th",
            title="",
            document_date=date(2022, 12, 1),
            replaces=stale,
        )
    services.evidence_remove(evidence=stale, membership=staff_member)  # a second removal changes nothing
    assert item.events.filter(kind="removed").count() == 1
