"""Promises about the project as a whole: migrations, translations, the demo."""

import io
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

from accounts.models import Membership, Office, Role, User
from ita.models import Assessment

ROOT = Path(__file__).resolve().parent.parent
THAI_CATALOGUE = ROOT / "locale" / "th" / "LC_MESSAGES" / "django.po"


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


def test_the_thai_catalogue_is_complete():
    catalogue = polib.pofile(str(THAI_CATALOGUE))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue if "fuzzy" in e.flags] == []


def test_the_compiled_catalogue_matches_the_source():
    source = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(THAI_CATALOGUE))}
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(THAI_CATALOGUE.with_suffix(".mo")))
    }
    assert {key: value for key, value in source.items() if key[1]} == {k: v for k, v in compiled.items() if k[1]}


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_every_string_in_the_code_is_in_the_catalogue(settings, tmp_path, monkeypatch):
    # makemessages writes into the locale folder beside the sources, so it runs on a copy.
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".*", "media", "static", "staticfiles", "tests", "*.pyc", "*.sqlite3")
    )
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [copy / "locale"]
    call_command("makemessages", locale=["th"], verbosity=0)
    fresh = polib.pofile(str(copy / "locale" / "th" / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in fresh.untranslated_entries()] == []
    assert [e.msgid for e in fresh if "fuzzy" in e.flags] == []


@pytest.mark.django_db
def test_the_demo_office_is_seeded_once(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())
    office = Office.objects.get(slug="spm-chanthaburi-trat")
    assert office.short_name == "สพม.จันทบุรี ตราด"
    assert sorted(Membership.objects.filter(office=office).values_list("role", flat=True)) == sorted(Role.values)
    assert sorted(Assessment.objects.filter(office=office).values_list("fiscal_year", flat=True)) == [2565, 2566]
    assert office.assessments.get(fiscal_year=2566).oit_items.count() == 43
    assert "demo-admin" in out.getvalue()
    assert User.objects.get(username="demo-admin").check_password("demo-ita-2566")


@pytest.mark.django_db
def test_the_demo_prints_no_password_outside_debug(settings):
    settings.DEBUG = False
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "demo-ita-2566" not in out.getvalue()
    assert not User.objects.get(username="demo-admin").has_usable_password()


def test_every_model_has_an_admin():
    from django.apps import apps
    from django.contrib import admin

    ours = [m for m in apps.get_models() if m._meta.app_label in {"accounts", "ita", "oit", "spdca", "reports"}]
    assert [m.__name__ for m in ours if not admin.site.is_registered(m)] == []
