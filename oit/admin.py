from django.contrib import admin

from core.admin import ReadOnlyAdmin
from oit.models import (
    Approval,
    Evidence,
    EvidenceRevision,
    Item,
    ItemEvent,
    LinkCheck,
    Publication,
    RequirementCheck,
)


class ItemEventInline(admin.TabularInline):
    model = ItemEvent
    fields = ["created_at", "actor", "kind", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["definition", "assessment", "status", "unit", "due_date"]
    list_filter = ["status", "assessment__fiscal_year", "assessment__office"]
    list_select_related = ["definition", "assessment__office", "unit"]
    search_fields = ["definition__code", "definition__name_th"]
    raw_id_fields = ["assessment", "definition", "unit", "assignees", "submitted_by"]
    # Status moves only through the workflow, so that every change leaves an event.
    readonly_fields = ["status", "version", "review_round", "submitted_at", "submitted_by"]
    inlines = [ItemEventInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["title", "item", "kind", "removed_at"]
    list_filter = ["kind"]
    list_select_related = ["item__definition"]
    search_fields = ["title", "item__definition__code"]
    raw_id_fields = ["item", "current", "removed_by"]


@admin.register(EvidenceRevision)
class EvidenceRevisionAdmin(ReadOnlyAdmin):
    list_display = ["evidence", "number", "original_name", "size", "document_date", "uploaded_by", "created_at"]
    list_select_related = ["evidence", "uploaded_by"]
    search_fields = ["original_name", "sha256", "url"]


@admin.register(RequirementCheck)
class RequirementCheckAdmin(admin.ModelAdmin):
    list_display = ["item", "requirement", "covered", "reviewer_ok"]
    list_select_related = ["item__definition", "requirement"]
    raw_id_fields = ["item", "requirement", "evidence", "reviewed_by"]


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ["item", "review_round", "reviewer", "created_at"]
    list_select_related = ["item__definition", "reviewer"]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["item", "published_at", "published_by", "withdrawn_at", "withdrawn_reason"]
    list_select_related = ["item__definition", "published_by"]


@admin.register(ItemEvent)
class ItemEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "item", "actor", "kind", "from_status", "to_status"]
    list_filter = ["kind"]
    list_select_related = ["item__definition", "actor"]
    date_hierarchy = "created_at"


@admin.register(LinkCheck)
class LinkCheckAdmin(ReadOnlyAdmin):
    list_display = ["item", "revision", "status", "problem", "status_code", "failures", "checked_at"]
    list_filter = ["status", "problem"]
    list_select_related = ["item__definition", "revision"]
    search_fields = ["revision__url", "final_url", "item__definition__code"]
