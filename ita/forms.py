import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Office, StaffMember
from core.forms import DateInput, ThaiDateField, thai_date_formfield
from core.uploads import ACCEPT_IMAGES
from ita import framework_schema as schema
from ita.catalogue import InvalidValue, coerce, read_codes
from ita.models import Assessment, EITCount, Framework, Instrument, RespondentTarget
from ita.services.respondents import TOO_MANY
from ita.workbook import column_hint


class AssessmentOpenForm(forms.Form):
    framework = forms.ModelChoiceField(
        label=_("Fiscal year"),
        queryset=Framework.objects.none(),
        empty_label=None,
        help_text=_("The year's framework decides the OIT items, weights, rating and calendar."),
    )
    carry_over = forms.BooleanField(
        label=_("Carry over the latest earlier year's assignments, unfinished improvements and lessons"),
        required=False,
        initial=True,
        help_text=_("What each year would take over is shown below."),
    )

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.exclude(assessments__office=office)
        self.fields["framework"].label_from_instance = lambda framework: framework.name


class CarryOverForm(forms.Form):
    carry_over = forms.BooleanField(
        label=_("Carry over the latest earlier year's assignments, unfinished improvements and lessons"),
        required=False,
        initial=True,
    )


class FrameworkCompareForm(forms.Form):
    old = forms.ModelChoiceField(label=_("From"), queryset=Framework.objects.all(), to_field_name="fiscal_year")
    new = forms.ModelChoiceField(label=_("To"), queryset=Framework.objects.all(), to_field_name="fiscal_year")

    def clean(self):
        data = super().clean()
        if data.get("old") and data.get("old") == data.get("new"):
            raise forms.ValidationError(_("Choose two different years."))
        return data


class TargetForm(forms.ModelForm):
    # Bounded like the counts: no office serves more people than this in a year.
    population = forms.IntegerField(label=_("Population"), min_value=0, max_value=10_000_000, required=False)
    required_override = forms.IntegerField(
        label=_("Number from the national system"), min_value=0, max_value=10_000_000, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = RespondentTarget
        fields = ["population", "required_override"]


class IITConfirmForm(forms.Form):
    screenshot = forms.FileField(
        label=_("Screenshot of the survey's last page (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_IMAGES}),
    )


class IITRosterForm(forms.Form):
    """The names ticked on the staff list, from the screenshots the committee received."""

    staff = forms.ModelMultipleChoiceField(
        label=_("Who sent the screenshot of the last page"),
        queryset=StaffMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one name.")},
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        # Any active name of the office is accepted, so that one confirmed in the meantime is
        # reported as such rather than as an invalid choice.
        self.fields["staff"].queryset = StaffMember.objects.filter(office_id=assessment.office_id, is_active=True)


class EITCountForm(forms.ModelForm):
    """An EIT count. The hidden token is made when the form is shown, so posting it twice counts once;
    the survey select shows only in a year that splits EIT; the "I checked" box and the reason for a
    date outside the survey window show only when the service asks for them."""

    count = forms.IntegerField(
        label=_("Respondents"),
        min_value=1,
        max_value=EITCount.MAX_COUNT,
        required=False,
        error_messages={"max_value": TOO_MANY},
    )
    token = forms.UUIDField(widget=forms.HiddenInput)
    over_population_checked = forms.BooleanField(
        label=_("Yes, I checked: the total is right even though it is above the population"),
        required=False,
        widget=forms.HiddenInput,
    )
    outside_window_reason = forms.CharField(
        label=_("Reason for recording a date outside the survey window (administrators)"),
        max_length=500,
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = EITCount
        fields = ["instrument", "date", "channel", "count", "respondents", "note"]
        formfield_callback = thai_date_formfield
        widgets = {
            "date": DateInput(),
            "respondents": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, instruments: list, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("token", uuid.uuid4())
        if len(instruments) == 1:
            kwargs["initial"].setdefault("instrument", instruments[0].pk)
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        field.queryset = Instrument.objects.filter(pk__in=[instrument.pk for instrument in instruments])
        field.label_from_instance = lambda instrument: f"{instrument.code} {instrument.name}"
        field.empty_label = None
        field.required = len(instruments) > 1  # the only one is the service's default
        if len(instruments) == 1:
            field.widget = forms.HiddenInput()

    def ask(self, name: str) -> None:
        """Show a field the service asked for (the "I checked" box, the reason)."""
        field = self.fields[name]
        field.widget = forms.CheckboxInput() if isinstance(field, forms.BooleanField) else forms.Textarea({"rows": 2})

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


# --- The framework editor ------------------------------------------------------------------------


class DraftStartForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year (B.E.)"), min_value=2500, max_value=2700)
    based_on = forms.ModelChoiceField(
        label=_("Start from"),
        queryset=Framework.objects.all(),
        to_field_name="fiscal_year",
        required=False,
        empty_label=_("— an empty framework —"),
        help_text=_(
            "Any published year: its instruments, indicators, items, rules and calendar (dates moved) are copied, "
            "and each item continues the item it was copied from. The same year starts a correction."
        ),
    )
    flag_unconfirmed = forms.BooleanField(
        label=_("Mark every copied fact unconfirmed"),
        required=False,
        initial=True,
        help_text=_("Until the year's manual confirms it; untick each fact as you check it."),
    )


class VersionForm(forms.Form):
    """The draft's version as the page showed it: a save over someone else's is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class DraftUploadForm(VersionForm):
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=_("It replaces the draft's content; download the draft's workbook to start from it."),
    )


class DraftPublishForm(VersionForm):
    note = forms.CharField(
        label=_("Change note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What changed and why. Required for a correction: offices using the framework read it."),
    )
    confirm_withdrawals = forms.BooleanField(
        label=_("I have checked the work listed here: withdraw these items from the offices' working lists"),
        required=False,
    )

    def __init__(self, *args, withdrawals: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not withdrawals:  # asked only of a correction that withdraws items
            del self.fields["confirm_withdrawals"]


def _hint(f) -> str:
    """What the workbook's header comment says the column takes, after its key."""
    return column_hint(f).partition("\n")[2].replace("\n", " ")


class DraftRowForm(VersionForm):
    """One row of a part of a draft, with a field for each of the part's fields in the schema;
    each value is read as a file's would be (`ita.catalogue.coerce`), so the form refuses what a
    load would refuse."""

    def __init__(self, *args, part, data: dict, exclude=(), locked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.part = part
        for f in part.fields:
            if f.name in exclude:
                continue
            field = self._field(f, data)
            field.label = f.label_th
            if f.kind not in (schema.CHOICE, schema.BOOLEAN, schema.REF, schema.DATE):  # a list shows its choices
                field.help_text = _hint(f)
            if f.name in locked:
                field.disabled = True
                field.help_text = _("Offices run the year on this framework: this cannot change in a correction.")
            self.fields[f.name] = field

    @staticmethod
    def _field(f, data: dict) -> forms.Field:
        required = f.required
        if f.kind == schema.REF:
            target = schema.PARTS_BY_NAME[f.ref]
            choices = [
                (str(row.get(target.key)), f"{row.get(target.key)} {row.get('name_th') or ''}".strip())
                for row in data.get(target.name, [])
                if row.get(target.key) not in (None, "")
            ]
            return forms.ChoiceField(choices=[("", "—"), *choices], required=required)
        if f.kind == schema.CHOICE:
            return forms.ChoiceField(choices=[("", "—"), *f.model_field.choices], required=required)
        if f.kind == schema.BOOLEAN:
            return forms.BooleanField(required=False)
        if f.kind == schema.DATE:
            # typed in the Buddhist Era here, unlike the workbook's ISO column
            return ThaiDateField(required=required, help_text=_("Day/month/Buddhist-Era year, e.g. 10/05/2566"))
        if f.kind == schema.INTEGER:
            return forms.IntegerField(required=required, min_value=f.low, max_value=f.high)
        if f.kind == schema.DECIMAL:
            places = f.model_field.decimal_places
            return forms.DecimalField(
                required=required,
                min_value=f.low,
                max_value=f.high,
                decimal_places=places,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
        if f.kind == schema.CODES:
            return forms.CharField(required=False, max_length=200)
        widget = forms.Textarea(attrs={"rows": 3}) if (f.max_length or 0) > 500 else forms.TextInput()
        return forms.CharField(required=required, max_length=f.max_length, widget=widget)

    def clean(self):
        data = super().clean()
        for f in self.part.fields:
            if f.name not in self.fields or self.fields[f.name].disabled or f.name not in data:
                continue
            raw = data[f.name]
            if isinstance(raw, str):
                raw = raw.replace("\r\n", "\n")
            try:
                value = coerce(f, raw, lenient=True)
            except InvalidValue as exc:
                self.add_error(f.name, str(exc))
                continue
            data[f.name] = f.empty if value is None and not f.required else value
        return data

    def values(self) -> dict:
        """The row's values as the form changed them (disabled fields are left as they are)."""
        return {
            name: self.cleaned_data[name]
            for name, field in self.fields.items()
            if name != "version" and not field.disabled
        }


class RequirementForm(forms.Form):
    text_th = forms.CharField(
        label=_("Required content (Thai)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    text_en = forms.CharField(
        label=_("Required content (English)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(label=_("Source"), max_length=2000, required=False)
    unconfirmed = forms.BooleanField(label=_("Unconfirmed"), required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


RequirementFormSet = forms.formset_factory(
    RequirementForm, extra=1, can_delete=True, can_order=True, max_num=100, validate_max=True
)


class DraftMappingForm(VersionForm):
    """Each item's last-year codes, confirmed by the editor; suggestions are shown beside them."""

    def __init__(self, *args, items: list[dict], previous_codes: set[str] | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.previous_codes = previous_codes
        for row in items:
            self.fields[f"map_{row['code']}"] = forms.CharField(
                label=f"{row['code']} {row.get('name_th') or ''}",
                required=False,
                max_length=200,
                initial=", ".join(row.get("previous_codes") or []),
            )

    def clean(self):
        data = super().clean()
        mapping = {}
        for row in self.items:
            name = f"map_{row['code']}"
            try:
                codes = read_codes(data.get(name) or "")
            except InvalidValue as exc:
                self.add_error(name, str(exc))
                continue
            unknown = [code for code in codes if self.previous_codes is not None and code not in self.previous_codes]
            if unknown:
                self.add_error(name, _("Not an item of last year: %(codes)s") % {"codes": ", ".join(unknown)})
            mapping[row["code"]] = codes
        data["mapping"] = mapping
        return data

    def rows(self):
        return [(row, self[f"map_{row['code']}"]) for row in self.items]
