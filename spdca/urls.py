from django.urls import path

from spdca import views

app_name = "spdca"

ASSESSMENT = "office/<slug:office_slug>/<int:fiscal_year>/"
CYCLE = ASSESSMENT + "cycle/"

urlpatterns = [
    path(ASSESSMENT, views.dashboard, name="dashboard"),
    path(CYCLE, views.cycle, name="cycle"),
    path(CYCLE + "stages/<str:code>/", views.stage_update, name="stage-update"),
    path(CYCLE + "s/", views.stage_s, name="stage-s"),
    path(CYCLE + "s/meeting/", views.meeting_save, name="meeting-save"),
    path(CYCLE + "s/findings/", views.finding_add, name="finding-add"),
    path(CYCLE + "s/findings/<int:finding_id>/remove/", views.finding_remove, name="finding-remove"),
    path(CYCLE + "p/", views.stage_p, name="stage-p"),
    path(CYCLE + "p/activities/", views.activity_add, name="activity-add"),
    path(CYCLE + "p/activities/<int:activity_id>/", views.activity_edit, name="activity-edit"),
]
