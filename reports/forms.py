from django import forms

from accounts.models import Office


class ReportSettingsForm(forms.ModelForm):
    """How the office's documents are written and signed."""

    class Meta:
        model = Office
        fields = [
            "pdf_thai_digits",
            "affiliation",
            "ministry",
            "director_honorific",
            "director_name",
            "director_position",
        ]
