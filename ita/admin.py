"""The catalogue is read here, never edited: a year's framework is put in and corrected through the
framework editor in the app (or a file and `manage.py load_framework`), which checks it whole, keeps
what assessments use and records each published change as a revision with its note."""

from django.contrib import admin

from ita.models import (
    Assessment,
    EITCount,
    Framework,
    FrameworkDraft,
    FrameworkRevision,
    IITConfirmation,
    IITLink,
    Indicator,
    IndicatorScore,
    Instrument,
    ItemDefinition,
    ItemRequirement,
    ItemScore,
    Milestone,
    OfficialResult,
    RatingBand,
    RespondentRule,
    RespondentTarget,
    SubIndicator,
)

FACT_FIELDS = ["unconfirmed", "note", "source"]


class ReadOnly:
    """Shown, not changed: the framework editor is where the catalogue changes."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class InstrumentInline(ReadOnly, admin.TabularInline):
    model = Instrument
    extra = 0
    fields = ["code", "kind", "name_th", "name_en", "weight", "order", *FACT_FIELDS]


class RatingBandInline(ReadOnly, admin.TabularInline):
    model = RatingBand
    extra = 0
    fields = ["order", "code", "label_th", "label_en", "min_total", "min_each_instrument", "passing", *FACT_FIELDS]


class MilestoneInline(ReadOnly, admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["code", "name_th", "name_en", "start", "end", *FACT_FIELDS]


class RespondentRuleInline(ReadOnly, admin.TabularInline):
    model = RespondentRule
    extra = 0
    fields = ["instrument", "population_th", "min_count", "percent", "max_count", *FACT_FIELDS]


class FrameworkRevisionInline(ReadOnly, admin.TabularInline):
    model = FrameworkRevision
    extra = 0
    fields = ["number", "note", "published_by", "created_at"]
    readonly_fields = fields


@admin.register(FrameworkRevision)
class FrameworkRevisionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["framework", "number", "note", "published_by", "created_at"]
    list_select_related = ["framework", "published_by"]


@admin.register(FrameworkDraft)
class FrameworkDraftAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["fiscal_year", "based_on", "updated_by", "updated_at"]
    exclude = ["content"]


@admin.register(Framework)
class FrameworkAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["fiscal_year", "name_th", "assessor", "rating_scheme", "revision", "updated_at"]
    inlines = [FrameworkRevisionInline, InstrumentInline, RatingBandInline, RespondentRuleInline, MilestoneInline]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "name_th", "instrument", "weight", "framework", "unconfirmed"]
    list_filter = ["framework", "unconfirmed"]
    list_select_related = ["framework", "instrument"]


@admin.register(SubIndicator)
class SubIndicatorAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["code", "name_th", "indicator", "unconfirmed"]
    list_filter = ["indicator__framework"]
    list_select_related = ["indicator"]


class ItemRequirementInline(ReadOnly, admin.TabularInline):
    model = ItemRequirement
    extra = 0
    fields = ["order", "text_th", "text_en", *FACT_FIELDS]


@admin.register(ItemDefinition)
class ItemDefinitionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["code", "name_th", "sub_indicator", "evidence_period", "framework", "unconfirmed"]
    list_filter = ["framework", "unconfirmed", "evidence_period"]
    list_select_related = ["framework", "sub_indicator"]
    search_fields = ["code", "name_th", "name_en"]
    inlines = [ItemRequirementInline]


class RespondentTargetInline(admin.TabularInline):
    model = RespondentTarget
    extra = 0
    fields = ["rule", "population", "required_override", "deadline"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["office", "fiscal_year", "framework", "created_at"]
    list_filter = ["fiscal_year"]
    list_select_related = ["office", "framework"]
    raw_id_fields = ["opened_by", "target_band"]
    inlines = [RespondentTargetInline]


@admin.register(Instrument)
class InstrumentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["code", "kind", "name_th", "weight", "framework", "unconfirmed"]
    list_filter = ["framework"]


@admin.register(ItemRequirement)
class ItemRequirementAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["item", "order", "text_th", "unconfirmed"]
    list_filter = ["item__framework", "unconfirmed"]
    list_select_related = ["item"]
    search_fields = ["item__code", "text_th", "text_en"]


@admin.register(RatingBand)
class RatingBandAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["label_th", "min_total", "min_each_instrument", "passing", "framework", "unconfirmed"]
    list_filter = ["framework"]


@admin.register(RespondentRule)
class RespondentRuleAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["instrument", "min_count", "percent", "max_count", "framework", "unconfirmed"]
    list_filter = ["framework"]
    list_select_related = ["instrument", "framework"]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name_th", "start", "end", "framework", "unconfirmed"]
    list_filter = ["framework"]


@admin.register(RespondentTarget)
class RespondentTargetAdmin(admin.ModelAdmin):
    list_display = ["assessment", "rule", "population", "required_override", "deadline"]
    list_select_related = ["assessment__office", "rule__instrument"]


@admin.register(IITConfirmation)
class IITConfirmationAdmin(admin.ModelAdmin):
    list_display = ["assessment", "staff_member", "channel", "recorded_by", "created_at"]
    list_select_related = ["assessment__office", "staff_member", "recorded_by"]
    raw_id_fields = ["assessment", "staff_member", "user", "recorded_by"]


@admin.register(IITLink)
class IITLinkAdmin(ReadOnly, admin.ModelAdmin):
    """Opened, rotated and closed on the respondents page, where each change is recorded."""

    list_display = ["assessment", "is_open", "changed_by", "updated_at"]
    list_select_related = ["assessment__office", "changed_by"]
    exclude = ["token"]


@admin.register(EITCount)
class EITCountAdmin(admin.ModelAdmin):
    list_display = ["assessment", "instrument", "date", "channel", "count", "recorded_by"]
    list_select_related = ["assessment__office", "instrument", "recorded_by"]
    raw_id_fields = ["assessment", "instrument", "recorded_by"]


class IndicatorScoreInline(admin.TabularInline):
    model = IndicatorScore
    extra = 0
    can_delete = False
    readonly_fields = ["indicator", "score"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OfficialResult)
class OfficialResultAdmin(admin.ModelAdmin):
    """Entered results are a record: read here, superseded by entering them again in the app."""

    list_display = ["assessment", "source", "entered_by", "created_at"]
    list_select_related = ["assessment__office", "entered_by"]
    inlines = [IndicatorScoreInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IndicatorScore)
class IndicatorScoreAdmin(admin.ModelAdmin):
    list_display = ["result", "indicator", "score"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ItemScore)
class ItemScoreAdmin(IndicatorScoreAdmin):
    list_display = ["result", "definition", "score"]
