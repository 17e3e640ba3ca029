from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
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


def language_choices() -> list[tuple[str, str]]:
    """The site's languages, read when asked so that a migration does not copy them."""
    return settings.LANGUAGES


class User(AbstractUser):
    honorific = models.CharField(_("honorific"), max_length=50, blank=True, help_text=_("e.g. นาย, นาง, นางสาว, ดร."))
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Blank follows the language the browser chose, or the site's (Thai).
    language = models.CharField(_("language"), max_length=10, blank=True, choices=language_choices)

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
        # Site-wide, not per office: the people who run the installation (superusers have it).
        permissions = [("manage_offices", _("Can create offices and invite their first administrator"))]

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
    # Raised on every change, so that two administrators renaming the unit at once do not
    # silently overwrite each other.
    version = models.PositiveIntegerField(default=1)

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


class ActiveMembershipManager(models.Manager):
    """Members who still work in the office. The default manager, so that every list of an
    office's people (rosters, assignments, recipients, `user.memberships`) leaves out those who
    were deactivated, while their history keeps pointing at them."""

    def get_queryset(self):
        return super().get_queryset().filter(is_active=True)


class Membership(BaseModel):
    """A user's place in an office: the role decides what they may change there.

    A member who leaves is deactivated, never deleted: what they did stays theirs.
    """

    # PROTECT: a person with a place in an office has history there; deactivate them instead.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    # RESTRICT: a unit with people cannot be deleted (merge it instead), but an office that is
    # removed whole takes its units and memberships together.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.RESTRICT, null=True, blank=True, related_name="members"
    )
    is_active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = ActiveMembershipManager()
    all_objects = models.Manager()

    class Meta:
        base_manager_name = "all_objects"
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


class StaffMember(BaseModel):
    """A person on the office's staff list (the roster), with or without an account.

    The roster is the office's own count of its people: the IIT population, and the names that
    confirm taking part. Someone who leaves is deactivated, never deleted: their confirmations stay.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="staff_members")
    honorific = models.CharField(_("honorific"), max_length=50, blank=True, help_text=_("e.g. นาย, นาง, นางสาว, ดร."))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.RESTRICT, null=True, blank=True, related_name="staff_members"
    )
    # PROTECT: accounts are deactivated, never deleted, and the link keeps the person's history.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_entries",
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = [ThaiCollate("first_name"), ThaiCollate("last_name"), "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "user"], condition=Q(user__isnull=False), name="staffmember_unique_user"
            )
        ]
        verbose_name = _("staff list entry")
        verbose_name_plural = _("staff list")

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        if self.unit_id and self.office_id and self.unit.office_id != self.office_id:
            raise ValidationError({"unit": _("The unit must belong to the same office.")})

    @property
    def full_name(self) -> str:
        """The name with the honorific, as the office writes it: นางสาววิไล รักงาน."""
        return f"{self.honorific}{self.first_name} {self.last_name}".strip()


class Invitation(BaseModel):
    """An invitation to join an office, sent by e-mail as a signed link that expires.

    The link signs the row's id with its `nonce`: sending it again draws a new nonce, so only the
    latest link works; revoking or accepting it ends it. The person's details are what the
    administrator (or the staff sheet) gave; the invitee may correct them when accepting.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.RESTRICT, null=True, blank=True, related_name="invitations"
    )
    honorific = models.CharField(_("honorific"), max_length=50, blank=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nonce = models.CharField(max_length=32, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open invitation per address and office; an ended one may be followed by another.
            models.UniqueConstraint(
                Lower("email"),
                "office",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_unique_open_email",
            )
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} · {self.office}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def full_name(self) -> str:
        """The invitee's name with the honorific, or the e-mail address when no name was given."""
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{self.honorific}{name}" if name else self.email


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
