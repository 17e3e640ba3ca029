import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Membership, Role
from accounts.permissions import get_membership_or_404
from core.views import error_messages
from notifications import kinds, services
from notifications.delivery.email import absolute_url, unsubscribe_read
from notifications.delivery.line import signature_is_valid
from notifications.forms import CHANNELS, LineChannelForm, OutboxFilterForm, PreferencesForm
from notifications.models import Channel, LineChannel, LineLink, Notification


def _get_notification_for_user(request, pk) -> Notification:
    if not str(pk or "").isdigit():
        raise Http404("No such notification.")
    return get_object_or_404(services.inbox(request.user), pk=pk)


# --- a person's own notifications -------------------------------------------------------------


@login_required
def notification_list(request):
    page = Paginator(services.inbox(request.user).select_related("office"), 30).get_page(request.GET.get("page"))
    context = {"page": page, "unread": services.unread_count(request.user)}
    return render(request, "notifications/notification_list.html", context)


@login_required
@require_GET
@never_cache
def bell(request):
    """The unread count in the navigation bar (fetched by htmx on every page)."""
    return render(request, "notifications/includes/bell_count.html", {"unread": services.unread_count(request.user)})


@login_required
@require_POST
def notification_open(request):
    """Mark the notification read and go to what it is about (or back to the list)."""
    notification = _get_notification_for_user(request, request.POST.get("id"))
    services.notification_mark_read(notification=notification, user=request.user)
    target = notification.url
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if request.POST.get("stay") or not target or not allowed:
        return redirect("notifications:list")
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Which channels bring each kind of event, the quiet hours, and how the person is reached."""
    user = request.user
    chosen = {kind.code: services.chosen_channels([user], kind)[user.pk] for kind in kinds.choosable()}
    initial = PreferencesForm.initial_for(chosen, services.quiet_hours_chosen(user))
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preferences_update(
            user=user, choices=form.choices(), line_quiet_hours=form.cleaned_data["line_quiet_hours"]
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    rows = [
        {
            "kind": kind,
            "label": kind.label_for(),
            "audience": kind.audience_for(),
            "fields": [form[PreferencesForm.field_name(kind.code, channel)] for channel in CHANNELS],
        }
        for kind in kinds.choosable()
    ]
    memberships = list(Membership.objects.filter(user=user).select_related("office"))
    links = dict(LineLink.objects.filter(user=user).values_list("office_id", "status"))
    connected = set(
        LineChannel.objects.filter(office__in=[m.office for m in memberships]).values_list("office_id", flat=True)
    )
    offices = [
        {"office": m.office, "line": links.get(m.office_id, ""), "connected": m.office_id in connected}
        for m in memberships
    ]
    context = {"form": form, "rows": rows, "channels": [Channel(c) for c in CHANNELS], "offices": offices}
    return render(request, "notifications/preferences.html", context)


@csrf_exempt  # the signed token is the authority: mail clients post here without a session (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request):
    """Turn one kind of e-mail off from the link in a message. GET asks to confirm, so that a
    mail scanner following links changes nothing; POST (the button, or a mail client's
    one-click List-Unsubscribe-Post) turns it off."""
    token = request.POST.get("token") or request.GET.get("token", "")
    found = unsubscribe_read(token)
    if found is None:
        raise Http404("Not a link this site made.")
    user = get_object_or_404(get_user_model(), pk=found[0], is_active=True)
    kind = kinds.get(found[1])
    context = {"token": token, "label": kind.label_for(), "person": user, "done": False}
    if request.method == "POST":
        services.preference_channel_off(user=user, event=kind.code, channel=Channel.EMAIL)
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)


# --- the office's administrators --------------------------------------------------------------


@login_required
def outbox(request, office_slug):
    """The office's messages, with filters, and how many were sent and failed each day."""
    membership = get_membership_or_404(request, office_slug, roles=[Role.ADMIN])
    office = membership.office
    rows = Notification.objects.filter(office=office).select_related("recipient")
    form = OutboxFilterForm(request.GET or None)
    if form.is_valid():
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["channel"]:
            rows = rows.filter(channel=form.cleaned_data["channel"])
    totals = {
        status: Notification.objects.filter(office=office, status=status).count()
        for status in (Notification.Status.PENDING, Notification.Status.FAILED)
    }
    context = {
        "office": office,
        "membership": membership,
        "form": form,
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "counts": services.outbox_counts(office),
        "totals": totals,
        "query": request.GET.copy().urlencode() if request.GET else "",
    }
    return render(request, "notifications/outbox.html", context)


@login_required
def reach(request, office_slug):
    """Who can be reached by what: e-mail address, LINE link, quiet hours."""
    membership = get_membership_or_404(request, office_slug, roles=[Role.ADMIN])
    office = membership.office
    context = {
        "office": office,
        "membership": membership,
        "people": services.reachability(office),
        "connected": LineChannel.objects.filter(office=office).exists(),
    }
    return render(request, "notifications/reach.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def line_settings(request, office_slug):
    membership = get_membership_or_404(request, office_slug, roles=[Role.ADMIN])
    office = membership.office
    channel = LineChannel.objects.filter(office=office).first()
    form = LineChannelForm(request.POST or None, initial={"basic_id": channel.basic_id if channel else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.line_channel_save(office=office, membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The LINE Official Account is saved. Press “Send a test message” to check it."))
            return redirect("notifications:line-settings", office.slug)
    webhook = absolute_url(reverse("notifications:line-webhook", args=[office.slug]))
    context = {"office": office, "membership": membership, "form": form, "channel": channel, "webhook": webhook}
    return render(request, "notifications/line_settings.html", context)


@login_required
@require_POST
def line_test(request, office_slug):
    membership = get_membership_or_404(request, office_slug, roles=[Role.ADMIN])
    try:
        messages.success(request, services.line_channel_test(office=membership.office, membership=membership))
    except ValidationError as exc:
        error_messages(request, exc)
    return redirect("notifications:line-settings", office_slug)


@login_required
@require_POST
def line_disconnect(request, office_slug):
    membership = get_membership_or_404(request, office_slug, roles=[Role.ADMIN])
    services.line_channel_disconnect(office=membership.office, membership=membership)
    messages.success(request, _("The LINE Official Account is disconnected."))
    return redirect("notifications:line-settings", office_slug)


# --- a person's LINE link ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def line_link(request, office_slug):
    """Link one's LINE to the office's account: GET shows the state, POST gives a new code."""
    membership = get_membership_or_404(request, office_slug)
    office = membership.office
    if request.method == "POST":
        try:
            services.line_link_code_create(office=office, membership=membership)
        except ValidationError as exc:
            error_messages(request, exc)
        return redirect("notifications:line-link", office.slug)
    context = {
        "office": office,
        "membership": membership,
        "channel": LineChannel.objects.filter(office=office).first(),
        "link": LineLink.objects.filter(office=office, user=request.user).first(),
    }
    return render(request, "notifications/line_link.html", context)


@login_required
@require_POST
def line_unlink(request, office_slug):
    membership = get_membership_or_404(request, office_slug)
    services.line_unlink(office=membership.office, membership=membership)
    messages.success(request, _("Your LINE is unlinked from this office."))
    return redirect("notifications:line-link", office_slug)


@csrf_exempt  # LINE signs the body instead
@require_POST
def line_webhook(request, office_slug):
    """Events from the office's LINE Official Account. The body must carry LINE's signature
    (X-Line-Signature, HMAC-SHA256 with the channel secret): unsigned is 400, wrongly signed 403,
    and neither changes anything."""
    channel = get_object_or_404(LineChannel.objects.select_related("office"), office__slug=office_slug)
    signature = request.headers.get("X-Line-Signature", "")
    if not signature:
        return HttpResponseBadRequest("Missing signature")
    if not signature_is_valid(channel_secret=channel.channel_secret, body=request.body, signature=signature):
        return HttpResponseForbidden("Bad signature")
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest("Not JSON")
    events = payload.get("events", []) if isinstance(payload, dict) else []
    services.line_webhook_handle(channel=channel, events=events)
    return HttpResponse("OK")
