from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Office
from ita.models import Framework


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
