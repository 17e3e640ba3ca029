from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

OFFICES = "accounts/offices/<slug:office_slug>/"
OFFICE = "office/<slug:office_slug>/"
MEMBER = OFFICE + "members/<int:membership_id>/"
INVITATION = OFFICE + "invitations/<int:invitation_id>/"
UNIT = OFFICE + "units/<int:unit_id>/"
STAFF = OFFICE + "staff/<int:staff_id>/"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("accounts/password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("accounts/password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/email/<str:token>/", views.email_confirm, name="email-confirm"),
    path("i18n/setlang/", views.language_set, name="language-set"),
    path("accounts/invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    # The offices, for the people who run the site.
    path("accounts/offices/", views.office_list, name="office-list"),
    path("accounts/offices/new/", views.office_create, name="office-create"),
    path(OFFICES, views.office_edit, name="office-edit"),
    path(OFFICES + "invite/", views.office_invite, name="office-invite"),
    # An office's people, units and log, for its administrators.
    path(OFFICE + "members/", views.member_list, name="member-list"),
    path(OFFICE + "members/invite/", views.member_invite, name="member-invite"),
    path(OFFICE + "members/import/", views.member_import, name="member-import"),
    path(MEMBER, views.member_detail, name="member-detail"),
    path(MEMBER + "update/", views.member_update, name="member-update"),
    path(MEMBER + "deactivate/", views.member_deactivate, name="member-deactivate"),
    path(MEMBER + "reactivate/", views.member_reactivate, name="member-reactivate"),
    path(MEMBER + "password-reset/", views.member_password_reset, name="member-password-reset"),
    path(INVITATION + "resend/", views.invitation_resend, name="invitation-resend"),
    path(INVITATION + "revoke/", views.invitation_revoke, name="invitation-revoke"),
    path(OFFICE + "units/", views.unit_list, name="unit-list"),
    path(UNIT, views.unit_detail, name="unit-detail"),
    path(UNIT + "rename/", views.unit_rename, name="unit-rename"),
    path(UNIT + "merge/", views.unit_merge, name="unit-merge"),
    path(UNIT + "delete/", views.unit_delete, name="unit-delete"),
    path(OFFICE + "staff/", views.roster_list, name="roster"),
    path(STAFF, views.roster_detail, name="roster-detail"),
    path(STAFF + "deactivate/", views.roster_deactivate, name="roster-deactivate"),
    path(STAFF + "reactivate/", views.roster_reactivate, name="roster-reactivate"),
    path(OFFICE + "log/", views.office_log, name="office-log"),
]
