from django.urls import path

from oit import views

app_name = "oit"

urlpatterns = [
    path("office/<slug:office_slug>/<int:fiscal_year>/items/", views.item_list, name="item-list"),
]
