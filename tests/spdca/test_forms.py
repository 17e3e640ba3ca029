import pytest

from spdca import forms
from spdca.models import Activity

pytestmark = pytest.mark.django_db


def bound_forms(assessment):
    """Every SPDCA form with a free-text field, and how to build it for the assessment."""
    office = assessment.office
    stage = assessment.stages.get(code="A")
    return {
        "stage": lambda data: forms.StageForm(
            {f"stage-A-{key}": value for key, value in data.items()}, instance=stage, office=office
        ),
        "meeting": lambda data: forms.MeetingForm(data),
        "finding": lambda data: forms.FindingForm(data, assessment=assessment),
        "activity": lambda data: forms.ActivityForm(data, assessment=assessment),
        "progress": lambda data: forms.ProgressForm(data, activities=Activity.objects.none()),
        "improvement": lambda data: forms.ImprovementForm(data, office=office),
        "lesson": lambda data: forms.LessonForm(data),
        "outcome": lambda data: forms.OutcomeForm(data),
    }


@pytest.mark.parametrize(
    ("form", "field", "limit"),
    [
        ("stage", "notes", 3000),
        ("stage", "override_reason", 1000),
        ("meeting", "attendees", 5000),
        ("meeting", "minutes", 5000),
        ("finding", "text", 2000),
        ("activity", "objective", 2000),
        ("activity", "expected_output", 2000),
        ("activity", "success_indicator", 2000),
        ("progress", "narrative", 2000),
        ("improvement", "cause", 2000),
        ("improvement", "action", 2000),
        ("lesson", "text", 2000),
        ("outcome", "text", 2000),
    ],
)
def test_texts_are_refused_past_their_limit(assessment, form, field, limit):
    build = bound_forms(assessment)[form]
    assert not build({field: "ก" * limit})[field].errors
    assert build({field: "ก" * (limit + 1)}).has_error(field, code="max_length")
