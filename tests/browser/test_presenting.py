"""The page as a presenter and an analyst use it, in a real Chromium (issue 9, parts 1, 3–6).

- One screen: the whole map, the as-of date, the step controls and the contribution totals, with no
  scrolling, at 1366x768 and 1920x1080, in the normal and the presentation layout; the map fills the
  window's height.
- The clicker keys step from the page's focus (not the slider's), Home and End jump, and the browser's
  Back and Forward restore exactly the view the address names.
- The event table, the timeline and the map share one selection.
- The map exports a PNG made on the machine, and copies the view's link.
"""

from __future__ import annotations

import datetime as dt
import struct

import pytest

from geo.asof import key_dates
from geo.features import drawn_record_ids
from tests.browser.conftest import FULL_HD, LAPTOP
from tests.browser.dashboard import Dashboard, expected_state

VIEWPORTS = [pytest.param(LAPTOP, id="1366x768"), pytest.param(FULL_HD, id="1920x1080")]
LAYOUTS = [pytest.param({}, id="normal"), pytest.param({"present": "1"}, id="presentation")]


@pytest.fixture(scope="module")
def days(dataset):
    return key_dates(dataset)


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not on the page"
    return found


def on_first_screen(locator, viewport: dict, what: str) -> None:
    found = box(locator)
    assert found["y"] >= 0 and found["y"] + found["height"] <= viewport["height"] + 0.5, (
        f"{what} spans y={found['y']:.0f}…{found['y'] + found['height']:.0f}: not inside the "
        f"{viewport['height']} px window"
    )
    assert found["x"] >= 0 and found["x"] + found["width"] <= viewport["width"] + 0.5, f"{what} is cut at the side"


def shown_date(page) -> dt.date:
    text = page.locator(".asm-asof").inner_text()
    return dt.datetime.strptime(text.split("As of ", 1)[1][:15], "%a %d %b %Y").date()


def wait_for_date(board: Dashboard, day: dt.date) -> None:
    board.page.wait_for_function(
        """(day) => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'
             && (document.querySelector('.asm-asof')?.textContent || '').includes(day)""",
        arg=day.strftime("%a %d %b %Y"),
        timeout=60_000,
    )


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_whole_map_the_date_the_controls_and_the_totals_fit_one_screen(
    app_server, open_page, viewport, layout, screenshots
):
    page, watch = open_page(viewport)
    board = Dashboard(page).open(app_server.url, date="2026-01-18", **layout)
    on_first_screen(board.map_iframe(), viewport, "the map")
    on_first_screen(page.locator(".asm-asof"), viewport, "the as-of date")
    for key in ("step-first", "step-previous", "step-next", "step-last"):
        on_first_screen(page.locator(f".st-key-{key} button").first, viewport, f"the {key} button")
    on_first_screen(page.locator("[data-testid=stSlider]"), viewport, "the date slider")
    on_first_screen(page.locator(".asm-totals"), viewport, "the contribution totals")
    on_first_screen(page.locator(".asm-timeline"), viewport, "the timeline")
    # The map takes the window's height below its top edge, and Leaflet draws all of its frame.
    frame = box(board.map_iframe())
    assert viewport["height"] - (frame["y"] + frame["height"]) < 40, "the map should reach the window's bottom"
    assert frame["height"] >= 0.5 * viewport["height"] - 60, f"the map is only {frame['height']:.0f} px high"
    size = board.map_frame().evaluate("() => [asmMap.getSize().x, asmMap.getSize().y]")
    assert abs(size[0] - frame["width"]) <= 2 and abs(size[1] - frame["height"]) <= 2, (size, frame)
    # The sidebar does not take the map's width on a laptop.
    assert page.locator("[data-testid=stSidebar]").get_attribute("aria-expanded") != "true"
    assert frame["width"] >= 0.5 * viewport["width"], f"the map is only {frame['width']:.0f} px wide"
    name = "presentation" if layout else "normal"
    page.screenshot(path=str(screenshots / f"first-screen-{name}-{viewport['width']}x{viewport['height']}.png"))
    watch.assert_no_faults()
    watch.assert_offline()


def test_the_map_height_follows_the_window(app_server, open_page):
    page, watch = open_page(LAPTOP)
    board = Dashboard(page).open(app_server.url, date="2026-01-18")
    small = box(board.map_iframe())["height"]
    page.set_viewport_size({"width": 1366, "height": 1000})
    page.wait_for_function(
        "(h) => document.querySelector('iframe[title=\"streamlit_folium.st_folium\"]').getBoundingClientRect().height > h + 150",
        arg=small,
    )
    board.wait_map_settled()
    tall = box(board.map_iframe())
    assert 1000 - (tall["y"] + tall["height"]) < 40
    size = board.map_frame().evaluate("() => asmMap.getSize().y")
    assert abs(size - tall["height"]) <= 2, "Leaflet should draw the taller frame"
    watch.assert_no_faults()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_clicker_keys_step_from_the_page_and_back_and_forward_restore_the_view(
    app_server, open_page, dataset, days, viewport, layout, screenshots
):
    page, watch = open_page(viewport)
    board = Dashboard(page).open(app_server.url, date=days[3].isoformat(), **layout)
    page.locator(".asm-timeline").click(position={"x": 3, "y": 3})  # a click on the page, not on a control
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    assert page.evaluate("() => document.activeElement === document.body"), "the page itself has the focus"
    walk = [
        ("PageDown", days[4]),
        ("Space", days[5]),
        ("ArrowRight", days[6]),
        ("PageUp", days[5]),
        ("ArrowLeft", days[4]),
        ("End", days[-1]),
        ("Home", days[0]),
    ]
    visited = [days[3]]
    for key, day in walk:
        page.keyboard.press(key)
        wait_for_date(board, day)
        assert f"date={day.isoformat()}" in page.url, f"{key}: the address should name {day}"
        visited.append(day)
    # From inside the map, a clicker's Page Down still steps (arrows there pan the map, as Leaflet does).
    board.map_iframe().click(position={"x": 200, "y": 200})
    board.map_frame().locator("body").press("PageDown")
    wait_for_date(board, days[1])
    visited.append(days[1])

    # Back and Forward: the view (date, map, totals) is the one the address names.
    for expected_day in reversed(visited[-4:-1]):
        page.go_back()
        wait_for_date(board, expected_day)
        assert f"date={expected_day.isoformat()}" in page.url
        expected = expected_state(dataset, expected_day)
        assert board.wait_for_map(expected).records() == expected.map_records(), f"Back to {expected_day}"
        assert board.metric_value() == str(len(expected.view))
        assert expected.summary in board.panel_strong_texts()
    page.go_forward()
    wait_for_date(board, visited[-3])
    expected = expected_state(dataset, visited[-3])
    assert board.wait_for_map(expected).records() == expected.map_records(), "Forward"
    if layout:
        assert "present=1" in page.url, "the layout should survive history navigation"
        assert page.locator(".st-key-stop-0 button").first.is_visible(), "stops should show in the presentation layout"
    page.screenshot(
        path=str(
            screenshots
            / f"history-{'presentation' if layout else 'normal'}-{viewport['width']}x{viewport['height']}.png"
        )
    )
    watch.assert_no_faults()
    watch.assert_offline()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_event_table_and_the_map_share_one_selection(app_server, open_page, dataset, viewport, layout, screenshots):
    page, watch = open_page(viewport)
    day = dt.date(2026, 1, 18)
    board = Dashboard(page).open(app_server.url, date=day.isoformat(), **layout)
    view = expected_state(dataset, day).view
    drawn = drawn_record_ids(view)
    frame = board.map_frame()
    marker_ids = frame.evaluate(
        "() => [...document.querySelectorAll('.asm-marker[data-record-id]')].map(e => e.dataset.recordId)"
    )
    assert marker_ids

    # The table: a row selects its record on the map.
    page.get_by_role("tab", name="Events").click()  # the event list is made when its tab opens
    target = marker_ids[0]
    assert target in drawn
    row = page.locator(f".asm-events tr[data-record-id='{target}']")
    row.click()
    assert "asm-selected" in row.get_attribute("class")
    frame.wait_for_function(
        "(id) => [...document.querySelectorAll('.asm-selected')].some((e) => (e.dataset.recordId === id) || e.classList.contains('asm-rec-' + id))",
        arg=target,
    )
    assert page.locator(f".asm-timeline [data-record-id='{target}'].asm-selected").count() >= 1, (
        "the timeline shows the selection too"
    )

    # The map: a symbol selects its row (and opens the event list at it).
    page.get_by_role("tab", name="Contributions by country").click()
    other = next(record for record in marker_ids if record != target)
    frame.locator(f".asm-marker[data-record-id='{other}']").click()
    chosen = page.locator(f".asm-events tr[data-record-id='{other}']")
    page.wait_for_function(
        "(id) => document.querySelector(`.asm-events tr[data-record-id='${id}']`)?.classList.contains('asm-selected')",
        arg=other,
    )
    assert chosen.is_visible(), "the selected row should be in view in the event list"
    assert "asm-selected" not in (row.get_attribute("class") or ""), "one selection at a time"
    page.screenshot(
        path=str(
            screenshots
            / f"selection-{'presentation' if layout else 'normal'}-{viewport['width']}x{viewport['height']}.png"
        )
    )
    watch.assert_no_faults()
    watch.assert_offline()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_map_exports_a_png_and_copies_its_link_offline(
    app_server, open_page, viewport, layout, tmp_path, screenshots
):
    page, watch = open_page(viewport)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server.url)
    board = Dashboard(page).open(app_server.url, date="2026-01-18", view="polar", **layout)
    frame = board.map_frame()
    with page.expect_download() as waiting:
        frame.get_by_role("button", name="PNG: save the map as you see it").click()
    download = waiting.value
    assert download.suggested_filename == "arctic-situation-map_2026-01-18_polar.png"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    width, height = png_size(path.read_bytes())
    size = frame.evaluate("() => [asmMap.getSize().x, asmMap.getSize().y]")
    assert (width, height) == (2 * size[0], 2 * size[1]), "the PNG is the map as seen, at twice the pixels"
    assert path.stat().st_size > 20_000, "the PNG should hold the drawn map, not a blank frame"

    frame.get_by_role("button", name="Copy link to this view").click()
    frame.locator(".asm-export-status", has_text="Link copied").wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url and "date=2026-01-18" in copied and "view=polar" in copied
    assert ("present=1" in copied) == bool(layout), "the link keeps the layout"
    watch.assert_no_faults()
    watch.assert_offline()  # no request left the machine for the image


def test_each_stop_sets_or_releases_its_own_framing(app_server, open_page, screenshots):
    """Stop 4 (data/stops.csv) frames Brussels at zoom 5; stop 5 names no framing, so it releases it and
    the map frames the whole situation again, as on opening. The map's frame is never loaded again."""
    page, watch = open_page(LAPTOP)
    board = Dashboard(page).open(app_server.url, date="2026-01-15")
    frame = board.map_frame()
    assert frame.evaluate("() => asm.isFramed()"), "the map opens framed on the whole situation"

    frame.evaluate("() => { window.__sameFrame = true; }")
    page.locator(".st-key-stop-3 button").first.click()
    wait_for_date(board, dt.date(2026, 1, 19))
    frame.wait_for_function("() => asmMap.getZoom() === 5")
    lat, lng = frame.evaluate("() => [asmMap.getCenter().lat, asmMap.getCenter().lng]")
    assert abs(lat - 50.85) < 0.5 and abs(lng - 4.35) < 0.5, (lat, lng)
    assert not frame.evaluate("() => asm.isFramed()"), "the stop's own framing, not the whole situation"

    page.locator(".st-key-stop-4 button").first.click()
    wait_for_date(board, dt.date(2026, 2, 26))
    frame.wait_for_function("() => asm.isFramed()")
    assert frame.evaluate("() => asmMap.getBounds().contains(asmFrame)"), "released: the whole situation in view"
    assert frame.evaluate("() => asmMap.getZoom()") < 5
    assert frame.evaluate("() => window.__sameFrame === true"), "a stop must not reload the map"
    page.screenshot(path=str(screenshots / "stop-released-1366x768.png"))
    watch.assert_no_faults()
    watch.assert_offline()
