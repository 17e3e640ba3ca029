from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Office, User
from core.forms import ThaiDateField
from core.thai import format_be_date
from core.uploads import ACCEPT
from ita.models import Indicator, Instrument, SubIndicator
from oit.models import Evidence, Item, Publication
from oit.whatif import field_name

SMALL_SELECT = {"class": "form-select form-select-sm"}


class ItemFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, widget=forms.Select(attrs=SMALL_SELECT))
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=None,
        required=False,
        empty_label=_("All units"),
        widget=forms.Select(attrs=SMALL_SELECT),
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator"),
        queryset=None,
        required=False,
        empty_label=_("All indicators"),
        widget=forms.Select(attrs=SMALL_SELECT),
    )
    overdue = forms.BooleanField(
        label=_("Overdue only"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *Item.Status.choices]
        self.fields["unit"].queryset = assessment.office.units.all()
        self.fields["indicator"].queryset = Indicator.objects.filter(
            framework=assessment.framework, instrument__kind=Instrument.Kind.OIT
        )

    def filter(self, items):
        if not self.is_valid():
            return items
        data = self.cleaned_data
        if data["status"]:
            items = items.filter(status=data["status"])
        if data["unit"]:
            items = items.filter(unit=data["unit"])
        if data["indicator"]:
            items = items.filter(definition__sub_indicator__indicator=data["indicator"])
        if data["overdue"]:
            items = items.filter(due_date__lt=timezone.localdate()).exclude(status__in=Item.PASSED)
        return items


def _item_label(item: Item) -> str:
    label = f"{item.definition.code} {item.definition.name}"
    return f"{label} · {item.unit}" if item.unit else label


class AssignForm(forms.Form):
    items = forms.ModelMultipleChoiceField(
        label=_("Items"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    sub_indicator = forms.ModelChoiceField(
        label=_("…or a whole sub-indicator"), queryset=None, required=False, empty_label="—"
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False, empty_label=_("No unit"))
    assignees = forms.ModelMultipleChoiceField(
        label=_("Responsible staff"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    due_date = ThaiDateField(label=_("Due date"), required=False)

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.fields["items"].queryset = assessment.oit_items.select_related("definition", "unit")
        self.fields["items"].label_from_instance = _item_label
        self.fields["sub_indicator"].queryset = SubIndicator.objects.filter(
            indicator__framework=assessment.framework
        ).order_by("indicator__number", "order")
        self.fields["sub_indicator"].label_from_instance = lambda sub: f"{sub.code} {sub.name}"
        self.fields["unit"].queryset = assessment.office.units.all()
        self.fields["assignees"].queryset = User.objects.filter(memberships__office=assessment.office).order_by(
            "first_name", "last_name"
        )
        self.fields["assignees"].label_from_instance = lambda user: user.display_name

    def clean(self):
        data = super().clean()
        items = list(data.get("items") or [])
        if data.get("sub_indicator"):
            items += list(self.assessment.oit_items.filter(definition__sub_indicator=data["sub_indicator"]))
        if not items:
            raise forms.ValidationError(_("Choose the items to assign, or a sub-indicator."))
        data["selected"] = sorted(set(items), key=lambda item: item.definition.number)
        return data


class EvidenceForm(forms.Form):
    """A file upload or a link, as a new document or a new revision of one."""

    file = forms.FileField(label=_("File"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    url = forms.URLField(label=_("…or a link"), required=False, max_length=1000, assume_scheme="https")
    title = forms.CharField(label=_("Title"), max_length=255, required=False)
    document_date = ThaiDateField(
        label=_("Date of the document"),
        help_text=_("The date on the document itself; the ITA checks that it falls in the fiscal year."),
    )
    description = forms.CharField(label=_("Short description"), max_length=500, required=False)
    replaces = forms.ModelChoiceField(
        label=_("New revision of"), queryset=None, required=False, empty_label=_("— a new document —")
    )

    def __init__(self, *args, item, **kwargs):
        kwargs.setdefault("auto_id", "evidence_%s")  # the item page has several forms
        super().__init__(*args, **kwargs)
        self.fields["replaces"].queryset = item.evidence.filter(removed_at__isnull=True)
        window = item.definition.evidence_window(item.assessment.fiscal_year)
        if window is not None:
            self.fields["document_date"].help_text = _(
                "The date on the document itself. This item's evidence must be dated %(start)s – %(end)s (%(period)s)."
            ) % {
                "start": format_be_date(window[0]),
                "end": format_be_date(window[1]),
                "period": item.definition.get_evidence_period_display(),
            }

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Choose a file or enter a link (one of the two)."))
        return data


class ContentsForm(forms.Form):
    """The item's public summary and the staff side of its required-contents checklist."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    description = forms.CharField(
        label=_("Summary of contents"),
        required=False,
        max_length=Item._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public page and in the export for the national system."),
    )

    def __init__(self, *args, item, checks, evidence, **kwargs):
        kwargs.setdefault("auto_id", "contents_%s")
        super().__init__(*args, **kwargs)
        self.checks = checks
        self.evidence_by_id = {str(doc.pk): doc for doc in evidence}
        choices = [("", _("— which file or link? —"))] + [(str(doc.pk), doc.title) for doc in evidence]
        for check in checks:
            self.fields[f"covered_{check.pk}"] = forms.BooleanField(required=False, label=check.requirement.text)
            self.fields[f"evidence_{check.pk}"] = forms.ChoiceField(
                required=False, choices=choices, label=_("Covered by")
            )
        if not self.is_bound:
            self.initial["version"] = item.version
            self.initial["description"] = item.description
            for check in checks:
                self.initial[f"covered_{check.pk}"] = check.covered
                self.initial[f"evidence_{check.pk}"] = str(check.evidence_id or "")

    def rows(self):
        """(check, ticked field, evidence field) per requirement, for the template."""
        return [(check, self[f"covered_{check.pk}"], self[f"evidence_{check.pk}"]) for check in self.checks]

    def coverage(self) -> dict[int, Evidence | None]:
        return {
            check.pk: self.evidence_by_id.get(self.cleaned_data[f"evidence_{check.pk}"])
            for check in self.checks
            if self.cleaned_data[f"covered_{check.pk}"]
        }


class ReviewChecksForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, item, checks, **kwargs):
        kwargs.setdefault("auto_id", "review_%s")
        super().__init__(*args, **kwargs)
        self.checks = checks
        for check in checks:
            self.fields[f"ok_{check.pk}"] = forms.BooleanField(required=False, label=check.requirement.text)
        if not self.is_bound:
            self.initial["version"] = item.version
            for check in checks:
                self.initial[f"ok_{check.pk}"] = check.reviewer_ok

    def rows(self):
        return [(check, self[f"ok_{check.pk}"]) for check in self.checks]

    def ok_ids(self) -> set[int]:
        return {check.pk for check in self.checks if self.cleaned_data[f"ok_{check.pk}"]}


# A reason is also kept on the withdrawn publication; both end up as an event's note.
REASON_MAX_LENGTH = Publication._meta.get_field("withdrawn_reason").max_length
COMMENT_MAX_LENGTH = 2000


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class ChecklistTransitionForm(TransitionForm):
    """Submit or approve: with required contents of the checklist unticked, a reason is asked for
    (`unticked`: those checks, or None to keep the field, as a bound form does)."""

    reason = forms.CharField(
        label=_("Reason for going ahead with required contents unticked"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, unticked=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unticked is not None and not unticked:
            del self.fields["reason"]
        elif unticked:
            numbers = ", ".join(str(check.requirement.order) for check in unticked)
            self.fields["reason"].help_text = _("Not ticked: %(numbers)s.") % {"numbers": numbers}


class ReasonForm(TransitionForm):
    note = forms.CharField(label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("The comment is empty.")},
    )


class OfficeOitSettingsForm(forms.ModelForm):
    # The settings as the form showed them (`services.office_oit_settings_version`).
    version = forms.CharField(widget=forms.HiddenInput, max_length=20)

    class Meta:
        model = Office
        fields = ["oit_required_approvals", "oit_committee_publishes"]

    def __init__(self, *args, version: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = version


class WhatIfForm(forms.Form):
    """An expected score for each of the year's perception instruments (IIT and EIT, or EIT(1)
    and EIT(2), ...); OIT comes from the items' progress unless given."""

    oit = forms.DecimalField(
        label=_("OIT"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
        help_text=_("Empty: the score the items predict now."),
    )

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected_names = []
        for instrument in instruments:
            name = field_name(instrument.code)
            self.fields[name] = forms.DecimalField(
                label=_("Expected %(code)s") % {"code": instrument.code},
                min_value=0,
                max_value=100,
                decimal_places=2,
            )
            self.expected_names.append(name)
        self.order_fields([*self.expected_names, "oit"])

    def expected_fields(self):
        return [self[name] for name in self.expected_names]

    def is_submitted(self, query) -> bool:
        return any(name in query for name in self.expected_names)
