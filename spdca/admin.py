from django.contrib import admin

from core.admin import ReadOnlyAdmin
from spdca.models import (
    Activity,
    AnnualReportText,
    Attachment,
    Committee,
    CommitteeMember,
    Finding,
    Improvement,
    Lesson,
    Meeting,
    Outcome,
    ProgressUpdate,
    Stage,
)


class AssessmentAdmin(admin.ModelAdmin):
    list_select_related = ["assessment__office"]
    list_filter = ["assessment__fiscal_year"]
    raw_id_fields = ["assessment"]


@admin.register(Stage)
class StageAdmin(AssessmentAdmin):
    list_display = ["assessment", "code", "status", "start", "end"]
    raw_id_fields = ["assessment", "responsible", "overridden_by"]


@admin.register(Meeting)
class MeetingAdmin(AssessmentAdmin):
    list_display = ["assessment", "date", "place"]


@admin.register(Finding)
class FindingAdmin(AssessmentAdmin):
    list_display = ["assessment", "kind", "instrument", "indicator", "proposed"]
    raw_id_fields = ["assessment", "instrument", "indicator"]


@admin.register(Activity)
class ActivityAdmin(AssessmentAdmin):
    list_display = ["title", "assessment", "unit", "start", "end", "is_publicity"]
    raw_id_fields = ["assessment", "findings", "indicators", "unit", "responsible"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):  # progress updates are append-only records
    list_display = ["activity", "date", "percent", "recorded_by"]
    raw_id_fields = ["activity", "recorded_by"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "meeting", "update", "size", "created_at"]
    raw_id_fields = ["meeting", "update", "uploaded_by"]


@admin.register(Improvement)
class ImprovementAdmin(AssessmentAdmin):
    list_display = ["assessment", "phase", "action", "owner", "done"]
    raw_id_fields = ["assessment", "owner"]


@admin.register(Lesson)
class LessonAdmin(AssessmentAdmin):
    list_display = ["assessment", "text"]


@admin.register(Outcome)
class OutcomeAdmin(AssessmentAdmin):
    list_display = ["assessment", "kind", "text"]


@admin.register(AnnualReportText)
class AnnualReportTextAdmin(AssessmentAdmin):
    list_display = ["assessment", "project"]


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    fields = ["order", "role", "user", "honorific", "name", "position"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Committee)
class CommitteeAdmin(AssessmentAdmin):
    list_display = ["assessment", "name", "order_number", "order_date"]
    exclude = ["order_file"]  # the signed order is uploaded through the office's pages, where it is checked
    inlines = [CommitteeMemberInline]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(admin.ModelAdmin):
    list_display = ["committee", "order", "role", "user", "name", "position"]
    list_filter = ["role"]
    raw_id_fields = ["committee", "user"]
