from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from core.models import BaseModel
from ita.models import Assessment, ItemDefinition


class Item(BaseModel):
    """An office's OIT item in one assessment (its O12 of 2566, say), made from the definition."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="oit_items")
    definition = models.ForeignKey(ItemDefinition, on_delete=models.PROTECT, related_name="assessment_items")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.SET_NULL, null=True, blank=True, related_name="oit_items"
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)

    class Meta:
        ordering = ["definition__number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "definition"], name="item_unique_definition")]
        verbose_name = _("OIT item")
        verbose_name_plural = _("OIT items")

    def __str__(self) -> str:
        return f"{self.definition.code} {self.definition.name_th}"

    @property
    def passes(self) -> bool:
        """An approved or published item counts as passed (100 points) in the predicted score."""
        return self.status in (self.Status.APPROVED, self.Status.PUBLISHED)
