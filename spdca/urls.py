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
    path(CYCLE + "d/", views.stage_d, name="stage-d"),
    path(CYCLE + "d/progress/", views.progress_add, name="progress-add"),
    path(CYCLE + "d/files/<int:attachment_id>/", views.attachment_download, name="attachment-download"),
    path(CYCLE + "c/", views.stage_c, name="stage-c"),
    path(CYCLE + "a/", views.stage_a, name="stage-a"),
    path(CYCLE + "a/improvements/", views.improvement_add, name="improvement-add"),
    path(CYCLE + "a/improvements/<int:improvement_id>/done/", views.improvement_toggle, name="improvement-toggle"),
    path(CYCLE + "a/lessons/", views.lesson_add, name="lesson-add"),
    path(CYCLE + "a/copy-assignments/", views.assignments_copy, name="assignments-copy"),
    path(CYCLE + "results/", views.outcomes, name="outcomes"),
    path(CYCLE + "report-text/", views.report_text, name="report-text"),
    path(CYCLE + "results/add/", views.outcome_add, name="outcome-add"),
    path(CYCLE + "results/<int:outcome_id>/remove/", views.outcome_remove, name="outcome-remove"),
]
