import pytest
from django.urls import reverse

from ita.services import assessment_open
from oit.models import Item
from tests.factories import MembershipFactory, OfficeFactory
from tests.helpers import assert_queries_constant

pytestmark = pytest.mark.django_db


def items_url(assessment):
    return reverse("oit:item-list", args=[assessment.office.slug, assessment.fiscal_year])


def test_items_are_grouped_by_indicator_and_sub_indicator(client, assessment, staff_member):
    client.force_login(staff_member.user)
    html = client.get(items_url(assessment)).content.decode()
    assert html.count('class="item-code"') == 43
    assert html.index("9.1 ข้อมูลพื้นฐาน") < html.index("O1") < html.index("9.2") < html.index("O11")
    assert html.index("10.2") < html.index("O39")


def test_items_can_be_filtered_by_status(client, assessment, staff_member):
    Item.objects.filter(assessment=assessment, definition__code="O5").update(status=Item.Status.RETURNED)
    client.force_login(staff_member.user)
    response = client.get(items_url(assessment), {"status": "returned"})
    assert [item.definition.code for item in response.context["items"]] == ["O5"]


def test_an_unknown_status_shows_everything(client, assessment, staff_member):
    client.force_login(staff_member.user)
    response = client.get(items_url(assessment), {"status": "nonsense"})
    assert len(response.context["items"]) == 43


def test_another_office_gets_404(client, assessment, other_office_admin):
    client.force_login(other_office_admin.user)
    assert client.get(items_url(assessment)).status_code == 404


def test_the_query_count_does_not_grow_with_items(client, assessment, staff_member, framework_2565):
    def grow():
        assessment_open(office=assessment.office, framework=framework_2565, user=staff_member.user)
        admin = MembershipFactory(office=OfficeFactory())
        assessment_open(office=admin.office, framework=framework_2565, user=admin.user)

    client.force_login(staff_member.user)
    assert_queries_constant(client, items_url(assessment), expected=8, grow=grow)
