"""Two committee members act on the same submitted item at the same moment: one wins, the other
is told the item changed, and the item, its approvals and its timeline agree with the winner."""

import datetime
import threading

import pytest
from django.db import connection

from accounts.models import Role, User
from ita.models import Assessment, Framework
from oit import services
from oit.models import Approval, Item, ItemEvent
from oit.services import StaleItemError
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory
from tests.helpers import in_own_connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.fixture
def submitted_item():
    """A submitted item and two committee members, committed so that every thread sees them."""

    def create():
        framework = Framework.objects.get(fiscal_year=2566)
        office = OfficeFactory()
        unit = UnitFactory(office=office)
        staff = MembershipFactory(office=office, unit=unit, role=Role.STAFF)
        committee = [MembershipFactory(office=office, unit=unit, role=Role.COMMITTEE) for _ in range(2)]
        assessment = Assessment.objects.create(office=office, framework=framework, fiscal_year=2566)
        item = Item.objects.create(assessment=assessment, definition=framework.items.get(code="O5"), unit=unit)
        services.evidence_add_link(
            item=item,
            membership=staff,
            url="https://www.example.go.th/o5",
            title="ติดต่อ",
            document_date=datetime.date(2023, 1, 15),
        )
        item.refresh_from_db()
        return (
            services.item_submit(
                item=item, membership=staff, expected_version=item.version, reason="ผู้บริหารลงนามแล้ว รอสำเนา"
            ),
            staff,
            committee,
        )

    def remove() -> None:
        item.assessment.office.delete()
        User.objects.filter(pk__in=[staff.user_id, *(m.user_id for m in committee)]).delete()

    item, staff, committee = in_own_connection(create)
    try:
        yield item, committee
    finally:
        in_own_connection(remove)


def test_an_approval_and_a_return_at_once_end_in_exactly_one_of_them(submitted_item):
    item, (first, second) = submitted_item
    barrier = threading.Barrier(2, timeout=10)
    results: dict[str, str] = {}

    def act(name: str, action) -> None:
        try:
            shown = Item.objects.get(pk=item.pk)  # both opened the page at the same version
            barrier.wait()
            action(shown)
            results[name] = "done"
        except StaleItemError:
            results[name] = "stale"
        except Exception as exc:  # reported by the assertion below
            results[name] = repr(exc)
        finally:
            connection.close()

    def approve(shown):
        services.item_approve(
            item=shown, membership=first, expected_version=shown.version, reason="ผู้บริหารลงนามแล้ว รอสำเนา"
        )

    def return_(shown):
        services.item_return(item=shown, membership=second, expected_version=shown.version, reason="ขาดเอกสาร")

    threads = [threading.Thread(target=act, args=args) for args in (("approve", approve), ("return", return_))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["done", "stale"], results
    winner = next(name for name, result in results.items() if result == "done")
    saved = Item.objects.get(pk=item.pk)
    events = list(ItemEvent.objects.filter(item=item).order_by("id").values_list("kind", flat=True))
    if winner == "approve":
        assert saved.status == Item.Status.APPROVED and Approval.objects.filter(item=item).count() == 1
        assert events[-1] == ItemEvent.Kind.APPROVED
    else:
        assert saved.status == Item.Status.RETURNED and not Approval.objects.filter(item=item).exists()
        assert events[-1] == ItemEvent.Kind.RETURNED
    assert events.count(ItemEvent.Kind.APPROVED) + events.count(ItemEvent.Kind.RETURNED) == 1
    assert saved.version == item.version + 1
