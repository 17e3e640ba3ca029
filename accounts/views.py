"""Signing in, passwords and profiles; offices for the people who run the site; members, units,
invitations and the log for an office's administrators."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts import roster, selectors, services, throttle
from accounts.forms import (
    AuditFilterForm,
    InvitationAcceptForm,
    InvitationForm,
    LanguageForm,
    MemberForm,
    OfficeForm,
    ProfileForm,
    StaffMemberForm,
    StaffSheetForm,
    ThrottledPasswordChangeForm,
    UnitForm,
    UnitMergeForm,
    VersionForm,
)
from accounts.models import Invitation, Membership, Office, Role, StaffMember, Unit
from accounts.permissions import get_membership_or_404, is_office_manager, require_office_manager
from accounts.sheets import read_staff_sheet
from core.http import client_ip
from core.i18n import language_cookie_set
from core.versions import StaleVersionError
from core.views import error_messages

ADMIN = [Role.ADMIN]
LOG_PAGE_SIZE = 50


def _base_url(request: HttpRequest) -> str:
    """Where links in e-mails start: this site as the request reached it (ALLOWED_HOSTS vouched)."""
    return request.build_absolute_uri("/")


# --- signing in and passwords ---------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        if language:  # a blank one leaves this browser's own choice as it is
            language_cookie_set(response, language)
        return response


@require_POST
def language_set(request):
    """The ไทย/EN switch: Django's set_language (the cookie, back to the page), and for someone
    signed in, the language of their account too."""
    response = set_language(request)
    form = LanguageForm(request.POST)
    if request.user.is_authenticated and form.is_valid():
        services.user_language_set(user=request.user, language=form.cleaned_data["language"])
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ThrottledPasswordChangeForm
    success_url = reverse_lazy("home")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_changed(user=form.user, how="change")
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, throttled per client address and per e-mail address. The page
    after it reads the same whether or not the address has an account, or was throttled."""

    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        hour = 60 * 60
        if not throttle.allow(
            "password-reset-ip", client_ip(self.request) or "", limit=settings.PASSWORD_RESET_PER_IP, seconds=hour
        ):
            return render(self.request, "accounts/throttled.html", status=429)
        email = form.cleaned_data["email"].lower()
        if not throttle.allow("password-reset-email", email, limit=settings.PASSWORD_RESET_PER_EMAIL, seconds=hour):
            return redirect(self.success_url)  # no more e-mails to that inbox for now
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_changed(user=form.user, how="reset")
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


@login_required
def profile(request):
    """One's own honorific, name, position (as documents print them), phone, e-mail and language.
    The other fields save at once; a new address is e-mailed a link that confirms it."""
    old_email = request.user.email
    form = ProfileForm(request.POST or None, instance=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        asked = email.lower() != old_email.lower()  # addresses are compared without case everywhere
        try:
            if asked:
                services.user_email_change_request(user=request.user, email=email, base_url=_base_url(request))
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            values = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
            user = services.user_profile_update(user=request.user, **values)
            response = redirect("accounts:profile")
            language = translation.get_language()
            if "language" in form.changed_data:
                language_cookie_set(response, user.language)
                language = user.language or settings.LANGUAGE_CODE
            with translation.override(language):  # the next page's language
                messages.success(request, _("Your profile has been saved."))
                if asked and old_email:
                    sent = _(
                        "A confirmation link was sent to %(email)s. Your e-mail address changes once you open it; "
                        "until then, e-mail keeps going to %(old)s."
                    )
                    messages.info(request, sent % {"email": email, "old": old_email})
                elif asked:
                    sent = _("A confirmation link was sent to %(email)s. The address is yours once you open it.")
                    messages.info(request, sent % {"email": email})
            return response
    return render(request, "accounts/profile.html", {"form": form})


EMAIL_CHANGE_PROBLEMS = {
    "invalid": gettext_lazy("This link is not valid. Check that you opened the whole link from the e-mail."),
    "expired": gettext_lazy("This link has expired. Enter the new address on your profile again to get a new link."),
    "other-user": gettext_lazy(
        "This link is for another account. Log out, then sign in with the account that asked for the change."
    ),
    "used": gettext_lazy("This link has already been used: your account has this e-mail address."),
    "stale": gettext_lazy(
        "This link no longer works: the account's e-mail address or password has changed since it was sent."
    ),
    "taken": gettext_lazy("Another account now uses this e-mail address, so it cannot be confirmed for yours."),
}


@login_required
def email_confirm(request, token):
    """Confirm a new e-mail address from the link sent to it: the page asks, the button changes.
    Only the account that asked, signed in, may confirm; the link is the proof that the address is theirs."""
    try:
        email = services.email_change_read(token=token, user=request.user)
        if request.method == "POST":
            services.user_email_confirm(user=request.user, token=token)
            messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": email})
            return redirect("accounts:profile")
    except services.EmailChangeError as exc:
        status = {"invalid": 404, "other-user": 403, "taken": 409}.get(exc.reason, 410)
        context = {"problem": EMAIL_CHANGE_PROBLEMS[exc.reason], "reason": exc.reason}
        return render(request, "accounts/email_confirm_invalid.html", context, status=status)
    return render(request, "accounts/email_confirm.html", {"email": email})


def csrf_failure(request, reason=""):
    """A form sent without its security token (the page was open too long, or cookies are off)."""
    return render(request, "403_csrf.html", {"no_cookie": "CSRF cookie" in reason}, status=403)


# --- offices, for the people who run the site -----------------------------------------------


def _get_office_for_manager(request: HttpRequest, office_slug: str) -> Office:
    require_office_manager(request)
    return get_object_or_404(Office, slug=office_slug)


@login_required
def office_list(request):
    require_office_manager(request)
    return render(request, "accounts/office_list.html", {"offices": selectors.offices_with_counts()})


@login_required
def office_create(request):
    user = require_office_manager(request)
    form = OfficeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            office = services.office_create(user=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The office was created. Invite its first administrator."))
            return redirect("accounts:office-invite", office.slug)
    return render(request, "accounts/office_form.html", {"form": form})


@login_required
def office_edit(request, office_slug):
    office = _get_office_for_manager(request, office_slug)
    form = OfficeForm(request.POST or None, instance=Office.objects.get(pk=office.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.office_update(office=office, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The office was saved."))
            return redirect("accounts:office-list")
    context = {
        "office": office,
        "form": form,
        "admins": office.memberships.filter(role=Role.ADMIN).select_related("user"),
        "invitations": selectors.open_invitations(office),
    }
    return render(request, "accounts/office_form.html", context)


@login_required
def office_invite(request, office_slug):
    """Invite the office's first administrator (or another one)."""
    office = _get_office_for_manager(request, office_slug)
    form = InvitationForm(request.POST or None, office=office, fixed_role=Role.ADMIN)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                office=office, user=request.user, role=Role.ADMIN, base_url=_base_url(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The invitation was sent."))
            return redirect("accounts:office-edit", office.slug)
    context = {"office": office, "form": form, "for_manager": True, "invitation_days": settings.INVITATION_MAX_AGE_DAYS}
    return render(request, "accounts/invitation_form.html", context)


# --- members, for the office's administrators -----------------------------------------------


def _get_member_for_admin(request: HttpRequest, office_slug: str, membership_id: int) -> tuple[Membership, Membership]:
    """(the member, the administrator's own membership); members of other offices are 404."""
    membership = get_membership_or_404(request, office_slug, roles=ADMIN)
    target = get_object_or_404(
        Membership.all_objects.select_related("user", "unit", "office"), pk=membership_id, office=membership.office
    )
    return target, membership


@login_required
def member_list(request, office_slug):
    membership = get_membership_or_404(request, office_slug, roles=ADMIN)
    office = membership.office
    members = list(selectors.office_members(office))
    context = {
        "office": office,
        "membership": membership,
        "active": [m for m in members if m.is_active],
        "inactive": [m for m in members if not m.is_active],
        "invitations": selectors.open_invitations(office),
    }
    return render(request, "accounts/member_list.html", context)


@login_required
def member_invite(request, office_slug):
    membership = get_membership_or_404(request, office_slug, roles=ADMIN)
    form = InvitationForm(request.POST or None, office=membership.office)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                office=membership.office, user=request.user, base_url=_base_url(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The invitation was sent."))
            return redirect("accounts:member-list", office_slug)
    context = {
        "office": membership.office,
        "membership": membership,
        "form": form,
        "invitation_days": settings.INVITATION_MAX_AGE_DAYS,
    }
    return render(request, "accounts/invitation_form.html", context)


@login_required
def member_import(request, office_slug):
    """Invite a whole staff list from a sheet: every bad row is listed and nobody is invited."""
    membership = get_membership_or_404(request, office_slug, roles=ADMIN)
    office = membership.office
    form = StaffSheetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_staff_sheet(form.cleaned_data["file"], office=office)
            result = services.members_import(
                office=office, membership=membership, rows=rows, base_url=_base_url(request)
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(
                request,
                _(
                    "%(listed)d people added to the staff list; %(invited)d invited; "
                    "%(skipped)d already members or invited."
                )
                % {"listed": result.listed, "invited": len(result.invited), "skipped": len(result.skipped)},
            )
            return redirect(
                "accounts:roster" if request.POST.get("next") == "roster" else "accounts:member-list", office_slug
            )
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/member_import.html",
        {
            "office": office,
            "membership": membership,
            "form": form,
            "units": office.units.all(),
            "next": "roster" if request.GET.get("next", request.POST.get("next")) == "roster" else "",
        },
        status=status,
    )


@login_required
def member_detail(request, office_slug, membership_id):
    target, membership = _get_member_for_admin(request, office_slug, membership_id)
    form = MemberForm(
        initial={"role": target.role, "unit": target.unit_id, "version": target.version}, office=target.office
    )
    return _render_member(request, target, membership, form)


def _render_member(request, target, membership, form, status=200):
    context = {
        "office": target.office,
        "membership": membership,
        "member": target,
        "form": form,
        "open_items": selectors.open_oit_items(target),
    }
    return render(request, "accounts/member_detail.html", context, status=status)


@login_required
@require_POST
def member_update(request, office_slug, membership_id):
    target, membership = _get_member_for_admin(request, office_slug, membership_id)
    form = MemberForm(request.POST, office=target.office)
    if not form.is_valid():
        return _render_member(request, target, membership, form, status=400)
    data = form.cleaned_data
    try:
        services.member_update(
            target=target,
            membership=membership,
            role=data["role"],
            unit=data["unit"],
            expected_version=data["version"],
        )
    except StaleVersionError as exc:
        form.add_error(None, exc)
        target.refresh_from_db()
        form.data = form.data.copy()
        form.data["version"] = target.version  # the retry goes against what is now shown
        return _render_member(request, target, membership, form, status=409)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_member(request, target, membership, form, status=400)
    messages.success(request, _("Saved."))
    return redirect("accounts:member-detail", office_slug, membership_id)


@login_required
@require_POST
def member_deactivate(request, office_slug, membership_id):
    target, membership = _get_member_for_admin(request, office_slug, membership_id)
    form = VersionForm(request.POST)
    try:
        services.member_deactivate(
            target=target,
            membership=membership,
            expected_version=form.cleaned_data["version"] if form.is_valid() else None,
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _("%(name)s was deactivated. Their records stay; hand their open items to someone else.")
            % {"name": target.user.display_name},
        )
    return redirect("accounts:member-detail", office_slug, membership_id)


@login_required
@require_POST
def member_reactivate(request, office_slug, membership_id):
    target, membership = _get_member_for_admin(request, office_slug, membership_id)
    services.member_reactivate(target=target, membership=membership)
    messages.success(request, _("%(name)s is a member again.") % {"name": target.user.display_name})
    return redirect("accounts:member-detail", office_slug, membership_id)


@login_required
@require_POST
def member_password_reset(request, office_slug, membership_id):
    target, membership = _get_member_for_admin(request, office_slug, membership_id)
    try:
        services.member_password_reset_send(target=target, membership=membership, base_url=_base_url(request))
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request, _("A link to set a new password was sent to %(email)s.") % {"email": target.user.email}
        )
    return redirect("accounts:member-detail", office_slug, membership_id)


def _get_invitation_for_user(request: HttpRequest, office_slug: str, invitation_id: int) -> Invitation:
    """An invitation of the office, for its administrators or the people who run the site."""
    if is_office_manager(request.user):
        office = get_object_or_404(Office, slug=office_slug)
    else:
        office = get_membership_or_404(request, office_slug, roles=ADMIN).office
    return get_object_or_404(Invitation.objects.select_related("office"), pk=invitation_id, office=office)


def _after_invitation(request, invitation: Invitation):
    if request.POST.get("next") == "office" and is_office_manager(request.user):
        return redirect("accounts:office-edit", invitation.office.slug)
    return redirect("accounts:member-list", invitation.office.slug)


@login_required
@require_POST
def invitation_resend(request, office_slug, invitation_id):
    invitation = _get_invitation_for_user(request, office_slug, invitation_id)
    try:
        services.invitation_resend(invitation=invitation, user=request.user, base_url=_base_url(request))
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The invitation was sent again to %(email)s.") % {"email": invitation.email})
    return _after_invitation(request, invitation)


@login_required
@require_POST
def invitation_revoke(request, office_slug, invitation_id):
    invitation = _get_invitation_for_user(request, office_slug, invitation_id)
    try:
        services.invitation_revoke(invitation=invitation, user=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email})
    return _after_invitation(request, invitation)


INVITATION_PROBLEMS = {
    "invalid": gettext_lazy("This invitation link is not valid. Check that you opened the whole link from the e-mail."),
    "expired": gettext_lazy("This invitation has expired. Ask the office's administrator to send it again."),
    "replaced": gettext_lazy("A newer invitation was sent to you: open the link in the latest e-mail."),
    "revoked": gettext_lazy("This invitation was withdrawn. Ask the office's administrator if you need one."),
    "accepted": gettext_lazy("This invitation has already been accepted. Log in with your username and password."),
}


def invitation_accept(request, token):
    """Accept an invitation: a new account with a password, or the signed-in account with the
    invited address. Anyone holding the link may open it: the signed link is the proof."""
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationError as exc:
        context = {"problem": INVITATION_PROBLEMS[exc.reason], "invitation": exc.invitation}
        status = 404 if exc.reason == "invalid" else 410
        return render(request, "accounts/invitation_invalid.html", context, status=status)
    existing = services.invitation_account(invitation)
    context = {"invitation": invitation, "office": invitation.office, "existing": existing}
    if existing is not None and existing.is_active:
        # The address has an account: the person signs in with it and joins.
        if request.method == "POST" and request.user.is_authenticated:
            try:
                membership = services.invitation_accept(invitation=invitation, user=request.user)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Welcome to %(office)s.") % {"office": membership.office.short_name})
                return redirect("ita:office", membership.office.slug)
        context["login_url"] = reverse("accounts:login") + "?next=" + request.path
        return render(request, "accounts/invitation_accept.html", context)
    initial = {
        "username": invitation.email,
        "honorific": invitation.honorific,
        "first_name": invitation.first_name,
        "last_name": invitation.last_name,
        "position": invitation.position,
    }
    form = InvitationAcceptForm(request.POST or None, initial=initial, existing=existing)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                username=data["username"],
                password=data["password1"],
                honorific=data["honorific"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                position=data["position"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to %(office)s.") % {"office": membership.office.short_name})
            return redirect("ita:office", membership.office.slug)
    context["form"] = form
    return render(request, "accounts/invitation_accept.html", context)


# --- units ----------------------------------------------------------------------------------


def _get_unit_for_admin(request: HttpRequest, office_slug: str, unit_id: int) -> tuple[Unit, Membership]:
    membership = get_membership_or_404(request, office_slug, roles=ADMIN)
    unit = get_object_or_404(Unit.objects.select_related("office"), pk=unit_id, office=membership.office)
    return unit, membership


@login_required
def unit_list(request, office_slug):
    membership = get_membership_or_404(request, office_slug, roles=ADMIN)
    office = membership.office
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_create(
                office=office,
                membership=membership,
                name=form.cleaned_data["name"],
                short_name=form.cleaned_data["short_name"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The unit was added."))
            return redirect("accounts:unit-list", office_slug)
    units = office.units.annotate(member_count=Count("members", filter=Q(members__is_active=True)))
    return render(
        request,
        "accounts/unit_list.html",
        {"office": office, "membership": membership, "units": units, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def unit_detail(request, office_slug, unit_id):
    unit, membership = _get_unit_for_admin(request, office_slug, unit_id)
    form = UnitForm(initial={"name": unit.name, "short_name": unit.short_name, "version": unit.version})
    return _render_unit(request, unit, membership, form=form)


def _render_unit(request, unit, membership, *, form=None, merge_form=None, status=200):
    form = form or UnitForm(initial={"name": unit.name, "short_name": unit.short_name, "version": unit.version})
    context = {
        "office": unit.office,
        "membership": membership,
        "unit": unit,
        "form": form,
        "merge_form": merge_form or UnitMergeForm(unit=unit),
        "usage": services.unit_usage(unit),
    }
    return render(request, "accounts/unit_detail.html", context, status=status)


@login_required
@require_POST
def unit_rename(request, office_slug, unit_id):
    unit, membership = _get_unit_for_admin(request, office_slug, unit_id)
    form = UnitForm(request.POST)
    if not form.is_valid():
        return _render_unit(request, unit, membership, form=form, status=400)
    data = form.cleaned_data
    try:
        services.unit_update(
            unit=unit,
            membership=membership,
            name=data["name"],
            short_name=data["short_name"],
            expected_version=data["version"],
        )
    except StaleVersionError as exc:
        form.add_error(None, exc)
        unit.refresh_from_db()
        form.data = form.data.copy()
        form.data["version"] = unit.version
        return _render_unit(request, unit, membership, form=form, status=409)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_unit(request, unit, membership, form=form, status=400)
    messages.success(request, _("Saved."))
    return redirect("accounts:unit-detail", office_slug, unit_id)


@login_required
@require_POST
def unit_merge(request, office_slug, unit_id):
    unit, membership = _get_unit_for_admin(request, office_slug, unit_id)
    form = UnitMergeForm(request.POST, unit=unit)
    if not form.is_valid():
        return _render_unit(request, unit, membership, merge_form=form, status=400)
    into = form.cleaned_data["into"]
    try:
        services.unit_merge(unit=unit, into=into, membership=membership)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("accounts:unit-detail", office_slug, unit_id)
    messages.success(request, _("%(unit)s was merged into %(into)s.") % {"unit": unit.name, "into": into.name})
    return redirect("accounts:unit-detail", office_slug, into.pk)


@login_required
@require_POST
def unit_delete(request, office_slug, unit_id):
    unit, membership = _get_unit_for_admin(request, office_slug, unit_id)
    try:
        services.unit_delete(unit=unit, membership=membership)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("accounts:unit-detail", office_slug, unit_id)
    messages.success(request, _("The unit %(unit)s was removed.") % {"unit": unit.name})
    return redirect("accounts:unit-list", office_slug)


# --- the office log -------------------------------------------------------------------------


@login_required
def office_log(request, office_slug):
    """The office's audit events, read-only, filtered by person, kind and date."""
    membership = get_membership_or_404(request, office_slug, roles=ADMIN)
    office = membership.office
    form = AuditFilterForm(request.GET or None, office=office)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"actor": data["actor"], "action": data["action"], "start": data["start"], "end": data["end"]}
    page = Paginator(selectors.office_events(office, **filters), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"office": office, "membership": membership, "form": form, "page": page, "query": query.urlencode()}
    return render(request, "accounts/office_log.html", context)


# --- the staff list -------------------------------------------------------------------------


def _get_staff_member_for_admin(
    request: HttpRequest, office_slug: str, staff_id: int
) -> tuple[StaffMember, Membership]:
    membership = get_membership_or_404(request, office_slug, roles=ADMIN)
    entry = get_object_or_404(
        StaffMember.objects.select_related("office", "unit", "user"), pk=staff_id, office=membership.office
    )
    return entry, membership


@login_required
def roster_list(request, office_slug):
    """The office's staff list, with or without accounts: the IIT population."""
    membership = get_membership_or_404(request, office_slug, roles=ADMIN)
    office = membership.office
    form = StaffMemberForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in roster.FIELDS}
        try:
            entry = roster.staff_member_create(office=office, membership=membership, **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s was added to the staff list.") % {"name": entry.full_name})
            return redirect("accounts:roster", office_slug)
    entries = list(StaffMember.objects.filter(office=office).select_related("unit", "user"))
    context = {
        "office": office,
        "membership": membership,
        "form": form,
        "active": [entry for entry in entries if entry.is_active],
        "inactive": [entry for entry in entries if not entry.is_active],
    }
    return render(request, "accounts/roster_list.html", context, status=400 if form.errors else 200)


@login_required
def roster_detail(request, office_slug, staff_id):
    """Correct a person's name, position or unit; take them off the list or back."""
    entry, membership = _get_staff_member_for_admin(request, office_slug, staff_id)
    form = StaffMemberForm(
        request.POST or None, instance=entry, office=entry.office, initial={"version": entry.version}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in roster.FIELDS}
        try:
            roster.staff_member_update(
                staff_member=entry, membership=membership, expected_version=form.cleaned_data["version"], **values
            )
        except StaleVersionError as exc:
            form.add_error(None, exc)
            status = 409  # the typed values stay in the form
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The staff list entry was saved."))
            return redirect("accounts:roster", office_slug)
    if form.is_bound:
        entry.refresh_from_db()  # the form's validation changed the instance in memory only
    context = {"office": entry.office, "membership": membership, "entry": entry, "form": form}
    if form.errors and status == 200:
        status = 400
    return render(request, "accounts/roster_detail.html", context, status=status)


@login_required
@require_POST
def roster_deactivate(request, office_slug, staff_id):
    entry, membership = _get_staff_member_for_admin(request, office_slug, staff_id)
    form = VersionForm(request.POST)
    try:
        roster.staff_member_deactivate(
            staff_member=entry,
            membership=membership,
            expected_version=form.cleaned_data["version"] if form.is_valid() else None,
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _("%(name)s is off the staff list; their confirmations stay.") % {"name": entry.full_name},
        )
    return redirect("accounts:roster", office_slug)


@login_required
@require_POST
def roster_reactivate(request, office_slug, staff_id):
    entry, membership = _get_staff_member_for_admin(request, office_slug, staff_id)
    form = VersionForm(request.POST)
    try:
        roster.staff_member_reactivate(
            staff_member=entry,
            membership=membership,
            expected_version=form.cleaned_data["version"] if form.is_valid() else None,
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("%(name)s is back on the staff list.") % {"name": entry.full_name})
    return redirect("accounts:roster", office_slug)
