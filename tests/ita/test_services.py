from decimal import Decimal

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.models import AuditEvent
from ita.catalogue import FrameworkFileError, parse_framework, parse_framework_file
from ita.models import Framework, ItemDefinition, ItemRequirement, Milestone, RespondentRule
from ita.services.assessments import assessment_open
from ita.services.frameworks import framework_load
from oit.models import Item
from tests.conftest import FRAMEWORK_DIR

pytestmark = pytest.mark.django_db


def catalogue_state() -> list:
    """Every catalogue row with its last change, to prove that a load changed nothing."""
    models = [Framework, ItemDefinition, ItemRequirement, Milestone, RespondentRule]
    return [sorted(m.objects.values_list("pk", "updated_at")) for m in models]


def test_loading_the_same_file_twice_changes_nothing():
    before = catalogue_state()
    result = framework_load(spec=parse_framework_file(FRAMEWORK_DIR / "2566.yaml"))
    assert not result.changed
    assert catalogue_state() == before


def test_the_command_says_when_a_framework_is_up_to_date(capsys):
    call_command("load_framework", str(FRAMEWORK_DIR / "2565.yaml"))
    assert "already up to date" in capsys.readouterr().out


def test_a_bad_file_changes_nothing_and_says_where(tmp_path):
    text = (FRAMEWORK_DIR / "2566.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "2566.yaml"
    bad.write_text(text.replace("name_th: โครงสร้าง", "name_th: โครงสร้างใหม่").replace("weight: 40", "weight: 41"))
    before = catalogue_state()
    with translation.override("en"), pytest.raises(CommandError) as excinfo:
        call_command("load_framework", str(bad))
    assert "nothing changed" in str(excinfo.value)
    assert "add up to 101" in str(excinfo.value)
    assert catalogue_state() == before


def test_reloading_an_edited_file_updates_in_place():
    data = yaml.safe_load((FRAMEWORK_DIR / "2566.yaml").read_text(encoding="utf-8"))
    data["indicators"][8]["sub_indicators"][0]["items"][0]["name_en"] = "Organisation chart"
    item = ItemDefinition.objects.get(framework__fiscal_year=2566, code="O1")
    count = ItemDefinition.objects.count()
    result = framework_load(spec=parse_framework(yaml.safe_dump(data, allow_unicode=True)))
    assert (result.created, result.updated, result.deleted) == (0, 1, 0)
    item.refresh_from_db()
    assert item.name_en == "Organisation chart"
    assert ItemDefinition.objects.count() == count  # the same row, not a new one


def test_an_item_in_use_cannot_be_removed_and_nothing_changes(assessment):
    data = yaml.safe_load((FRAMEWORK_DIR / "2566.yaml").read_text(encoding="utf-8"))
    data["name_en"] = "Changed"
    data["indicators"][9]["sub_indicators"][-1]["items"].pop()  # O43
    with pytest.raises(FrameworkFileError) as excinfo:
        framework_load(spec=parse_framework(yaml.safe_dump(data, allow_unicode=True)))
    assert "O43" in str(excinfo.value)
    assert Framework.objects.get(fiscal_year=2566).name_en != "Changed"


def test_a_new_framework_is_logged(tmp_path):
    data = yaml.safe_load((FRAMEWORK_DIR / "2566.yaml").read_text(encoding="utf-8"))
    data["fiscal_year"] = 2567
    for milestone in data["calendar"]:
        milestone["start"] = milestone["start"].replace(year=milestone["start"].year + 1)
        milestone["end"] = milestone["end"].replace(year=milestone["end"].year + 1)
    result = framework_load(spec=parse_framework(yaml.safe_dump(data, allow_unicode=True)))
    assert result.framework.fiscal_year == 2567
    assert result.framework.items.count() == 43
    assert AuditEvent.objects.filter(action="framework.loaded", object_id=str(result.framework.pk)).exists()


def test_opening_2566_creates_43_items_grouped_by_sub_indicator(assessment):
    items = Item.objects.filter(assessment=assessment).select_related("definition__sub_indicator")
    assert items.count() == 43
    sizes = {}
    for item in items:
        sizes[item.definition.sub_indicator.code] = sizes.get(item.definition.sub_indicator.code, 0) + 1
    assert sizes == {"9.1": 10, "9.2": 8, "9.3": 4, "9.4": 4, "9.5": 4, "10.1": 8, "10.2": 5}
    assert {item.status for item in items} == {Item.Status.DRAFT}
    assert {item.due_date for item in items} == {assessment.framework.milestone_end("oit_collect")}


def test_opening_2565_uses_that_years_items(office, admin_member, framework_2565):
    assessment = assessment_open(office=office, framework=framework_2565, user=admin_member.user)
    codes = dict(assessment.oit_items.values_list("definition__code", "definition__name_th"))
    assert len(codes) == 43
    assert codes["O29"].startswith("แนวปฏิบัติการจัดการเรื่องร้องเรียน")


def test_opening_creates_respondent_targets_with_the_calendar_deadline(assessment):
    targets = {t.rule.instrument.code: t for t in assessment.respondent_targets.select_related("rule__instrument")}
    assert set(targets) == {"IIT", "EIT"}
    assert targets["IIT"].deadline == assessment.framework.milestone_end("perception")
    assert targets["IIT"].required is None  # until the population is known


def test_opening_is_logged(assessment, admin_member):
    event = AuditEvent.objects.get(action="assessment.opened")
    assert event.office == assessment.office
    assert event.actor == admin_member.user


def test_an_office_has_one_assessment_per_year(assessment, admin_member, framework_2566):
    with pytest.raises(ValidationError):
        assessment_open(office=assessment.office, framework=framework_2566, user=admin_member.user)
    assert Item.objects.filter(assessment__office=assessment.office).count() == 43


@pytest.mark.parametrize(
    ("instrument", "population", "required"),
    [
        ("IIT", 10, 10),  # fewer than 25: all of them
        ("IIT", 25, 25),
        ("IIT", 62, 25),
        ("EIT", 20, 20),  # fewer than 30: all of them
        ("EIT", 300, 30),  # 10 % is 30
        ("EIT", 301, 31),  # 10 % rounds up
        ("EIT", 420, 42),
        ("EIT", 4000, 400),
        ("EIT", 4001, 400),  # more than 4,000: 400
        ("EIT", 100000, 400),
    ],
)
def test_required_respondents_follow_the_years_rule(framework_2566, instrument, population, required):
    rule = framework_2566.respondent_rules.get(instrument__code=instrument)
    assert rule.required_for(population) == required


def test_the_national_systems_number_replaces_the_rule(assessment):
    target = assessment.respondent_targets.get(rule__instrument__code="EIT")
    target.population = 420
    assert target.required == 42
    target.required_override = 55
    assert target.required == 55


def test_weights_come_from_the_file(framework_2566):
    assert dict(framework_2566.instruments.values_list("code", "weight")) == {
        "IIT": Decimal(30),
        "EIT": Decimal(30),
        "OIT": Decimal(40),
    }
