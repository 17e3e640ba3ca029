from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordChangeForm, UsernameField
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, Invitation, Office, Role, StaffMember, Unit, User, language_choices
from core.forms import ThaiDateField
from core.thai import ThaiCollate


class HonorificInput(forms.TextInput):
    """Free text with the usual Thai honorifics offered (the page includes
    accounts/includes/honorifics.html, a <datalist>)."""

    def __init__(self, attrs=None):
        super().__init__({"list": "honorifics", "autocomplete": "honorific-prefix", **(attrs or {})})


class OfficeForm(forms.ModelForm):
    """An office as the people who run the site create and edit it. The slug is set once."""

    website = forms.URLField(
        label=Office._meta.get_field("website").verbose_name,
        help_text=Office._meta.get_field("website").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Office
        fields = [
            "name",
            "short_name",
            "slug",
            "website",
            "affiliation",
            "ministry",
            "director_honorific",
            "director_name",
            "director_position",
        ]
        widgets = {"director_honorific": HonorificInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["slug"]


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "honorific", "first_name", "last_name", "position", "role", "unit"]
        widgets = {"honorific": HonorificInput()}

    def __init__(self, *args, office: Office, fixed_role: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _("The invitation goes to this address; it becomes the person's e-mail.")
        self.fields["unit"].queryset = office.units.all()
        if fixed_role:  # the office's first administrator
            del self.fields["role"]
            del self.fields["unit"]
            self.instance.role = fixed_role


class StaffSheetForm(forms.Form):
    file = forms.FileField(
        label=_("Staff sheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class MemberForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = office.units.all()


class VersionForm(forms.Form):
    """A button that acts on the record as it was shown."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class UnitForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=Unit._meta.get_field("name").max_length)
    short_name = forms.CharField(
        label=_("short name"), max_length=Unit._meta.get_field("short_name").max_length, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class UnitMergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Unit.objects.none())
    confirm = forms.BooleanField(label=_("Move everything of this unit there and remove this unit"))

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = unit.office.units.exclude(pk=unit.pk)


class AuditFilterForm(forms.Form):
    """The office log's filters; every field is optional and a bad value is ignored."""

    actor = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none(), required=False)
    action = forms.ChoiceField(label=_("Kind"), required=False)
    start = ThaiDateField(label=_("From"), required=False)
    end = ThaiDateField(label=_("Until"), required=False)

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        events = AuditEvent.objects.filter(office=office)
        self.fields["actor"].queryset = User.objects.filter(pk__in=events.values("actor")).order_by(
            ThaiCollate("first_name"), ThaiCollate("last_name"), "username"
        )
        actions = events.order_by("action").values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", _("All")), *((action, action) for action in actions)]
        self.fields["actor"].empty_label = _("Everyone")
        for name, field in self.fields.items():
            select = name in ("actor", "action")
            field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"


class InvitationAcceptForm(forms.Form):
    """A new account from an invitation: the invitee's name as the office knows it, a username
    (the e-mail address unless they choose another) and a password."""

    username = UsernameField(label=_("Username"), max_length=150)
    honorific = forms.CharField(label=_("honorific"), max_length=50, required=False, widget=HonorificInput())
    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150)
    position = forms.CharField(label=_("position"), max_length=200, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, existing: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = existing
        if existing is not None:  # a deactivated account with this address comes back
            self.fields["username"].disabled = True
            self.fields["username"].initial = existing.get_username()

    def clean_username(self):
        username = self.cleaned_data["username"]
        if self.existing is None and User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken; choose another."))
        return username

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            user = self.existing or User(
                username=cleaned.get("username", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ProfileForm(forms.ModelForm):
    """One's own details. A new e-mail address needs the current password, and takes effect only
    once confirmed from the link sent to it: it is where password-reset links go."""

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only to change the e-mail address."),
    )

    field_order = ["honorific", "first_name", "last_name", "position", "phone", "email", "current_password"]

    class Meta:
        model = User
        fields = ["honorific", "first_name", "last_name", "position", "phone", "email", "language"]
        widgets = {
            "honorific": HonorificInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "honorific": _("Printed before your name in documents, e.g. นาย, นาง, นางสาว, ดร."),
            "position": _("Printed under your name in documents."),
            "language": _(
                "The pages are shown in this language whenever you log in, on any computer. "
                "The ไทย/EN buttons at the top change it too."
            ),
        }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        # An address once given can only be replaced by another confirmed one, never removed.
        self.fields["email"].required = bool(self.instance.email)
        self.fields["email"].help_text = _(
            "A new address takes effect once you open the link e-mailed to it; until then, the current one is used."
        )
        # Each language by its own name, as a person who cannot read the other one finds it.
        default = get_language_info(settings.LANGUAGE_CODE)["name_local"]
        self.fields["language"].choices = [
            ("", _("The site's default (%(language)s)") % {"language": default}),
            *((code, get_language_info(code)["name_local"]) for code, _name in language_choices()),
        ]

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            # Invitations and reset links find an account by its address: it must be one account's.
            raise ValidationError(_("Another account uses this e-mail address."))
        return email

    def clean(self):
        cleaned = super().clean()
        if "email" in self.changed_data:
            password = cleaned.get("current_password") or ""
            user = authenticate(self.request, username=self.instance.get_username(), password=password)
            if user is None or user.pk != self.instance.pk:
                self.add_error("current_password", _("Enter your current password to change the e-mail address."))
        return cleaned


class LanguageForm(forms.Form):
    """The language switch at the top of every page."""

    language = forms.ChoiceField(choices=language_choices)


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old password is checked through the authentication backends, so wrong guesses count
    towards the same lockout as the login form (django-axes) and a locked name is refused."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        user = authenticate(self.request, username=self.user.get_username(), password=old_password)
        if user is None or user.pk != self.user.pk:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class StaffMemberForm(forms.ModelForm):
    """A person on the office's staff list; the version guards an edit against a newer one."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = StaffMember
        fields = ["honorific", "first_name", "last_name", "position", "unit"]

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = office.units.all()
        self.fields["last_name"].required = True
        self.fields["honorific"].widget.attrs["list"] = "honorifics"
