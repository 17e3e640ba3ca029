"""Buddhist-Era dates through the pages of every app: typed as people type them (10/05/2566) and
posted as scripts post them (ISO, Christian Era), with the wrong calendar refused and nothing saved."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.services import audit_record
from ita.models import EITCount, Framework
from ita.services.frameworks import framework_draft_start
from oit.models import Evidence
from spdca.models import Meeting
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MAY_10 = datetime.date(2023, 5, 10)


def year_url(name, assessment, *extra):
    return reverse(name, args=[assessment.office.slug, assessment.fiscal_year, *extra])


def o1(assessment, unit):
    assessment.oit_items.filter(definition__code="O1").update(unit=unit)
    return assessment.oit_items.get(definition__code="O1")


# --- accounts: the office log's filter ------------------------------------------------------


@pytest.mark.parametrize("start", ["01/01/2600", "2057-01-01"])
def test_the_office_log_filters_from_a_be_or_an_iso_date(client, admin_member, start):
    audit_record(office=admin_member.office, actor=admin_member.user, action="unit.create", summary="หน่วยใหม่")
    client.force_login(admin_member.user)
    url = reverse("accounts:office-log", args=[admin_member.office.slug])
    assert client.get(url, {"start": "01/01/2500"}).context["page"].paginator.count == 1
    response = client.get(url, {"start": start})
    assert response.context["page"].paginator.count == 0
    assert 'value="01/01/2600"' in response.content.decode()


# --- ita: an EIT count -----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["10/05/2566", "๑๐/๐๕/๒๕๖๖", "2023-05-10"])
def test_the_committee_counts_eit_on_a_be_or_an_iso_date(client, assessment, committee_member, typed):
    client.force_login(committee_member.user)
    data = {"date": typed, "channel": "LINE", "count": 5, "token": uuid.uuid4()}
    assert client.post(year_url("ita:eit-add", assessment), data).status_code == 302
    assert EITCount.objects.get().date == MAY_10


def test_an_eit_count_in_the_christian_era_is_refused_with_the_fix(client, assessment, committee_member):
    client.force_login(committee_member.user)
    data = {"date": "10/05/2023", "channel": "LINE", "count": 5, "token": uuid.uuid4()}
    response = client.post(year_url("ita:eit-add", assessment), data)
    assert response.status_code == 400
    assert "ปี 2023 น่าจะเป็นปี ค.ศ. กรุณากรอกปี พ.ศ. เช่น 10/05/2566" in response.content.decode()
    assert not EITCount.objects.exists()


def test_the_framework_editor_shows_and_takes_calendar_dates_in_the_buddhist_era(client):
    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="edit_framework"))
    draft = framework_draft_start(user=editor, fiscal_year=2570, based_on=Framework.objects.get(fiscal_year=2569))
    client.force_login(editor)
    url = reverse("ita:draft-row", args=[2570, "calendar", 0])
    html = client.get(url).content.decode()
    assert 'value="01/10/2569"' in html and "YYYY-MM-DD" not in html
    row = draft.content["calendar"][0]
    data = {**{k: v for k, v in row.items() if isinstance(v, str)}, "version": draft.version}
    response = client.post(url, {**data, "start": "01/10/2569", "end": "2026-12-20"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.content["calendar"][0]["start"], draft.content["calendar"][0]["end"]) == ("2026-10-01", "2026-12-20")
    response = client.post(url, {**data, "version": draft.version, "start": "01/10/2026", "end": "31/12/2569"})
    assert "ปี 2026 น่าจะเป็นปี ค.ศ. กรุณากรอกปี พ.ศ. เช่น 01/10/2569" in response.content.decode()


# --- oit: evidence and assignment -----------------------------------------------------------


@pytest.mark.parametrize(("typed", "day"), [("01/12/2565", datetime.date(2022, 12, 1)), ("2022-12-01", None)])
def test_evidence_takes_a_be_or_an_iso_document_date(client, assessment, staff_member, unit, typed, day):
    item = o1(assessment, unit)
    client.force_login(staff_member.user)
    data = {"url": "https://example.go.th/o1", "title": "โครงสร้าง", "document_date": typed}
    assert client.post(year_url("oit:evidence-add", assessment, "O1"), data).status_code == 302
    assert Evidence.objects.get(item=item).current.document_date == datetime.date(2022, 12, 1)


def test_evidence_dated_in_the_wrong_calendar_is_refused(client, assessment, staff_member, unit):
    item = o1(assessment, unit)
    client.force_login(staff_member.user)
    data = {"url": "https://example.go.th/o1", "title": "โครงสร้าง", "document_date": "2565-12-01"}
    html = client.post(year_url("oit:evidence-add", assessment, "O1"), data).content.decode()
    assert "ปี 2565 เป็นปี พ.ศ. แต่วันที่แบบ ปี-เดือน-วัน ต้องใช้ปี ค.ศ. กรุณากรอกเป็น 01/12/2565" in html
    assert not Evidence.objects.filter(item=item).exists()


def test_the_admin_sets_a_be_due_date(client, assessment, admin_member, staff_member, unit):
    item = o1(assessment, unit)
    client.force_login(admin_member.user)
    data = {"items": [item.pk], "unit": unit.pk, "assignees": [staff_member.user.pk], "due_date": "31/05/2566"}
    assert client.post(year_url("oit:item-assign", assessment), data).status_code == 302
    item.refresh_from_db()
    assert item.due_date == datetime.date(2023, 5, 31)


# --- spdca: the meeting ----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["10.05.2566", "2023-05-10"])
def test_the_meeting_takes_a_be_or_an_iso_date(client, assessment, admin_member, typed):
    client.force_login(admin_member.user)
    data = {"date": typed, "place": "ห้องประชุม", "version": 1}
    assert client.post(year_url("spdca:meeting-save", assessment), data).status_code == 302
    assert Meeting.objects.get(assessment=assessment).date == MAY_10


def test_an_activity_on_a_day_that_does_not_exist_is_refused(client, assessment, admin_member):
    client.force_login(admin_member.user)
    data = {"title": "อบรม", "start": "29/02/2566", "end": "29/02/2567"}
    response = client.post(year_url("spdca:activity-add", assessment), data)
    assert response.status_code == 400
    assert "ไม่มีวันที่นี้ในปฏิทิน: เดือนกุมภาพันธ์ 2566 มี 28 วัน" in response.content.decode()
    assert not assessment.activities.exists()


# --- the pages ---------------------------------------------------------------------------------


def test_the_page_shows_a_be_date_field_and_loads_the_picker(client, assessment, admin_member):
    Meeting.objects.create(assessment=assessment, date=MAY_10, place="ห้องประชุม")
    client.force_login(admin_member.user)
    html = client.get(year_url("spdca:stage-s", assessment)).content.decode()
    assert 'value="10/05/2566"' in html
    assert 'placeholder="วว/ดด/ปปปป"' in html and 'inputmode="numeric"' in html
    assert 'type="date"' not in html
    assert "/static/core/datepicker.js" in html


def test_the_english_page_asks_for_the_same_be_date_in_english(client, assessment, admin_member):
    client.cookies["django_language"] = "en"
    client.force_login(admin_member.user)
    html = client.get(year_url("spdca:stage-s", assessment)).content.decode()
    assert 'placeholder="dd/mm/yyyy"' in html and "&quot;May&quot;" in html
    response = client.post(
        year_url("spdca:meeting-save", assessment), {"date": "10/05/2023", "place": "Room", "version": 1}
    )
    assert response.status_code == 400
    assert "The year 2023 looks like a Christian-Era (CE) year. Enter the Buddhist-Era year, e.g. 10/05/2566." in (
        response.content.decode()
    )
    assert not Meeting.objects.exists()
