from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Office, User
from core.uploads import ACCEPT_IMAGES
from ita.models import Assessment, EITCount, Framework, RespondentTarget


class AssessmentOpenForm(forms.Form):
    framework = forms.ModelChoiceField(
        label=_("Fiscal year"),
        queryset=Framework.objects.none(),
        empty_label=None,
        help_text=_("The year's framework decides the OIT items, weights, rating and calendar."),
    )

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.exclude(assessments__office=office)


class FrameworkCompareForm(forms.Form):
    old = forms.ModelChoiceField(label=_("From"), queryset=Framework.objects.all(), to_field_name="fiscal_year")
    new = forms.ModelChoiceField(label=_("To"), queryset=Framework.objects.all(), to_field_name="fiscal_year")

    def clean(self):
        data = super().clean()
        if data.get("old") and data.get("old") == data.get("new"):
            raise forms.ValidationError(_("Choose two different years."))
        return data


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TargetForm(forms.ModelForm):
    class Meta:
        model = RespondentTarget
        fields = ["population", "required_override"]


class IITConfirmForm(forms.Form):
    screenshot = forms.FileField(
        label=_("Screenshot of the survey's last page (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_IMAGES}),
    )


class IITRecordForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=None)

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(memberships__office=assessment.office)
            .exclude(iit_confirmations__assessment=assessment)
            .order_by("first_name", "last_name")
        )
        self.fields["user"].label_from_instance = lambda user: user.display_name


class EITCountForm(forms.ModelForm):
    count = forms.IntegerField(label=_("Respondents"), min_value=1, required=False)

    class Meta:
        model = EITCount
        fields = ["date", "channel", "count", "respondents", "note"]
        widgets = {
            "date": DateInput(),
            "respondents": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        if not data.get("count") and not (data.get("respondents") or "").strip():
            raise forms.ValidationError(_("Give the number of respondents, or their names."))
        return data


class ResultForm(forms.Form):
    """The year's published score of every indicator, as the national system shows them."""

    source = forms.CharField(label=_("Source"), max_length=255, required=False)

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(framework.indicators.select_related("instrument"))
        for indicator in self.indicators:
            self.fields[f"indicator_{indicator.number}"] = forms.DecimalField(
                label=f"{indicator.number}. {indicator.name}",
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            )
        self.order_fields([*(f"indicator_{indicator.number}" for indicator in self.indicators), "source"])

    def scores(self) -> dict[int, Decimal]:
        return {indicator.number: self.cleaned_data[f"indicator_{indicator.number}"] for indicator in self.indicators}


class ResultImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=_("Columns: indicator (1–10, or an item code such as O12) and score."),
    )
    source = forms.CharField(label=_("Source"), max_length=255, required=False)


class TargetBandForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["target_band"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_band"].queryset = self.instance.framework.rating_bands.all()
        self.fields["target_band"].label_from_instance = lambda band: f"{band.label} ({band.min_total}+)"
