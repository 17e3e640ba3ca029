from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from core.models import AppendOnlyModel, BaseModel
from core.storage import opaque_name, private_storage
from ita.models import Assessment, Indicator, Instrument


class Stage(BaseModel):
    """One of the five SPDCA stages of an assessment's cycle."""

    class Code(models.TextChoices):
        S = "S", _("Synthetic: analyse last year's results")
        P = "P", _("Plan: the anti-corruption action plan")
        D = "D", _("Do: carry out the plan")
        C = "C", _("Check: items, respondents, activities")
        A = "A", _("Act: improve and carry forward")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="stages")
    code = models.CharField(max_length=1, choices=Code.choices)
    order = models.PositiveSmallIntegerField()
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    responsible = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible"), blank=True, related_name="+"
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=3000, blank=True)
    # Closing a stage whose gate is not met needs an administrator's recorded reason.
    override_reason = models.TextField(_("reason for closing despite the gate"), max_length=1000, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["assessment", "order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "code"], name="stage_unique_code")]
        verbose_name = _("SPDCA stage")
        verbose_name_plural = _("SPDCA stages")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.code}"

    def is_late(self, today) -> bool:
        """Past its end date and not done."""
        return self.end is not None and self.end < today and self.status != self.Status.DONE


class Meeting(BaseModel):
    """The S stage's analysis meeting (in the source document: 10 May 2566, ห้องประชุมปันสุข)."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="analysis_meeting")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255)
    attendees = models.TextField(_("attendees"), max_length=5000, blank=True, help_text=_("One per line."))
    minutes = models.TextField(_("minutes"), max_length=5000, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("analysis meeting")
        verbose_name_plural = _("analysis meetings")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.date}"


class Finding(BaseModel):
    """A strength or a point to develop found in the analysis, tied to an instrument and indicator."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        DEVELOP = "develop", _("Point to develop")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    instrument = models.ForeignKey(Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("analysis"), max_length=2000)
    proposed = models.BooleanField(_("proposed from last year's results"), default=False)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["kind", "instrument__order", "indicator__number", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.text[:80]


class Activity(BaseModel):
    """A project or activity of the anti-corruption action plan (แผนปฏิบัติการป้องกันการทุจริต)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("activity or project"), max_length=255)
    objective = models.TextField(_("objective"), max_length=2000, blank=True)
    findings = models.ManyToManyField(
        Finding, verbose_name=_("findings addressed"), blank=True, related_name="activities"
    )
    indicators = models.ManyToManyField(Indicator, verbose_name=_("indicators"), blank=True, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    budget = models.DecimalField(_("budget (baht)"), max_digits=12, decimal_places=2, null=True, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    expected_output = models.TextField(_("expected output"), max_length=2000, blank=True)
    success_indicator = models.TextField(_("success indicator"), max_length=2000, blank=True)
    is_publicity = models.BooleanField(
        _("publicity"), default=False, help_text=_("A campaign such as No Gift Policy, reported as publicity.")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(AppendOnlyModel):
    """What an activity achieved by a date. Written once; a later update supersedes it."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    percent = models.PositiveSmallIntegerField(
        _("percent done"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    narrative = models.TextField(_("what was done"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["activity", "-date", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.activity} · {self.date} · {self.percent}%"


def attachment_upload_to(attachment: "Attachment", filename: str) -> str:
    return opaque_name(f"spdca/{timezone.now():%Y/%m}", attachment.extension)


class Attachment(models.Model):
    """A file of the analysis meeting or of a progress update (minutes, photos, ...), kept private."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    file = models.FileField(upload_to=attachment_upload_to, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(meeting__isnull=False) ^ models.Q(update__isnull=False),
                name="attachment_has_one_owner",
            )
        ]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Improvement(BaseModel):
    """An A-stage improvement: its cause, the action and its owner, in one of the two phases."""

    class Phase(models.TextChoices):
        DURING_OIT = "during_oit", _("While the OIT is being prepared")
        AFTER_RESULTS = "after_results", _("After the results are known")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="improvements")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    cause = models.TextField(_("cause"), max_length=2000)
    action = models.TextField(_("action"), max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done = models.BooleanField(_("done"), default=False)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["phase", "done", "id"]
        verbose_name = _("improvement")
        verbose_name_plural = _("improvements")

    def __str__(self) -> str:
        return self.action[:80]


class Lesson(BaseModel):
    """A lesson learned, carried into next year's analysis."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="lessons")
    text = models.TextField(_("lesson learned"), max_length=2000)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")

    def __str__(self) -> str:
        return self.text[:80]


class Outcome(BaseModel):
    """A result of the year for the annual report (section ๔ of the source document)."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("Quantitative")
        QUALITATIVE = "qualitative", _("Qualitative")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("outcome"), max_length=2000)
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["kind", "order", "id"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return self.text[:80]


class AnnualReportText(BaseModel):
    """What the office writes itself for its annual report: the preface, the introduction (the
    workshop and how the plan aligns with the national plans), the project the cycle ran under and
    the ITA Coach who advised it. The figures come from the records; these words do not."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="report_text")
    preface = models.TextField(_("preface"), max_length=3000, blank=True)
    introduction = models.TextField(
        _("introduction"),
        max_length=3000,
        blank=True,
        help_text=_("The workshop that drew up the plan and the national plans it follows."),
    )
    project = models.CharField(
        _("project"),
        max_length=255,
        blank=True,
        help_text=_("The project the cycle ran under, e.g. โครงการเสริมสร้างคุณธรรม จริยธรรมและธรรมาภิบาลในสถานศึกษา"),
    )
    coach = models.TextField(
        _("ITA Coach and advisers"),
        max_length=1000,
        blank=True,
        help_text=_("Who advised the office during the year, with their position and office."),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("annual report text")
        verbose_name_plural = _("annual report texts")

    def __str__(self) -> str:
        return str(self.assessment)


def committee_order_upload_to(committee: "Committee", filename: str) -> str:
    return opaque_name(f"spdca/committee/{timezone.now():%Y/%m}", committee.order_file_extension)


class Committee(BaseModel):
    """The committee that collects, checks and publishes the OIT items of an assessment, and the
    order (คำสั่งแต่งตั้ง) that appointed it, kept with the signed document."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="committee")
    name = models.CharField(_("committee"), max_length=255)
    duties = models.TextField(_("duties"), max_length=2000, blank=True)
    order_number = models.CharField(_("order number"), max_length=30, blank=True, help_text=_("e.g. 123/2566"))
    order_date = models.DateField(_("order date"), null=True, blank=True)
    order_file = models.FileField(
        _("signed order"), upload_to=committee_order_upload_to, storage=private_storage, max_length=200, blank=True
    )
    order_file_name = models.CharField(max_length=255, blank=True)
    order_file_extension = models.CharField(max_length=10, blank=True)
    order_file_type = models.CharField(max_length=100, blank=True)
    order_file_size = models.PositiveBigIntegerField(null=True, blank=True)
    order_file_sha256 = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("OIT committee")
        verbose_name_plural = _("OIT committees")

    def __str__(self) -> str:
        return self.name


class CommitteeMember(BaseModel):
    """A person of the office on the committee: one of its users, or a name typed in for someone
    without an account. Kept in the order the appointment order lists them."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Member and secretary")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user of the office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    honorific = models.CharField(_("honorific"), max_length=50, blank=True, help_text=_("e.g. นาย, นาง, นางสาว, ดร."))
    name = models.CharField(_("name"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["committee", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""), name="committee_member_has_a_name"
            )
        ]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")

    def __str__(self) -> str:
        return self.formal_name

    @property
    def formal_name(self) -> str:
        """The name as the order prints it, with the honorific."""
        if self.user_id:
            return self.user.formal_name
        return f"{self.honorific}{self.name}"

    @property
    def printed_position(self) -> str:
        """The position typed for the order, else the user's own."""
        return self.position or (self.user.position if self.user_id else "")
