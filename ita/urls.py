from django.urls import path

from ita import views

app_name = "ita"

urlpatterns = [
    path("frameworks/", views.framework_list, name="framework-list"),
    path("frameworks/compare/", views.framework_compare, name="framework-compare"),
    path("frameworks/<int:fiscal_year>/", views.framework_detail, name="framework-detail"),
    path("office/<slug:office_slug>/", views.office, name="office"),
    path("office/<slug:office_slug>/assessments/new/", views.assessment_create, name="assessment-create"),
]
