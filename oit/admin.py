from django.contrib import admin

from oit.models import Item


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["definition", "assessment", "status", "unit", "due_date"]
    list_filter = ["status", "assessment__fiscal_year", "assessment__office"]
    list_select_related = ["definition", "assessment__office", "unit"]
    search_fields = ["definition__code", "definition__name_th"]
    raw_id_fields = ["assessment", "definition", "unit"]
