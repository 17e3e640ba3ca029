import pytest
from django.urls import reverse

from ita.services import assessment_open
from oit.models import Item
from tests.factories import MembershipFactory, OfficeFactory
from tests.helpers import assert_queries_constant

pytestmark = pytest.mark.django_db


def dashboard_url(assessment):
    return reverse("spdca:dashboard", args=[assessment.office.slug, assessment.fiscal_year])


@pytest.mark.parametrize("member", ["admin_member", "committee_member", "staff_member"])
def test_every_member_sees_the_dashboard(client, request, assessment, member):
    client.force_login(request.getfixturevalue(member).user)
    response = client.get(dashboard_url(assessment))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.total.total == 43
    assert [row.code for row in summary.rows if row.is_indicator] == ["9", "10"]
    assert [row.total for row in summary.rows if not row.is_indicator] == [10, 8, 4, 4, 4, 8, 5]


def test_counts_follow_the_item_status(client, assessment, staff_member):
    Item.objects.filter(assessment=assessment, definition__code__in=["O1", "O2"]).update(status=Item.Status.PUBLISHED)
    client.force_login(staff_member.user)
    summary = client.get(dashboard_url(assessment)).context["summary"]
    assert summary.total.counts[Item.Status.PUBLISHED] == 2
    assert summary.rows[1].counts[Item.Status.PUBLISHED] == 2  # 9.1


def test_another_office_cannot_see_it(client, assessment, other_office_admin):
    client.force_login(other_office_admin.user)
    assert client.get(dashboard_url(assessment)).status_code == 404


def test_the_dashboard_query_count_does_not_grow_with_data(client, assessment, staff_member, framework_2565):
    def grow():  # more offices and years in the database
        for _ in range(3):
            admin = MembershipFactory(office=OfficeFactory())
            assessment_open(office=admin.office, framework=framework_2565, user=admin.user)

    client.force_login(staff_member.user)
    assert_queries_constant(client, dashboard_url(assessment), expected=16, grow=grow)
