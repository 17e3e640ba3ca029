from django.urls import path

from spdca import views

app_name = "spdca"

urlpatterns = [
    path("office/<slug:office_slug>/<int:fiscal_year>/", views.dashboard, name="dashboard"),
]
