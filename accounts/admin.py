from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.history import describe, related_counts
from accounts.models import AuditEvent, Invitation, Membership, Office, StaffMember, Unit, User


class RefuseDeletingHistoryMixin:
    """Deleting a row that others point at is refused with a message, here as in the app: a
    cascade would take confirmations, events or assignments with it. No bulk deletion either."""

    refusal: str = ""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        counts = related_counts(obj) if obj is not None else {}
        if counts:
            self.message_user(request, self.refusal % {"obj": obj, "history": describe(counts)}, messages.ERROR)
            info = (self.opts.app_label, self.opts.model_name)
            return redirect(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    can_delete = False
    autocomplete_fields = ["office", "unit"]
    fields = ["office", "role", "unit", "is_active"]

    def get_queryset(self, request):
        return Membership.all_objects.select_related("office", "unit")


@admin.register(User)
class UserAdmin(RefuseDeletingHistoryMixin, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Work"), {"fields": ["honorific", "position", "phone", "language"]}))
    list_display = ["username", "first_name", "last_name", "position", "is_active", "is_staff"]
    inlines = [MembershipInline]
    refusal = _(
        "%(obj)s has history (%(history)s) and cannot be deleted: deactivate the person in their office instead."
    )


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    can_delete = False  # a unit is removed, or merged, on the office's Units page
    fields = ["name", "short_name"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "slug", "website", "oit_required_approvals", "oit_committee_publishes"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(RefuseDeletingHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "office"]
    list_filter = ["office"]
    search_fields = ["name", "short_name"]
    exclude = ["version"]
    refusal = _("%(obj)s is still used (%(history)s) and cannot be deleted: merge it into another unit instead.")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "office", "role", "unit", "is_active"]
    list_filter = ["role", "is_active", "office"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "office", "unit"]
    exclude = ["version", "deactivated_by"]

    def get_queryset(self, request):
        return Membership.all_objects.select_related("user", "office", "unit")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent, re-sent and revoked on the office's Members page."""

    list_display = ["email", "office", "role", "sent_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "office"]
    search_fields = ["email", "first_name", "last_name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The log is read-only here as everywhere."""

    list_display = ["created_at", "office", "actor", "action", "summary"]
    list_filter = ["action", "office"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StaffMember)
class StaffMemberAdmin(RefuseDeletingHistoryMixin, admin.ModelAdmin):
    """The office's staff list; its administrators keep it on the Staff list page."""

    refusal = _("%(obj)s has a history (%(history)s) and cannot be deleted: take them off the staff list instead.")
    list_display = ["full_name", "office", "unit", "user", "is_active"]
    list_filter = ["office", "is_active"]
    list_select_related = ["office", "unit", "user"]
    raw_id_fields = ["user"]
