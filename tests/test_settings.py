"""Settings are read from the environment; each case runs Django in a fresh process."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = secrets.token_urlsafe(64)
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'], "
    "'db': str(s.DATABASES['default']['NAME']), 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'hosts': s.ALLOWED_HOSTS, 'language': s.LANGUAGE_CODE, "
    "'tz': s.TIME_ZONE, 'ssl_redirect': s.SECURE_SSL_REDIRECT}))"
)


def run(code_or_args, **env_vars):
    # A clean environment, so that neither the developer's shell nor a .env decides the result.
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.base", "DJANGO_DEBUG": "false"}
    env.update(env_vars)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def settings_with(**env_vars) -> dict:
    result = run(PRINT_SETTINGS, **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_refuses_to_start_without_a_secret_key():
    result = run(PRINT_SETTINGS, DJANGO_ALLOWED_HOSTS="ita.example.go.th")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key():
    result = run(PRINT_SETTINGS, DJANGO_SECRET_KEY="django-insecure-" + "x" * 60, DJANGO_ALLOWED_HOSTS="a.go.th")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_key_that_is_not_random():
    result = run(PRINT_SETTINGS, DJANGO_SECRET_KEY="k" * 64, DJANGO_ALLOWED_HOSTS="a.go.th")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run(PRINT_SETTINGS, DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_development_defaults_need_no_services():
    values = settings_with(DJANGO_DEBUG="true")
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["eager"] is True  # no broker: tasks run in-process
    assert values["language"] == "th"
    assert values["tz"] == "Asia/Bangkok"
    assert values["ssl_redirect"] is False


def test_services_come_from_the_environment():
    values = settings_with(
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="ita.example.go.th,www.example.go.th",
        DATABASE_URL="postgres://ita:secret@db:5432/ita_spdca",
        REDIS_URL="redis://redis:6379/0",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db"] == "ita_spdca"
    assert values["eager"] is False
    assert values["broker"] == "redis://redis:6379/0"
    assert values["hosts"] == ["ita.example.go.th", "www.example.go.th"]
    assert values["ssl_redirect"] is True


def test_deploy_check_is_clean_in_production_settings():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="ita.example.go.th",
        SITE_URL="https://ita.example.go.th",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_reports_would_link_to_no_public_address():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="ita.example.go.th",
    )
    assert result.returncode != 0
    assert "core.W001" in result.stderr


def test_site_url_defaults_to_runserver_only_when_debugging():
    print_site_url = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    assert run(print_site_url, DJANGO_DEBUG="true").stdout.strip() == "http://localhost:8000"
    assert run(print_site_url, DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="a.go.th").stdout.strip() == ""
