"""The briefing snapshot in headless Chromium: one 16:9 screen with no scrolling, and one printed page.

Each snapshot is written by `python -m geo.snapshot` as a user writes it and opened from its
file:// URL with every other request aborted and listed (the test fails on any). At 1920x1080 and
1366x768 the title, the as-of date, the map, the contributions and the key changes must lie wholly
inside the window with the page scrolled to the top, the map must have drawn its outlines, markers
and routes inside its box, and the page must not scroll sideways.

Printed (`page.pdf`, A4 landscape, as Chromium prints), the first screen must be page 1: pypdf reads
page 1's text and finds the date, every country of the contributions, every key change shown and the
source line, and none of the appendix; the appendix starts on page 2. With print media emulated,
the map is measured again for its print box (nothing drawn outside it) and the zoom buttons are
hidden.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pypdf
import pytest
from playwright.sync_api import Error as PlaywrightError

from geo.asof import CHANGE_NONE, changes_since, contributions, default_date, key_dates
from geo.records import load_dataset
from geo.snapshot import KEY_CHANGES_SHOWN
from tests.browser.conftest import FULL_HD, LAPTOP
from tests.test_snapshot import marked, routes, write_snapshot

pytestmark = pytest.mark.browser

DATASET = load_dataset()
DAYS = key_dates(DATASET)
LATEST = default_date(DATASET)
SCREENS = [pytest.param(FULL_HD, id="1920x1080"), pytest.param(LAPTOP, id="1366x768")]
# The first screen's parts that must be wholly visible without scrolling.
FIRST_SCREEN_PARTS = {
    "title": ".brief-head h1",
    "date": ".as-of",
    "map": ".map-box",
    "contributions": "section.contributions",
    "key changes": "section.key-changes",
    "source line": ".source-line",
}
SNAPSHOTS = [
    # the last day; the busiest day (more key changes than are listed); the most countries with few
    # changes; a since date (every record new); the polar view
    pytest.param(LATEST, "mercator", None, id="latest"),
    pytest.param(dt.date(2026, 1, 15), "mercator", None, id="2026-01-15-busiest"),
    pytest.param(dt.date(2026, 1, 20), "mercator", None, id="2026-01-20"),
    pytest.param(LATEST, "mercator", DAYS[0], id="latest-since-first-day"),
    pytest.param(dt.date(2026, 1, 18), "polar", None, id="2026-01-18-polar"),
]
PAGE_MARGIN_MM = 7  # the snapshot's @page margin
PRINTABLE_HEIGHT_PX = (210 - 2 * PAGE_MARGIN_MM) / 25.4 * 96  # A4 landscape less the margins, in CSS pixels


def briefing_view(as_of: dt.date, since: dt.date | None):
    """The view the snapshot shows, with `change` relative to `since` or the day before the last key date."""
    since = since or max(day for day in DAYS if day <= as_of) - dt.timedelta(days=1)
    return changes_since(DATASET, since, as_of)


def listed_changes(view):
    """The changed records in the first screen's order: contingents first, then the newest."""
    changed = view[view["change"] != CHANGE_NONE]
    order = changed.assign(_other=changed["kind"] != "deployment", _day=[-d.toordinal() for d in changed["date"]])
    return order.sort_values(["_other", "_day"], kind="stable")


class FileOnly:
    """Route handler: the snapshot's own file:// URL, data: and about: pass; everything else is aborted and listed."""

    def __init__(self, file_url: str):
        self.file_url = file_url
        self.attempted: list[str] = []

    def __call__(self, route) -> None:
        url = route.request.url
        if url == self.file_url or url.startswith(("data:", "about:")):
            route.continue_()
        else:
            self.attempted.append(url)
            route.abort()


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    """The snapshot files, written once per module: (as_of, view, since) -> path."""
    folder = tmp_path_factory.mktemp("briefing")
    made: dict[tuple, Path] = {}

    def snapshot(as_of: dt.date, view: str, since: dt.date | None) -> Path:
        key = (as_of, view, since)
        if key not in made:
            target = folder / f"{as_of}_{view}_{since}"
            target.mkdir()
            made[key] = write_snapshot(target, as_of, view, since)
        return made[key]

    return snapshot


@pytest.fixture
def open_snapshot(browser):
    """open_snapshot(path, viewport) -> page, from file:// with all network blocked; fails on any attempt."""
    opened: list[tuple] = []

    def open_snapshot(path: Path, viewport: dict):
        context = browser.new_context(viewport=viewport, service_workers="block")
        file_url = path.resolve().as_uri()
        guard = FileOnly(file_url)
        context.route("**/*", guard)
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(file_url, wait_until="load")
        opened.append((context, guard, requests, errors, file_url))
        return page

    yield open_snapshot
    for context, guard, requests, errors, file_url in opened:
        context.close()
        assert requests, "the watch saw no request at all: it is not wired to the page"
        assert not guard.attempted, f"the snapshot tried to fetch: {guard.attempted}"
        assert set(requests) <= {file_url}, f"requests besides the file: {sorted(set(requests) - {file_url})}"
        assert not errors, f"errors in the page: {errors}"


def wait_for_map(page, view) -> None:
    """Until the map has drawn its outlines and every marker and route of the view."""
    markers, route_count = len(marked(view)), routes(view)
    assert markers and route_count, "pick a day with markers and routes to check"
    try:
        page.wait_for_function(
            "([m, r]) => document.querySelectorAll('.map-box .leaflet-overlay-pane path').length > r"
            " && document.querySelectorAll('.map-box .asm-marker').length === m"
            " && document.querySelectorAll('.map-box path.asm-route').length === r",
            arg=[markers, route_count],
            timeout=15_000,
        )
    except PlaywrightError as error:
        pytest.fail(f"the map did not draw {markers} markers and {route_count} routes: {error}")
    page.wait_for_timeout(300)  # let the framing (a timeout after load) and any late fetch happen


DRAWN_OUTSIDE = """
() => {
  const box = document.querySelector('.map-box').getBoundingClientRect();
  const map = window.asmMap.getSize();
  const outside = [...document.querySelectorAll('.map-box .asm-marker')].filter(marker => {
    const r = marker.getBoundingClientRect();
    const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
    return x < box.left || x > box.right || y < box.top || y > box.bottom;
  }).map(marker => marker.getAttribute('aria-label'));
  return {outside, map: [map.x, map.y], box: [box.width, box.height]};
}
"""


def assert_drawn_inside_the_box(page) -> None:
    """Leaflet measured the box it is in (not a stale size) and every marker sits inside it."""
    drawn = page.evaluate(DRAWN_OUTSIDE)
    assert not drawn["outside"], f"markers drawn outside the map box: {drawn['outside']}"
    box_width, box_height = drawn["box"]
    assert abs(drawn["map"][0] - box_width) <= 3 and abs(drawn["map"][1] - box_height) <= 3, drawn


@pytest.mark.parametrize("viewport", SCREENS)
@pytest.mark.parametrize(("as_of", "view_name", "since"), SNAPSHOTS)
def test_first_screen_is_wholly_visible_without_scrolling(snapshots, open_snapshot, viewport, as_of, view_name, since):
    page = open_snapshot(snapshots(as_of, view_name, since), viewport)
    view = briefing_view(as_of, since)
    wait_for_map(page, view)
    assert page.evaluate("() => [window.scrollX, window.scrollY]") == [0, 0]
    width, height = viewport["width"], viewport["height"]
    for part, selector in FIRST_SCREEN_PARTS.items():
        box = page.locator(selector).bounding_box()
        assert box is not None, f"the {part} is not shown"
        assert box["x"] >= 0 and box["y"] >= 0, (part, box)
        assert box["x"] + box["width"] <= width + 0.5, f"the {part} runs off the right edge: {box}"
        assert box["y"] + box["height"] <= height + 0.5, f"the {part} runs below the first screen: {box}"
    # Nothing inside the first screen overflows its part (a clipped table or list would pass the boxes above).
    spilled = page.evaluate(
        "() => [...document.querySelectorAll('.first-screen *')].filter(e => !e.closest('.map-box'))"
        ".filter(e => e.getBoundingClientRect().bottom > window.innerHeight + 0.5"
        " || e.getBoundingClientRect().right > window.innerWidth + 0.5).map(e => e.outerHTML.slice(0, 80))"
    )
    assert not spilled, spilled
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    map_box = page.locator(".map-box").bounding_box()
    assert map_box["width"] >= 0.5 * width and map_box["height"] >= 0.6 * height, f"the map is not the hero: {map_box}"
    assert_drawn_inside_the_box(page)
    # What the reader sees: the date, every country's numbers ("not stated", never 0), the key changes.
    text = page.locator(".first-screen").inner_text()
    assert as_of.strftime("%A %d %B %Y") in text
    table = contributions(view).table
    assert page.locator("section.contributions tbody tr").count() == len(table)
    for index, country in enumerate(table["country"]):
        cells = page.locator("section.contributions tbody tr").nth(index).locator("td")
        assert cells.nth(0).inner_text().startswith(country)
        for column, state in enumerate(("announced", "under way", "on the ground", "left"), start=1):
            value = table.at[index, state]
            wanted = "—" if value is None else "not stated" if value is pd.NA else str(int(value))
            assert cells.nth(column).inner_text() == wanted, (country, state)
    changed = listed_changes(view)
    items = page.locator("section.key-changes li")
    assert items.count() == min(len(changed), KEY_CHANGES_SHOWN)
    for index, title in enumerate(changed["title"][:KEY_CHANGES_SHOWN]):
        assert " ".join(title.split()) in " ".join(items.nth(index).inner_text().split())
    assert page.locator(".appendix").bounding_box()["y"] >= height - 0.5, "the appendix shows on the first screen"


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text as `bare` text (PDF text extraction spaces words unevenly)."""
    return [bare(page.extract_text() or "") for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def bare(text: str) -> str:
    """The text with no whitespace and its ligatures undone (the PDF's fonts write "ﬁ" for "fi")."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize(("as_of", "view_name", "since"), SNAPSHOTS)
def test_first_screen_prints_as_one_landscape_page(snapshots, open_snapshot, as_of, view_name, since):
    page = open_snapshot(snapshots(as_of, view_name, since), LAPTOP)
    view = briefing_view(as_of, since)
    wait_for_map(page, view)

    page.emulate_media(media="print")  # what the print dialog does first: the print layout, then the map measured
    page.wait_for_function(MAP_MEASURED, timeout=5_000)
    page.wait_for_timeout(300)
    assert_drawn_inside_the_box(page)
    first = page.locator(".first-screen").bounding_box()
    assert first["height"] <= PRINTABLE_HEIGHT_PX, f"the first screen is taller than an A4 landscape page: {first}"
    spilled = page.evaluate(
        "() => { const end = document.querySelector('.first-screen').getBoundingClientRect().bottom;"
        " return [...document.querySelectorAll('.first-screen *')].filter(e => !e.closest('.map-box'))"
        ".filter(e => e.getBoundingClientRect().bottom > end + 0.5)"
        ".map(e => e.outerHTML.slice(0, 80)); }"
    )
    assert not spilled, f"the first page's content runs past it: {spilled}"  # the map box itself: the check above
    hidden = page.evaluate(
        "() => [...document.querySelectorAll('.leaflet-control-zoom')].map(e => getComputedStyle(e).display)"
    )
    assert hidden and set(hidden) == {"none"}, f"zoom buttons printed: {hidden}"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.asm-card')).breakInside") == "avoid"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.appendix')).breakBefore") == "page"
    assert page.evaluate("() => getComputedStyle(document.querySelector('table.data thead')).display") == (
        "table-header-group"
    )
    page.emulate_media(media="null")  # no emulation: page.pdf prints with print media ("screen" would print the screen)

    pdf = page.pdf(landscape=True, format="A4", print_background=True)
    pages = page_texts(pdf)
    assert len(pages) >= 2, f"{len(pages)} page(s): the appendix should follow the first page"
    one, two = pages[0], pages[1]
    assert bare(as_of.strftime("%A %d %B %Y")) in one
    assert bare("Contributions by country") in one and bare("Key changes") in one
    for country in contributions(view).table["country"]:
        assert bare(country) in one, f"{country} is not on page 1"
    changed = listed_changes(view)
    for title in changed["title"][:KEY_CHANGES_SHOWN]:
        assert bare(title) in one, f"key change {title!r} is not on page 1"
    assert bare("Data version") in one and bare("Generated") in one
    assert bare("Appendix:") not in one, "the appendix starts on the first page"
    assert two.startswith(bare("Appendix:")), f"page 2 does not open the appendix: {two[:80]!r}"


MAP_MEASURED = (
    "() => { const b = document.querySelector('.map-box').getBoundingClientRect(), s = window.asmMap.getSize();"
    " return Math.abs(b.width - s.x) <= 3 && Math.abs(b.height - s.y) <= 3; }"
)


def test_a_map_the_reader_zoomed_is_measured_again_for_print(snapshots, open_snapshot):
    """The framing gives way once the reader moves the map; printing must still give Leaflet the print box."""
    page = open_snapshot(snapshots(LATEST, "mercator", None), FULL_HD)
    wait_for_map(page, briefing_view(LATEST, None))
    zoom = page.evaluate("() => window.asmMap.getZoom()")
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_function("z => window.asmMap.getZoom() > z", arg=zoom, timeout=5_000)
    centre = page.evaluate("() => window.asmMap.getCenter()")
    page.emulate_media(media="print")
    try:
        page.wait_for_function(MAP_MEASURED, timeout=5_000)
    except PlaywrightError:
        pytest.fail(f"printed, the map keeps its screen size: {page.evaluate(DRAWN_OUTSIDE)}")
    after = page.evaluate("() => window.asmMap.getCenter()")
    assert abs(after["lat"] - centre["lat"]) < 0.5 and abs(after["lng"] - centre["lng"]) < 0.5, (
        "the reader's view moved"
    )
    page.emulate_media(media="null")
    page.wait_for_function(MAP_MEASURED, timeout=5_000)  # and back on the screen
