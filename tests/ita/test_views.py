import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from ita.compare import framework_diff
from ita.models import Assessment
from oit.models import Item

pytestmark = pytest.mark.django_db


def test_the_framework_tree_shows_items_and_unconfirmed_badges(client, staff_member, django_assert_max_num_queries):
    client.force_login(staff_member.user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("ita:framework-detail", args=[2566]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "นโยบายคุ้มครองข้อมูลส่วนบุคคล" in html
    assert html.count('class="item-code"') == 43
    assert "badge-unconfirmed" in html


def test_frameworks_need_a_login(client):
    response = client.get(reverse("ita:framework-list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_diff_pairs_items_by_name_not_code(framework_2565, framework_2566):
    changes = {
        (c.old.code if c.old else None, c.new.code if c.new else None): c
        for c in framework_diff(framework_2565, framework_2566).items
    }
    assert changes[("O1", "O1")].kind == "same"
    assert changes[(None, "O10")].kind == "added"  # the PDPA policy is new in 2566
    assert changes[(None, "O10")].code_was.name_th == "แผนดำเนินงานประจำปี"
    assert changes[("O29", "O27")].kind == "moved"  # the complaint guideline got a new code
    assert changes[("O18", "O11")].kind == "renamed"  # paired by a name alike: the plans became one item
    assert changes[("O32", None)].kind == "removed"  # the feedback channel was dropped


def test_the_compare_page_lists_the_changes(client, staff_member):
    client.force_login(staff_member.user)
    response = client.get(reverse("ita:framework-compare"), {"old": 2565, "new": 2566})
    html = response.content.decode()
    assert response.status_code == 200
    assert "ประกาศเจตนารมณ์นโยบาย No Gift Policy" in html
    assert "diff-removed" in html


def test_the_compare_page_refuses_the_same_year_twice(client, staff_member):
    client.force_login(staff_member.user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("ita:framework-compare"), {"old": 2566, "new": 2566})
    assert "Choose two different years." in response.content.decode()


class TestOpenAssessment:
    def url(self, office):
        return reverse("ita:assessment-create", args=[office.slug])

    def test_the_admin_opens_an_assessment(self, client, admin_member, framework_2566):
        client.force_login(admin_member.user)
        response = client.post(self.url(admin_member.office), {"framework": framework_2566.pk})
        assessment = Assessment.objects.get(office=admin_member.office)
        assert response.status_code == 302
        assert response["Location"] == assessment.get_absolute_url()
        assert Item.objects.filter(assessment=assessment).count() == 43
        assert AuditEvent.objects.filter(action="assessment.opened", actor=admin_member.user).exists()

    @pytest.mark.parametrize("member", ["committee_member", "staff_member"])
    def test_other_roles_may_not(self, client, request, member, framework_2566):
        membership = request.getfixturevalue(member)
        client.force_login(membership.user)
        response = client.post(self.url(membership.office), {"framework": framework_2566.pk})
        assert response.status_code == 403
        assert not Assessment.objects.exists()

    def test_another_offices_admin_gets_404(self, client, office, other_office_admin, framework_2566):
        client.force_login(other_office_admin.user)
        response = client.post(self.url(office), {"framework": framework_2566.pk})
        assert response.status_code == 404
        assert not Assessment.objects.exists()

    def test_a_year_already_opened_is_not_offered(self, client, assessment, admin_member, framework_2566):
        client.force_login(admin_member.user)
        response = client.post(self.url(admin_member.office), {"framework": framework_2566.pk})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert Assessment.objects.count() == 1


class TestTargetBand:
    def url(self, assessment):
        return reverse("ita:target-band", args=[assessment.office.slug, assessment.fiscal_year])

    def test_the_admin_sets_the_target_and_it_is_recorded(self, client, assessment, admin_member):
        band = assessment.framework.rating_bands.first()
        client.force_login(admin_member.user)
        response = client.post(self.url(assessment), {"target_band": band.pk})
        assert response.status_code == 302
        assert response["Location"] == reverse("ita:results", args=[assessment.office.slug, assessment.fiscal_year])
        assessment.refresh_from_db()
        assert assessment.target_band == band
        assert AuditEvent.objects.filter(action="results.target", actor=admin_member.user).count() == 1

    @pytest.mark.parametrize(("member", "status"), [("committee_member", 403), ("other_office_admin", 404)])
    def test_no_one_else_sets_it(self, client, request, assessment, member, status):
        client.force_login(request.getfixturevalue(member).user)
        response = client.post(self.url(assessment), {"target_band": assessment.framework.rating_bands.first().pk})
        assert response.status_code == status
        assessment.refresh_from_db()
        assert assessment.target_band is None

    def test_it_needs_post(self, client, assessment, admin_member):
        client.force_login(admin_member.user)
        assert client.get(self.url(assessment)).status_code == 405


def test_opening_an_office_is_what_home_remembers(client):
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory()
    first, second = MembershipFactory(user=user), MembershipFactory(user=user)
    client.force_login(user)
    client.get(first.office.get_absolute_url())
    assert client.session["current_office"] == first.office.slug
    client.get(second.office.get_absolute_url())
    assert client.get(reverse("home"))["Location"] == second.office.get_absolute_url()
