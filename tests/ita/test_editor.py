"""The framework editor: a framework editor starts next year from any year, edits every part,
reorders items, maps them to last year's, goes through the workbook and publishes; a published
framework in use changes only through a revision with a note."""

import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEvent
from ita import drafts
from ita.models import Framework, FrameworkDraft, FrameworkRevision
from ita.services.assessments import assessment_open
from ita.services.frameworks import (
    framework_draft_publish,
    framework_draft_save,
    framework_draft_start,
    framework_spec,
)
from ita.workbook import framework_workbook
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="edit_framework"))
    return user


@pytest.fixture
def draft_2570(editor):
    return framework_draft_start(user=editor, fiscal_year=2570, based_on=Framework.objects.get(fiscal_year=2569))


def post_version(client, url, draft, **data):
    draft.refresh_from_db()
    return client.post(url, {"version": draft.version, **data})


def test_only_framework_editors_start_a_draft(client, admin_member):
    client.force_login(admin_member.user)  # an office's administrator is not a framework editor
    assert client.get(reverse("ita:draft-start")).status_code == 403
    with pytest.raises(PermissionDenied):
        framework_draft_start(user=admin_member.user, fiscal_year=2570, based_on=None)


def test_a_superuser_is_a_framework_editor(client):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("ita:draft-start")).status_code == 200


def test_a_draft_from_2569_moves_the_dates_and_flags_every_fact(draft_2570):
    content = draft_2570.content
    assert content["framework"]["fiscal_year"] == 2570
    assert "2570" in content["framework"]["name_th"]
    prepare = next(row for row in content["calendar"] if row["code"] == "prepare")
    assert (prepare["start"], prepare["end"]) == ("2026-10-01", "2026-12-31")
    assert all(row["unconfirmed"] for part in drafts.EDITED_PARTS for row in content[part])
    assert all(row["previous_codes"] == [row["code"]] for row in content["items"])
    assert content["framework"]["assessor_unconfirmed"]
    _spec, problems = drafts.read(content)
    assert list(problems) == []
    assert AuditEvent.objects.filter(action="framework.draft_started").exists()


def test_an_editor_goes_through_every_page_and_publishes_fy_2570(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("ita:draft-start"), {"fiscal_year": 2570, "based_on": 2569, "flag_unconfirmed": "on"}
    )
    assert response.status_code == 302
    draft = FrameworkDraft.objects.get(fiscal_year=2570)
    pages = [
        reverse("ita:draft", args=[2570]),
        reverse("ita:draft-header", args=[2570]),
        reverse("ita:draft-mapping", args=[2570]),
        reverse("ita:draft-compare", args=[2570]),
        reverse("ita:draft-publish", args=[2570]),
        reverse("ita:draft-row", args=[2570, "items", 10]),
        reverse("ita:draft-row-add", args=[2570, "items"]) + "?sub_indicator=9.1",
        *[reverse("ita:draft-part", args=[2570, part]) for part in drafts.EDITED_PARTS],
        *[reverse("ita:draft-row", args=[2570, part, 0]) for part in drafts.EDITED_PARTS],
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("ita:draft-part", args=[2570, "nothing"])).status_code == 404
    assert client.get(reverse("ita:draft-row", args=[2570, "items", 99])).status_code == 404

    response = post_version(client, reverse("ita:draft-publish", args=[2570]), draft, note="ปีงบประมาณใหม่")
    assert response.status_code == 302
    framework = Framework.objects.get(fiscal_year=2570)
    assert framework.items.count() == 26
    assert framework.revision == 1
    assert framework.revisions.get().note == "ปีงบประมาณใหม่"
    assert not FrameworkDraft.objects.exists()
    assert response["Location"] == framework.get_absolute_url()


def test_editing_an_item_saves_its_fields_and_required_contents(client, editor, draft_2570):
    client.force_login(editor)
    url = reverse("ita:draft-row", args=[2570, "items", 0])
    response = post_version(
        client,
        url,
        draft_2570,
        sub_indicator="9.1",
        group_th="ข้อมูลพื้นฐาน",
        name_th="โครงสร้างหน่วยงาน (ปรับชื่อ)",
        evidence_period="current_fy",
        evidence_form="both",
        previous_codes="O1, O2",
        **{
            "req-TOTAL_FORMS": 2,
            "req-INITIAL_FORMS": 0,
            "req-0-text_th": "แผนผังโครงสร้าง",
            "req-0-ORDER": 2,
            "req-1-text_th": "อำนาจหน้าที่",
            "req-1-ORDER": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft_2570.refresh_from_db()
    item = draft_2570.content["items"][0]
    assert (item["name_th"], item["evidence_period"], item["previous_codes"]) == (
        "โครงสร้างหน่วยงาน (ปรับชื่อ)",
        "current_fy",
        ["O1", "O2"],
    )
    assert item["unconfirmed"] is False  # the form's box was left unticked: confirmed
    assert [r["text_th"] for r in drafts.requirements_of(draft_2570.content, "O1")] == ["อำนาจหน้าที่", "แผนผังโครงสร้าง"]


def test_what_only_the_whole_shows_is_reported_beside_the_row(client, editor, draft_2570):
    client.force_login(editor)
    response = post_version(
        client,
        reverse("ita:draft-row", args=[2570, "instruments", 0]),
        draft_2570,
        code="iit",
        kind="IIT",
        name_th="x",
        weight=30,
    )
    assert response["Location"] == reverse("ita:draft-row", args=[2570, "instruments", 0])
    html = client.get(response["Location"]).content.decode()
    assert "EIT(1)" in html  # the code must be in capitals
    draft_2570.refresh_from_db()
    assert draft_2570.content["indicators"][0]["instrument"] == "iit"  # the indicators follow the renamed code


def test_adding_moving_and_removing_items_numbers_them_again(draft_2570):
    content = draft_2570.content
    content, code = drafts.add_row(content, "items", {"sub_indicator": "9.1", "group_th": "ก", "name_th": "ข้อใหม่"})
    assert code == "O5"  # after the four items of 9.1
    assert [row["code"] for row in content["items"]] == [f"O{n}" for n in range(1, 28)]
    content = drafts.set_requirements(content, code, [{"text_th": "องค์ประกอบ"}])
    content = drafts.move_row(content, "items", 4, -1)
    assert content["items"][3]["name_th"] == "ข้อใหม่" and content["items"][3]["code"] == "O4"
    assert [r["text_th"] for r in drafts.requirements_of(content, "O4")] == ["องค์ประกอบ"]
    content = drafts.move_row(content, "items", 0, -1)  # the first stays first
    content = drafts.remove_row(content, "items", 3)
    assert len(content["items"]) == 26
    assert not [r for r in content["requirements"] if r["text_th"] == "องค์ประกอบ"]
    _spec, problems = drafts.read(content)
    assert list(problems) == []


def test_moving_a_sub_indicator_numbers_its_items_after_the_next_one(draft_2570):
    content = drafts.move_row(draft_2570.content, "sub_indicators", 0, 1)
    assert [row["code"] for row in content["sub_indicators"][:2]] == ["9.2", "9.1"]
    first = content["items"][0]
    assert (first["sub_indicator"], first["code"]) == ("9.2", "O1")
    _spec, problems = drafts.read(content)
    assert list(problems) == []


def test_removing_an_instrument_that_indicators_name_is_refused(draft_2570):
    with pytest.raises(drafts.DraftError):
        drafts.remove_row(draft_2570.content, "instruments", 0)


def test_problems_show_as_you_go_and_stop_publishing(client, editor, draft_2570):
    content = drafts.set_row(draft_2570.content, "instruments", 0, {"weight": 20})[0]
    draft = framework_draft_save(
        draft=draft_2570, user=editor, expected_version=draft_2570.version, content=content, summary="weights"
    )
    client.force_login(editor)
    html = client.get(reverse("ita:draft", args=[2570])).content.decode()
    assert "90" in html and "text-bg-danger" in html
    with pytest.raises(ValidationError):
        framework_draft_publish(draft=draft, user=editor, expected_version=draft.version, note="")
    assert not Framework.objects.filter(fiscal_year=2570).exists()


def test_a_save_over_someone_elses_is_refused(editor, draft_2570):
    framework_draft_save(
        draft=draft_2570, user=editor, expected_version=draft_2570.version, content=draft_2570.content, summary="a"
    )
    with pytest.raises(ValidationError) as excinfo:
        framework_draft_save(draft=draft_2570, user=editor, expected_version=1, content=draft_2570.content, summary="b")
    assert excinfo.value.code == "stale"


def test_the_workbook_goes_out_and_comes_back(client, editor, draft_2570):
    client.force_login(editor)
    response = client.get(reverse("ita:draft-workbook", args=[2570]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["items"]
    sheet.cell(3, 5).value = "ชื่อที่แก้ใน Excel"  # name_th of O1
    out = io.BytesIO()
    workbook.save(out)
    upload = SimpleUploadedFile("2570.xlsx", out.getvalue())
    response = post_version(client, reverse("ita:draft-upload", args=[2570]), draft_2570, file=upload)
    assert response.status_code == 302
    draft_2570.refresh_from_db()
    assert draft_2570.content["items"][0]["name_th"] == "ชื่อที่แก้ใน Excel"


def test_a_workbook_of_another_year_or_with_bad_values_changes_nothing(client, editor, draft_2570):
    client.force_login(editor)
    other = framework_workbook(framework_spec(Framework.objects.get(fiscal_year=2569)))
    response = post_version(
        client, reverse("ita:draft-upload", args=[2570]), draft_2570, file=SimpleUploadedFile("x.xlsx", other)
    )
    assert response.status_code == 302
    workbook = load_workbook(io.BytesIO(other))
    workbook["framework"].cell(3, 1).value = 2570
    workbook["instruments"].cell(3, 5).value = "สามสิบ"
    out = io.BytesIO()
    workbook.save(out)
    response = post_version(
        client, reverse("ita:draft-upload", args=[2570]), draft_2570, file=SimpleUploadedFile("x.xlsx", out.getvalue())
    )
    messages = [str(m) for m in response.wsgi_request._messages]
    # "ชีต instruments แถว 3 คอลัมน์ weight" in Thai, the page's language
    assert any(re.search(r"instruments\D+3\D+weight", m) for m in messages), messages
    version = draft_2570.version
    draft_2570.refresh_from_db()
    assert draft_2570.version == version


def test_the_mapping_suggests_by_name_and_saves_what_the_editor_confirms(client, editor):
    draft = framework_draft_start(user=editor, fiscal_year=2570, based_on=None)
    content = drafts.empty(2570)
    content["items"] = [
        {"sub_indicator": "9.1", "code": "O1", "group_th": "ก", "name_th": "โครงสร้างและอำนาจหน้าที่", "previous_codes": []}
    ]
    framework_draft_save(draft=draft, user=editor, expected_version=draft.version, content=content, summary="x")
    client.force_login(editor)
    html = client.get(reverse("ita:draft-mapping", args=[2570])).content.decode()
    assert 'value="O1:O1"' in html  # 2569's O1 is the organisation structure
    response = post_version(client, reverse("ita:draft-mapping", args=[2570]), draft, map_O1="", use="O1:O1")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.content["items"][0]["previous_codes"] == ["O1"]
    response = post_version(client, reverse("ita:draft-mapping", args=[2570]), draft, map_O1="O99")
    assert response.status_code == 200  # not an item of 2569


def test_a_framework_in_use_is_corrected_by_a_revision_with_a_note(client, editor, office, admin_member):
    framework = Framework.objects.get(fiscal_year=2569)
    assessment = assessment_open(office=office, framework=framework, user=admin_member.user)
    draft = framework_draft_start(user=editor, fiscal_year=2569, based_on=None)
    assert draft.based_on == 2569
    content, _code = drafts.set_row(draft.content, "items", 0, {"name_th": "โครงสร้างและอำนาจหน้าที่"})
    draft = framework_draft_save(draft=draft, user=editor, expected_version=draft.version, content=content, summary="x")
    added, _code = drafts.add_row(draft.content, "items", {"sub_indicator": "9.1", "group_th": "ก", "name_th": "ใหม่"})
    with pytest.raises(ValidationError) as excinfo:  # offices' items hang on the codes
        framework_draft_save(draft=draft, user=editor, expected_version=draft.version, content=added, summary="y")
    assert excinfo.value.code == "structure"
    client.force_login(editor)
    client.post(reverse("ita:draft-row-move", args=[2569, "items", 0]), {"version": draft.version, "step": "down"})
    draft.refresh_from_db()
    assert draft.content["items"][0]["name_th"] == "โครงสร้างและอำนาจหน้าที่"  # not moved
    with pytest.raises(ValidationError) as excinfo:
        framework_draft_publish(draft=draft, user=editor, expected_version=draft.version, note=" ")
    assert excinfo.value.code == "note"
    framework_draft_publish(draft=draft, user=editor, expected_version=draft.version, note="แก้ชื่อข้อ O1 ตามคู่มือ")
    framework.refresh_from_db()
    assert framework.revision == 2
    revision = FrameworkRevision.objects.get(framework=framework, number=2)
    assert revision.note == "แก้ชื่อข้อ O1 ตามคู่มือ" and any("O1" in line for line in revision.changes)
    assert assessment.oit_items.get(definition__code="O1").definition.name_th == "โครงสร้างและอำนาจหน้าที่"
    client.force_login(admin_member.user)
    html = client.get(reverse("ita:office", args=[office.slug])).content.decode()
    assert "แก้ชื่อข้อ O1 ตามคู่มือ" in html  # the office sees what changed


def test_the_catalogue_admin_is_read_only(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    framework = Framework.objects.get(fiscal_year=2569)
    assert client.get(reverse("admin:ita_framework_change", args=[framework.pk])).status_code == 200
    assert client.get(reverse("admin:ita_framework_add")).status_code == 403
    response = client.post(reverse("admin:ita_framework_change", args=[framework.pk]), {"name_th": "x"})
    assert response.status_code == 403
    framework.refresh_from_db()
    assert framework.name_th != "x"
