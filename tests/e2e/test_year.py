"""The year in a real browser: Debian's Chromium, driven by Playwright, against a live server.

The server is a separate process on a database of its own (a SQLite file with the frameworks and
the demo office, FY 2565 only), so the browser sees exactly what a user would. Reports render in
the request (no broker), which is the laptop set-up. A screenshot of each step goes to
`test-artifacts/e2e/` (CI keeps it as an artifact).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import unavailable
from tests.helpers import live_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", ROOT / "test-artifacts" / "e2e"))
OFFICE = "spm-chanthaburi-trat"
PASSWORD = "demo-ita-2566"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]

pytestmark = pytest.mark.e2e


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    unavailable("Chromium is not installed: apt-get install chromium")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A live server on its own database, reachable at the returned base URL."""
    chromium_path()
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # only this run's screenshots, none from an earlier one
    folder = tmp_path_factory.mktemp("e2e")
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "CI")} | {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{folder / 'e2e.sqlite3'}",
        "DJANGO_PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }

    def manage(*args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)

    manage("migrate", "--noinput")
    manage("load_framework", *sorted(str(p) for p in (ROOT / "ita" / "framework").glob("*.yaml")))
    manage("seed_demo", "--open", "2565")
    with live_server(env, folder / "server.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Person:
    """One signed-in user in a browser context of their own."""

    def __init__(self, browser, base: str, username: str):
        self.base = base
        self.context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.console_errors = watch_console(self.page)
        self.page.goto(base + "/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, f"{username} could not sign in"

    def go(self, path: str):
        response = self.page.goto(self.base + path)
        assert response.status == 200, f"{path}: {response.status}"
        return self.page

    def post(self, form_action: str, button: str = "button[type=submit]"):
        """Submit the form whose action ends with `form_action` and wait for the next page."""
        with self.page.expect_navigation():
            self.page.click(f'form[action$="{form_action}"] {button}')
        return self.page


def watch_console(page) -> list[str]:
    """The page's console errors as they come: CSP violations and script errors end up here."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.text} {m.location.get('url', '')}") if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def choose(page, select: str, text: str) -> None:
    """Select the option of `select` whose label contains `text`."""
    page.select_option(select, page.locator(f"{select} option", has_text=text).first.get_attribute("value"))


def shot(page, step: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{step}.png"), full_page=True)


def test_the_year_with_the_three_roles(server, browser):
    people = {name: Person(browser, server, f"demo-{name}") for name in ("admin", "staff", "committee")}
    try:
        the_year(server, browser, **people)
        for name, person in people.items():  # e.g. something the Content-Security-Policy blocked
            assert person.console_errors == [], (name, person.console_errors)
    except Exception:
        for name, person in people.items():  # where each of them was when it went wrong
            shot(person.page, f"failed-{name}")
        raise


def the_year(server, browser, admin, staff, committee) -> None:
    year = f"/office/{OFFICE}/2566"
    item = f"{year}/items/O1/"

    # The admin opens FY 2566 and assigns O1 to the staff member's unit.
    page = admin.go(f"/office/{OFFICE}/assessments/new/")
    choose(page, "#id_framework", "2566")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    shot(page, "01-admin-opened-2566")
    page = admin.go(f"{year}/items/assign/?item=O1")
    choose(page, "#id_unit", "กลุ่มอำนวยการ")
    choose(page, "#id_assignees", "วิไล")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    shot(page, "02-admin-assigned-O1")
    assert "กลุ่มอำนวยการ" in page.content()

    # Staff add a link and submit.
    page = staff.go(item)
    page.fill("#evidence_url", "https://demo.example/ita/2566/O1")
    page.fill("#evidence_title", "โครงสร้างหน่วยงาน")
    page.fill("#evidence_document_date", "2023-03-01")
    staff.post("/evidence/")
    page.fill('form[action$="/submit/"] textarea[name=reason]', "แผนผังตามมาในรอบหน้า")
    staff.post("/submit/")
    shot(page, "03-staff-submitted")
    assert page.locator(".badge.status-submitted").count() >= 1

    # The committee returns it with a reason.
    page = committee.go(item)
    page.fill('form[action$="/return/"] textarea[name=note]', "ขาดแผนผังโครงสร้างของกลุ่มงาน")
    committee.post("/return/")
    shot(page, "04-committee-returned")

    # Staff see the reason, fix the item and submit again.
    page = staff.go(item)
    assert "ขาดแผนผังโครงสร้างของกลุ่มงาน" in page.content()
    page.fill("#evidence_url", "https://demo.example/ita/2566/O1-chart")
    page.fill("#evidence_title", "แผนผังโครงสร้างของกลุ่มงาน")
    page.fill("#evidence_document_date", "2023-03-05")
    staff.post("/evidence/")
    page.fill('form[action$="/submit/"] textarea[name=reason]', "ครบตามที่คณะกรรมการขอ")
    staff.post("/submit/")
    shot(page, "05-staff-resubmitted")

    # The committee approves; the admin publishes.
    page = committee.go(item)
    page.fill('form[action$="/approve/"] textarea[name=reason]', "ตรวจจากหน้าเว็บไซต์แล้ว")
    page = committee.post("/approve/")
    shot(page, "06-committee-approved")
    admin.go(item)
    page = admin.post("/publish/")
    shot(page, "07-admin-published")
    assert page.locator(".badge.status-published").count() >= 1

    # Anyone sees the item on the office's public page.
    visitor = browser.new_context(locale="th-TH").new_page()
    visitor_errors = watch_console(visitor)
    response = visitor.goto(f"{server}/{OFFICE}/ita/2566/O1/")
    assert response.status == 200
    assert "แผนผังโครงสร้างของกลุ่มงาน" in visitor.content()
    shot(visitor, "08-public-item")

    # Staff confirm their IIT from the respondents page.
    page = staff.go(f"{year}/respondents/")
    staff.post("/iit/confirm/")
    shot(page, "09-staff-confirmed-iit")
    assert "✔" in page.content()

    # The admin generates the annual report, waits on its page and downloads the PDF.
    page = admin.go(f"{year}/reports/")
    with page.expect_navigation():
        page.click('form[action$="/reports/new/"]:has(input[value=annual]) button')
    page.wait_for_selector("a[href$='/download/']")
    shot(page, "10-admin-report-ready")
    with page.expect_download() as download:
        page.click("a[href$='/download/']")
    path = download.value.path()
    assert Path(path).read_bytes()[:5] == b"%PDF-"
    shutil.copy(path, ARTIFACTS / "annual-report.pdf")

    # ...publishes it, and the public page links it.
    page.click('form[action$="/publish/"] button')
    page.wait_for_load_state()
    visitor.goto(f"{server}/{OFFICE}/ita/2566/")
    link = visitor.locator("a[href*='/reports/']").first
    shot(visitor, "11-public-page-with-report")
    response = visitor.request.get(server + link.get_attribute("href"))
    assert response.status == 200 and response.body()[:5] == b"%PDF-"
    assert visitor_errors == []
