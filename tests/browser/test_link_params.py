"""Hostile values in ?view=, ?date= and ?since=, opened in Chromium: each notice shows the value as
text, and nothing in it renders as a link, an image, bold or italic text, or runs; no request
leaves 127.0.0.1 (the `open_page` watch fails the test on any, e.g. the Markdown image's fetch).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.browser.dashboard import WAIT_MS, Dashboard

pytestmark = pytest.mark.browser

ALERTS = "[data-testid=stAlertContainer]"
# Elements a payload would create inside a notice if it were interpreted instead of shown.
RENDERED_JS = """
(selector) => [...document.querySelectorAll(selector)].flatMap((alert) =>
  [...alert.querySelectorAll('a, img, strong, em, b, i, script, iframe, [onerror], [href]')]
    .map((e) => e.outerHTML.slice(0, 120)))
"""
LINKS = [
    pytest.param(
        {"view": "[x](http://evil.example/view)", "date": "![x](http://evil.example/date.png)",
         "since": "**bold** <img src=x onerror=window.__pwned=1>"},
        id="link-image-bold-html",
    ),
    pytest.param(
        {"view": "<img src=http://evil.example/v.png onerror=window.__pwned=1>", "date": "**bold** _it_",
         "since": "![x](http://evil.example/since.png) [y](javascript:window.__pwned=1)"},
        id="html-emphasis-image-link",
    ),
]  # fmt: skip


@pytest.mark.parametrize("query", LINKS)
def test_link_values_are_shown_as_text_and_load_nothing(app_server, open_page, query):
    page, watch = open_page()
    page.goto(app_server.url + "?" + urlencode(query))
    board = Dashboard(page)
    page.wait_for_selector("iframe[src*='st_folium']", timeout=WAIT_MS)
    board.wait_idle()
    alerts = page.locator(ALERTS)
    texts = alerts.all_inner_texts()
    assert len(texts) == 3, f"one notice per bad parameter, got {texts}"
    for name, value in query.items():
        (index,) = [i for i, text in enumerate(texts) if f"?{name}=" in text]
        shown = alerts.nth(index).locator("code").all_text_contents()
        assert value in shown, f"the ?{name}= notice should show the value as typed: {texts[index]}"
    assert page.evaluate(RENDERED_JS, ALERTS) == [], "a link value became markup"
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert board.error_boxes() == []
    watch.assert_offline()
