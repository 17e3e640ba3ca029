"""The date picker in a real browser: Debian's Chromium, driven by Playwright, against a live server
(the same set-up as test_year.py). It picks a day with the mouse and with the keys, at desktop and
phone width, and checks that the field then holds the Buddhist-Era date a person would type."""

import re

import pytest

from tests.e2e.test_year import OFFICE, Person, browser, server, shot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.e2e

MEETING = f"/office/{OFFICE}/2565/cycle/s/"
BE_DATE = re.compile(r"\d{2}/\d{2}/25\d{2}")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_date_is_picked_from_the_calendar(server, browser, width):  # noqa: F811 (fixtures)
    admin = Person(browser, server, "demo-admin")
    try:
        page = admin.page
        page.set_viewport_size({"width": width, "height": 900})
        admin.go(MEETING)
        field = page.locator("#id_date")
        button = page.locator("#id_date + button[aria-haspopup=dialog]")
        assert button.get_attribute("aria-label") == "เลือกวันที่: วันที่"

        field.fill("10052565")  # a phone's number pad has no "/": the field writes it out on leaving
        field.press("Tab")
        assert field.input_value() == "10/05/2565"
        button.click()
        dialog = page.get_by_role("dialog")
        assert dialog.is_visible()
        assert "พฤษภาคม 2565" in dialog.inner_text()
        box = dialog.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width  # the whole calendar on screen
        shot(page, f"dates-picker-{width}")

        # The mouse: the next month's 15th.
        dialog.get_by_role("button", name="เดือนถัดไป").click()
        dialog.get_by_role("button", name="15 มิถุนายน 2565", exact=True).click()
        assert field.input_value() == "15/06/2565"
        assert not dialog.is_visible()

        # The keys: a day on, a week on, chosen with Enter; Escape closes and gives the button back.
        button.click()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        assert field.input_value() == "23/06/2565"
        button.click()
        page.keyboard.press("Escape")
        assert not dialog.is_visible() and button.get_attribute("aria-expanded") == "false"
        assert BE_DATE.fullmatch(field.input_value())

        # The picked date is saved and shown back in the Buddhist Era.
        page.fill("#id_place", "ห้องประชุม")
        admin.post("/cycle/s/meeting/")
        assert page.locator("#id_date").input_value() == "23/06/2565"
        shot(page, f"dates-saved-{width}")
        assert admin.console_errors == []
    except Exception:
        shot(admin.page, f"dates-failed-{width}")
        raise
    finally:
        admin.context.close()
