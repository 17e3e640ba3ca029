from django import forms

from accounts.models import Office


class ReportSettingsForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = ["pdf_thai_digits"]
