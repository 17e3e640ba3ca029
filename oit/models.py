from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Unit
from core.models import AppendOnlyModel, BaseModel
from core.storage import opaque_name, private_storage
from ita.models import Assessment, ItemDefinition, ItemRequirement


class CurrentItemManager(models.Manager):
    """The office's items of the framework as it stands: an item whose definition a correction
    withdrew is kept with all its work, out of lists, counts and scores."""

    def get_queryset(self):
        return super().get_queryset().filter(definition__withdrawn_in__isnull=True)


class Item(BaseModel):
    """An office's OIT item in one assessment (its O12 of 2566, say), made from the definition."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    # Approved or published items count as passed (100 points) in the predicted score.
    PASSED = (Status.APPROVED, Status.PUBLISHED)

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="oit_items")
    definition = models.ForeignKey(ItemDefinition, on_delete=models.PROTECT, related_name="assessment_items")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.SET_NULL, null=True, blank=True, related_name="oit_items"
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible staff"), blank=True, related_name="oit_items"
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # At its limit the summary fills about one page of its publication form (bench/limits.py).
    description = models.TextField(
        _("summary of contents"),
        max_length=2000,
        blank=True,
        help_text=_("Shown on the public page and in the export for the national system."),
    )
    # Every change raises the version; a form carries the version it was shown, so two people
    # editing the same item cannot silently overwrite each other.
    version = models.PositiveIntegerField(default=1)
    # Each submission opens a new review round; approvals count only within the current round.
    review_round = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CurrentItemManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["definition__number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "definition"], name="item_unique_definition")]
        verbose_name = _("OIT item")
        verbose_name_plural = _("OIT items")

    def __str__(self) -> str:
        return f"{self.definition.code} {self.definition.name_th}"

    def get_absolute_url(self) -> str:
        return reverse(
            "oit:item-detail", args=[self.assessment.office.slug, self.assessment.fiscal_year, self.definition.code]
        )

    def get_public_url(self) -> str:
        return reverse(
            "public:item", args=[self.assessment.office.slug, self.assessment.fiscal_year, self.definition.code]
        )

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def passes(self) -> bool:
        """An approved or published item counts as passed (100 points) in the predicted score."""
        return self.status in self.PASSED

    @property
    def is_editable(self) -> bool:
        """Evidence and contents change only before the item goes to review, or after it came back."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def is_overdue(self, today=None) -> bool:
        """Past its due date and not yet approved."""
        today = today or timezone.localdate()
        return self.due_date is not None and self.due_date < today and not self.passes

    def is_assigned_to(self, membership: Membership, assignee_ids: set[int] | None = None) -> bool:
        """The member's unit holds the item, or the member is one of its responsible staff."""
        if self.unit_id is not None and self.unit_id == membership.unit_id:
            return True
        if assignee_ids is None:
            assignee_ids = {user.pk for user in self.assignees.all()}
        return membership.user_id in assignee_ids

    def can_edit(self, membership: Membership, assignee_ids: set[int] | None = None) -> bool:
        """Staff of the assigned unit (or named as responsible) prepare the item; the admin may too."""
        return membership.is_admin or self.is_assigned_to(membership, assignee_ids)

    def can_publish(self, membership: Membership) -> bool:
        office = self.assessment.office
        return membership.is_admin or (office.oit_committee_publishes and membership.can_review)


class Evidence(BaseModel):
    """One document or link that an item points to; every new version of it is a revision."""

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        LINK = "link", _("Link")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    current = models.ForeignKey("EvidenceRevision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.title


def evidence_upload_to(revision: "EvidenceRevision", filename: str) -> str:
    # The uploaded name is kept in `original_name` for display; the path is random.
    return opaque_name(f"oit/{timezone.now():%Y/%m}", revision.extension)


class EvidenceRevision(AppendOnlyModel):
    """One upload (or one version of a link). Kept for good, never changed."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revision"))
    # The document's title as it was at this revision: a publication shows what was approved, even
    # if the title is changed later.
    title = models.CharField(_("title"), max_length=255, blank=True)
    file = models.FileField(upload_to=evidence_upload_to, storage=private_storage, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    extension = models.CharField(max_length=10, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    document_date = models.DateField(
        _("document date"), help_text=_("The date of the document itself, not of the upload.")
    )
    description = models.CharField(_("short description"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evidence", "-number"]
        constraints = [models.UniqueConstraint(fields=["evidence", "number"], name="evidencerevision_unique_number")]
        verbose_name = _("evidence revision")
        verbose_name_plural = _("evidence revisions")

    def __str__(self) -> str:
        return f"{self.evidence} #{self.number}"

    @property
    def is_file(self) -> bool:
        return bool(self.file)


class RequirementCheck(BaseModel):
    """One minimum content of an item: what staff say covers it, and the reviewer's own tick."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="checks")
    # A requirement dropped from the framework file takes its checks with it.
    requirement = models.ForeignKey(ItemRequirement, on_delete=models.CASCADE, related_name="+")
    covered = models.BooleanField(_("covered"), default=False)
    evidence = models.ForeignKey(
        Evidence, verbose_name=_("covered by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewer_ok = models.BooleanField(_("reviewer agrees"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["requirement__order"]
        constraints = [models.UniqueConstraint(fields=["item", "requirement"], name="requirementcheck_unique")]
        verbose_name = _("required content check")
        verbose_name_plural = _("required content checks")

    def __str__(self) -> str:
        return f"{self.item.code} · {self.requirement.order}"


class Approval(models.Model):
    """A committee member's approval of an item in one review round."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="approvals")
    review_round = models.PositiveIntegerField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "review_round", "reviewer"], name="approval_unique_reviewer")
        ]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")

    def __str__(self) -> str:
        return f"{self.item.code} · {self.reviewer}"


class Publication(models.Model):
    """What the public sees of an item: the revisions and summary as they were when published.

    Later uploads never reach the public page until the item is published again.
    """

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="publications")
    revisions = models.ManyToManyField(EvidenceRevision, related_name="publications")
    description = models.TextField(max_length=2000, blank=True)  # the item's, as published
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(withdrawn_at__isnull=True), name="publication_one_live_per_item"
            )
        ]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return f"{self.item.code} {self.published_at:%Y-%m-%d}"


class ItemEvent(AppendOnlyModel):
    """One step in an item's life (who, when, from, to, note). Written once, never changed."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        EDITED = "edited", _("Edited")
        UPLOADED = "uploaded", _("Evidence added")
        REMOVED = "removed", _("Evidence removed")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVAL = "approval", _("Approved by a reviewer")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        COMMENTED = "commented", _("Comment")
        CHECKED = "checked", _("Review checklist")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=Item.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Item.Status.choices, blank=True)
    # Comments (2,000), reasons (1,000) and the notes services write (assignees, a document and its link).
    note = models.TextField(max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("item event")
        verbose_name_plural = _("item events")

    def __str__(self) -> str:
        return f"{self.item.code} {self.kind}"

    @property
    def is_transition(self) -> bool:
        return bool(self.to_status) and self.to_status != self.from_status


class LinkCheckQuerySet(models.QuerySet):
    def broken(self) -> "LinkCheckQuerySet":
        """Links of live publications that the link watch found broken (the marks on the pages)."""
        return (
            self.filter(status=LinkCheck.Status.BROKEN, revision__publications__withdrawn_at__isnull=True)
            .select_related("item__definition", "revision")
            .order_by("item__definition__number", "revision_id")
        )


class LinkCheck(BaseModel):
    """What the link watch (`oit.linkwatch`) last found at one published link: a link revision
    of an item's live publication. A link is broken after LINKWATCH_FAILURES_TO_BREAK failed
    checks in a row, and working again after one good check."""

    class Status(models.TextChoices):
        UNCHECKED = "unchecked", _("Not checked yet")
        OK = "ok", _("Working")
        FAILING = "failing", _("Failed, to be checked again")
        BROKEN = "broken", _("Broken")

    class Problem(models.TextChoices):
        HTTP = "http", _("The web server answered with an error")
        TIMEOUT = "timeout", _("No answer in time")
        DNS = "dns", _("The host name is not found")
        CONNECTION = "connection", _("The web server cannot be reached")
        TLS = "tls", _("The secure connection (HTTPS) failed")
        REDIRECTS = "redirects", _("Too many redirects, or a redirect loop")
        ADDRESS = "address", _("The link points to a private or local network address")
        INVALID = "invalid", _("Not a web address")

    revision = models.OneToOneField(EvidenceRevision, on_delete=models.CASCADE, related_name="link_check")
    # The item and its assessment again, so that the item page and the progress page find their
    # marks without going through the publications.
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="link_checks")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="oit_link_checks")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UNCHECKED)
    problem = models.CharField(_("problem"), max_length=12, choices=Problem.choices, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.CharField(_("final address"), max_length=1000, blank=True)
    redirects = models.PositiveSmallIntegerField(_("redirects"), default=0)
    failures = models.PositiveSmallIntegerField(_("failed checks in a row"), default=0)
    # How many times the link broke: with the revision, the key that notifies each breakage once.
    breakages = models.PositiveIntegerField(default=0)
    broken_since = models.DateTimeField(_("broken since"), null=True, blank=True)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    # Claimed by a run until this moment passes; then due again (a run that died gives it back).
    next_check_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        ordering = ["item", "revision"]
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")

    def __str__(self) -> str:
        return f"{self.revision_id} {self.status}"

    @property
    def is_broken(self) -> bool:
        return self.status == self.Status.BROKEN

    def describe(self) -> str:
        """What went wrong, in the active language: "HTTP 404", or the problem's label."""
        if self.problem == self.Problem.HTTP and self.status_code:
            return f"HTTP {self.status_code}"
        return str(self.get_problem_display())
