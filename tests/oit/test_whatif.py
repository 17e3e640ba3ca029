"""The what-if follows the year's instruments and weights: a split EIT asks for each part."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ita.catalogue import parse_framework
from ita.services.assessments import assessment_open
from ita.services.frameworks import framework_load
from tests.ita.test_framework_years import split_eit_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def split_assessment(office, admin_member):
    framework = framework_load(spec=parse_framework(split_eit_year())).framework
    assessment = assessment_open(office=office, framework=framework, user=admin_member.user)
    assessment.target_band = framework.rating_bands.get(code="good")
    assessment.save(update_fields=["target_band"])
    return assessment


def progress(client, assessment, query=None):
    url = reverse("oit:item-progress", args=[assessment.office.slug, assessment.fiscal_year])
    return client.get(url, query or {})


def test_a_split_eit_gets_a_field_and_a_weight_each(client, split_assessment, staff_member):
    client.force_login(staff_member.user)
    response = progress(client, split_assessment)
    form = response.context["form"]
    assert [field.name for field in form.expected_fields()] == ["iit", "eit1", "eit2"]
    assert "eit" not in form.fields
    whatif = progress(client, split_assessment, {"iit": "90", "eit1": "80", "eit2": "100", "oit": "50"}).context[
        "whatif"
    ]
    # 90 × 30% + 80 × 20% + 100 × 10% + 50 × 40% = 27 + 16 + 10 + 20
    assert whatif.total == Decimal("73")
    assert [(row.instrument.code, row.points) for row in whatif.rows] == [
        ("IIT", Decimal("27")),
        ("EIT(1)", Decimal("16")),
        ("EIT(2)", Decimal("10")),
        ("OIT", Decimal("20")),
    ]
    assert whatif.blocked_by == ["EIT(1)"]  # "good" needs every instrument at 85 or more
    html = progress(client, split_assessment, {"iit": "90", "eit1": "80", "eit2": "100"}).content.decode()
    assert "EIT(2)" in html


def test_the_items_prediction_fills_oit_from_any_number_of_items(client, split_assessment, staff_member):
    client.force_login(staff_member.user)
    response = progress(client, split_assessment, {"iit": "90", "eit1": "90", "eit2": "90"})
    assert response.context["summary"].total.total == 26
    assert response.context["whatif"].scores["OIT"] == Decimal(0)
