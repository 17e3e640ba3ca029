from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import StaffMember
from core.uploads import ACCEPT_IMAGES
from ita.models import Assessment
from ita.selectors import unconfirmed_entries


class IITLinkConfirmForm(forms.Form):
    """A person picks their own name from those who have not confirmed yet."""

    staff_member = forms.ModelChoiceField(
        label=_("Your name"),
        queryset=StaffMember.objects.none(),
        empty_label=_("Choose your name"),
        error_messages={"invalid_choice": _("Choose your name from the list.")},
    )
    screenshot = forms.FileField(
        label=_("Screenshot of the survey's last page (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_IMAGES}),
    )

    def __init__(self, *args, assessment: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["staff_member"]
        # Any active name is accepted, so that a second attempt hears that the name has confirmed;
        # the list shows only those who have not.
        field.queryset = StaffMember.objects.filter(office_id=assessment.office_id, is_active=True)
        field.choices = [("", field.empty_label)] + [
            (entry.pk, entry.full_name) for entry in unconfirmed_entries(assessment)
        ]
