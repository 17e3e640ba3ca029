import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from ita.services.assessments import assessment_open
from oit import services
from oit.forms import CommentForm, ReasonForm, TransitionForm
from oit.models import Evidence, Item, ItemEvent, Publication
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory
from tests.helpers import assert_queries_constant

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOC_DATE = datetime.date(2022, 11, 15)


def items_url(assessment, name="oit:item-list"):
    return reverse(name, args=[assessment.office.slug, assessment.fiscal_year])


def item_url(item, name="oit:item-detail", *extra):
    return reverse(name, args=[item.assessment.office.slug, item.assessment.fiscal_year, item.definition.code, *extra])


def o1(assessment, code="O1"):
    """The item, assigned to the office's unit (where the member fixtures work)."""
    assessment.oit_items.filter(definition__code=code).update(unit=assessment.office.units.first())
    return assessment.oit_items.select_related("assessment__office", "definition").get(definition__code=code)


def add_pdf(item, membership, name="คำสั่ง.pdf"):
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    return services.evidence_add_file(
        item=item, membership=membership, upload=upload, title="คำสั่ง", document_date=DOC_DATE
    )


def submitted(item, staff):
    add_pdf(item, staff)
    item.refresh_from_db()
    return services.item_submit(
        item=item, membership=staff, expected_version=item.version, reason="ผู้บริหารลงนามแล้ว รอสำเนา"
    )


def approved(item, staff, committee):
    item = submitted(item, staff)
    return services.item_approve(
        item=item, membership=committee, expected_version=item.version, reason="ผู้บริหารลงนามแล้ว รอสำเนา"
    )


# --- lists ---------------------------------------------------------------------------------


def test_items_are_grouped_by_indicator_and_sub_indicator(client, assessment, staff_member):
    client.force_login(staff_member.user)
    html = client.get(items_url(assessment)).content.decode()
    assert html.count('class="item-code"') == 43

    def code(text: str) -> int:  # the item's own mark, not "O1" inside a random CSRF token
        return html.index(f'<span class="item-code">{text}</span>')

    assert html.index("9.1 ข้อมูลพื้นฐาน") < code("O1") < html.index("9.2") < code("O11")
    assert html.index("10.2") < code("O39")


def test_items_can_be_filtered_by_status_unit_indicator_and_overdue(client, assessment, staff_member, unit):
    Item.objects.filter(assessment=assessment, definition__code="O5").update(status=Item.Status.RETURNED, unit=unit)
    Item.objects.filter(assessment=assessment, definition__code="O40").update(due_date=datetime.date(2000, 1, 1))
    client.force_login(staff_member.user)

    def codes(**query):
        response = client.get(items_url(assessment), query)
        return [item.definition.code for item in response.context["items"]]

    assert codes(status="returned") == ["O5"]
    assert codes(unit=unit.pk) == ["O5"]
    indicator_10 = assessment.framework.indicators.get(number=10)
    assert len(codes(indicator=indicator_10.pk)) == 13
    assert "O1" not in codes(indicator=indicator_10.pk)
    assert "O40" in codes(overdue="on")


def test_an_unknown_status_shows_everything(client, assessment, staff_member):
    client.force_login(staff_member.user)
    response = client.get(items_url(assessment), {"status": "nonsense"})
    assert len(response.context["items"]) == 43


def test_another_office_gets_404(client, assessment, other_office_admin):
    client.force_login(other_office_admin.user)
    for name in ("oit:item-list", "oit:item-mine", "oit:item-progress", "oit:review-queue", "oit:item-assign"):
        assert client.get(items_url(assessment, name)).status_code == 404, name
    assert client.get(item_url(o1(assessment))).status_code == 404


def test_the_list_query_count_does_not_grow_with_items(client, assessment, staff_member, framework_2565):
    def grow():
        assessment_open(office=assessment.office, framework=framework_2565, user=staff_member.user)
        admin = MembershipFactory(office=OfficeFactory())
        assessment_open(office=admin.office, framework=framework_2565, user=admin.user)
        for unit in UnitFactory.create_batch(3, office=assessment.office):
            item = assessment.oit_items.order_by("?").first()
            item.unit = unit
            item.save()
            item.assignees.add(MembershipFactory(office=assessment.office, unit=unit).user)

    client.force_login(staff_member.user)
    assert_queries_constant(client, items_url(assessment), expected=11, grow=grow)  # + earlier year


def test_the_item_list_shows_each_change_at_once(client, assessment, staff_member, admin_member):
    """The drawn groups are kept under the values they show, so no change waits for the cache."""
    client.force_login(admin_member.user)
    url = items_url(assessment)
    before = client.get(url).content.decode()
    submitted(o1(assessment), staff_member)
    after = client.get(url).content.decode()
    assert after.count("status-submitted") == before.count("status-submitted") + 1
    unit = assessment.office.units.first()
    accounts_services.unit_update(
        unit=unit,
        membership=admin_member,
        name="กลุ่มอำนวยการ 🏫",
        short_name="อำนวยการ 🏫",
        expected_version=unit.version,
    )
    assert "อำนวยการ 🏫" in client.get(url).content.decode()
    definition = o1(assessment).definition
    assert definition.name_th in after and definition.name_en not in after
    client.cookies["django_language"] = "en"
    assert definition.name_en in client.get(url).content.decode()


def test_my_items_are_my_units_and_those_i_am_named_on(client, assessment, staff_member):
    other_unit = UnitFactory(office=assessment.office)
    Item.objects.filter(assessment=assessment, definition__code="O2").update(unit=staff_member.unit)
    Item.objects.filter(assessment=assessment, definition__code="O3").update(unit=other_unit)
    assessment.oit_items.get(definition__code="O7").assignees.add(staff_member.user)
    client.force_login(staff_member.user)
    response = client.get(items_url(assessment, "oit:item-mine"))
    assert sorted(item.definition.code for item in response.context["items"]) == ["O2", "O7"]


def test_the_review_queue_is_for_the_committee(client, assessment, staff_member, committee_member):
    item = submitted(o1(assessment), staff_member)
    client.force_login(staff_member.user)
    assert client.get(items_url(assessment, "oit:review-queue")).status_code == 403
    client.force_login(committee_member.user)
    response = client.get(items_url(assessment, "oit:review-queue"))
    assert [queued.pk for queued in response.context["items"]] == [item.pk]
    assert response.context["items"][0].approval_count == 0


def test_the_review_queue_counts_this_rounds_approvals_and_mine(
    client, assessment, staff_member, committee_member, admin_member
):
    assessment.office.oit_required_approvals = 2
    assessment.office.save()
    later = submitted(o1(assessment, "O3"), staff_member)
    earlier_round = submitted(o1(assessment, "O2"), staff_member)
    services.item_approve(
        item=earlier_round, membership=committee_member, expected_version=earlier_round.version, reason="ตรวจแล้ว"
    )
    earlier_round.refresh_from_db()
    services.item_return(
        item=earlier_round, membership=admin_member, expected_version=earlier_round.version, reason="แก้"
    )
    earlier_round = submitted(o1(assessment, "O2"), staff_member)  # again: the first approval was another round
    services.item_approve(item=later, membership=committee_member, expected_version=later.version, reason="ตรวจแล้ว")
    ready = o1(assessment, "O1")
    approved(ready, staff_member, committee_member)
    services.item_approve(
        item=Item.objects.get(pk=ready.pk), membership=admin_member, expected_version=ready.version + 2, reason="ok"
    )

    client.force_login(committee_member.user)
    response = client.get(items_url(assessment, "oit:review-queue"))
    waiting = response.context["items"]
    assert [row.code for row in waiting] == ["O3", "O2"]  # oldest submission first
    assert [(row.approval_count, row.approved_by_me) for row in waiting] == [(1, True), (0, False)]
    assert [row.code for row in response.context["approved"]] == ["O1"]
    page = response.content.decode()
    assert "1 / 2" in page and "0 / 2" in page
    assert page.count("status-approved") == 1 + 1  # the "you approved" badge and the count badge
    client.force_login(admin_member.user)
    waiting = client.get(items_url(assessment, "oit:review-queue")).context["items"]
    assert [(row.approval_count, row.approved_by_me) for row in waiting] == [(1, False), (0, False)]


def test_the_review_queue_query_count_is_constant(client, assessment, staff_member, committee_member):
    submitted(o1(assessment), staff_member)

    def grow():
        for code in ("O2", "O3", "O4"):
            approved(o1(assessment, code), staff_member, committee_member)
            submitted(o1(assessment, code.replace("O", "O1")), staff_member)

    client.force_login(committee_member.user)
    assert_queries_constant(client, items_url(assessment, "oit:review-queue"), expected=7, grow=grow)


def test_progress_shows_the_predicted_oit_score(client, assessment, staff_member, committee_member):
    approved(o1(assessment), staff_member, committee_member)
    client.force_login(staff_member.user)
    summary = client.get(items_url(assessment, "oit:item-progress")).context["summary"]
    # 9.1 has 10 items: 10 % → indicator 9 = 10/5 = 2; indicator 10 = 0; OIT = 1; 40 % of it = 0.40
    assert summary.oit_score == 1
    assert summary.oit_points == Decimal("0.4")
    assert [row.score for row in summary.indicators] == [2, 0]


# --- assignment and settings ---------------------------------------------------------------


def test_the_admin_assigns_a_whole_sub_indicator(client, assessment, admin_member, staff_member, unit):
    sub = assessment.framework.indicators.get(number=9).sub_indicators.get(code="9.2")
    client.force_login(admin_member.user)
    response = client.post(
        items_url(assessment, "oit:item-assign"),
        {"sub_indicator": sub.pk, "unit": unit.pk, "assignees": [staff_member.user.pk], "due_date": "2023-05-31"},
    )
    assert response.status_code == 302
    items = assessment.oit_items.filter(definition__sub_indicator=sub)
    assert items.count() == 8
    assert set(items.values_list("unit", flat=True)) == {unit.pk}
    assert all(list(item.assignees.all()) == [staff_member.user] for item in items)
    assert ItemEvent.objects.filter(item__in=items, kind=ItemEvent.Kind.ASSIGNED).count() == 8


def test_assigning_nothing_is_refused(client, assessment, admin_member, unit):
    client.force_login(admin_member.user)
    response = client.post(items_url(assessment, "oit:item-assign"), {"unit": unit.pk})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["__all__"]  # no item and no sub-indicator chosen
    assert not assessment.oit_items.filter(unit=unit).exists()


def test_staff_cannot_assign(client, assessment, staff_member):
    client.force_login(staff_member.user)
    assert client.get(items_url(assessment, "oit:item-assign")).status_code == 403


def test_the_admin_sets_the_number_of_approvals(client, office, admin_member, staff_member):
    url = reverse("oit:office-settings", args=[office.slug])
    client.force_login(staff_member.user)
    assert client.post(url, {"oit_required_approvals": 2}).status_code == 403
    client.force_login(admin_member.user)
    assert client.post(url, {"oit_required_approvals": 0}).status_code == 200  # refused: at least 1
    data = {"oit_required_approvals": 2, "oit_committee_publishes": "on", "version": "1-0"}
    assert client.post(url, data).status_code == 302
    office.refresh_from_db()
    assert (office.oit_required_approvals, office.oit_committee_publishes) == (2, True)


# --- one item ------------------------------------------------------------------------------


def test_the_detail_page_shows_evidence_checklist_and_timeline(client, assessment, staff_member):
    item = o1(assessment)
    add_pdf(item, staff_member)
    client.force_login(staff_member.user)
    response = client.get(item_url(item))
    html = response.content.decode()
    assert response.context["can_edit"]
    assert "คำสั่ง.pdf" in html
    assert item.checks.first().requirement.text_th in html
    assert 'id="timeline"' in html


def test_the_detail_query_count_is_constant(client, assessment, staff_member, committee_member):
    item = o1(assessment)
    add_pdf(item, staff_member)

    def grow():
        for n in range(3):
            revision = add_pdf(item, staff_member, name=f"ไฟล์{n}.pdf")
            upload = SimpleUploadedFile("v2.pdf", PDF)
            services.evidence_add_file(
                item=item,
                membership=staff_member,
                upload=upload,
                title="",
                document_date=DOC_DATE,
                replaces=revision.evidence,
            )
            services.evidence_add_link(
                item=item, membership=staff_member, url=f"https://example.go.th/{n}", title="", document_date=DOC_DATE
            )
            services.item_comment(item=item, membership=committee_member, text=f"ความเห็น {n}")
        check = item.checks.first()
        evidence = item.evidence.first()
        item.refresh_from_db()
        services.item_update_contents(
            item=item,
            membership=staff_member,
            expected_version=item.version,
            description="x",
            coverage={check.pk: evidence},
        )

    client.force_login(staff_member.user)
    assert_queries_constant(client, item_url(item), expected=13, grow=grow)  # a draft: no approvals, no publication


def test_the_detail_query_count_is_constant_in_review_and_published(
    client, assessment, staff_member, committee_member, admin_member
):
    assessment.office.oit_required_approvals = 3
    assessment.office.save()
    item = submitted(o1(assessment), staff_member)
    reviewers = [committee_member, admin_member, MembershipFactory(office=assessment.office, role=Role.COMMITTEE)]

    def approve(reviewer):
        current = Item.objects.get(pk=item.pk)
        services.item_approve(item=current, membership=reviewer, expected_version=current.version, reason="ตรวจแล้ว")

    approve(reviewers[0])
    client.force_login(staff_member.user)
    assert_queries_constant(client, item_url(item), expected=13, grow=lambda: approve(reviewers[1]))
    approve(reviewers[2])
    current = Item.objects.get(pk=item.pk)
    services.item_publish(item=current, membership=admin_member, expected_version=current.version)

    def comment():
        for n in range(3):
            services.item_comment(item=item, membership=committee_member, text=f"ความเห็น {n} 👍")

    assert_queries_constant(client, item_url(item), expected=14, grow=comment)


def test_uploading_a_file_through_the_page(client, assessment, staff_member):
    item = o1(assessment)
    client.force_login(staff_member.user)
    upload = SimpleUploadedFile("รายงาน.pdf", PDF, content_type="application/pdf")
    response = client.post(
        item_url(item, "oit:evidence-add"),
        {"file": upload, "title": "รายงาน", "document_date": "2022-12-01", "description": "ฉบับเต็ม"},
    )
    assert response.status_code == 302
    revision = Evidence.objects.get(item=item).current
    assert (revision.original_name, revision.description) == ("รายงาน.pdf", "ฉบับเต็ม")


def test_a_bad_upload_says_why_and_changes_nothing(client, assessment, staff_member):
    item = o1(assessment)
    client.force_login(staff_member.user)
    upload = SimpleUploadedFile("หน้าเว็บ.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post(item_url(item, "oit:evidence-add"), {"file": upload, "document_date": "2022-12-01"})
    assert response.status_code == 400
    assert response.context["evidence_form"].errors["file"]
    assert not Evidence.objects.filter(item=item).exists()


def test_evidence_needs_a_file_or_a_link(client, assessment, staff_member):
    client.force_login(staff_member.user)
    response = client.post(item_url(o1(assessment), "oit:evidence-add"), {"document_date": "2022-12-01"})
    assert response.status_code == 400


def test_evidence_past_the_limit_is_refused_on_the_page(client, assessment, staff_member, settings):
    settings.OIT_EVIDENCE_MAX_PER_ITEM = 1
    item = o1(assessment)
    add_pdf(item, staff_member)
    client.force_login(staff_member.user)
    link = {"url": "https://www.example.go.th/ita/o1", "document_date": "2022-12-01"}
    response = client.post(item_url(item, "oit:evidence-add"), link)
    assert response.status_code == 400
    assert response.context["evidence_form"].has_error("url", code="too_many")
    assert str(response.context["evidence_form"].errors["url"][0]) in response.content.decode()
    assert Evidence.objects.filter(item=item).count() == 1


def test_texts_longer_than_their_fields_are_refused(client, assessment, staff_member):
    item = o1(assessment)
    client.force_login(staff_member.user)
    too_long = "ก" * (Item._meta.get_field("description").max_length + 1)
    response = client.post(item_url(item, "oit:item-contents"), {"version": item.version, "description": too_long})
    assert response.status_code == 400
    client.post(item_url(item, "oit:item-comment"), {"text": "ก" * 2001})
    item.refresh_from_db()
    assert item.description == ""
    assert not item.events.filter(kind=ItemEvent.Kind.COMMENTED).exists()


@pytest.mark.parametrize(
    ("form_class", "field", "limit"),
    [(TransitionForm, "note", 1000), (ReasonForm, "note", 1000), (CommentForm, "text", 2000)],
)
def test_notes_reasons_and_comments_are_bounded(form_class, field, limit):
    assert form_class(data={"version": 1, field: "ก" * limit}).is_valid()
    assert form_class(data={"version": 1, field: "ก" * (limit + 1)}).has_error(field, code="max_length")


def test_staff_of_another_unit_cannot_add_evidence(client, assessment, unit):
    item = o1(assessment)
    item.unit = unit
    item.save()
    outsider = MembershipFactory(office=assessment.office, role=Role.STAFF, unit=UnitFactory(office=assessment.office))
    client.force_login(outsider.user)
    link = {"url": "https://a.go.th", "document_date": "2022-12-01"}
    assert client.post(item_url(item, "oit:evidence-add"), link).status_code == 403
    assert not Evidence.objects.filter(item=item).exists()


def test_evidence_is_downloaded_as_an_attachment_by_members_only(client, assessment, staff_member, other_office_admin):
    item = o1(assessment)
    revision = add_pdf(item, staff_member, name="คำสั่ง แต่งตั้ง.pdf")
    url = item_url(item, "oit:evidence-download", revision.pk)
    client.force_login(staff_member.user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    client.force_login(other_office_admin.user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_revision_of_another_item_is_not_served_under_this_one(client, assessment, staff_member):
    revision = add_pdf(o1(assessment), staff_member)
    o2 = o1(assessment, "O2")
    client.force_login(staff_member.user)
    assert client.get(item_url(o2, "oit:evidence-download", revision.pk)).status_code == 404


def test_saving_contents_and_checklist(client, assessment, staff_member):
    item = o1(assessment)
    revision = add_pdf(item, staff_member)
    item.refresh_from_db()
    check = item.checks.get()
    client.force_login(staff_member.user)
    response = client.post(
        item_url(item, "oit:item-contents"),
        {
            "version": item.version,
            "description": "สรุป",
            f"covered_{check.pk}": "on",
            f"evidence_{check.pk}": revision.evidence_id,
        },
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.covered, check.evidence_id) == (True, revision.evidence_id)


def test_a_stale_form_is_refused_and_keeps_what_was_typed(client, assessment, staff_member):
    item = o1(assessment)
    stale_version = item.version
    add_pdf(item, staff_member)  # someone else changed the item meanwhile
    client.force_login(staff_member.user)
    response = client.post(item_url(item, "oit:item-contents"), {"version": stale_version, "description": "ของฉัน"})
    assert response.status_code == 409
    assert "ของฉัน" in response.content.decode()
    item.refresh_from_db()
    assert item.description == ""


@pytest.mark.parametrize(
    "name", ["oit:item-submit", "oit:item-return", "oit:item-approve", "oit:item-publish", "oit:item-comment"]
)
def test_state_changes_need_post(client, assessment, admin_member, name):
    client.force_login(admin_member.user)
    assert client.get(item_url(o1(assessment), name)).status_code == 405


def test_the_whole_workflow_through_the_pages(client, assessment, staff_member, committee_member, admin_member):
    item = o1(assessment)
    add_pdf(item, staff_member)

    def post(member, name, expect=302, **data):
        client.force_login(member.user)
        item.refresh_from_db()
        data.setdefault("reason", "ผู้บริหารลงนามแล้ว รอสำเนา")  # the checklists are left unticked
        response = client.post(item_url(item, name), {"version": item.version, **data})
        assert response.status_code == expect
        item.refresh_from_db()
        return item.status

    assert post(staff_member, "oit:item-submit") == Item.Status.SUBMITTED
    assert post(committee_member, "oit:item-return", note="") == Item.Status.SUBMITTED  # a reason is required
    assert post(committee_member, "oit:item-return", note="ไฟล์ไม่ครบ") == Item.Status.RETURNED
    assert post(staff_member, "oit:item-submit") == Item.Status.SUBMITTED
    assert post(committee_member, "oit:item-approve") == Item.Status.APPROVED
    assert post(staff_member, "oit:item-publish", expect=403) == Item.Status.APPROVED
    assert post(admin_member, "oit:item-publish") == Item.Status.PUBLISHED
    assert Publication.objects.filter(item=item, withdrawn_at__isnull=True).exists()
    kinds = list(item.events.values_list("kind", flat=True))
    assert kinds[-5:] == ["submitted", "returned", "submitted", "approved", "published"]


def test_staff_cannot_approve_through_the_page(client, assessment, staff_member):
    item = submitted(o1(assessment), staff_member)
    client.force_login(staff_member.user)
    response = client.post(item_url(item, "oit:item-approve"), {"version": item.version})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == Item.Status.SUBMITTED


def test_a_refused_step_is_explained(client, assessment, staff_member):
    item = o1(assessment)
    client.force_login(staff_member.user)
    response = client.post(item_url(item, "oit:item-submit"), {"version": item.version}, follow=True)
    assert "เพิ่มไฟล์หรือลิงก์อย่างน้อยหนึ่งรายการก่อนส่ง" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Item.Status.DRAFT


def test_unpublishing_needs_a_reason_and_returns_the_item(
    client, assessment, staff_member, committee_member, admin_member
):
    item = approved(o1(assessment), staff_member, committee_member)
    services.item_publish(item=item, membership=admin_member)
    item.refresh_from_db()
    client.force_login(admin_member.user)
    client.post(item_url(item, "oit:item-unpublish"), {"version": item.version, "note": ""})
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED
    client.post(item_url(item, "oit:item-unpublish"), {"version": item.version, "note": "ไฟล์ผิดปี"})
    item.refresh_from_db()
    assert item.status == Item.Status.RETURNED
    response = client.get(item_url(item))
    assert response.context["return_note"].note == "ไฟล์ผิดปี"


def test_any_member_may_comment(client, assessment, staff_member):
    item = o1(assessment)
    client.force_login(staff_member.user)
    assert client.post(item_url(item, "oit:item-comment"), {"text": "ขอคำแนะนำ"}).status_code == 302
    assert item.events.get(kind=ItemEvent.Kind.COMMENTED).note == "ขอคำแนะนำ"


def test_the_export_downloads_for_the_national_system(client, assessment, staff_member, other_office_admin):
    client.force_login(staff_member.user)
    response = client.get(items_url(assessment, "oit:item-export-csv"))
    assert response["Content-Disposition"] == 'attachment; filename="oit-2566.csv"'
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[1].startswith("O1,")
    assert f"http://testserver/{assessment.office.slug}/ita/2566/O1/" in text
    response = client.get(items_url(assessment, "oit:item-export-xlsx"))
    assert response.content.startswith(b"PK")
    client.force_login(other_office_admin.user)
    assert client.get(items_url(assessment, "oit:item-export-csv")).status_code == 404


def test_the_what_if_uses_the_items_prediction_and_the_expected_scores(
    client, assessment, staff_member, committee_member, admin_member
):
    approved(o1(assessment), staff_member, committee_member)  # predicted OIT = 1.00
    assessment.target_band = assessment.framework.rating_bands.get(code="good")
    assessment.save()
    client.force_login(staff_member.user)
    whatif = client.get(items_url(assessment, "oit:item-progress"), {"iit": "95", "eit": "95"}).context["whatif"]
    assert whatif.total == Decimal("57.40")  # 28.50 + 28.50 + 0.40
    assert whatif.band.code == "urgent"
    assert whatif.oit_needed == Decimal("85.00")  # the total alone would need 70, but each must be 85
    full = client.get(items_url(assessment, "oit:item-progress"), {"iit": "95", "eit": "95", "oit": "100"})
    assert full.context["whatif"].band.code == "excellent" and full.context["whatif"].target_reached


def test_the_what_if_starts_from_last_years_results(client, assessment, admin_member, framework_2565):
    from ita.services import results

    earlier = assessment_open(office=assessment.office, framework=framework_2565, user=admin_member.user)
    scores = {**dict.fromkeys(range(1, 6), Decimal(92)), **dict.fromkeys(range(6, 9), Decimal(88)), 9: 90, 10: 90}
    results.result_enter(assessment=earlier, membership=admin_member, scores={k: Decimal(v) for k, v in scores.items()})
    client.force_login(admin_member.user)
    form = client.get(items_url(assessment, "oit:item-progress")).context["form"]
    assert (form.initial["iit"], form.initial["eit"]) == (Decimal(92), Decimal(88))


def test_bad_what_if_input_is_explained(client, assessment, staff_member):
    client.force_login(staff_member.user)
    response = client.get(items_url(assessment, "oit:item-progress"), {"iit": "120", "eit": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"iit", "eit"}
    assert response.context["whatif"] is None


def test_the_what_if_says_when_iit_or_eit_blocks_the_target(client, assessment, staff_member):
    assessment.target_band = assessment.framework.rating_bands.get(code="excellent")
    assessment.save()
    client.force_login(staff_member.user)
    query = {"iit": "99", "eit": "94", "oit": "100"}
    whatif = client.get(items_url(assessment, "oit:item-progress"), query).context["whatif"]
    assert whatif.blocked_by == ["EIT"]
    assert not whatif.target_reachable and not whatif.target_reached


# --- one view per workflow action ----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["oit:item-submit", "oit:item-return", "oit:item-approve", "oit:item-publish", "oit:item-unpublish"],
)
def test_another_office_cannot_move_an_item(client, assessment, other_office_admin, name):
    item = o1(assessment)
    client.force_login(other_office_admin.user)
    response = client.post(item_url(item, name), {"version": item.version, "note": "x"})
    assert response.status_code == 404
    assert not item.events.exists()


@pytest.mark.parametrize(
    ("name", "member"),
    [("oit:item-submit", "staff_member"), ("oit:item-approve", "committee_member")],
)
def test_a_step_from_a_stale_page_is_refused_with_the_reason(client, request, assessment, staff_member, name, member):
    item = o1(assessment)
    if name == "oit:item-approve":
        item = submitted(item, staff_member)
    else:
        add_pdf(item, staff_member)
    stale_version = item.version - 1
    status = Item.objects.get(pk=item.pk).status
    client.force_login(request.getfixturevalue(member).user)
    client.cookies["django_language"] = "en"
    response = client.post(item_url(item, name), {"version": stale_version}, follow=True)
    assert "Someone else changed this item after you opened it" in response.content.decode()
    assert Item.objects.get(pk=item.pk).status == status


def test_an_unreadable_step_form_is_explained(client, assessment, staff_member):
    item = o1(assessment)
    client.force_login(staff_member.user)
    response = client.post(item_url(item, "oit:item-submit"), {"version": "x"}, follow=True)
    assert response.redirect_chain[-1][0] == item.get_absolute_url()
    assert list(response.context["messages"])
    item.refresh_from_db()
    assert item.status == Item.Status.DRAFT


def test_unpublishing_through_the_page_needs_a_reason(client, assessment, staff_member, committee_member, admin_member):
    item = approved(o1(assessment), staff_member, committee_member)
    services.item_publish(item=item, membership=admin_member, expected_version=item.version)
    item.refresh_from_db()
    client.force_login(admin_member.user)
    url = item_url(item, "oit:item-unpublish")
    assert client.get(url).status_code == 405
    assert client.post(url, {"version": item.version, "note": ""}).status_code == 302
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED  # refused: no reason
    assert client.post(url, {"version": item.version, "note": "ไฟล์ผิด"}).status_code == 302
    item.refresh_from_db()
    assert item.status == Item.Status.RETURNED
    assert Publication.objects.get(item=item).withdrawn_reason == "ไฟล์ผิด"


def test_the_oit_settings_change_is_recorded(client, office, admin_member, other_office_admin):
    from accounts.models import AuditEvent

    url = reverse("oit:office-settings", args=[office.slug])
    client.force_login(other_office_admin.user)
    assert client.post(url, {"oit_required_approvals": 3}).status_code == 404
    client.force_login(admin_member.user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"oit_required_approvals": 3, "version": "1-0"}).status_code == 302
    office.refresh_from_db()
    assert office.oit_required_approvals == 3
    event = AuditEvent.objects.get(action="office.oit_settings")
    assert (event.office, event.actor) == (office, admin_member.user)


def test_a_comment_too_long_is_refused_as_too_long_not_as_empty(client, assessment, staff_member):
    from oit.forms import COMMENT_MAX_LENGTH

    client.force_login(staff_member.user)
    url = reverse("oit:item-comment", args=[assessment.office.slug, assessment.fiscal_year, "O1"])
    response = client.post(url, {"text": "ก" * (COMMENT_MAX_LENGTH + 1)}, follow=True)
    page = response.content.decode()
    assert f"{COMMENT_MAX_LENGTH:,}" in page or str(COMMENT_MAX_LENGTH) in page
    assert not assessment.oit_items.get(definition__code="O1").events.filter(kind="commented").exists()
