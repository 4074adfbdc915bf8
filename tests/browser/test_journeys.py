"""Three users' journeys through the dashboard on the bundled data, in headless Chromium, offline.

- Briefing staff open the page and read it: map (basemap, markers, routes, Greenland), panel, list.
- A presenter zooms the map, then steps the date slider with the keyboard through every key date:
  the map redraws in place (same iframe document, same zoom and centre) and always agrees with the
  panel and the list.
- An analyst downloads both extracts: the CSV is byte for byte the command line's, the GeoJSON reads
  with geopandas and holds the same records.

Screenshots go to test-artifacts/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest

from geo.asof import as_of_view, default_date, key_dates
from tests.browser.conftest import FULL_HD, LAPTOP
from tests.browser.dashboard import Dashboard, expected_state, heading_date, status_line
from tests.support.browser import REPO_ROOT

pytestmark = pytest.mark.browser

# The places the opening view must show, whatever the screen: the meeting in Washington and the
# contributions leaving Scandinavia (lat, lon of the gazetteer points).
MUST_SEE = {"Washington": (38.8951, -77.0364), "Oslo": (59.9139, 10.7522), "Stockholm": (59.3293, 18.0686)}
LEAFLET_JS = "/app/static/leaflet/leaflet.js"

# Runs in the map iframe: rectangles (in iframe pixels) of what must not be hidden, and of what hides.
LAYOUT_JS = """
() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const size = asmMap.getSize();
  const shown = asmMap.getBounds();
  const routes = [];
  asmMap.eachLayer((layer) => {
    const p = layer.feature && layer.feature.properties;
    if (p && p.kind === "deployment" && layer.getBounds) {
      const b = layer.getBounds();
      routes.push({id: p.record_id, inside: shown.contains(b)});
    }
  });
  return {
    size: [size.x, size.y],
    markers: [...document.querySelectorAll(".asm-marker[data-record-id]")].map((e) => ({id: e.dataset.recordId, box: box(e)})),
    routes: routes,
    covers: [...document.querySelectorAll(".leaflet-control")].map((e) => ({name: e.className, box: box(e)})),
    labels: [...document.querySelectorAll(".asm-place-label")].map((e) => ({text: e.textContent, box: box(e)})),
    routePoints: [...document.querySelectorAll("path.asm-route")].flatMap((path) => {
      const length = path.getTotalLength(), matrix = path.getScreenCTM(), points = [];
      for (let i = 0; i <= 60; i++) {
        const p = path.getPointAtLength(length * i / 60).matrixTransform(matrix);
        points.push({route: path.getAttribute("class"), x: p.x, y: p.y});
      }
      return points;
    }),
  };
}
"""

# Runs in the map iframe: the basemap outlines Leaflet holds, and those inside the view (bigger than a
# speck) left blank.
LAND_JS = """
() => {
  const names = new Set(), inView = [], blank = [];
  const shown = asmMap.getBounds();
  asmMap.eachLayer((layer) => {
    const p = layer.feature && layer.feature.properties;
    if (!p || p.record_id || !p.name || !layer._path) { return; }
    names.add(p.name);
    const b = layer.getBounds();
    const sw = asmMap.latLngToContainerPoint(b.getSouthWest()), ne = asmMap.latLngToContainerPoint(b.getNorthEast());
    if (shown.contains(b) && ne.x - sw.x + sw.y - ne.y > 6) {  // Leaflet rightly skips specks of a pixel or two
      inView.push(p.name);
      if (!document.contains(layer._path) || layer._path.getAttribute("d").length < 20) { blank.push(p.name); }
    }
  });
  return {names: [...names], inView: inView, blank: blank, view: shown.toBBoxString(), size: asmMap.getSize()};
}
"""


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture(scope="module")
def records(dataset):
    """The bundled Dataset (records, claims, sources): what every expectation is derived from."""
    assert not dataset.problems, f"the bundled data should be clean: {dataset.problems}"
    return dataset


@pytest.fixture(scope="module")
def days(records):
    return key_dates(records)


# ---------------------------------------------------------------- briefing staff


def test_briefing_staff_read_the_situation_at_a_glance(app_server, open_page, records, basemap, screenshots):
    page, watch = open_page(LAPTOP)
    board = Dashboard(page).open(app_server.url)
    day = default_date(records)
    expected = expected_state(records, day)
    assert board.slider_text() == day.strftime("%a %d %b %Y")

    state = board.wait_for_map(expected)
    assert state.records() == expected.map_records()
    assert state.drawn == expected.drawn
    assert expected.markers and expected.routes and expected.areas, "the bundled data should exercise every drawing"
    frame = board.map_frame()
    land = frame.evaluate(LAND_JS)
    assert set(land["names"]) == set(basemap["name"]), "every basemap outline should be on the map"
    assert land["inView"] and land["blank"] == [], (
        f"outlines in view but not drawn: {land['blank']} (view {land['view']})"
    )
    greenland = frame.locator("path.asm-greenland")
    assert greenland.count() == 1 and len(greenland.get_attribute("d")) > 100, "Greenland should be drawn as an area"
    at_greenland = set(expected.view.loc[expected.view["place_id"] == "greenland", "record_id"]) & set(expected.areas)
    area_classes = frame.evaluate(
        "() => [...document.querySelectorAll('path.asm-area')].map((p) => p.getAttribute('class'))"
    )
    assert at_greenland and any(at_greenland <= set(c.replace("asm-rec-", "").split()) for c in area_classes), (
        area_classes
    )
    assert frame.locator(".asm-legend").is_visible()

    assert board.metric_value() == str(len(expected.view))
    assert page.get_by_role("tab", name="Contributions by country", selected=True).is_visible()
    assert expected.summary in board.panel_strong_texts()
    listed = board.listed_records()
    assert set(listed) == expected.record_ids
    for row in expected.view.itertuples():
        assert row.title in listed[row.record_id]
        assert status_line(row.status) in listed[row.record_id]
    assert board.error_boxes() == []

    page.screenshot(path=str(screenshots / "briefing-1366x768.png"))
    board.full_screenshot(screenshots / "briefing-full.png")
    watch.assert_no_faults()
    watch.assert_offline()
    assert any(LEAFLET_JS in url for url in watch.requests), "the map iframe's requests should be watched too"


def test_a_popup_is_readable_inside_the_map(app_server, open_page, records, screenshots):
    page, watch = open_page(LAPTOP)
    board = Dashboard(page).open(app_server.url)
    frame = board.map_frame()
    marker = frame.locator(".asm-marker[data-record-id='washington-meeting']")
    marker.click()
    popup = frame.locator(".leaflet-popup")
    popup.wait_for(state="visible")
    row = as_of_view(records, default_date(records)).set_index("record_id").loc["washington-meeting"]
    text = popup.inner_text()
    assert row["title"] in text and row["source_quote"] in " ".join(text.split())
    board.wait_map_settled()  # the popup pans the map into view
    box = popup.bounding_box()
    frame_box = board.map_iframe().bounding_box()
    assert box["x"] >= frame_box["x"] and box["y"] >= frame_box["y"], "the popup should open inside the map"
    assert box["x"] + box["width"] <= frame_box["x"] + frame_box["width"]
    assert box["y"] + box["height"] <= frame_box["y"] + frame_box["height"]
    popup_box = [box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"]]
    for control in frame.locator(".leaflet-control").all():
        cover = control.bounding_box()
        cover_box = [cover["x"], cover["y"], cover["x"] + cover["width"], cover["y"] + cover["height"]]
        assert not overlaps(popup_box, cover_box), f"the popup is under {control.get_attribute('class')}"
    board.map_iframe().screenshot(path=str(screenshots / "popup-washington-meeting.png"))
    frame.locator(".leaflet-popup-close-button").click()
    assert frame.locator(".asm-legend").get_attribute("open") is not None, (
        "the legend should unfold when the popup closes"
    )
    watch.assert_no_faults()
    watch.assert_offline()


@pytest.mark.parametrize("viewport", [pytest.param(LAPTOP, id="1366x768"), pytest.param(FULL_HD, id="1920x1080")])
def test_the_opening_view_frames_every_record_clear_of_the_legend(app_server, open_page, viewport, screenshots):
    page, watch = open_page(viewport)
    board = Dashboard(page).open(app_server.url)
    frame = board.map_frame()
    for name, (lat, lon) in MUST_SEE.items():
        assert frame.evaluate("([lat, lon]) => asmMap.getBounds().contains([lat, lon])", [lat, lon]), (
            f"{name} is off the map"
        )
    layout = frame.evaluate(LAYOUT_JS)
    width, height = layout["size"]
    assert layout["routes"] and all(route["inside"] for route in layout["routes"]), layout["routes"]
    for marker in layout["markers"]:
        left, top, right, bottom = marker["box"]
        assert left >= 0 and top >= 0 and right <= width and bottom <= height, (
            f"{marker['id']} is cut by the map's edge"
        )
        for cover in layout["covers"]:
            assert not overlaps(marker["box"], cover["box"]), f"{marker['id']} is under {cover['name']}"
    assert layout["labels"], "the map should name Greenland"
    for label in layout["labels"]:
        left, top, right, bottom = label["box"]
        crossing = [p["route"] for p in layout["routePoints"] if left <= p["x"] <= right and top <= p["y"] <= bottom]
        assert not crossing, f"the label {label['text']!r} is crossed by {sorted(set(crossing))}"
        for marker in layout["markers"]:
            assert not overlaps(label["box"], marker["box"]), f"the label {label['text']!r} hides {marker['id']}"
    iframe = board.map_iframe().bounding_box()
    assert iframe["y"] >= 0 and iframe["y"] + iframe["height"] <= viewport["height"], (
        f"the map should be on screen without scrolling: it spans y={iframe['y']:.0f}…{iframe['y'] + iframe['height']:.0f}"
        f" of a {viewport['height']} px window"
    )
    page.screenshot(path=str(screenshots / f"opening-{viewport['width']}x{viewport['height']}.png"))
    watch.assert_no_faults()
    watch.assert_offline()


# ---------------------------------------------------------------- presenter


def test_presenter_steps_every_date_by_keyboard_and_the_map_keeps_its_place(
    app_server, open_page, records, days, screenshots
):
    page, watch = open_page(LAPTOP)
    board = Dashboard(page).open(app_server.url, date=days[0].isoformat())
    first = expected_state(records, days[0])
    assert board.wait_for_map(first).records() == first.map_records()
    frame = board.map_frame()
    zoom_in = frame.locator(".leaflet-control-zoom-in")
    before = frame.evaluate("() => asmMap.getZoom()")
    for _ in range(2):  # Leaflet's zoom delta here is half a level
        zoom_in.click()
        board.wait_map_settled()
    placed = board.map_state()
    assert placed.zoom == before + 1
    frame.evaluate("() => { window.__asmDoc = Math.random(); }")
    document = board.map_state().doc
    assert document is not None

    slider = page.locator("[data-testid=stSlider] input[type=range]")
    slider.focus()
    path = [*days[1:], days[-2]]  # every key date forwards, then one step back
    for step, day in enumerate(path, start=1):
        page.keyboard.press("ArrowRight" if step < len(days) else "ArrowLeft")
        board.wait_for_day(day)
        expected = expected_state(records, day)
        state = board.wait_for_map(expected)
        where = f"step {step} to {day}"
        assert state.records() == expected.map_records(), where
        assert state.drawn == expected.drawn, where
        assert state.doc == document, f"{where}: the map iframe was reloaded, not updated in place"
        assert (state.zoom, state.centre) == (placed.zoom, placed.centre), (
            f"{where}: the presenter's zoom or centre moved"
        )
        assert board.slider_text() == day.strftime("%a %d %b %Y"), where
        assert f"date={day.isoformat()}" in page.url, f"{where}: the link should reproduce the view"
        assert board.metric_value() == str(len(expected.view)), where
        assert expected.summary in board.panel_strong_texts(), where
        listed = board.listed_records()
        assert set(listed) == expected.record_ids, where
        for row in expected.view.itertuples():
            assert status_line(row.status) in listed[row.record_id], f"{where}: {row.record_id}"
        assert page.get_by_role("heading", name=heading_date(day)).is_visible(), where
        assert page.evaluate("() => document.activeElement && document.activeElement.type") == "range", (
            f"{where}: the slider should keep the keyboard focus for the next step"
        )
        page.screenshot(path=str(screenshots / f"presenter-step-{step}-{day.isoformat()}.png"))
    assert board.error_boxes() == []
    watch.assert_no_faults()
    watch.assert_offline()


# ---------------------------------------------------------------- analyst


def extract_from_cli(day, fmt: str) -> bytes:
    done = subprocess.run(
        [sys.executable, "-m", "geo.extract", "--as-of", day.isoformat(), "--format", fmt],
        cwd=REPO_ROOT, capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    return done.stdout


def test_analyst_downloads_exactly_what_the_command_line_writes(app_server, open_page, records, days, tmp_path):
    day = days[2]  # not the default date: the download must follow the chosen date
    assert day != default_date(records)
    page, watch = open_page(LAPTOP)
    board = Dashboard(page).open(app_server.url, date=day.isoformat())
    board.wait_for_day(day)
    expected = expected_state(records, day)

    files = {}
    for label, fmt in (("CSV", "csv"), ("GeoJSON", "geojson")):
        with page.expect_download(timeout=60_000) as download_info:  # GeoJSON is made when clicked
            page.get_by_role("button", name=label, exact=True).click()
        download = download_info.value
        assert download.suggested_filename == f"arctic-situation_{day.isoformat()}.{fmt}"
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        files[fmt] = target

    csv_bytes = files["csv"].read_bytes()
    assert csv_bytes == extract_from_cli(day, "csv"), "the CSV download should equal the command line's, byte for byte"
    table = pd.read_csv(io.BytesIO(csv_bytes), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(table["record_id"]) and set(table["record_id"]) == expected.record_ids
    assert len(table) == len(expected.view)

    # The GeoJSON says inside when it was made (metadata.generated_at): equal to the command line's
    # but for that moment.
    downloaded, written = (
        json.loads(data) for data in (files["geojson"].read_bytes(), extract_from_cli(day, "geojson"))
    )
    assert downloaded["metadata"].pop("generated_at") and written["metadata"].pop("generated_at")
    assert downloaded == written, "the GeoJSON download should equal the command line's"
    frame = gpd.read_file(files["geojson"])
    assert set(frame["record_id"]) == expected.record_ids and len(frame) == len(expected.view)
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    watch.assert_no_faults()
    watch.assert_offline()
