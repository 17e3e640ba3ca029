"""CSRF, login throttling, security headers and CSP, hostile uploads, the admin site and the
read-only activity logs."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from ita.services.assessments import assessment_open
from oit.models import EvidenceRevision, ItemEvent
from tests.factories import UserFactory
from tests.oit.publishing import get_item, make_team, prepare
from tests.security.urls import named_routes

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PASSWORD = "ยาวพอและเดายาก-2566"


@pytest.fixture
def o1(framework_2566):
    team = make_team()
    assessment = assessment_open(office=team.admin.office, framework=framework_2566, user=team.admin.user)
    return prepare(get_item(assessment, "O1"), team), team


# --- CSRF ------------------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused(o1):
    item, team = o1
    client = Client(enforce_csrf_checks=True)
    client.force_login(team.staff.user)
    url = reverse("oit:item-comment", args=[item.assessment.office.slug, 2566, "O1"])
    assert client.post(url, {"text": "ปลอม"}).status_code == 403
    assert not ItemEvent.objects.filter(item=item, kind="commented").exists()
    page = client.get(item.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(url, {"text": "จริง", "csrfmiddlewaretoken": token}).status_code == 302
    assert ItemEvent.objects.filter(item=item, kind="commented").count() == 1


# --- login throttling ------------------------------------------------------------------------


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_repeated_wrong_passwords_lock_the_name_for_a_while(client, settings):
    user = UserFactory(username="somsri")
    user.set_password(PASSWORD)
    user.save()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "somsri", "ผิด").status_code == 200  # the form again, with its message
    locked = login(client, "somsri", "ผิด")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert login(client, "somsri", PASSWORD).status_code == 429  # even the right password, for now
    other = UserFactory(username="wilai")
    other.set_password(PASSWORD)
    other.save()
    assert login(client, "wilai", PASSWORD).status_code == 302  # others from the same address still sign in


def test_behind_a_proxy_each_client_is_counted_on_its_own(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory(username="somsri")
    user.set_password(PASSWORD)
    user.save()

    def login_from(address, password):
        return client.post(
            reverse("accounts:login"),
            {"username": "somsri", "password": password},
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=address,  # the proxy adds the client
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_from("203.0.113.7", "ผิด")
    assert login_from("203.0.113.7", PASSWORD).status_code == 429
    assert login_from("1.2.3.4, 203.0.113.7", PASSWORD).status_code == 429  # a made-up hop changes nothing
    assert login_from("198.51.100.4", PASSWORD).status_code == 302  # not everyone behind the proxy


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.9"),
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.5", "1.2.3.4"),
        (2, "1.2.3.4", "10.0.0.9"),
    ],
)
def test_the_client_address_is_read_past_the_trusted_proxies_only(rf, settings, proxies, forwarded, expected):
    from core.http import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)) == expected


def test_a_right_password_resets_the_count(client, settings):
    user = UserFactory(username="prasert")
    user.set_password(PASSWORD)
    user.save()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "prasert", "ผิด")
    assert login(client, "prasert", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "prasert", "ผิด").status_code == 200


# --- headers and the Content-Security-Policy -------------------------------------------------


def test_pages_carry_the_security_headers_and_a_strict_csp(client, o1):
    item, team = o1
    client.force_login(team.staff.user)
    response = client.get(item.get_absolute_url())
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_template_served_to_browsers_has_inline_script_style_or_handlers():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.relative_to(TEMPLATES).parts[0] == "pdf":
            continue  # PDF layouts go to WeasyPrint, never to a browser
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if inline.search(line):
                offenders.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}")
    assert offenders == []


# --- hostile uploads -------------------------------------------------------------------------

HOSTILE = [
    ("รายงาน.pdf", b"<html><script>alert(document.cookie)</script></html>", "application/pdf"),
    ("ภาพ.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png"),
    ("ภาพ.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"),
    ("คำสั่ง.pdf", b"#!/bin/sh\nrm -rf /\n", "application/pdf"),
    ("page.html", b"<html></html>", "text/html"),
    ("../../../etc/passwd.pdf", b"root:x:0:0:root:/root:/bin/bash\n", "application/pdf"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), HOSTILE)
def test_hostile_uploads_are_refused_and_nothing_is_stored(client, o1, settings, name, content, content_type):
    item, team = o1
    client.force_login(team.staff.user)
    url = reverse("oit:evidence-add", args=[item.assessment.office.slug, 2566, "O1"])
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = client.post(url, {"file": upload, "title": "x", "document_date": "2023-01-15"})
    assert response.status_code == 400
    assert not EvidenceRevision.objects.filter(evidence__item=item).exists()
    assert not list(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.*"))


def test_an_oversized_upload_is_refused(client, o1, settings):
    item, team = o1
    settings.OIT_UPLOAD_MAX_BYTES = 1024
    client.force_login(team.staff.user)
    url = reverse("oit:evidence-add", args=[item.assessment.office.slug, 2566, "O1"])
    upload = SimpleUploadedFile("ใหญ่.pdf", b"%PDF-1.4\n" + b"0" * 2048, content_type="application/pdf")
    assert client.post(url, {"file": upload, "title": "x", "document_date": "2023-01-15"}).status_code == 400
    assert not EvidenceRevision.objects.filter(evidence__item=item).exists()


def test_a_path_in_a_file_name_goes_nowhere(client, o1, settings):
    item, team = o1
    client.force_login(team.staff.user)
    url = reverse("oit:evidence-add", args=[item.assessment.office.slug, 2566, "O1"])
    upload = SimpleUploadedFile("../../../../tmp/คำสั่ง.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert client.post(url, {"file": upload, "title": "x", "document_date": "2023-01-15"}).status_code == 302
    revision = EvidenceRevision.objects.get(evidence__item=item)
    assert revision.original_name == "คำสั่ง.pdf"
    stored = Path(revision.file.path).resolve()
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert "คำสั่ง" not in stored.name  # stored under a random name


# --- the admin site and the logs -------------------------------------------------------------


def admin_urls() -> list[str]:
    """Every admin URL but its own login and logout (open by design), with made-up arguments."""
    values = {"object_id": "1", "app_label": "accounts", "content_type_id": "1", "id": "1"}
    urls = []
    for name, route in named_routes().items():
        if name.startswith("admin:") and name not in ("admin:login", "admin:logout"):
            arguments = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
            urls.append(reverse(name, kwargs={a or b: values[a or b] for a, b in arguments}))
    return urls


def test_the_admin_site_is_closed_to_every_office_role(client, o1):
    _item, team = o1
    urls = admin_urls()
    assert len(urls) > 100
    for member in (None, team.staff, team.committee, team.admin):
        client.logout()
        if member:
            client.force_login(member.user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response.url, (url, member)


@pytest.mark.parametrize("model", [AuditEvent, ItemEvent])
def test_the_logs_cannot_be_changed_or_deleted_in_the_admin(client, o1, model):
    item, team = o1
    if model is AuditEvent:
        event = AuditEvent.objects.create(office=team.admin.office, action="x", summary="เดิม")
    else:
        event = ItemEvent.objects.create(item=item, actor=team.admin.user, kind="commented", note="เดิม")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    info = (model._meta.app_label, model._meta.model_name)
    change = reverse("admin:{}_{}_change".format(*info), args=[event.pk])
    assert client.get(change).status_code == 200  # readable
    client.post(change, {"summary": "แก้", "note": "แก้"})
    assert client.post(reverse("admin:{}_{}_delete".format(*info), args=[event.pk]), {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert (getattr(event, "summary", None) or event.note) == "เดิม"
