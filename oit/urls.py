from django.urls import path

from oit import views

app_name = "oit"

ITEMS = "office/<slug:office_slug>/<int:fiscal_year>/items/"
ITEM = ITEMS + "<str:code>/"

urlpatterns = [
    path(ITEMS, views.item_list, name="item-list"),
    path(ITEMS + "mine/", views.item_mine, name="item-mine"),
    path(ITEMS + "review/", views.review_queue, name="review-queue"),
    path(ITEMS + "assign/", views.item_assign, name="item-assign"),
    path(ITEMS + "progress/", views.item_progress, name="item-progress"),
    path(ITEMS + "export.csv", views.item_export_csv, name="item-export-csv"),
    path(ITEMS + "export.xlsx", views.item_export_xlsx, name="item-export-xlsx"),
    path(ITEM, views.item_detail, name="item-detail"),
    path(ITEM + "contents/", views.item_contents, name="item-contents"),
    path(ITEM + "evidence/", views.evidence_add, name="evidence-add"),
    path(ITEM + "evidence/<int:evidence_id>/remove/", views.evidence_remove, name="evidence-remove"),
    path(ITEM + "files/<int:revision_id>/", views.evidence_download, name="evidence-download"),
    path(ITEM + "review-checks/", views.item_review_checks, name="item-review-checks"),
    path(ITEM + "submit/", views.item_submit, name="item-submit"),
    path(ITEM + "return/", views.item_return, name="item-return"),
    path(ITEM + "approve/", views.item_approve, name="item-approve"),
    path(ITEM + "publish/", views.item_publish, name="item-publish"),
    path(ITEM + "unpublish/", views.item_unpublish, name="item-unpublish"),
    path(ITEM + "comment/", views.item_comment, name="item-comment"),
    path("office/<slug:office_slug>/settings/oit/", views.office_oit_settings, name="office-settings"),
]
