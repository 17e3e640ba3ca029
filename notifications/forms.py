from django import forms
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.models import Channel, Notification

CHANNELS = [Channel.APP, Channel.EMAIL, Channel.LINE]


class PreferencesForm(forms.Form):
    """A tick per kind of event and channel, and the quiet hours."""

    line_quiet_hours = forms.BooleanField(
        label=_("Quiet hours on LINE"),
        required=False,
        help_text=_("No LINE messages from 20:00 to 07:00; they arrive in the morning. Urgent ones still come."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds.choosable():
            for channel in CHANNELS:
                self.fields[self.field_name(kind.code, channel)] = forms.BooleanField(
                    required=False, label=f"{kind.label_for()} · {channel.label}"
                )

    @staticmethod
    def field_name(event: str, channel: str) -> str:
        return f"{event}__{channel}"

    @classmethod
    def initial_for(cls, chosen: dict[str, set[str]], line_quiet_hours: bool) -> dict:
        initial = {"line_quiet_hours": line_quiet_hours}
        for event, channels in chosen.items():
            for channel in channels:
                initial[cls.field_name(event, channel)] = True
        return initial

    def choices(self) -> dict[str, set[str]]:
        return {
            kind.code: {channel for channel in CHANNELS if self.cleaned_data.get(self.field_name(kind.code, channel))}
            for kind in kinds.choosable()
        }


class LineChannelForm(forms.Form):
    """The office's LINE Official Account. The secret and the token are never shown back: left
    blank, the stored ones are kept."""

    channel_secret = forms.CharField(
        label=_("Channel secret"),
        max_length=100,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("LINE Developers console → your channel → Basic settings. Leave blank to keep the stored one."),
    )
    access_token = forms.CharField(
        label=_("Channel access token"),
        max_length=1000,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Messaging API tab → Channel access token (long-lived). Leave blank to keep the stored one."),
    )
    basic_id = forms.CharField(
        label=_("LINE ID of the account"),
        max_length=50,
        required=False,
        help_text=_("e.g. @123abcde; people add it as a friend. The test button fills it in."),
    )

    def clean_channel_secret(self) -> str:
        return self.cleaned_data["channel_secret"].strip()

    def clean_access_token(self) -> str:
        return self.cleaned_data["access_token"].strip()

    def clean_basic_id(self) -> str:
        value = self.cleaned_data["basic_id"].strip()
        if value and not value.startswith("@"):
            value = "@" + value
        return value


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Notification.Status.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All")), *Channel.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
