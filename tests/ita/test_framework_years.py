"""FY 2567–2569 hold what the reference says and flag the rest; scoring follows each year's
instruments and sub-indicator sizes, with 26 items and with EIT split in two."""

import datetime as dt
from decimal import Decimal as D

import pytest
import yaml

from accounts.models import Role
from ita import scoring
from ita.catalogue import parse_framework, parse_framework_file
from ita.compare import framework_diff
from ita.models import Framework
from ita.selectors import framework_for_scoring, summarize
from ita.services import results
from ita.services.assessments import assessment_open
from ita.services.frameworks import framework_load
from tests.conftest import FRAMEWORK_DIR
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

UNKNOWN_NAME = "(ยังไม่ทราบชื่อ ตรวจสอบจากคู่มือ)"


def spec_of(year: int):
    return parse_framework_file(FRAMEWORK_DIR / f"{year}.yaml")


def sizes(framework: Framework) -> dict[str, int]:
    return {sub.code: sub.items.count() for sub in framework.indicators.get(number=9).sub_indicators.all()} | {
        sub.code: sub.items.count() for sub in framework.indicators.get(number=10).sub_indicators.all()
    }


@pytest.mark.parametrize("year", [2568, 2569])
def test_2568_and_2569_list_o1_to_o26(year):
    spec = spec_of(year)
    assert [item.code for item in spec.items] == [f"O{n}" for n in range(1, 27)]
    assert spec.header.rating_scheme == "level"
    assert {i.code: i.weight for i in spec.of("instruments")} == {"IIT": 30, "EIT": 30, "OIT": 40}
    assert all(sub.unconfirmed and sub.note for sub in spec.of("sub_indicators"))  # grouping not in the sources


@pytest.mark.parametrize(("year", "unknown"), [(2568, ["O2", "O5", "O6", "O7"]), (2569, ["O2", "O6", "O7"])])
def test_items_whose_names_are_unknown_are_present_flagged_and_say_so(year, unknown):
    items = {item.code: item for item in spec_of(year).items}
    assert [code for code, item in items.items() if UNKNOWN_NAME in item.name_th] == unknown
    for code in unknown:
        assert items[code].unconfirmed and items[code].note
        assert items[code].previous_codes == []  # nothing invented: no mapping either
    assert [code for code, item in items.items() if item.unconfirmed] == unknown


def test_2569_items_carry_their_evidence_periods():
    periods = {item.code: item.evidence_period for item in spec_of(2569).items if item.evidence_period}
    assert periods == {
        "O11": "quarterly",
        "O12": "previous_fy",
        "O13": "current_fy",
        "O14": "previous_fy",
        "O18": "previous_fy",
        "O19": "current_fy",
        "O21": "current_fy",
        "O22": "previous_fy",
        "O23": "current_fy",
        "O24": "previous_fy",
        "O26": "previous_fy",
    }
    o11 = spec_of(2569).items[10]
    assert (o11.evidence_form, bool(o11.guidance_th)) == ("file", True)


def test_2567_keeps_the_2566_list_and_confirms_only_o1_and_o2():
    spec = spec_of(2567)
    assert [item.name_th for item in spec.items] == [item.name_th for item in spec_of(2566).items]
    assert [item.code for item in spec.items if not item.unconfirmed] == ["O1", "O2"]
    assert all(item.previous_codes == [item.code] for item in spec.items)
    (o2_content,) = spec.children("requirements", spec.items[1])
    assert "รูปถ่าย" in o2_content.text_th and not o2_content.unconfirmed


def test_the_assessor_and_what_is_assumed_are_flagged():
    assert [(spec_of(y).header.assessor, spec_of(y).header.assessor_unconfirmed) for y in (2567, 2568, 2569)] == [
        ("obec_ita_online", True),
        ("obec_ita_online", False),
        ("obec_ita_online", True),
    ]
    assert all(i.unconfirmed for i in spec_of(2569).of("instruments"))  # no 2569 weights in the sources
    assert [i.code for i in spec_of(2568).of("instruments") if i.unconfirmed] == ["EIT"]  # EIT(1)/(2) unknown
    assert all(band.unconfirmed for band in spec_of(2569).of("rating_bands"))
    results_2568 = next(m for m in spec_of(2568).of("calendar") if m.code == "results")
    assert (results_2568.start, results_2568.unconfirmed) == (dt.date(2025, 8, 15), False)


@pytest.mark.parametrize("year", [2567, 2568, 2569])
def test_every_mapped_code_is_an_item_of_the_year_before(year):
    codes = set(Framework.objects.get(fiscal_year=year - 1).items.values_list("code", flat=True))
    mapped = {code for item in Framework.objects.get(fiscal_year=year).items.all() for code in item.previous_codes}
    assert mapped and mapped <= codes


def test_a_mapped_code_that_is_not_last_years_item_is_refused():
    data = yaml.safe_load((FRAMEWORK_DIR / "2569.yaml").read_text(encoding="utf-8"))
    data["indicators"][8]["sub_indicators"][0]["items"][0]["previous_codes"] = ["O27"]
    from ita.catalogue import FrameworkFileError

    with pytest.raises(FrameworkFileError) as excinfo:
        framework_load(spec=parse_framework(yaml.safe_dump(data, allow_unicode=True)))
    assert "O27" in str(excinfo.value)


def test_the_comparison_follows_the_mapping_of_merged_items():
    changes = {
        change.new.code: change
        for change in framework_diff(
            Framework.objects.get(fiscal_year=2567), Framework.objects.get(fiscal_year=2568)
        ).items
        if change.new
    }
    o1 = changes["O1"]
    assert (o1.kind, o1.old.code, [m.code for m in o1.merged], o1.mapped) == ("merged", "O1", ["O3"], True)
    assert changes["O3"].old.code == "O5"  # contact information got a new code
    assert changes["O2"].kind == "added"  # unknown: not paired with anything


def test_opening_2569_creates_its_26_items(office, admin_member):
    assessment = assessment_open(
        office=office, framework=Framework.objects.get(fiscal_year=2569), user=admin_member.user
    )
    assert assessment.oit_items.count() == 26
    assert sizes(assessment.framework) == {"9.1": 4, "9.2": 6, "9.3": 2, "9.4": 3, "9.5": 4, "10.1": 5, "10.2": 2}
    o12 = assessment.framework.items.get(code="O12")
    assert o12.evidence_window() == (dt.date(2024, 10, 1), dt.date(2025, 9, 30))  # FY 2568


def test_the_oit_score_follows_the_years_sub_indicator_sizes():
    framework = Framework.objects.get(fiscal_year=2569)
    subs = sizes(framework)
    failed = {"9.3": 1}  # one of the two procurement items fails
    by_indicator = {
        number: scoring.indicator_from_items(
            (subs[code] - failed.get(code, 0), subs[code]) for code in subs if code.startswith(f"{number}.")
        )
        for number in (9, 10)
    }
    assert by_indicator == {9: D(90), 10: D(100)}  # (100 + 100 + 50 + 100 + 100) / 5
    instruments = scoring.instrument_scores(
        by_indicator, [(i.number, i.instrument.code, i.weight) for i in framework.indicators.filter(number__gte=9)]
    )
    assert instruments == {"OIT": D(95)}


def split_eit_year() -> str:
    """The 2569 file as FY 2570 with EIT split into EIT(1) (indicators 6, 7) and EIT(2) (indicator 8)."""
    data = yaml.safe_load((FRAMEWORK_DIR / "2569.yaml").read_text(encoding="utf-8"))
    data["fiscal_year"] = 2570
    for item in (
        data["indicators"][8]["sub_indicators"][0]["items"] + data["indicators"][9]["sub_indicators"][0]["items"]
    ):
        item.pop("previous_codes", None)
    iit, eit, oit = data["instruments"]
    eit1 = {**eit, "code": "EIT(1)", "weight": 20}
    eit2 = {**eit, "code": "EIT(2)", "weight": 10}
    data["instruments"] = [iit, eit1, eit2, oit]
    for indicator in data["indicators"]:
        if indicator["instrument"] == "EIT":
            indicator["instrument"] = "EIT(1)" if indicator["number"] < 8 else "EIT(2)"
    rule = data["respondent_rules"][1]
    data["respondent_rules"] = [
        data["respondent_rules"][0],
        {**rule, "instrument": "EIT(1)"},
        {**rule, "instrument": "EIT(2)"},
    ]
    for milestone in data["calendar"]:
        milestone["start"] = milestone["start"].replace(year=milestone["start"].year + 1)
        milestone["end"] = milestone["end"].replace(year=milestone["end"].year + 1)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_a_split_eit_is_scored_by_the_years_instruments_and_weights(office):
    framework = framework_load(spec=parse_framework(split_eit_year())).framework
    assert [(i.code, i.kind, i.weight) for i in framework.instruments.all()] == [
        ("IIT", "IIT", 30),
        ("EIT(1)", "EIT", 20),
        ("EIT(2)", "EIT", 10),
        ("OIT", "OIT", 40),
    ]
    admin = MembershipFactory(office=office, role=Role.ADMIN)
    assessment = assessment_open(office=office, framework=framework, user=admin.user)
    assert assessment.respondent_targets.count() == 3  # IIT, EIT(1), EIT(2)
    assert assessment.oit_items.count() == 26
    scores = {**dict.fromkeys(range(1, 6), D(96)), 6: D(90), 7: D(80), 8: D(100), 9: D(90), 10: D(100)}
    result = results.result_enter(assessment=assessment, membership=admin, scores=scores)
    summary = summarize(result, framework_for_scoring(framework))
    assert summary.instruments == {"IIT": D(96), "EIT(1)": D(85), "EIT(2)": D(100), "OIT": D(95)}
    # 96 × 0.3 + 85 × 0.2 + 100 × 0.1 + 95 × 0.4 = 28.8 + 17 + 10 + 38
    assert summary.total == D("93.8")
    assert summary.band.code == "good"  # every instrument at least 85
    assert summary.instruments_below(framework.rating_bands.get(code="excellent")) == ["EIT(1)"]
    needed = scoring.score_needed(
        framework.rating_bands.get(code="good"),
        summary.weights,
        {code: score for code, score in summary.instruments.items() if code != "OIT"},
        "OIT",
    )
    assert needed == D(85)  # the band's per-instrument minimum, above the 69.5 the total needs
