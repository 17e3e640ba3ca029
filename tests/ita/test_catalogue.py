"""Framework files: the real ones are valid, and each kind of mistake is named with its line."""

import re
from functools import cache

import pytest
import yaml
from django.utils import translation

from ita.catalogue import FrameworkFileError, parse_framework, parse_framework_file
from tests.conftest import FRAMEWORK_DIR


@cache
def source(year: int) -> str:
    return (FRAMEWORK_DIR / f"{year}.yaml").read_text(encoding="utf-8")


def problems_of(text: str) -> list[str]:
    with translation.override("en"), pytest.raises(FrameworkFileError) as excinfo:
        parse_framework(text)
    return excinfo.value.problems


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True


def edited(year: int, edit) -> str:
    """The year's file with `edit(data)` applied, dumped back to YAML (repeated values written out)."""
    data = yaml.safe_load(source(year))
    edit(data)
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)


def sub_sizes(spec) -> list[int]:
    return [len(spec.children("items", sub)) for sub in spec.of("sub_indicators")]


def test_the_2566_file_has_43_items_in_the_restructured_groups():
    spec = parse_framework_file(FRAMEWORK_DIR / "2566.yaml")
    assert [item.code for item in spec.items] == [f"O{n}" for n in range(1, 44)]
    assert sub_sizes(spec) == [10, 8, 4, 4, 4, 8, 5]
    assert spec.header.rating_scheme == "level"
    assert {i.code: i.weight for i in spec.of("instruments")} == {"IIT": 30, "EIT": 30, "OIT": 40}
    assert {i.code: i.kind for i in spec.of("instruments")} == {"IIT": "IIT", "EIT": "EIT", "OIT": "OIT"}
    items = {item.code: item for item in spec.items}
    assert items["O10"].name_th == "นโยบายคุ้มครองข้อมูลส่วนบุคคล"
    assert items["O29"].name_th.startswith("ข้อมูลเชิงสถิติเรื่องร้องเรียน")
    assert all(spec.children("requirements", item) for item in spec.items)
    assert (items["O1"].evidence_period, items["O1"].previous_codes, spec.header.assessor) == ("", [], "")


def test_the_2565_file_has_the_2563_to_2565_item_list():
    spec = parse_framework_file(FRAMEWORK_DIR / "2565.yaml")
    assert len(spec.items) == 43
    assert sub_sizes(spec) == [9, 8, 7, 4, 5, 8, 2]
    assert spec.header.rating_scheme == "letter"
    assert [(b.code, b.min_total) for b in spec.of("rating_bands")] == [
        ("AA", 95),
        ("A", 85),
        ("B", 75),
        ("C", 65),
        ("D", 55),
        ("E", 50),
        ("F", 0),
    ]
    assert {item.code: item.name_th for item in spec.items}["O29"].startswith("แนวปฏิบัติการจัดการเรื่องร้องเรียน")


def test_unconfirmed_facts_are_kept_with_their_note():
    spec = parse_framework(source(2566))
    urgent = next(band for band in spec.of("rating_bands") if band.min_total == 0)
    assert urgent.unconfirmed and urgent.note
    assert all(rule.unconfirmed for rule in spec.of("respondent_rules"))


def test_invalid_yaml_names_the_line():
    text = source(2566).replace("fiscal_year: 2566", "fiscal_year: [2566", 1)
    (problem,) = problems_of(text)
    assert re.match(r"line \d+: not valid YAML", problem)


def test_a_missing_field_is_named_with_its_line():
    text = source(2566)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "name_th: โครงสร้าง" in row)
    problems = problems_of(re.sub(r"\n *name_th: โครงสร้าง\n", "\n", text, count=1))
    assert any("“name_th” is required" in p and p.startswith(f"line {line - 3}:") for p in problems), problems


def test_an_unknown_field_is_reported():
    text = source(2566).replace("fiscal_year: 2566", "fiscal_year: 2566\nfiscal_yaer: 2566", 1)
    assert any("framework.fiscal_yaer: is not a known field" in p for p in problems_of(text))


def test_instrument_weights_must_add_up_to_100():
    def edit(data):
        data["instruments"][0]["weight"] = 35

    assert any("add up to 105" in p for p in problems_of(edited(2566, edit)))


def test_a_weight_must_be_a_number():
    def edit(data):
        data["instruments"][0]["weight"] = "thirty"

    assert any("weight: must be a number" in p for p in problems_of(edited(2566, edit)))


def test_item_codes_must_be_unique():
    def edit(data):
        data["indicators"][8]["sub_indicators"][0]["items"][1]["code"] = "O1"

    problems = problems_of(edited(2566, edit))
    assert any("O1 is used twice" in p for p in problems)


def test_item_codes_must_run_without_gaps():
    spec_text = edited(2566, lambda d: d["indicators"][8]["sub_indicators"][0]["items"].pop(3))
    assert any("must run O1…O42 without gaps" in p for p in problems_of(spec_text))


def test_sub_indicator_codes_follow_their_indicator():
    def edit(data):
        data["indicators"][8]["sub_indicators"][0]["code"] = "10.1"

    assert any("must start with its indicator's number 9" in p for p in problems_of(edited(2566, edit)))


def test_only_oit_indicators_have_items():
    def edit(data):
        data["indicators"][0]["sub_indicators"] = data["indicators"][8].pop("sub_indicators")

    assert any("only OIT indicators have sub-indicators" in p for p in problems_of(edited(2566, edit)))


def test_rating_bands_go_from_high_to_low_and_end_at_zero():
    def edit(data):
        bands = data["rating"]["bands"]
        bands[0]["min_total"], bands[1]["min_total"] = bands[1]["min_total"], bands[0]["min_total"]
        bands[-1]["min_total"] = 10

    problems = problems_of(edited(2565, edit))
    assert any("from the highest to the lowest" in p for p in problems)
    assert any("the last band must have min_total: 0" in p for p in problems)


def test_respondent_rules_are_for_iit_and_eit_only():
    def edit(data):
        data["respondent_rules"][0]["instrument"] = "OIT"

    assert any("must be IIT or EIT" in p for p in problems_of(edited(2566, edit)))


def test_calendar_dates_must_be_dates_inside_the_fiscal_year():
    def edit(data):
        data["calendar"][0]["start"] = "soon"
        data["calendar"][1]["end"] = data["calendar"][1]["start"].replace(year=2030)
        data["calendar"][2]["start"], data["calendar"][2]["end"] = (
            data["calendar"][2]["end"],
            data["calendar"][2]["start"],
        )

    problems = problems_of(edited(2566, edit))
    assert any("must be a date written YYYY-MM-DD" in p for p in problems)
    assert any("must lie inside the fiscal year" in p for p in problems)
    assert any("must not be before start" in p for p in problems)


def test_every_problem_is_reported_at_once():
    def edit(data):
        data["fiscal_year"] = 66
        data["instruments"][1]["code"] = "XYZ"
        data["indicators"][8]["sub_indicators"][0]["items"][0]["requirements"] = []

    problems = problems_of(edited(2566, edit))
    assert len(problems) >= 3
    assert all(p.startswith("line ") or ":" in p for p in problems)


def test_an_empty_file_is_rejected():
    assert problems_of("") == ["line 1: framework: must be a mapping of fields"]


def test_aliases_and_overlong_lists_are_refused():
    (problem,) = problems_of("fiscal_year: 2566\nname_th: &n x\nname_en: *n\n")
    assert problem.startswith("line 3: not valid YAML: aliases")
    text = edited(2566, lambda d: d["calendar"].extend([d["calendar"][0]] * 2000))
    assert any("calendar: must list at most 2000 entries" in p for p in problems_of(text))
