from django.urls import path

from notifications import views

app_name = "notifications"

OFFICE = "office/<slug:office_slug>/notifications/"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/bell/", views.bell, name="bell"),
    path("notifications/open/", views.notification_open, name="open"),
    path("notifications/read-all/", views.notification_read_all, name="read-all"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("notifications/line/<slug:office_slug>/webhook/", views.line_webhook, name="line-webhook"),
    path(OFFICE, views.outbox, name="outbox"),
    path(OFFICE + "reach/", views.reach, name="reach"),
    path(OFFICE + "line/", views.line_settings, name="line-settings"),
    path(OFFICE + "line/test/", views.line_test, name="line-test"),
    path(OFFICE + "line/disconnect/", views.line_disconnect, name="line-disconnect"),
    path(OFFICE + "line/link/", views.line_link, name="line-link"),
    path(OFFICE + "line/unlink/", views.line_unlink, name="line-unlink"),
]
