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
    path(CYCLE + "s/findings/<int:finding_id>/", views.finding_edit, name="finding-edit"),
    path(CYCLE + "s/findings/<int:finding_id>/remove/", views.finding_remove, name="finding-remove"),
    path(CYCLE + "p/", views.stage_p, name="stage-p"),
    path(CYCLE + "p/activities/", views.activity_add, name="activity-add"),
    path(CYCLE + "p/activities/<int:activity_id>/", views.activity_edit, name="activity-edit"),
    path(CYCLE + "d/", views.stage_d, name="stage-d"),
    path(CYCLE + "d/progress/", views.progress_add, name="progress-add"),
    path(CYCLE + "d/files/<int:attachment_id>/", views.attachment_download, name="attachment-download"),
    path(CYCLE + "c/", views.stage_c, name="stage-c"),
    path(CYCLE + "c/committee/", views.committee, name="committee"),
    path(CYCLE + "c/committee/save/", views.committee_save, name="committee-save"),
    path(CYCLE + "c/committee/order/", views.committee_order_file, name="committee-order-file"),
    path(CYCLE + "c/committee/members/", views.committee_member_add, name="committee-member-add"),
    path(CYCLE + "c/committee/members/<int:member_id>/", views.committee_member_edit, name="committee-member-edit"),
    path(
        CYCLE + "c/committee/members/<int:member_id>/remove/",
        views.committee_member_remove,
        name="committee-member-remove",
    ),
    path(
        CYCLE + "c/committee/members/<int:member_id>/move/", views.committee_member_move, name="committee-member-move"
    ),
    path(CYCLE + "a/", views.stage_a, name="stage-a"),
    path(CYCLE + "a/improvements/", views.improvement_add, name="improvement-add"),
    path(CYCLE + "a/improvements/<int:improvement_id>/", views.improvement_edit, name="improvement-edit"),
    path(CYCLE + "a/improvements/<int:improvement_id>/done/", views.improvement_toggle, name="improvement-toggle"),
    path(CYCLE + "a/lessons/", views.lesson_add, name="lesson-add"),
    path(CYCLE + "a/lessons/<int:lesson_id>/", views.lesson_edit, name="lesson-edit"),
    path(CYCLE + "a/copy-assignments/", views.assignments_copy, name="assignments-copy"),
    path(CYCLE + "results/", views.outcomes, name="outcomes"),
    path(CYCLE + "report-text/", views.report_text, name="report-text"),
    path(CYCLE + "results/add/", views.outcome_add, name="outcome-add"),
    path(CYCLE + "results/<int:outcome_id>/", views.outcome_edit, name="outcome-edit"),
    path(CYCLE + "results/<int:outcome_id>/remove/", views.outcome_remove, name="outcome-remove"),
]
