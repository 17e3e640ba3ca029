from decimal import Decimal as D

import pytest
from django.urls import reverse

from ita.analysis import office_analysis
from ita.services import results
from ita.services.assessments import assessment_open
from tests.helpers import assert_queries_constant

pytestmark = pytest.mark.django_db


def scores(iit, eit, ind9, ind10):
    return {**dict.fromkeys(range(1, 6), D(iit)), **dict.fromkeys(range(6, 9), D(eit)), 9: D(ind9), 10: D(ind10)}


@pytest.fixture
def two_years(office, admin_member, framework_2565, assessment):
    earlier = assessment_open(office=office, framework=framework_2565, user=admin_member.user)
    results.result_enter(assessment=earlier, membership=admin_member, scores=scores(96, 92, 97, 100))
    good = {**scores(96, 97, "93.50", 100), 5: D(88)}
    results.result_enter(assessment=assessment, membership=admin_member, scores=good)
    assessment.target_band = assessment.framework.rating_bands.get(code="excellent")
    assessment.save()
    return earlier, assessment


def test_years_are_compared_oldest_first(office, two_years):
    analysis = office_analysis(office)
    assert [year.year for year in analysis.years] == [2565, 2566]
    row_9 = next(row for row in analysis.rows if row.number == 9)
    assert row_9.scores == [D(97), D("93.50")]
    assert row_9.change == D("-3.50")


def test_weakest_per_instrument_and_below_target(office, two_years):
    rows = {row.number: row for row in office_analysis(office).rows}
    assert {n for n, row in rows.items() if row.weakest_of_instrument} == {5, 6, 9}
    assert {n for n, row in rows.items() if row.below_target} == {5, 9}


def test_the_gap_to_the_target(office, two_years):
    analysis = office_analysis(office)
    # 2566: IIT (96*4 + 88)/5 = 94.4 → 28.32; EIT 97 → 29.10; OIT 96.75 → 38.70; total 96.12
    assert analysis.latest.summary.total == D("96.12")
    assert analysis.gap == D(95) - D("96.12")


def test_the_radar_has_one_polygon_per_year(office, two_years):
    radar = office_analysis(office).radar()
    assert len(radar["axes"]) == 10
    assert [polygon["year"] for polygon in radar["polygons"]] == [2565, 2566]
    assert len(radar["polygons"][0]["points"].split()) == 10


def test_the_page(client, office, two_years, staff_member, other_office_admin):
    url = reverse("ita:analysis", args=[office.slug])
    client.force_login(staff_member.user)
    html = client.get(url).content.decode()
    assert "96.12" in html and "radar-series" in html
    client.force_login(other_office_admin.user)
    assert client.get(url).status_code == 404


def test_an_office_without_results_gets_a_hint(client, office, staff_member):
    client.force_login(staff_member.user)
    response = client.get(reverse("ita:analysis", args=[office.slug]))
    assert response.context["analysis"].years == []


def test_the_page_query_count_does_not_grow_with_years(client, office, admin_member, framework_2565, assessment):
    results.result_enter(assessment=assessment, membership=admin_member, scores=scores(90, 90, 90, 90))

    def grow():
        earlier = assessment_open(office=office, framework=framework_2565, user=admin_member.user)
        results.result_enter(assessment=earlier, membership=admin_member, scores=scores(80, 80, 80, 80))
        results.result_enter(assessment=earlier, membership=admin_member, scores=scores(85, 85, 85, 85))

    client.force_login(admin_member.user)
    assert_queries_constant(client, reverse("ita:analysis", args=[office.slug]), expected=13, grow=grow)


def test_a_total_above_the_minimum_does_not_reach_a_level_an_instrument_misses(office, admin_member, assessment):
    # total 97.00 ≥ 95, but EIT 94.00 < 95: ผ่านดี, not the ผ่านดีเยี่ยม target
    results.result_enter(assessment=assessment, membership=admin_member, scores={**scores(98, 94, 97, 100)})
    assessment.target_band = assessment.framework.rating_bands.get(code="excellent")
    assessment.save()
    analysis = office_analysis(office)
    assert analysis.gap < 0
    assert not analysis.target_reached
    assert analysis.instruments_below == ["EIT"]
