from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import DateInput, ThaiDateField, thai_date_formfield
from core.uploads import ACCEPT_IMAGES
from ita.models import Indicator, Instrument
from spdca.models import (
    Activity,
    AnnualReportText,
    Committee,
    CommitteeMember,
    Finding,
    Improvement,
    Lesson,
    Meeting,
    Outcome,
    ProgressUpdate,
    Stage,
)


def office_people(office):
    return User.objects.filter(memberships__office=office).order_by("first_name", "last_name")


class VersionField(forms.IntegerField):
    """The version of the record the form was built from, sent back with the save."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, min_value=0, **kwargs)


class VersionedModelForm(forms.ModelForm):
    """A model form that sends back the version of the record it was built from."""

    version = VersionField()
    # Records that exist once per assessment need the version even for their first save.
    version_always_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)
        self.fields["version"].required = self.version_always_required or self.instance.pk is not None


class StageForm(VersionedModelForm):
    override_reason = forms.CharField(
        label=_("Reason for closing despite the gate"),
        required=False,
        max_length=Stage._meta.get_field("override_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when the stage is closed while its gate is not met."),
    )

    class Meta:
        model = Stage
        fields = ["status", "start", "end", "responsible", "notes"]
        formfield_callback = thai_date_formfield
        widgets = {"start": DateInput(), "end": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, office, **kwargs):
        kwargs.setdefault("prefix", f"stage-{kwargs['instance'].code}")
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = office_people(office)
        self.fields["responsible"].label_from_instance = lambda user: user.display_name
        self.fields["override_reason"].initial = ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class MeetingForm(VersionedModelForm):
    files = MultipleFileField(label=_("Attachments"), required=False)
    version_always_required = True

    class Meta:
        model = Meeting
        fields = ["date", "place", "attendees", "minutes"]
        formfield_callback = thai_date_formfield
        widgets = {
            "date": DateInput(),
            "attendees": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 4}),
        }


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Finding.Kind.choices)
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None, required=False)
    instrument = forms.ModelChoiceField(
        label=_("…or only the instrument"), queryset=None, required=False, empty_label="—"
    )
    text = forms.CharField(
        label=_("Analysis"),
        max_length=Finding._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proposed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    version = VersionField(required=False)

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(framework=assessment.framework)
        self.fields["indicator"].label_from_instance = lambda indicator: f"{indicator.number}. {indicator.name}"
        self.fields["instrument"].queryset = Instrument.objects.filter(framework=assessment.framework)
        self.fields["instrument"].label_from_instance = lambda instrument: instrument.code

    def clean(self):
        data = super().clean()
        if not data.get("indicator") and not data.get("instrument"):
            raise forms.ValidationError(_("Choose an indicator or an instrument."))
        return data


class ActivityForm(VersionedModelForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "objective",
            "findings",
            "indicators",
            "unit",
            "responsible",
            "budget",
            "start",
            "end",
            "expected_output",
            "success_indicator",
            "is_publicity",
        ]
        formfield_callback = thai_date_formfield
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "objective": forms.Textarea(attrs={"rows": 2}),
            "expected_output": forms.Textarea(attrs={"rows": 2}),
            "success_indicator": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.CheckboxSelectMultiple,
            "indicators": forms.SelectMultiple(attrs={"size": 5}),
        }

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = assessment.findings.select_related("indicator", "instrument")
        self.fields["findings"].label_from_instance = _finding_label
        self.fields["indicators"].queryset = Indicator.objects.filter(framework=assessment.framework)
        self.fields["indicators"].label_from_instance = lambda indicator: f"{indicator.number}. {indicator.name}"
        self.fields["unit"].queryset = assessment.office.units.all()
        self.fields["responsible"].queryset = office_people(assessment.office)
        self.fields["responsible"].label_from_instance = lambda user: user.display_name

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end is before the start."))
        return data


def _finding_label(finding: Finding) -> str:
    where = f"{finding.indicator.number}. {finding.indicator.name}" if finding.indicator else finding.instrument.code
    return f"{finding.get_kind_display()} · {where}: {finding.text[:80]}"


class ProgressForm(forms.Form):
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=None)
    date = ThaiDateField(label=_("Date"))
    percent = forms.IntegerField(label=_("Percent done"), min_value=0, max_value=100)
    narrative = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=ProgressUpdate._meta.get_field("narrative").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(label=_("Files and photos"), required=False)

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities


class ImprovementForm(VersionedModelForm):
    class Meta:
        model = Improvement
        fields = ["phase", "cause", "action", "owner"]
        widgets = {"cause": forms.Textarea(attrs={"rows": 2}), "action": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = office_people(office)
        self.fields["owner"].label_from_instance = lambda user: user.display_name


class LessonForm(VersionedModelForm):
    class Meta:
        model = Lesson
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class OutcomeForm(VersionedModelForm):
    class Meta:
        model = Outcome
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class AnnualReportTextForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = AnnualReportText
        fields = ["preface", "introduction", "project", "coach"]
        widgets = {
            "preface": forms.Textarea(attrs={"rows": 6}),
            "introduction": forms.Textarea(attrs={"rows": 6}),
            "coach": forms.Textarea(attrs={"rows": 3}),
        }


class CommitteeForm(VersionedModelForm):
    order_file = forms.FileField(
        label=_("Signed order (PDF or picture)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf," + ACCEPT_IMAGES}),
        help_text=_("A new file replaces the one kept."),
    )
    version_always_required = True

    class Meta:
        model = Committee
        fields = ["name", "duties", "order_number", "order_date"]
        formfield_callback = thai_date_formfield
        widgets = {"order_date": DateInput(), "duties": forms.Textarea(attrs={"rows": 3})}


class CommitteeMemberForm(VersionedModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["role", "user", "honorific", "name", "position"]

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = office_people(office)
        self.fields["user"].label_from_instance = lambda user: user.formal_name
        self.fields["user"].empty_label = _("— not a user: type the name below —")
        self.fields["user"].help_text = _("Or, for someone without an account, type the name with the honorific.")
        self.fields["position"].help_text = _("As the order prints it; empty: the user's own position.")

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error("name", _("Choose a user of the office or type the person's name."))
        return data
