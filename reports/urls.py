from django.urls import path

from reports import views

app_name = "reports"

REPORTS = "office/<slug:office_slug>/<int:fiscal_year>/reports/"

urlpatterns = [
    path(REPORTS, views.report_list, name="list"),
    path(REPORTS + "new/", views.report_request, name="request"),
    path(REPORTS + "settings/", views.report_settings, name="settings"),
    path(REPORTS + "<int:job_id>/", views.report_detail, name="detail"),
    path(REPORTS + "<int:job_id>/download/", views.report_download, name="download"),
    path(REPORTS + "<int:job_id>/publish/", views.report_publish, name="publish"),
    path(REPORTS + "<int:job_id>/unpublish/", views.report_unpublish, name="unpublish"),
    path("<slug:office_slug>/ita/<int:fiscal_year>/reports/<int:job_id>/", views.public_report, name="public"),
]
