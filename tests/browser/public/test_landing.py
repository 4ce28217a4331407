"""A real Chromium loads the landing page and switches the language."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_landing_page_loads_and_switches_language(live_server, page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text().strip() == "Reverse mentoring across organisations"
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().strip() == "Le mentorat inversé entre organisations"
    assert page.locator("html").get_attribute("lang") == "fr"

    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().strip() == "Reverse Mentoring über Organisationsgrenzen hinweg"

    assert requested and all(url.startswith(live_server.url) for url in requested), requested
    assert errors == [], errors  # e.g. a CSP violation would show here


def test_landing_page_is_usable_on_a_phone(live_server, browser):
    context = browser.new_context(locale="de-CH", viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        assert page.locator("h1").inner_text().strip() == "Reverse Mentoring über Organisationsgrenzen hinweg"
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, "no horizontal scrolling on a 360px screen"
    finally:
        context.close()
