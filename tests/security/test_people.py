"""What the checks found about people and pages: the proxy count behind a TLS proxy, Thai pages
for a refused form and a bad request, and public files that no shared cache keeps once withdrawn."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from core.checks import check_proxy_count
from ita.services.assessments import assessment_open
from oit.services import item_unpublish
from tests.oit.publishing import make_team, published_item

ROOT = Path(__file__).resolve().parents[2]


def test_trusting_the_proxy_header_without_counting_the_proxy_is_warned(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0
    assert [w.id for w in check_proxy_count(None)] == ["core.W004"]
    settings.TRUSTED_PROXY_COUNT = 1
    assert check_proxy_count(None) == []
    del settings.SECURE_PROXY_SSL_HEADER
    settings.TRUSTED_PROXY_COUNT = 0
    assert check_proxy_count(None) == []


def test_the_example_settings_count_the_proxy_they_assume():
    values = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    assert values["DJANGO_SECURE_PROXY_SSL_HEADER"] == "true"
    assert int(values["AXES_PROXY_COUNT"]) == 1


@pytest.mark.django_db
def test_a_form_sent_without_its_token_gets_a_thai_page(staff_member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_member.user)
    response = client.post(reverse("accounts:profile"), {"first_name": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'lang="th"' in html and 'href="/static/css/app.css"' in html  # the site's own page, in Thai
    assert "CSRF verification failed" not in html


@pytest.mark.django_db
def test_a_bad_request_gets_a_thai_page(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "คำขอไม่ถูกต้อง" in response.content.decode()


# A streamed file's response ends its request, which closes the database connection and so the
# test's transaction on PostgreSQL: each test downloads only after its last query.
@pytest.mark.django_db
def test_a_public_file_is_revalidated_every_time(client, framework_2566):
    team = make_team()
    assessment = assessment_open(office=team.admin.office, framework=framework_2566, user=team.admin.user)
    item, revision, _link = published_item(assessment, team)
    url = reverse("public:file", args=[assessment.office.slug, 2566, item.code, revision.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache"  # never "max-age": a cache must ask first
    etag = response["ETag"]
    assert etag and response.has_header("Last-Modified")
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    response.close()


@pytest.mark.django_db
def test_a_withdrawn_public_file_is_gone_even_for_a_cache_that_asks(client, framework_2566):
    team = make_team()
    assessment = assessment_open(office=team.admin.office, framework=framework_2566, user=team.admin.user)
    item, revision, _link = published_item(assessment, team)
    url = reverse("public:file", args=[assessment.office.slug, 2566, item.code, revision.pk])
    etag = client.head(url)["ETag"]
    item.refresh_from_db()
    item_unpublish(item=item, membership=team.admin, reason="แก้ไข")
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404


@pytest.mark.django_db
def test_a_private_file_is_never_stored(client, framework_2566):
    team = make_team()
    assessment = assessment_open(office=team.admin.office, framework=framework_2566, user=team.admin.user)
    item, revision, _link = published_item(assessment, team)
    client.force_login(team.staff.user)
    url = reverse("oit:evidence-download", args=[assessment.office.slug, 2566, item.code, revision.pk])
    response = client.get(url)
    assert response["Cache-Control"] == "private, no-store" and not response.has_header("ETag")
