"""The site's stylesheet in a real Chromium: disabled buttons look disabled, and long German headings are
hyphenated in the page's language instead of broken anywhere inside a word."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

STYLE = """(selector) => {
  const element = document.querySelector(selector);
  const style = getComputedStyle(element);
  return {cursor: style.cursor, opacity: parseFloat(style.opacity), background: style.backgroundColor,
          hyphens: style.hyphens || style.webkitHyphens, lang: element.closest("[lang]").getAttribute("lang")};
}"""


def test_disabled_buttons_look_disabled(live_server, page):
    page.goto(live_server.url + "/")
    # Buttons as the pages write them: enabled, disabled, and links marked aria-disabled, in each variant.
    page.evaluate("""() => {
      const box = document.createElement("div");
      box.innerHTML = '<button id="on" class="button" type="button">On</button>'
        + '<button id="off" class="button" type="button" disabled>Off</button>'
        + '<button id="off-secondary" class="button button--secondary" type="button" disabled>Off</button>'
        + '<button id="off-quiet" class="button button--quiet button--small" type="button" disabled>Off</button>'
        + '<a id="off-link" class="button" aria-disabled="true">Off</a>'
        + '<button id="off-plain" type="submit" disabled>Off</button>';
      document.querySelector("main").prepend(box);
    }""")
    enabled = page.evaluate(STYLE, "#on")
    assert enabled["cursor"] == "pointer" and enabled["opacity"] == 1
    for selector in ("#off", "#off-secondary", "#off-quiet", "#off-link", "#off-plain"):
        disabled = page.evaluate(STYLE, selector)
        assert disabled["cursor"] == "not-allowed", (selector, disabled)
        assert disabled["opacity"] <= 0.6, (selector, disabled)
    assert page.evaluate(STYLE, "#off")["background"] != enabled["background"]
    # Hovering a disabled button does not light it up as if it could be pressed.
    before = page.evaluate(STYLE, "#off")["background"]
    page.hover("#off", force=True)
    assert page.evaluate(STYLE, "#off")["background"] == before


@pytest.mark.parametrize("width", [1280, 360])
def test_the_german_landing_heading_is_hyphenated_in_german(browser, live_server, width):
    context = browser.new_context(locale="de-CH", viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        heading = page.evaluate(STYLE, "h1")
        assert heading["lang"] == "de"
        assert heading["hyphens"] == "auto", heading
    finally:
        context.close()
