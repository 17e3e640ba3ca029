from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core.views import health, live
from ita.views import home

admin.site.site_header = "ITA-SPDCA"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", health, name="health"),
    path("livez", live, name="live"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("ita.urls")),
    path("", include("spdca.urls")),
    path("", include("oit.urls")),
    path("", include("reports.urls")),
    path("", include("notifications.urls")),
    # Last: the public pages start with an office's slug.
    path("", include("publicpages.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
