import datetime
from urllib.parse import quote

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts import roster
from ita.models import IITLink
from ita.services.assessments import assessment_open
from oit.models import Item
from oit.services import evidence_remove
from tests.helpers import assert_queries_constant
from tests.oit.publishing import (
    PDF,
    THAI_NAME,
    Team,
    add_file,
    add_link,
    get_item,
    make_team,
    prepare,
    publish,
    published_item,
    unpublish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(staff_member, committee_member, admin_member):
    return Team(staff=staff_member, committee=committee_member, admin=admin_member)


def page_url(assessment) -> str:
    return reverse("public:assessment", args=[assessment.office.slug, assessment.fiscal_year])


def item_url(item) -> str:
    return reverse("public:item", args=[item.assessment.office.slug, item.assessment.fiscal_year, item.code])


def file_url(item, revision) -> str:
    return reverse(
        "public:file", args=[item.assessment.office.slug, item.assessment.fiscal_year, item.code, revision.pk]
    )


def thai(message: str) -> str:
    """The message as the public pages show it: they are Thai unless the visitor chose English."""
    with translation.override("th"):
        return gettext(message)


# --- the assessment page -------------------------------------------------------------------


def test_anyone_can_see_the_assessment_page(client, assessment):
    response = client.get(page_url(assessment))
    assert response.status_code == 200
    html = response.content.decode()
    assert assessment.office.name in html
    assert html.count('class="item-code"') == 43
    assert "navbar" not in html  # the public layout, not the app's with its login menus


def test_items_are_grouped_by_indicator_and_sub_indicator(client, assessment):
    html = client.get(page_url(assessment)).content.decode()
    assert (
        html.index("9.1 ข้อมูลพื้นฐาน")
        < html.index(">O1<")
        < html.index(">O10<")
        < html.index("9.2 ")
        < html.index(">O11<")
        < html.index("10.1 ")
        < html.index(">O39<")
        < html.index(">O43<")
    )


def test_only_published_items_are_marked_available_and_linked(client, assessment, team):
    item, _, _ = published_item(assessment, team)
    draft = prepare(get_item(assessment, "O13"), team)
    add_file(draft, team)

    html = client.get(page_url(assessment)).content.decode()
    assert html.count("badge-available") == 1
    assert html.count("badge-not-published") == 42
    assert f'href="{item_url(item)}"' in html
    assert f'href="{item_url(draft)}"' not in html


def test_other_years_are_listed_and_past_years_stay_online(client, assessment, team, framework_2565):
    past = assessment_open(office=assessment.office, framework=framework_2565, user=team.admin.user)
    past_item, _, _ = published_item(past, team, code="O1")

    html = client.get(page_url(assessment)).content.decode()
    assert f'href="{page_url(past)}"' in html
    past_response = client.get(page_url(past))
    assert past_response.status_code == 200
    assert f'href="{page_url(assessment)}"' in past_response.content.decode()
    assert client.get(item_url(past_item)).status_code == 200


def test_an_unknown_office_or_year_gets_404(client, assessment):
    assert client.get(reverse("public:assessment", args=["no-such-office", 2566])).status_code == 404
    assert client.get(reverse("public:assessment", args=[assessment.office.slug, 2565])).status_code == 404
    assert client.get(reverse("public:item", args=[assessment.office.slug, 2566, "O99"])).status_code == 404


def test_the_assessment_page_query_count_does_not_grow(client, assessment, team, framework_2565, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # every render

    def grow():
        for code in ("O1", "O2", "O3"):
            published_item(assessment, team, code=code)
        assessment_open(office=assessment.office, framework=framework_2565, user=team.admin.user)

    published_item(assessment, team, code="O12")
    assert_queries_constant(client, page_url(assessment), expected=6, grow=grow)


def test_a_cached_assessment_page_takes_one_query(client, assessment, django_assert_num_queries):
    client.get(page_url(assessment))
    with django_assert_num_queries(3):  # the assessment (for its public version), in the request's savepoint
        client.get(page_url(assessment))


# --- the item page -------------------------------------------------------------------------


def test_the_item_page_shows_the_live_publication(client, assessment, team):
    item, file_revision, link_revision = published_item(assessment, team)

    response = client.get(item_url(item))
    assert response.status_code == 200
    html = response.content.decode()
    assert item.definition.name_th in html
    assert item.definition.group_th in html
    assert item.definition.sub_indicator.name_th in html
    assert f'href="{file_url(item, file_revision)}"' in html
    assert THAI_NAME in html
    with translation.override("th"):
        assert filesizeformat(len(PDF)) in html
    assert "15 ม.ค. 2566" in html
    assert f'<a href="{link_revision.url}" rel="noopener noreferrer"' in html


def test_the_item_page_shows_the_published_summary_not_the_working_one(client, assessment, team):
    item = prepare(get_item(assessment, "O12"), team)
    add_file(item, team)
    Item.objects.filter(pk=item.pk).update(description="สรุปที่เผยแพร่")
    publish(item, team)
    unpublish(item, team)
    Item.objects.filter(pk=item.pk).update(description="ร่างที่ยังไม่อนุมัติ")

    assert client.get(item_url(item)).status_code == 404
    publish(item, team)
    Item.objects.filter(pk=item.pk).update(description="ร่างหลังเผยแพร่")
    html = client.get(item_url(item)).content.decode()
    assert "ร่างที่ยังไม่อนุมัติ" in html  # what was approved and published the second time
    assert "ร่างหลังเผยแพร่" not in html


def test_an_unpublished_item_page_is_a_404_that_says_so(client, assessment, team):
    item = prepare(get_item(assessment, "O12"), team)
    revision = add_file(item, team)

    response = client.get(item_url(item))
    assert response.status_code == 404
    html = response.content.decode()
    assert thai("This item has not been published yet.") in html
    assert revision.original_name not in html


def test_a_withdrawn_publication_is_not_shown(client, assessment, team):
    item, file_revision, _ = published_item(assessment, team)
    unpublish(item, team)

    response = client.get(item_url(item))
    assert response.status_code == 404
    assert file_revision.original_name not in response.content.decode()


def test_only_the_revisions_of_the_live_publication_are_shown(client, assessment, team):
    item, old_file, link = published_item(assessment, team)
    unpublish(item, team)
    new_file = add_file(item, team, name="คำสั่งฉบับแก้ไข.pdf", replaces=old_file.evidence)
    evidence_remove(evidence=link.evidence, membership=team.staff)
    publish(item, team)

    html = client.get(item_url(item)).content.decode()
    assert f'href="{file_url(item, new_file)}"' in html
    assert f'href="{file_url(item, old_file)}"' not in html
    assert link.url not in html


def test_the_item_page_query_count_does_not_grow(client, assessment, team):
    item, _, _ = published_item(assessment, team)

    def grow():
        unpublish(item, team)
        for n in range(3):
            add_file(item, team, name=f"เอกสารเพิ่มเติม {n}.pdf")
            add_link(item, team, url=f"https://www.example.go.th/ita/o12/{n}")
        publish(item, team)

    assert_queries_constant(client, item_url(item), expected=5, grow=grow)


# --- files ---------------------------------------------------------------------------------


def test_a_published_file_downloads_as_an_attachment(client, assessment, team):
    item, file_revision, _ = published_item(assessment, team)

    response = client.get(file_url(item, file_revision))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    response.close()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote(THAI_NAME)}" in disposition


def test_a_draft_file_gets_404(client, assessment, team):
    item = prepare(get_item(assessment, "O12"), team)
    revision = add_file(item, team)

    assert client.get(file_url(item, revision)).status_code == 404


def test_a_file_of_a_withdrawn_publication_gets_404(client, assessment, team):
    item, file_revision, _ = published_item(assessment, team)
    unpublish(item, team)
    assert client.get(file_url(item, file_revision)).status_code == 404

    new_file = add_file(item, team, name="ฉบับแก้ไข.pdf", replaces=file_revision.evidence)
    publish(item, team)
    assert client.get(file_url(item, file_revision)).status_code == 404
    response = client.get(file_url(item, new_file))
    assert response.status_code == 200
    response.close()


def test_a_file_of_another_item_gets_404(client, assessment, team):
    item, _, _ = published_item(assessment, team, code="O12")
    _, other_file, _ = published_item(assessment, team, code="O13")

    assert client.get(file_url(item, other_file)).status_code == 404


def test_a_file_of_another_office_gets_404(client, assessment, team):
    item, _, _ = published_item(assessment, team)
    other_team = make_team()
    other_assessment = assessment_open(
        office=other_team.admin.office, framework=assessment.framework, user=other_team.admin.user
    )
    other_item, other_file, _ = published_item(other_assessment, other_team)

    assert client.get(file_url(item, other_file)).status_code == 404
    response = client.get(file_url(other_item, other_file))
    assert response.status_code == 200  # the same revision is public under its own office
    response.close()


def test_a_file_of_another_year_gets_404(client, assessment, team, framework_2565):
    item, _, _ = published_item(assessment, team)
    past = assessment_open(office=assessment.office, framework=framework_2565, user=team.admin.user)
    _, past_file, _ = published_item(past, team)

    assert client.get(file_url(item, past_file)).status_code == 404


def test_a_link_has_no_file_to_download(client, assessment, team):
    item, _, link = published_item(assessment, team)

    assert client.get(file_url(item, link)).status_code == 404


def test_the_cached_public_page_changes_as_soon_as_an_item_is_published_or_taken_off(client, assessment):
    team = make_team(assessment.office)
    url = reverse("public:assessment", args=[assessment.office.slug, assessment.fiscal_year])
    before = client.get(url).content.decode()
    assert client.get(url).content.decode() == before  # served from the cache
    item, _file, _link = published_item(assessment, team, code="O5")
    after = client.get(url).content.decode()
    assert after != before and item.get_public_url() in after
    unpublish(item, team)
    assert item.get_public_url() not in client.get(url).content.decode()


def test_the_public_page_is_served_when_the_cache_is_down(client, assessment, settings):
    settings.CACHES = {  # nothing listens there
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    assert client.get(page_url(assessment)).status_code == 200


# --- the IIT confirmation link ---------------------------------------------------------------


def iit_confirm_url(assessment) -> str:
    token = IITLink.objects.get(assessment=assessment).token
    return reverse("public:iit-confirm", args=[assessment.office.slug, assessment.fiscal_year, token])


def test_the_iit_confirmation_page_query_count_does_not_grow(client, assessment, admin_member, committee_member):
    today = datetime.date.today()
    assessment.framework.milestones.filter(code="perception").update(
        start=today - datetime.timedelta(days=1), end=today + datetime.timedelta(days=1)
    )
    office = assessment.office
    staff = Client()
    staff.force_login(admin_member.user)
    staff.post(reverse("ita:iit-link-rotate", args=[office.slug, assessment.fiscal_year]))
    staff.force_login(committee_member.user)

    def grow():  # names to choose, names confirmed through the link and ticked by the committee, people gone
        entries = [
            roster.staff_member_create(office=office, membership=admin_member, first_name=f"คนที่{n}", unit=unit)
            for n, unit in enumerate([admin_member.unit, None] * 3)
        ]
        for entry in entries[:2]:
            assert Client().post(iit_confirm_url(assessment), {"staff_member": entry.pk}).status_code == 302
        ticked = {"staff": [entry.pk for entry in entries[2:4]]}
        assert (
            staff.post(reverse("ita:iit-record", args=[office.slug, assessment.fiscal_year]), ticked).status_code == 302
        )
        roster.staff_member_deactivate(staff_member=entries[4], membership=admin_member)

    roster.staff_member_create(office=office, membership=admin_member, first_name="สมหญิง")
    # 7, with the survey window read twice: once to show it, once to tell whether it is open
    assert_queries_constant(client, iit_confirm_url(assessment), expected=7, grow=grow)
