"""Items made for an assessment, and the checklist each one gets from its definition."""

import yaml

from accounts.models import Role
from ita.catalogue import parse_framework
from ita.models import ItemRequirement
from ita.services.assessments import assessment_open
from ita.services.frameworks import framework_load
from oit import services
from oit.models import Item, RequirementCheck
from tests.conftest import FRAMEWORK_DIR
from tests.factories import MembershipFactory
from tests.oit.helpers import get_item

# --- items and their checklist -------------------------------------------------------------


def test_opening_an_assessment_gives_each_item_one_check_per_requirement(assessment):
    items = Item.objects.filter(assessment=assessment).prefetch_related("checks", "definition__requirements")
    assert len(items) == 43
    for item in items:
        expected = {requirement.pk for requirement in item.definition.requirements.all()}
        assert expected, item.code
        assert {check.requirement_id for check in item.checks.all()} == expected
    assert get_item(assessment, "O27").checks.count() == 5
    check = RequirementCheck.objects.filter(item__assessment=assessment).first()
    assert (check.covered, check.evidence, check.reviewer_ok) == (False, None, False)


def test_creating_checks_again_changes_nothing(assessment):
    before = list(RequirementCheck.objects.filter(item__assessment=assessment).values_list("pk", "requirement_id"))
    services.checks_create(items=Item.objects.filter(assessment=assessment))
    after = list(RequirementCheck.objects.filter(item__assessment=assessment).values_list("pk", "requirement_id"))
    assert after == before


def test_creating_checks_adds_only_the_missing_ones(assessment):
    item = get_item(assessment, "O27")
    kept = set(item.checks.values_list("pk", flat=True))
    item.checks.order_by("pk").first().delete()
    services.checks_create(items=[item])
    now = set(item.checks.values_list("pk", flat=True))
    assert len(now) == 5
    assert len(now & kept) == 4


def test_creating_checks_for_a_framework_twice_does_not_duplicate(assessment, framework_2566):
    count = RequirementCheck.objects.count()
    services.checks_create_for_framework(framework=framework_2566)
    services.checks_create_for_framework(framework=framework_2566)
    assert RequirementCheck.objects.count() == count


def with_new_requirement(code: str) -> str:
    """The 2566 framework file with one more minimum content for item `code`."""
    data = yaml.safe_load((FRAMEWORK_DIR / "2566.yaml").read_text(encoding="utf-8"))
    for indicator in data["indicators"]:
        for sub_indicator in indicator.get("sub_indicators", []):
            for item in sub_indicator["items"]:
                if item["code"] == code:
                    item["requirements"].append({"text_th": "ระบุวันที่ประกาศ", "text_en": "States the date"})
    return yaml.safe_dump(data, allow_unicode=True)


def test_reloading_a_framework_gives_existing_items_a_check_for_a_new_requirement(assessment):
    item = get_item(assessment, "O1")
    assert item.checks.count() == 1
    framework_load(spec=parse_framework(with_new_requirement("O1")))
    new = ItemRequirement.objects.get(item__framework__fiscal_year=2566, item__code="O1", order=2)
    assert set(item.checks.values_list("requirement_id", flat=True)) >= {new.pk}
    assert item.checks.count() == 2


def test_reloading_a_framework_gives_every_offices_item_the_new_check(assessment, framework_2566):
    other = MembershipFactory(role=Role.ADMIN)
    assessment_open(office=other.office, framework=framework_2566, user=other.user)
    framework_load(spec=parse_framework(with_new_requirement("O1")))
    counts = RequirementCheck.objects.filter(item__definition__code="O1", item__definition__framework=framework_2566)
    assert counts.count() == 4  # two offices, two requirements each
