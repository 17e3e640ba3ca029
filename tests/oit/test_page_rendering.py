"""The item pages draw from plain rows and hand-written form fields to be fast; these tests hold
them to what the model instances, `reverse()` and crispy would have shown, and pin their queries."""

import datetime

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation

from oit.forms import CommentForm, ItemFilterForm, ReasonForm, TransitionForm
from oit.models import Item
from oit.selectors import item_row_groups, item_rows
from tests.factories import MembershipFactory, UnitFactory
from tests.helpers import assert_queries_constant

pytestmark = pytest.mark.django_db


def items_url(assessment, name="oit:item-list"):
    return reverse(name, args=[assessment.office.slug, assessment.fiscal_year])


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_row_shows_what_the_item_instance_would(assessment, staff_member, language):
    today = datetime.date(2023, 5, 1)
    items = assessment.oit_items.select_related("definition__sub_indicator__indicator", "unit")
    late = items.get(definition__code="O3")
    late.due_date, late.unit = datetime.date(2023, 4, 30), UnitFactory(office=assessment.office, short_name="กลุ่ม ก")
    late.save()
    late.assignees.add(staff_member.user, MembershipFactory(office=assessment.office, user__first_name="").user)
    passed = items.get(definition__code="O4")
    passed.due_date, passed.status = datetime.date(2023, 4, 30), Item.Status.APPROVED
    passed.save()
    with translation.override(language):
        rows = item_rows(items.all(), assessment, today=today)
        for item, row in zip(items.order_by("definition__number"), rows, strict=True):
            assert row.code == item.definition.code
            assert row.name == item.definition.name
            assert row.url == item.get_absolute_url()
            assert row.unit == (str(item.unit) if item.unit else "")
            assert row.due_date == item.due_date
            assert row.late == item.is_overdue(today)
            assert (row.status, row.status_label) == (item.status, item.get_status_display())
            named = Item.assignees.through.objects.filter(item=item).select_related("user").order_by("pk")
            assert row.assignees == [link.user.display_name for link in named]
        assert [row.late for row in rows if row.code in ("O3", "O4")] == [True, False]


def test_rows_are_grouped_by_indicator_and_sub_indicator_in_order(assessment):
    items = assessment.oit_items.select_related("definition__sub_indicator__indicator")
    groups = item_row_groups(items.all(), assessment, today=datetime.date(2023, 5, 1))
    shown = [
        (indicator.number, indicator.name, sub.number, sub.name, row.code)
        for indicator in groups
        for sub in indicator.groups
        for row in sub.rows
    ]
    expected = [
        (
            str(item.definition.sub_indicator.indicator.number),
            item.definition.sub_indicator.indicator.name,
            item.definition.sub_indicator.code,
            item.definition.sub_indicator.name,
            item.definition.code,
        )
        for item in items.order_by("definition__number")
    ]
    assert shown == expected
    assert len({indicator.number for indicator in groups}) == len(groups)


@pytest.mark.parametrize(
    "form",
    [
        TransitionForm(initial={"version": 3}, auto_id="submit_%s"),
        TransitionForm(initial={"version": 3}, auto_id="approve_%s"),
        ReasonForm(initial={"version": 3}, auto_id="return_%s"),
        ReasonForm(initial={"version": 3}, auto_id="unpublish_%s"),
        CommentForm(),
    ],
)
@pytest.mark.parametrize("language", ["th", "en"])
def test_the_note_fields_are_drawn_as_crispy_draws_them(form, language):
    with translation.override(language):
        ours = render_to_string("oit/includes/note_form_fields.html", {"form": form})
        crispy = engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}").render({"form": form})
    assert parse_html(ours) == parse_html(crispy)


@pytest.mark.parametrize("data", [None, {"status": "returned", "overdue": "on"}, {"status": "nonsense", "unit": "x"}])
def test_the_filter_selects_are_drawn_as_the_widgets_draw_them(assessment, unit, data):
    if data is not None and "unit" not in data:
        indicator = assessment.framework.indicators.filter(instrument__kind="OIT").last()
        data = {**data, "unit": str(unit.pk), "indicator": str(indicator.pk)}
    UnitFactory(office=assessment.office, name="กลุ่ม <ข>")
    form = ItemFilterForm(data, assessment=assessment)
    for name in ("status", "unit", "indicator"):
        ours = render_to_string("oit/includes/filter_select.html", {"field": form[name]})
        assert parse_html(ours) == parse_html(str(form[name])), name


def test_my_items_query_count_does_not_grow_with_items(client, assessment, staff_member):
    def grow():
        for code in ("O5", "O6", "O7"):
            item = assessment.oit_items.get(definition__code=code)
            item.assignees.add(staff_member.user, MembershipFactory(office=assessment.office).user)
        assessment.oit_items.filter(definition__code__in=["O8", "O9"]).update(unit=staff_member.unit)

    assessment.oit_items.get(definition__code="O2").assignees.add(staff_member.user)
    client.force_login(staff_member.user)
    assert_queries_constant(client, items_url(assessment, "oit:item-mine"), expected=8, grow=grow)
