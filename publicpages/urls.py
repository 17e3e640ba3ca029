"""The office's public pages: no login, stable URLs that go into the national ITA system.

Included last in the root URLconf: `<office-slug>` is a catch-all first segment, which is why
office slugs may not take the site's own top-level names (accounts.models.RESERVED_SLUGS).
"""

from django.urls import path

from publicpages import views

app_name = "public"

urlpatterns = [
    path("<slug:office_slug>/ita/<int:fiscal_year>/", views.assessment_page, name="assessment"),
    path("<slug:office_slug>/ita/<int:fiscal_year>/iit/<str:token>/", views.iit_confirm, name="iit-confirm"),
    path("<slug:office_slug>/ita/<int:fiscal_year>/<str:code>/", views.item_page, name="item"),
    path(
        "<slug:office_slug>/ita/<int:fiscal_year>/<str:code>/files/<int:revision_id>/",
        views.item_file,
        name="file",
    ),
]
