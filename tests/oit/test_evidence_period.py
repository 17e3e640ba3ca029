"""Evidence dated outside its item's evidence period (FY 2569: O12 must be of FY 2568, O13 of FY
2569) is flagged to the staff before they submit, to the committee beside the evidence and on the
progress page; it blocks nothing."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from ita.models import Framework
from ita.services.assessments import assessment_open
from oit.models import Item
from oit.selectors import evidence_period, items_out_of_period
from tests.oit.helpers import add_file, add_link, get_item, submit

pytestmark = pytest.mark.django_db

IN_FY_2568 = date(2025, 3, 1)
IN_FY_2569 = date(2026, 3, 1)


@pytest.fixture
def year_2569(office, admin_member, unit):
    assessment = assessment_open(
        office=office, framework=Framework.objects.get(fiscal_year=2569), user=admin_member.user
    )
    assessment.oit_items.update(unit=unit)
    return assessment


def page(client, item):
    return client.get(item.get_absolute_url())


def test_the_period_follows_the_assessments_fiscal_year(year_2569):
    o12, o13, o1 = (get_item(year_2569, code).definition for code in ("O12", "O13", "O1"))
    assert (evidence_period(o12, 2569).start, evidence_period(o12, 2569).end) == (date(2024, 10, 1), date(2025, 9, 30))
    assert (evidence_period(o13, 2569).start, evidence_period(o13, 2569).end) == (date(2025, 10, 1), date(2026, 9, 30))
    assert evidence_period(o1, 2569) is None  # the 2569 sources give O1 no period


def test_staff_are_told_when_they_add_it_and_before_they_submit(client, year_2569, staff_member, committee_member):
    item = get_item(year_2569, "O12")
    client.force_login(staff_member.user)
    url = reverse("oit:evidence-add", args=[year_2569.office.slug, 2569, "O12"])
    data = {"url": "https://www.example.go.th/o12", "title": "รายงานปี 2569", "document_date": "2026-01-15"}
    response = client.post(url, data)
    assert response.status_code == 302
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1 and "2569" in warnings[0]
    add_link(
        item, staff_member, url="https://www.example.go.th/o12-2568", title="รายงานปี 2568", document_date=IN_FY_2568
    )
    response = page(client, item)
    assert [doc.title for doc in response.context["out_of_period"]] == ["รายงานปี 2569"]
    assert 'id="out-of-period"' in response.content.decode()
    submit(item, staff_member)  # not blocked: the committee decides
    assert Item.objects.get(pk=item.pk).status == Item.Status.SUBMITTED
    client.force_login(committee_member.user)
    html = page(client, item).content.decode()
    assert html.count("badge text-bg-warning") == 1  # beside the one document, for the reviewer


def test_the_progress_page_lists_items_with_evidence_out_of_period(client, year_2569, staff_member):
    add_file(get_item(year_2569, "O12"), staff_member, document_date=IN_FY_2569)  # should be FY 2568
    add_file(get_item(year_2569, "O13"), staff_member, document_date=IN_FY_2569)  # right
    add_file(get_item(year_2569, "O1"), staff_member, document_date=date(2020, 1, 1))  # no period
    found = items_out_of_period(year_2569)
    assert [item.definition.code for item, _period, _documents in found] == ["O12"]
    client.force_login(staff_member.user)
    response = client.get(reverse("oit:item-progress", args=[year_2569.office.slug, 2569]))
    assert response.context["out_of_period"][0][0].definition.code == "O12"


def test_the_checklist_shows_the_period_the_form_and_the_guidance(client, year_2569, staff_member):
    client.force_login(staff_member.user)
    response = page(client, get_item(year_2569, "O11"))
    html = response.content.decode()
    definition = get_item(year_2569, "O11").definition
    assert definition.guidance_th in html
    assert response.context["period"].label == definition.get_evidence_period_display()
    assert "2568" in response.context["evidence_form"].fields["document_date"].help_text  # 1 ต.ค. 2568 …
