"""The ITA framework catalogue of each fiscal year, and the assessments that use it.

Everything year-specific (weights, items, rating bands, respondent rules, calendar) is data
loaded from `ita/framework/<year>.yaml` or a workbook, never code. `ita.framework_schema` says which
of these fields a framework file holds and under which names.
"""

import math
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Office
from core.i18n import localized
from core.models import AppendOnlyModel, BaseModel
from core.storage import opaque_name, private_storage
from core.thai import fiscal_year_bounds, fiscal_year_label


class Framework(BaseModel):
    class RatingScheme(models.TextChoices):
        LETTER = "letter", _("Letter grades (AA–F)")
        LEVEL = "level", _("Rating levels (ผ่านดีเยี่ยม … ต้องปรับปรุงโดยด่วน)")

    class Assessor(models.TextChoices):
        NACC_ITAS = "nacc_itas", _("NACC (ITAS)")
        OBEC_ITA_ONLINE = "obec_ita_online", _("OBEC (ITA Online)")

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"), unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    # Who runs the year's assessment of an education service area office; blank when the file does not say.
    assessor = models.CharField(_("assessor"), max_length=20, choices=Assessor.choices, blank=True)
    assessor_unconfirmed = models.BooleanField(_("assessor unconfirmed"), default=False)
    assessor_note = models.TextField(_("note on the assessor"), max_length=2000, blank=True)
    source = models.TextField(_("source"), max_length=2000, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    rating_scheme = models.CharField(_("rating scheme"), max_length=10, choices=RatingScheme.choices)
    rating_source = models.TextField(_("source of the rating rule"), max_length=2000, blank=True)
    # Raised by every published change; offices that opened the year before a revision see what changed.
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)

    class Meta:
        ordering = ["-fiscal_year"]
        # A site-wide permission, not an office role: who puts each year's framework in (superusers have it).
        permissions = [("edit_framework", _("Can put in and publish ITA frameworks"))]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    def get_absolute_url(self) -> str:
        return reverse("ita:framework-detail", args=[self.fiscal_year])

    @property
    def name(self) -> str:
        return localized(self, "name")

    def milestone_end(self, code: str):
        """The last day of a calendar milestone, or None when the year has no such milestone."""
        milestone = next((m for m in self.milestones.all() if m.code == code), None)
        return milestone.end if milestone else None


class FrameworkRevision(models.Model):
    """One published change of a year's framework, with what changed and why. Never changed."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revision"))
    note = models.TextField(_("change note"), max_length=2000, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)  # one line per row created, changed or removed
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["framework", "-number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="frameworkrevision_unique_number")]
        verbose_name = _("framework revision")
        verbose_name_plural = _("framework revisions")

    def __str__(self) -> str:
        return f"{self.framework.fiscal_year} r{self.number}"


class FrameworkDraft(BaseModel):
    """A year's framework being put in through the editor: next year's, or a correction of a
    published one. It holds the framework's rows as the workbook does (one list per part) and is
    loaded into the catalogue only when it is published; until then no office sees it."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"), unique=True)
    based_on = models.PositiveSmallIntegerField(_("started from"), null=True, blank=True)
    content = models.JSONField(default=dict)
    note = models.TextField(
        _("change note"),
        max_length=2000,
        blank=True,
        help_text=_("What changed and why; offices using a corrected framework read it."),
    )
    # Two editors saving at once: the form sends the version it showed, a stale save is refused.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("framework draft")
        verbose_name_plural = _("framework drafts")

    def __str__(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    def get_absolute_url(self) -> str:
        return reverse("ita:draft", args=[self.fiscal_year])


class Fact(BaseModel):
    """A catalogue entry with its provenance; unconfirmed facts are shown with a badge."""

    unconfirmed = models.BooleanField(_("unconfirmed"), default=False)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    source = models.TextField(_("source"), max_length=2000, blank=True)

    class Meta:
        abstract = True


class Instrument(Fact):
    """A part of the year's assessment with its weight: IIT, EIT and OIT, or more (EIT(1), EIT(2))."""

    class Kind(models.TextChoices):
        IIT = "IIT", "IIT"
        EIT = "EIT", "EIT"
        OIT = "OIT", "OIT"

    # The codes of the classic instruments; a year may add others of the same kinds.
    Code = Kind

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="instruments")
    code = models.CharField(_("code"), max_length=10)
    kind = models.CharField(
        _("kind"),
        max_length=3,
        choices=Kind.choices,
        help_text=_("What it measures: internal perception (IIT), external perception (EIT) or open data (OIT)."),
    )
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="instrument_unique_code")]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return f"{self.code} {self.framework.fiscal_year}"

    @property
    def name(self) -> str:
        return localized(self, "name")


class Indicator(Fact):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="indicators")
    number = models.PositiveSmallIntegerField(_("number"))
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    weight = models.DecimalField(
        _("relative weight"),
        max_digits=6,
        decimal_places=3,
        default=Decimal(1),
        help_text=_("Weight inside its instrument; equal weights give the plain mean."),
    )

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="indicator_unique_number")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.number}. {self.name_th}"

    @property
    def name(self) -> str:
        return localized(self, "name")


class SubIndicator(Fact):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="sub_indicators")
    code = models.CharField(max_length=10)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["indicator", "code"], name="subindicator_unique_code")]
        verbose_name = _("sub-indicator")
        verbose_name_plural = _("sub-indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"

    @property
    def name(self) -> str:
        return localized(self, "name")


class CurrentItemManager(models.Manager):
    """Items of the framework as it stands: without those a correction withdrew."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_in__isnull=True)


class ItemDefinition(Fact):
    """An OIT item of one year's framework (O1–O43 in 2566).

    Codes change meaning between years (O29 is the complaint guideline in 2565 and complaint
    statistics in 2566), so an item is always identified by its framework and code together.
    A correction of a framework in use withdraws an item instead of deleting it: offices' work on
    it is kept, and its code is not given to another item of the year.
    """

    class EvidencePeriod(models.TextChoices):
        CURRENT_FY = "current_fy", _("Current fiscal year")
        PREVIOUS_FY = "previous_fy", _("Previous fiscal year")
        QUARTERLY = "quarterly", _("Current fiscal year, by quarter")
        NONE = "none", _("No period")

    class EvidenceForm(models.TextChoices):
        FILE = "file", _("File")
        LINK = "link", _("Link")
        BOTH = "both", _("File and link")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    sub_indicator = models.ForeignKey(SubIndicator, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=10)
    number = models.PositiveSmallIntegerField()
    group_th = models.CharField(max_length=255)
    group_en = models.CharField(max_length=255, blank=True)
    name_th = models.CharField(max_length=500)
    name_en = models.CharField(max_length=500, blank=True)
    evidence_period = models.CharField(
        _("evidence period"),
        max_length=20,
        choices=EvidencePeriod.choices,
        blank=True,
        help_text=_("The time the evidence must cover; blank when the year's sources do not say."),
    )
    evidence_form = models.CharField(
        _("evidence form"),
        max_length=10,
        choices=EvidenceForm.choices,
        blank=True,
        help_text=_("Whether the item needs a file, a link or both; blank when the sources do not say."),
    )
    guidance_th = models.TextField(_("guidance (Thai)"), max_length=4000, blank=True)
    guidance_en = models.TextField(_("guidance (English)"), max_length=4000, blank=True)
    previous_codes = models.JSONField(
        _("last year's items"),
        default=list,
        blank=True,
        help_text=_("Codes of the previous fiscal year's items that this one continues, as a list."),
    )
    # The framework revision that withdrew the item; None while it is one of the year's items.
    withdrawn_in = models.PositiveSmallIntegerField(_("withdrawn in revision"), null=True, blank=True)

    objects = CurrentItemManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="itemdefinition_unique_code")]
        verbose_name = _("OIT item definition")
        verbose_name_plural = _("OIT item definitions")

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def group(self) -> str:
        return localized(self, "group")

    @property
    def guidance(self) -> str:
        return localized(self, "guidance")

    def evidence_window(self, fiscal_year: int | None = None):
        """First and last day the evidence must fall in, or None when the period is not set or none."""
        fiscal_year = fiscal_year or self.framework.fiscal_year
        if self.evidence_period in (self.EvidencePeriod.CURRENT_FY, self.EvidencePeriod.QUARTERLY):
            return fiscal_year_bounds(fiscal_year)
        if self.evidence_period == self.EvidencePeriod.PREVIOUS_FY:
            return fiscal_year_bounds(fiscal_year - 1)
        return None


class ItemRequirement(Fact):
    """One of an item's minimum required contents, a line of its checklist."""

    item = models.ForeignKey(ItemDefinition, on_delete=models.CASCADE, related_name="requirements")
    order = models.PositiveSmallIntegerField()
    text_th = models.TextField(max_length=1000)
    text_en = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["item", "order"], name="itemrequirement_unique_order")]
        verbose_name = _("required content")
        verbose_name_plural = _("required contents")

    def __str__(self) -> str:
        return f"{self.item.code}.{self.order} {self.text_th[:60]}"

    @property
    def text(self) -> str:
        return localized(self, "text")


class RatingBand(Fact):
    """A level of the year's rating; bands are checked in order and the first match wins."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="rating_bands")
    code = models.CharField(max_length=20)
    label_th = models.CharField(max_length=100)
    label_en = models.CharField(max_length=100, blank=True)
    min_total = models.DecimalField(_("minimum total"), max_digits=5, decimal_places=2)
    min_each_instrument = models.DecimalField(
        _("minimum of each instrument"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passing = models.BooleanField(_("passing"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="ratingband_unique_code")]
        verbose_name = _("rating band")
        verbose_name_plural = _("rating bands")

    def __str__(self) -> str:
        return self.label_th

    @property
    def label(self) -> str:
        return localized(self, "label")


class RespondentRule(Fact):
    """How many respondents a perception survey (IIT or EIT) needs for a given population."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="respondent_rules")
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="respondent_rules")
    population_th = models.CharField(max_length=500)
    population_en = models.CharField(max_length=500, blank=True)
    min_count = models.PositiveIntegerField(_("minimum respondents"))
    percent = models.DecimalField(
        _("share of the population (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    max_count = models.PositiveIntegerField(_("maximum needed"), null=True, blank=True)

    class Meta:
        ordering = ["instrument__order"]
        constraints = [models.UniqueConstraint(fields=["framework", "instrument"], name="respondentrule_unique")]
        verbose_name = _("respondent rule")
        verbose_name_plural = _("respondent rules")

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.framework.fiscal_year}"

    @property
    def population(self) -> str:
        return localized(self, "population")

    def required_for(self, population: int) -> int:
        """min(population, max(min_count, ⌈population × percent⌉), max_count): all if fewer."""
        needed = self.min_count
        if self.percent is not None:
            needed = max(needed, math.ceil(population * self.percent / 100))
        if self.max_count is not None:
            needed = min(needed, self.max_count)
        return min(population, needed)


class Milestone(Fact):
    """A step of the year's assessment calendar."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="milestones")
    code = models.CharField(max_length=40)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["start", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="milestone_unique_code")]
        verbose_name = _("calendar milestone")
        verbose_name_plural = _("calendar milestones")

    def __str__(self) -> str:
        return self.name_th

    @property
    def name(self) -> str:
        return localized(self, "name")


class Assessment(BaseModel):
    """One office's ITA in one fiscal year, under that year's framework."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="assessments")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_band = models.ForeignKey(
        RatingBand,
        verbose_name=_("target level"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The level the office aims for this year, e.g. AA."),
    )
    # Goes up whenever what the public page shows changes (an item or a report published or taken
    # off), so that a cached copy of the page is used only while it is still right.
    public_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["office", "fiscal_year"], name="assessment_unique_year")]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.office} · {fiscal_year_label(self.fiscal_year)}"

    def get_absolute_url(self) -> str:
        return reverse("spdca:dashboard", args=[self.office.slug, self.fiscal_year])

    def public_changed(self) -> None:
        """Mark the public page as changed (its cached copies are no longer used)."""
        Assessment.objects.filter(pk=self.pk).update(public_version=models.F("public_version") + 1)

    def previous(self, *, with_results: bool = False) -> "Assessment | None":
        """The office's latest earlier assessment (only among those with official results, if asked)."""
        earlier = Assessment.objects.filter(office_id=self.office_id, fiscal_year__lt=self.fiscal_year)
        if with_results:
            earlier = earlier.exclude(official_results=None)
        return earlier.select_related("framework").order_by("-fiscal_year").first()


class RespondentTarget(BaseModel):
    """The number of IIT or EIT respondents an assessment must reach, and by when."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="respondent_targets")
    rule = models.ForeignKey(RespondentRule, on_delete=models.PROTECT, related_name="+")
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    required_override = models.PositiveIntegerField(
        _("required (from the national system)"),
        null=True,
        blank=True,
        help_text=_("Fill in when the national system states the number; it replaces the rule."),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # Two administrators saving at once: the form sends the version it showed, a stale save is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["rule__instrument__order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "rule"], name="respondenttarget_unique")]
        verbose_name = _("respondent target")
        verbose_name_plural = _("respondent targets")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.rule.instrument.code}"

    @property
    def required(self) -> int | None:
        """The respondents needed: the national system's number, else the year's rule."""
        if self.required_override is not None:
            return self.required_override
        if self.population is None:
            return None
        return self.rule.required_for(self.population)


def screenshot_upload_to(confirmation: "IITConfirmation", filename: str) -> str:
    return opaque_name("iit", confirmation.screenshot_extension)


class IITConfirmation(models.Model):
    """A staff member's word that they answered the IIT. Only that they took part: never an answer.

    Recorded against the office's staff list, with or without an account, once per person and
    assessment. Nothing about a person removes it: the roster entry and the accounts are
    deactivated, never deleted, and the keys refuse a deletion that would take it along.
    """

    class Channel(models.TextChoices):
        SELF = "self", _("confirmed in the app")
        ROSTER = "roster", _("ticked by the committee")
        LINK = "link", _("confirmed through the public link")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="iit_confirmations")
    # RESTRICT: an entry cannot be deleted while it has a confirmation, but an office removed
    # whole takes its roster and its assessments together.
    staff_member = models.ForeignKey(
        "accounts.StaffMember", on_delete=models.RESTRICT, related_name="iit_confirmations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="iit_confirmations"
    )
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices, default=Channel.SELF)
    # Who recorded it: the person, a committee member, or nobody signed in (the public link).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    screenshot = models.FileField(
        _("screenshot of the survey's last page"),
        upload_to=screenshot_upload_to,
        storage=private_storage,
        blank=True,
        max_length=200,
    )
    screenshot_extension = models.CharField(max_length=10, blank=True)
    screenshot_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "staff_member"], name="iitconfirmation_once_per_person"),
            models.UniqueConstraint(
                fields=["assessment", "user"], condition=models.Q(user__isnull=False), name="iitconfirmation_once"
            ),
        ]
        verbose_name = _("IIT confirmation")
        verbose_name_plural = _("IIT confirmations")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.staff_member}"

    @property
    def recorded_for_someone(self) -> bool:
        return self.channel == self.Channel.ROSTER


class IITLink(BaseModel):
    """The assessment's public IIT confirmation link (posted in the staff's LINE group, printed as
    a QR code). The token is the only key: rotating it ends the old link, closing it ends all."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="iit_link")
    token = models.CharField(max_length=64, unique=True)
    is_open = models.BooleanField(default=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("IIT confirmation link")
        verbose_name_plural = _("IIT confirmation links")

    def __str__(self) -> str:
        return f"{self.assessment} · IIT link"


class EITCount(models.Model):
    """EIT answers reported on one day through one channel (a LINE group, a school visit, ...)."""

    # More than any one day's channel can bring (the largest EIT sample a rule asks for is 400):
    # a larger number is a typing slip, not a count.
    MAX_COUNT = 10_000

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="eit_counts")
    # A year may split EIT into parts (EIT(1), EIT(2)), each with its own target.
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="eit_counts"
    )
    date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=200, help_text=_("e.g. the LINE group of school directors"))
    count = models.PositiveIntegerField(
        _("respondents"), validators=[MinValueValidator(1), MaxValueValidator(MAX_COUNT)]
    )
    # Room for the largest EIT sample a rule asks for (400) at 50 characters a name.
    respondents = models.TextField(
        _("respondents' names"),
        max_length=20000,
        blank=True,
        help_text=_("Optional: one per line. Filled in, it sets the count."),
    )
    note = models.TextField(_("note"), max_length=1000, blank=True)
    # Why an administrator recorded a count dated outside the year's survey window.
    outside_window_reason = models.TextField(
        _("reason for a date outside the survey window"), max_length=500, blank=True
    )
    # Made when the form is shown: posting the same form again returns this entry instead of a second one.
    token = models.UUIDField(null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "token"], name="eitcount_token_once")]
        verbose_name = _("EIT count")
        verbose_name_plural = _("EIT counts")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.date} · {self.count}"


class OfficialResult(AppendOnlyModel):
    """The year's published scores as entered or imported. A new entry supersedes; none is edited."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="official_results")
    source = models.CharField(_("source"), max_length=255, blank=True, help_text=_("e.g. the ITAS result page"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        verbose_name = _("official result")
        verbose_name_plural = _("official results")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.created_at:%Y-%m-%d}"


SCORE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class IndicatorScore(models.Model):
    result = models.ForeignKey(OfficialResult, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS)

    class Meta:
        ordering = ["indicator__number"]
        constraints = [models.UniqueConstraint(fields=["result", "indicator"], name="indicatorscore_unique")]
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")

    def __str__(self) -> str:
        return f"{self.indicator.number}: {self.score}"


class ItemScore(models.Model):
    """An OIT item's official result (0 or 100), when the office has it."""

    result = models.ForeignKey(OfficialResult, on_delete=models.CASCADE, related_name="item_scores")
    definition = models.ForeignKey(ItemDefinition, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS)

    class Meta:
        ordering = ["definition__number"]
        constraints = [models.UniqueConstraint(fields=["result", "definition"], name="itemscore_unique")]
        verbose_name = _("OIT item score")
        verbose_name_plural = _("OIT item scores")

    def __str__(self) -> str:
        return f"{self.definition.code}: {self.score}"
