from django.contrib import admin

from notifications.models import LineChannel, LineLink, Notification, PersonalSettings, Preference


class ReadOnlyAdmin(admin.ModelAdmin):
    """Operators read these rows here; they change only through the application."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "office", "event", "channel", "status", "attempts", "sent_at", "read_at"]
    list_filter = ["status", "channel", "event"]
    list_select_related = ["recipient", "office"]
    search_fields = ["subject", "recipient__username", "key"]
    date_hierarchy = "created_at"


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "event", "channels"]
    list_select_related = ["user"]


@admin.register(PersonalSettings)
class PersonalSettingsAdmin(ReadOnlyAdmin):
    list_display = ["user", "line_quiet_hours"]
    list_select_related = ["user"]


@admin.register(LineChannel)
class LineChannelAdmin(ReadOnlyAdmin):
    # The secret and the token are not among the fields: nobody reads them back.
    fields = ["office", "basic_id", "display_name", "connected_by", "created_at", "updated_at"]
    list_display = ["office", "basic_id", "display_name", "updated_at"]
    list_select_related = ["office"]


@admin.register(LineLink)
class LineLinkAdmin(ReadOnlyAdmin):
    fields = ["user", "office", "status", "linked_at", "created_at", "updated_at"]
    list_display = ["user", "office", "status", "linked_at"]
    list_filter = ["status"]
    list_select_related = ["user", "office"]
