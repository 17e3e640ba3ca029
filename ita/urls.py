from django.urls import path

from ita import views

app_name = "ita"

RESPONDENTS = "office/<slug:office_slug>/<int:fiscal_year>/respondents/"
RESULTS = "office/<slug:office_slug>/<int:fiscal_year>/results/"

DRAFT = "frameworks/<int:fiscal_year>/draft/"
DRAFT_ROW = DRAFT + "<slug:part>/<int:index>/"

urlpatterns = [
    path("frameworks/", views.framework_list, name="framework-list"),
    path("frameworks/compare/", views.framework_compare, name="framework-compare"),
    path("frameworks/new/", views.draft_start, name="draft-start"),
    path("frameworks/<int:fiscal_year>/", views.framework_detail, name="framework-detail"),
    path("frameworks/<int:fiscal_year>/workbook.xlsx", views.framework_workbook_download, name="framework-workbook"),
    path(DRAFT, views.draft_detail, name="draft"),
    path(DRAFT + "framework/", views.draft_header, name="draft-header"),
    path(DRAFT + "workbook.xlsx", views.draft_workbook, name="draft-workbook"),
    path(DRAFT + "upload/", views.draft_upload, name="draft-upload"),
    path(DRAFT + "changes/", views.draft_compare, name="draft-compare"),
    path(DRAFT + "mapping/", views.draft_mapping, name="draft-mapping"),
    path(DRAFT + "publish/", views.draft_publish, name="draft-publish"),
    path(DRAFT + "discard/", views.draft_discard, name="draft-discard"),
    path(DRAFT + "<slug:part>/", views.draft_part, name="draft-part"),
    path(DRAFT + "<slug:part>/add/", views.draft_row, name="draft-row-add"),
    path(DRAFT_ROW, views.draft_row, name="draft-row"),
    path(DRAFT_ROW + "remove/", views.draft_row_remove, name="draft-row-remove"),
    path(DRAFT_ROW + "move/", views.draft_row_move, name="draft-row-move"),
    path("office/<slug:office_slug>/", views.office, name="office"),
    path("office/<slug:office_slug>/assessments/new/", views.assessment_create, name="assessment-create"),
    path(
        "office/<slug:office_slug>/assessments/new/<int:fiscal_year>/",
        views.assessment_open_confirm,
        name="assessment-open",
    ),
    path("office/<slug:office_slug>/<int:fiscal_year>/carry-over/", views.carry_over, name="carry-over"),
    path("office/<slug:office_slug>/analysis/", views.analysis, name="analysis"),
    path(RESPONDENTS, views.respondents, name="respondents"),
    path(RESPONDENTS + "iit/confirm/", views.iit_confirm, name="iit-confirm"),
    path(RESPONDENTS + "iit/record/", views.iit_record, name="iit-record"),
    path(RESPONDENTS + "iit/link/", views.iit_link_rotate, name="iit-link-rotate"),
    path(RESPONDENTS + "iit/link/close/", views.iit_link_close, name="iit-link-close"),
    path(RESPONDENTS + "iit/link/print/", views.iit_link_print, name="iit-link-print"),
    path(RESPONDENTS + "iit/<int:confirmation_id>/screenshot/", views.iit_screenshot, name="iit-screenshot"),
    path(RESPONDENTS + "eit/", views.eit_count_add, name="eit-add"),
    path(RESPONDENTS + "eit/<int:entry_id>/remove/", views.eit_count_remove, name="eit-remove"),
    path(RESPONDENTS + "targets/<int:target_id>/", views.target_update, name="target-update"),
    path(RESULTS, views.results, name="results"),
    path(RESULTS + "enter/", views.result_enter, name="result-enter"),
    path(RESULTS + "import/", views.result_import, name="result-import"),
    path(RESULTS + "target/", views.target_band_update, name="target-band"),
]
