"""A correction of a framework that offices run adds and withdraws items: offices get the new
items, the withdrawn ones keep their work out of the lists and counts, and nothing is deleted."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from ita import drafts
from ita.models import Framework, FrameworkDraft, FrameworkRevision, ItemDefinition
from ita.services.assessments import assessment_open
from ita.services.frameworks import (
    StaleDraftError,
    draft_problems,
    draft_reserved_codes,
    draft_withdrawals,
    framework_draft_publish,
    framework_draft_save,
    framework_draft_start,
    framework_spec,
    withdrawal_impact,
)
from oit.models import Evidence, Item, ItemEvent
from oit.selectors import item_status_summary
from tests.factories import UserFactory
from tests.oit.helpers import add_file, add_link

pytestmark = pytest.mark.django_db

NOTE = "สำนักงาน ป.ป.ช. ปรับรายการข้อมูล OIT ระหว่างปี"
NEW_ITEM = {"sub_indicator": "9.1", "group_th": "ข้อมูลพื้นฐาน", "name_th": "ช่องทางการสื่อสารออนไลน์"}


@pytest.fixture
def editor():
    user = UserFactory(first_name="บรรณาธิการ")
    user.user_permissions.add(Permission.objects.get(codename="edit_framework"))
    return user


@pytest.fixture
def framework():
    return Framework.objects.get(fiscal_year=2569)


@pytest.fixture
def year_2569(office, admin_member, framework):
    return assessment_open(office=office, framework=framework, user=admin_member.user)


def correction(editor, edit) -> FrameworkDraft:
    """A correction of 2569 with `edit(content, reserved)` applied and saved."""
    draft = framework_draft_start(user=editor, fiscal_year=2569, based_on=None)
    content = edit(draft.content, draft_reserved_codes(draft))
    return framework_draft_save(draft=draft, user=editor, expected_version=draft.version, content=content, summary="x")


def add_item(content, reserved):
    content, code = drafts.add_row(content, "items", NEW_ITEM, reserved=reserved)
    return drafts.set_requirements(content, code, [{"text_th": "ลิงก์ช่องทางการสื่อสาร"}])


def remove(code):
    def edit(content, reserved):
        index = [row["code"] for row in content["items"]].index(code)
        return drafts.remove_row(content, "items", index, reserved=reserved)

    return edit


def publish(draft, editor, **kwargs):
    draft.refresh_from_db()
    return framework_draft_publish(draft=draft, user=editor, expected_version=draft.version, note=NOTE, **kwargs)


def test_an_added_item_takes_the_next_code_and_reaches_every_office_unassigned(editor, framework, year_2569):
    count = framework.items.count()
    draft = correction(editor, add_item)
    codes = [row["code"] for row in draft.content["items"]]
    new_code = f"O{count + 1}"
    assert new_code in codes and codes[:3] == ["O1", "O2", "O3"]  # the others keep their codes
    assert list(draft_problems(draft)[1]) == []
    result = publish(draft, editor)
    assert [d.code for d in result.added_items] == [new_code]
    item = year_2569.oit_items.get(definition__code=new_code)
    assert (item.status, item.unit, list(item.assignees.all())) == (Item.Status.DRAFT, None, [])
    assert item.checks.count() == 1
    assert NOTE in item.events.get().note  # the change note in the item's history
    assert year_2569.oit_items.count() == count + 1
    listed = [(i.definition.code, i.definition.sub_indicator.code) for i in year_2569.oit_items.all()]
    place = listed.index((new_code, "9.1"))  # listed with its sub-indicator, not after the last item
    assert listed[place - 1][1] == "9.1" and listed[place + 1][1] != "9.1"
    assert item_status_summary(year_2569).total.total == count + 1
    assert AuditEvent.objects.filter(action="oit.items_followed_framework", office=year_2569.office).exists()


def test_withdrawing_an_item_needs_a_confirmation_that_lists_the_offices_work(
    editor, framework, year_2569, admin_member
):
    count = framework.items.count()
    item = year_2569.oit_items.get(definition__code="O3")
    add_link(item, admin_member)
    draft = correction(editor, remove("O3"))
    assert list(draft_problems(draft)[1]) == []  # the gap O3 leaves is allowed
    withdrawals = draft_withdrawals(draft)
    assert [d.code for d in withdrawals] == ["O3"]
    [row] = withdrawal_impact(withdrawals)
    assert (row["office"], row["item"].code, row["evidence"]) == (year_2569.office, "O3", 1)

    with pytest.raises(ValidationError) as excinfo:
        publish(draft, editor)
    assert excinfo.value.code == "confirm"
    framework.refresh_from_db()
    assert framework.revision == 1 and FrameworkDraft.objects.filter(pk=draft.pk).exists()
    assert year_2569.oit_items.count() == count

    publish(draft, editor, confirm_withdrawals=True)
    framework.refresh_from_db()
    assert framework.revision == 2
    definition = ItemDefinition.all_objects.get(framework=framework, code="O3")
    assert definition.withdrawn_in == 2
    kept = Item.all_objects.get(pk=item.pk)  # nothing is deleted
    assert Evidence.objects.filter(item=kept).count() == 1
    assert NOTE in kept.events.get(kind=ItemEvent.Kind.COMMENTED).note  # in the item's history
    assert year_2569.oit_items.count() == count - 1  # out of the list and the counts
    assert item_status_summary(year_2569).total.total == count - 1
    assert "O3" not in [row.code for row in framework_spec(framework).items]
    assert "- itemdefinition O3" in FrameworkRevision.objects.get(framework=framework, number=2).changes


def test_a_later_correction_never_gives_a_withdrawn_code_again(editor, framework, year_2569):
    count = framework.items.count()
    publish(correction(editor, remove(f"O{count}")), editor, confirm_withdrawals=True)
    draft = correction(editor, add_item)
    assert f"O{count + 1}" in [row["code"] for row in draft.content["items"]]
    assert list(draft_problems(draft)[1]) == []


def test_an_item_of_a_framework_in_use_keeps_its_sub_indicator(editor, year_2569):
    draft = framework_draft_start(user=editor, fiscal_year=2569, based_on=None)
    content, _code = drafts.set_row(
        draft.content, "items", 0, {"sub_indicator": "9.2"}, reserved=draft_reserved_codes(draft)
    )
    with pytest.raises(ValidationError) as excinfo:
        framework_draft_save(draft=draft, user=editor, expected_version=draft.version, content=content, summary="x")
    assert excinfo.value.code == "structure"


def test_a_publish_that_fails_validation_changes_nothing(editor, framework, year_2569):
    count = framework.items.count()

    def without_requirements(content, reserved):
        return drafts.add_row(content, "items", NEW_ITEM, reserved=reserved)[0]

    draft = correction(editor, without_requirements)
    with pytest.raises(ValidationError) as excinfo:
        publish(draft, editor)
    assert len(excinfo.value.messages) > 1  # the heading and the problem
    framework.refresh_from_db()
    assert framework.revision == 1 and framework.items.count() == count
    assert year_2569.oit_items.count() == count


def test_of_two_editors_publishing_at_once_one_wins(editor, framework, year_2569):
    draft = correction(editor, add_item)
    other = FrameworkDraft.objects.get(pk=draft.pk)  # the second editor's page, same version
    publish(draft, editor)
    with pytest.raises(StaleDraftError):
        framework_draft_publish(draft=other, user=editor, expected_version=other.version, note=NOTE)
    framework.refresh_from_db()
    assert framework.revision == 2


def test_a_file_load_still_refuses_to_drop_an_item_offices_use(editor, framework, year_2569):
    from ita.catalogue import FrameworkFileError
    from ita.services.frameworks import framework_load

    spec = framework_spec(framework)
    spec.rows["items"] = spec.rows["items"][:-1]
    with pytest.raises(FrameworkFileError):
        framework_load(spec=spec, user=editor, note="x")


# --- pages --------------------------------------------------------------------------------------


def test_the_editor_adds_removes_and_confirms_in_thai(client, editor, framework, year_2569, admin_member):
    count = framework.items.count()
    add_file(year_2569.oit_items.get(definition__code="O2"), admin_member)
    draft = correction(editor, add_item)
    client.force_login(editor)
    response = client.post(reverse("ita:draft-row-remove", args=[2569, "items", 1]), {"version": draft.version})
    assert response.status_code == 302
    assert "ถูกถอนออกจากรายการงานของหน่วยงาน" in client.get(response.url).content.decode()
    draft.refresh_from_db()
    assert "O2" not in [row["code"] for row in draft.content["items"]]
    html = client.get(reverse("ita:draft-part", args=[2569, "items"])).content.decode()
    assert "ทุกข้อคงรหัสเดิม" in html and reverse("ita:draft-row-add", args=[2569, "items"]) in html
    assert "ข้อใหม่ในการแก้ไขนี้" in html and "จะถอนออกจากรายการงานของหน่วยงาน" in html
    url = reverse("ita:draft-publish", args=[2569])
    html = client.get(url).content.decode()
    assert "ถอนออก" in html and year_2569.office.short_name in html
    assert "ช่องทางการสื่อสารออนไลน์" in html  # the added item
    response = client.post(url, {"version": draft.version, "note": NOTE})
    assert response.status_code == 200
    assert "ยืนยัน" in response.content.decode()
    framework.refresh_from_db()
    assert framework.revision == 1
    response = client.post(url, {"version": draft.version, "note": NOTE, "confirm_withdrawals": "on"})
    assert response.status_code == 302
    html = client.get(reverse("ita:framework-detail", args=[2569])).content.decode()
    assert "ข้อที่เพิ่ม" in html and "ข้อที่ถอนออก" in html
    response = client.post(url, {"version": draft.version, "note": NOTE, "confirm_withdrawals": "on"})
    assert response.status_code == 302  # a second publication of the same draft: told, nothing changes
    framework.refresh_from_db()
    assert framework.revision == 2

    client.force_login(admin_member.user)
    office = year_2569.office
    html = client.get(reverse("oit:item-list", args=[office.slug, 2569])).content.decode()
    assert f"O{count + 1}" in html
    assert NOTE in html  # the office opened the year before the revision: the list tells of it
    assert reverse("oit:item-detail", args=[office.slug, 2569, "O2"]) not in html
    html = client.get(reverse("oit:item-detail", args=[office.slug, 2569, "O2"])).content.decode()
    assert "ถอนออกจากกรอบการประเมิน" in html  # the withdrawn item's page and history stay
    assert client.post(reverse("oit:item-submit", args=[office.slug, 2569, "O2"]), {"version": 1}).status_code == 404
    revision = Evidence.objects.get(item__definition__code="O2", item__assessment=year_2569).current
    download = reverse("oit:evidence-download", args=[office.slug, 2569, "O2", revision.pk])
    assert client.get(download).status_code == 200  # its evidence stays readable
    html = client.get(reverse("ita:office", args=[office.slug])).content.decode()
    assert NOTE in html


def test_the_publish_page_answers_get_and_refuses_others(client, admin_member, editor):
    client.force_login(admin_member.user)
    assert client.get(reverse("ita:draft-publish", args=[2569])).status_code == 403
    client.force_login(editor)
    assert client.get(reverse("ita:draft-publish", args=[2569])).status_code == 404  # no draft
