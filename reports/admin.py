from django.contrib import admin

from reports.models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "assessment", "status", "progress", "requested_by", "created_at", "published_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["assessment__office", "requested_by"]
    raw_id_fields = ["assessment", "requested_by", "published_by"]
    readonly_fields = ["status", "progress", "file", "error", "attempts", "started_at", "finished_at"]
