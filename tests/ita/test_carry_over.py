"""Opening FY 2569 after FY 2566, with 2567 and 2568 never opened: assignments, unfinished
improvements and lessons follow the chain of item mappings, and a page shows what mapped where
before anything is copied."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from ita.mapping import item_lineage
from ita.models import Assessment, Framework
from ita.services.assessments import assessment_open
from oit.models import Item, ItemEvent
from oit.services import items_assign
from spdca.models import Improvement, Lesson
from spdca.services import assignments_copy
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def year(fiscal_year: int) -> Framework:
    return Framework.objects.get(fiscal_year=fiscal_year)


def codes(items) -> list[str]:
    return [item.code for item in items]


def test_the_lineage_follows_each_years_mapping_across_renumbering():
    lineage = item_lineage(year(2566), year(2569))
    links = {link.new.code: codes(link.old) for link in lineage.links}
    assert lineage.years == [2566, 2567, 2568, 2569] and lineage.by_name == []
    assert links["O1"] == ["O1", "O3"]  # structure and duties, merged in 2568
    assert links["O15"] == ["O39", "O40"]  # the code of ethics and its implementation
    assert links["O20"] == ["O31", "O32", "O33"]  # No Gift Policy
    assert links["O2"] == []  # unknown in 2569: new, nothing carried
    assert {"O2", "O43"} <= set(codes(lineage.gone))
    assert len(lineage.links) == 26


def test_a_gap_in_the_loaded_years_is_bridged_by_names():
    Framework.objects.filter(fiscal_year__in=[2567, 2568]).delete()
    lineage = item_lineage(year(2566), year(2569))
    assert lineage.by_name == [(2566, 2569)]
    links = {link.new.code: codes(link.old) for link in lineage.links}
    assert links["O16"] == ["O27"]  # the complaint guideline, the same name in both years


@pytest.fixture
def year_2566(office, admin_member, staff_member):
    assessment = assessment_open(office=office, framework=year(2566), user=admin_member.user)
    finance, ethics = UnitFactory(office=office, name="กลุ่มการเงิน"), UnitFactory(office=office, name="กลุ่มกฎหมาย")
    items = {item.code: item for item in assessment.oit_items.select_related("definition")}
    items_assign(
        items=[items["O39"]], membership=admin_member, unit=ethics, assignees=[staff_member.user], due_date=None
    )
    items_assign(items=[items["O22"]], membership=admin_member, unit=finance, assignees=[], due_date=None)
    items_assign(items=[items["O43"]], membership=admin_member, unit=finance, assignees=[], due_date=None)
    Improvement.objects.create(assessment=assessment, phase="after_results", cause="ก", action="ทำต่อ")
    Improvement.objects.create(assessment=assessment, phase="after_results", cause="ข", action="เสร็จแล้ว", done=True)
    Lesson.objects.create(assessment=assessment, text="บทเรียน")
    return assessment, ethics, finance


def test_the_page_before_opening_shows_what_maps_where_and_copies_nothing(client, admin_member, year_2566):
    client.force_login(admin_member.user)
    response = client.get(reverse("ita:assessment-create", args=[admin_member.office.slug]))
    assert [framework.fiscal_year for framework, _preview in response.context["previews"]] == [2569, 2568, 2567]
    assert 'id="carry-over-2569" open' in response.content.decode()
    url = reverse("ita:assessment-open", args=[admin_member.office.slug, 2569])
    response = client.get(url)
    html = response.content.decode()
    assert not Assessment.objects.filter(fiscal_year=2569).exists()
    assert "2566 → 2567 → 2568 → 2569" in html
    assert "กลุ่มกฎหมาย" in html  # who held O39, shown beside O15
    assert "ข้อมูลข้อ O2" in html  # new: nothing to carry
    assert "O43" in html  # no successor
    lines = response.context["preview"]["lines"]
    assert len(lines) == 3  # assignments, the unfinished improvement, the lesson
    assert "2 " in lines[0] and "1 " in lines[1]


def test_opening_2569_after_2566_carries_assignments_improvements_and_lessons(
    client, admin_member, staff_member, year_2566
):
    _assessment, ethics, finance = year_2566
    client.force_login(admin_member.user)
    url = reverse("ita:assessment-open", args=[admin_member.office.slug, 2569])
    response = client.post(url, {"carry_over": "on"})
    assessment = Assessment.objects.get(office=admin_member.office, fiscal_year=2569)
    assert response["Location"] == assessment.get_absolute_url()
    items = {item.code: item for item in assessment.oit_items.select_related("definition", "unit")}
    assert len(items) == 26
    assert (items["O15"].unit, list(items["O15"].assignees.all())) == (ethics, [staff_member.user])
    assert items["O12"].unit == finance  # 2566 O22 → 2567 O22 → 2568 O13 → 2569 O12
    assert items["O2"].unit is None
    event = ItemEvent.objects.get(item=items["O15"], kind=ItemEvent.Kind.ASSIGNED)
    assert "O39" in event.note and event.actor == admin_member.user
    assert [i.action for i in assessment.improvements.all()] == ["ทำต่อ"]
    assert [lesson.text for lesson in assessment.lessons.all()] == ["บทเรียน"]
    assert Item.objects.filter(assessment=assessment, unit__isnull=False).count() == 2


def test_opening_without_the_carry_over_copies_nothing(client, admin_member, year_2566):
    client.force_login(admin_member.user)
    url = reverse("ita:assessment-create", args=[admin_member.office.slug])
    assert client.post(url, {"framework": year(2569).pk}).status_code == 302  # the box left unticked
    assessment = Assessment.objects.get(office=admin_member.office, fiscal_year=2569)
    assert not assessment.oit_items.filter(unit__isnull=False).exists()
    assert not assessment.improvements.exists() and not assessment.lessons.exists()
    assert AuditEvent.objects.filter(action="assessment.opened", summary__contains="โดยไม่ยกรายการจากปีก่อนมา").exists()


def test_copying_later_follows_the_chain_too(admin_member, year_2566, client):
    assessment = assessment_open(
        office=admin_member.office, framework=year(2569), user=admin_member.user, carry_over=False
    )
    assert assignments_copy(assessment=assessment, membership=admin_member) == 2
    assert assignments_copy(assessment=assessment, membership=admin_member) == 0  # only unassigned items
    client.force_login(admin_member.user)
    html = client.get(reverse("ita:carry-over", args=[admin_member.office.slug, 2569])).content.decode()
    assert "กลุ่มกฎหมาย" in html


def test_staff_see_the_carry_over_page_but_only_admins_open_a_year(client, staff_member, year_2566):
    client.force_login(staff_member.user)
    assert client.get(reverse("ita:assessment-open", args=[staff_member.office.slug, 2569])).status_code == 403
    assert client.get(reverse("ita:carry-over", args=[staff_member.office.slug, 2566])).status_code == 200
