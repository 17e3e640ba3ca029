from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, Membership, Office, Unit, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["office", "unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Work"), {"fields": ["position"]}))
    list_display = ["username", "first_name", "last_name", "position", "is_active", "is_staff"]
    inlines = [MembershipInline]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "slug", "website", "oit_required_approvals", "oit_committee_publishes"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "office"]
    list_filter = ["office"]
    search_fields = ["name", "short_name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "office", "role", "unit"]
    list_filter = ["role", "office"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "office", "unit"]


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
