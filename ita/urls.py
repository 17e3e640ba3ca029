from django.urls import path

from ita import views

app_name = "ita"

RESPONDENTS = "office/<slug:office_slug>/<int:fiscal_year>/respondents/"
RESULTS = "office/<slug:office_slug>/<int:fiscal_year>/results/"

urlpatterns = [
    path("frameworks/", views.framework_list, name="framework-list"),
    path("frameworks/compare/", views.framework_compare, name="framework-compare"),
    path("frameworks/<int:fiscal_year>/", views.framework_detail, name="framework-detail"),
    path("office/<slug:office_slug>/", views.office, name="office"),
    path("office/<slug:office_slug>/assessments/new/", views.assessment_create, name="assessment-create"),
    path("office/<slug:office_slug>/analysis/", views.analysis, name="analysis"),
    path(RESPONDENTS, views.respondents, name="respondents"),
    path(RESPONDENTS + "iit/confirm/", views.iit_confirm, name="iit-confirm"),
    path(RESPONDENTS + "iit/record/", views.iit_record, name="iit-record"),
    path(RESPONDENTS + "iit/<int:confirmation_id>/screenshot/", views.iit_screenshot, name="iit-screenshot"),
    path(RESPONDENTS + "eit/", views.eit_count_add, name="eit-add"),
    path(RESPONDENTS + "eit/<int:entry_id>/remove/", views.eit_count_remove, name="eit-remove"),
    path(RESPONDENTS + "targets/<int:target_id>/", views.target_update, name="target-update"),
    path(RESULTS, views.results, name="results"),
    path(RESULTS + "enter/", views.result_enter, name="result-enter"),
    path(RESULTS + "import/", views.result_import, name="result-import"),
    path(RESULTS + "target/", views.target_band_update, name="target-band"),
]
