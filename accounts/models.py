from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel, BaseModel
from core.thai import ThaiCollate

# Top-level URL segments that an office slug must not take: public office pages live at
# /<office-slug>/ita/<fiscal-year>/.
RESERVED_SLUGS = frozenset({"admin", "accounts", "office", "frameworks", "static", "media", "i18n", "healthz", "api"})


def validate_office_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved for the site itself."), params={"slug": value})


class User(AbstractUser):
    honorific = models.CharField(_("honorific"), max_length=50, blank=True, help_text=_("e.g. นาย, นาง, นางสาว, ดร."))
    position = models.CharField(_("position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The person's full name, or the username when no name is recorded."""
        return self.get_full_name() or self.username

    @property
    def formal_name(self) -> str:
        """The name as documents print it, with the honorific: นางสาววิไล รักงาน."""
        full_name = self.get_full_name()
        return f"{self.honorific}{full_name}" if full_name else self.username


class Office(BaseModel):
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, help_text=_("e.g. สพม.จันทบุรี ตราด"))
    slug = models.SlugField(
        _("web address name"),
        unique=True,
        validators=[validate_office_slug],
        help_text=_("Used in the office's public URLs; never change it once published."),
    )
    website = models.URLField(
        _("website"), blank=True, help_text=_("The office's public address; links printed in documents start with it.")
    )
    affiliation = models.CharField(
        _("affiliation"), max_length=255, blank=True, default="สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน"
    )
    ministry = models.CharField(_("ministry"), max_length=255, blank=True, default="กระทรวงศึกษาธิการ")
    director_honorific = models.CharField(
        _("director's honorific"), max_length=50, blank=True, help_text=_("e.g. นาย, นาง, ดร.")
    )
    director_name = models.CharField(_("director's name"), max_length=200, blank=True)
    director_position = models.CharField(
        _("director's position"), max_length=255, blank=True, help_text=_("As it is printed under the signature.")
    )
    oit_required_approvals = models.PositiveSmallIntegerField(
        _("approvals needed per OIT item"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("How many committee members must approve an item before it can be published."),
    )
    oit_committee_publishes = models.BooleanField(
        _("committee members may publish OIT items"),
        default=False,
        help_text=_("Otherwise only the office's administrators publish."),
    )
    pdf_thai_digits = models.BooleanField(
        _("Thai digits in PDF documents"),
        default=True,
        help_text=_("Dates and numbers in reports and forms: ๑๐ พฤษภาคม ๒๕๖๖ instead of 10 พฤษภาคม 2566."),
    )

    class Meta:
        ordering = [ThaiCollate("name")]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("ita:office", args=[self.slug])

    @property
    def director_full_name(self) -> str:
        """The director's name with the honorific, as signed on documents (นายสมชาย ใจดี)."""
        return f"{self.director_honorific}{self.director_name}".strip()


class Unit(BaseModel):
    """A group or unit (กลุ่ม/หน่วย) of an office; OIT items are assigned to units."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)

    class Meta:
        ordering = [ThaiCollate("name")]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="unit_unique_name")]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.short_name or self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COMMITTEE = "committee", _("Committee member")
    STAFF = "staff", _("Staff")


class Membership(BaseModel):
    """A user's place in an office: the role decides what they may change there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "office"], name="membership_unique_user_office")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.office} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.unit_id and self.office_id and self.unit.office_id != self.office_id:
            raise ValidationError({"unit": _("The unit must belong to the same office.")})

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_review(self) -> bool:
        """Committee members review OIT items; the admin may stand in for them."""
        return self.role in (Role.COMMITTEE, Role.ADMIN)

    def can_edit_unit_work(self, unit_id: int | None) -> bool:
        """Staff change only their own unit's work; the admin changes any."""
        return self.is_admin or (unit_id is not None and unit_id == self.unit_id)


class AuditEvent(AppendOnlyModel):
    """An office's activity log: who did what, when. Written once, never changed."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
