"""A submission with the staff checklist unticked, or an approval with the reviewer's checklist
unticked, needs a reason, which the item's timeline keeps; with everything ticked nothing changes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from oit import services
from oit.models import Approval
from tests.oit.helpers import Kind, Status, add_file, fresh, state, update_contents

pytestmark = pytest.mark.django_db
REASON = "คำสั่งฉบับลงนามอยู่ระหว่างเสนอผู้อำนวยการ"


def tick_all(item, staff):
    """Staff tick every required content (covered, without pointing at a document)."""
    return update_contents(item, staff, coverage={check.pk: None for check in fresh(item).checks.all()})


def tick_all_but_first(item, staff):
    checks = list(fresh(item).checks.select_related("requirement"))
    update_contents(item, staff, coverage={check.pk: None for check in checks[1:]})
    return checks[0]


def confirm_all(item, reviewer, *, but_first=False):
    item = fresh(item)
    checks = list(item.checks.order_by("requirement__order"))
    ok_ids = {check.pk for check in checks[1 if but_first else 0 :]}
    return services.item_review_checks(item=item, membership=reviewer, expected_version=item.version, ok_ids=ok_ids)


def submit(item, staff, **kwargs):
    item = fresh(item)
    return services.item_submit(item=item, membership=staff, expected_version=item.version, **kwargs)


def approve(item, reviewer, **kwargs):
    item = fresh(item)
    return services.item_approve(item=item, membership=reviewer, expected_version=item.version, **kwargs)


def detail_url(item, name="oit:item-detail"):
    return reverse(name, args=[item.assessment.office.slug, item.assessment.fiscal_year, item.definition.code])


@pytest.fixture
def ready(o27, staff_member):
    """O27 (five required contents) with a document, nothing ticked yet."""
    add_file(o27, staff_member)
    return fresh(o27)


# --- the services --------------------------------------------------------------------------


def test_with_everything_ticked_a_submission_needs_no_reason(ready, staff_member):
    tick_all(ready, staff_member)
    item = submit(ready, staff_member, note="พร้อมตรวจ")
    assert item.status == Status.SUBMITTED
    assert item.events.get(kind=Kind.SUBMITTED).note == "พร้อมตรวจ"


def test_a_submission_with_something_unticked_and_no_reason_changes_nothing(ready, staff_member):
    first = tick_all_but_first(ready, staff_member)
    before = state(ready)
    with pytest.raises(ValidationError) as refused:
        submit(ready, staff_member, note="พร้อมตรวจ", reason="   ")
    assert refused.value.code == "unticked"
    assert f"{first.requirement.order}. {first.requirement.text[:20]}" in refused.value.messages[0]
    assert state(ready) == before


def test_a_reason_lets_the_submission_through_and_is_kept_on_the_event(ready, staff_member):
    first = tick_all_but_first(ready, staff_member)
    item = submit(ready, staff_member, note="พร้อมตรวจ", reason=f"  {REASON}  ")
    assert item.status == Status.SUBMITTED
    note = item.events.get(kind=Kind.SUBMITTED).note
    assert note.startswith("พร้อมตรวจ · ")
    assert f"{first.requirement.order})" in note and note.endswith(REASON)


def test_an_approval_with_the_reviewers_checklist_unticked_needs_a_reason(
    ready, staff_member, committee_member, second_committee_member, office
):
    office.oit_required_approvals = 2
    office.save(update_fields=["oit_required_approvals"])
    tick_all(ready, staff_member)
    submit(ready, staff_member)
    confirm_all(ready, committee_member, but_first=True)
    before = state(ready)
    with pytest.raises(ValidationError) as refused:
        approve(ready, committee_member, note="ครบถ้วน")
    assert refused.value.code == "unticked"
    assert state(ready) == before
    item = approve(ready, committee_member, note="ครบถ้วน", reason=REASON)
    assert Approval.objects.filter(item=item).count() == 1
    assert REASON in item.events.get(kind=Kind.APPROVAL).note
    # Once the reviewer's checklist is complete, the next approval needs none.
    confirm_all(ready, second_committee_member)
    item = approve(ready, second_committee_member, note="ครบถ้วน")
    assert item.status == Status.APPROVED
    assert item.events.get(kind=Kind.APPROVED).note == "ครบถ้วน"


# --- the pages -----------------------------------------------------------------------------


def test_the_submit_form_asks_for_a_reason_only_when_something_is_unticked(client, ready, staff_member):
    client.force_login(staff_member.user)
    html = client.get(detail_url(ready)).content.decode()
    assert "เหตุผลที่ดำเนินการต่อทั้งที่องค์ประกอบที่ต้องมียังไม่ได้ทำเครื่องหมาย" in html
    assert "ยังไม่ได้ทำเครื่องหมาย: ข้อ 1, 2, 3, 4, 5" in html
    tick_all(ready, staff_member)
    html = client.get(detail_url(ready)).content.decode()
    assert 'name="reason"' not in html


def test_a_submission_without_the_reason_comes_back_with_the_unticked_points(client, ready, staff_member):
    first = tick_all_but_first(ready, staff_member)
    client.force_login(staff_member.user)
    item = fresh(ready)
    data = {"version": item.version, "note": "แนบครบแล้ว"}
    response = client.post(detail_url(item, "oit:item-submit"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "องค์ประกอบที่ต้องมียังไม่ได้ทำเครื่องหมาย:" in html
    assert f"{first.requirement.order}. {first.requirement.text[:20]}" in html
    assert "แนบครบแล้ว" in html  # what was typed stays
    assert fresh(item).status == Status.DRAFT
    response = client.post(detail_url(item, "oit:item-submit"), {**data, "reason": REASON})
    assert response.status_code == 302
    assert fresh(item).status == Status.SUBMITTED
    timeline = client.get(detail_url(item)).content.decode()
    assert f"องค์ประกอบที่ต้องมียังไม่ได้ทำเครื่องหมาย (ข้อ {first.requirement.order}) เหตุผล: {REASON}" in timeline


def test_an_approval_without_the_reason_comes_back_and_changes_nothing(client, ready, staff_member, committee_member):
    tick_all(ready, staff_member)
    submit(ready, staff_member)
    client.force_login(committee_member.user)
    item = fresh(ready)
    response = client.post(detail_url(item, "oit:item-approve"), {"version": item.version})
    assert response.status_code == 400
    assert "ที่ยังไม่ได้ยืนยันในรายการตรวจของผู้ตรวจ" in response.content.decode()
    assert not Approval.objects.filter(item=item).exists()
    confirm_all(item, committee_member)
    item = fresh(item)
    response = client.post(detail_url(item, "oit:item-approve"), {"version": item.version})
    assert response.status_code == 302
    assert fresh(item).status == Status.APPROVED
