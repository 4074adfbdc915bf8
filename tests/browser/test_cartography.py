"""The map reads without hovering (issue 9, part 2), in headless Chromium on the bundled data.

At 1366×768 and 1920×1080, in both views: every drawn place, area and route has a label, no two
labels overlap and none leaves the map; routes that share a start are drawn apart; hovering a route
shows that route's record; `window.asm.select` highlights and brings a record into view, and a click
on the map tells the page which records it holds (`asm:select`).
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.asof import key_dates
from tests.browser.conftest import FULL_HD, LAPTOP
from tests.browser.dashboard import Dashboard, expected_state

pytestmark = pytest.mark.browser

BUSY_DAY = dt.date(2026, 2, 26)  # the most places, groups and routes on one map
ROUTES_DAY = dt.date(2026, 1, 18)  # six routes: Denmark's and Germany's leave from the same air base
VIEWPORTS = [pytest.param(LAPTOP, id="1366x768"), pytest.param(FULL_HD, id="1920x1080")]
VIEWS = ["mercator", "polar"]

# Runs in the map iframe: what is drawn (places, areas, routes) and every label's box (iframe px).
LABELS_JS = """
() => {
  const places = new Set(), routes = new Set();
  asmMap.eachLayer((layer) => {
    const p = layer.feature && layer.feature.properties;
    if (!p || !p.record_id) { return; }
    if (layer instanceof L.Marker || p.kind === "territory") { places.add(p.place_id); }
    else if (p.label !== undefined) { routes.add(p.record_id); }
  });
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const map = box(asmMap.getContainer());
  return {
    places: [...places], routes: [...routes], map: map,
    labels: [...document.querySelectorAll(".asm-label")].map((e) => ({
      for: e.dataset.labelFor, text: e.textContent, box: box(e), visible: getComputedStyle(e).visibility !== "hidden",
    })),
    markers: [...document.querySelectorAll(".asm-marker[data-record-id]")].map((e) => ({id: e.dataset.recordId, box: box(e)})),
  };
}
"""

# Runs in the map iframe: each route's drawn path (container px, as Leaflet rendered it).
ROUTE_PATHS_JS = """
() => {
  const out = {};
  asmMap.eachLayer((layer) => {
    const p = layer.feature && layer.feature.properties;
    if (!p || p.label === undefined || !layer._parts) { return; }
    out[p.record_id] = {title: p.title, points: [].concat(...layer._parts).map((pt) => {
      const c = asmMap.layerPointToContainerPoint(pt); return [c.x, c.y]; })};
  });
  return out;
}
"""


def overlap(a, b) -> float:
    width, height = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def open_map(open_page, app_server, viewport, view, day):
    page, watch = open_page(viewport)
    board = Dashboard(page).open(app_server.url, date=day.isoformat(), view=view)
    frame = board.map_frame()
    frame.wait_for_function("() => document.querySelectorAll('.asm-label').length > 0")
    board.wait_map_settled()
    return page, watch, board, frame


def wait_labels_settled(frame) -> dict:
    """The labels once two reads a moment apart agree (the layout runs after each layer update)."""
    last = None
    for _ in range(40):
        current = frame.evaluate(LABELS_JS)
        if current == last:
            return current
        last = current
        frame.page.wait_for_timeout(150)
    return last


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_place_and_route_is_labelled_and_no_labels_overlap(
    app_server, open_page, dataset, viewport, view, screenshots
):
    page, watch, board, frame = open_map(open_page, app_server, viewport, view, BUSY_DAY)
    expected = expected_state(dataset, BUSY_DAY)
    assert board.wait_for_map(expected).records() == expected.map_records()
    state = wait_labels_settled(frame)
    labelled = {label["for"] for label in state["labels"]}
    assert state["places"] and state["routes"], "the busiest day draws places and routes"
    assert set(state["places"]) <= labelled, f"unlabelled places: {set(state['places']) - labelled}"
    assert set(state["routes"]) <= labelled, f"unlabelled routes: {set(state['routes']) - labelled}"
    assert set(expected.routes) == set(state["routes"])
    names = {label["for"]: label["text"] for label in state["labels"]}
    assert names.get("nuuk") == "Nuuk" and names.get("brussels") == "Brussels", names
    assert names.get("greenland") == "Greenland", "Greenland, the territory, keeps its name"
    assert names["deployment-fra"] == "France · 15" and names["deployment-deu"] == "Germany · 15"

    left, top, right, bottom = state["map"]
    for label in state["labels"]:
        assert label["visible"], f"{label['text']!r} is hidden"
        x1, y1, x2, y2 = label["box"]
        assert x2 - x1 > 10 and y2 - y1 > 8, f"{label['text']!r} has no size: {label['box']}"
        assert left <= x1 and top <= y1 and x2 <= right and y2 <= bottom, f"{label['text']!r} leaves the map"
    for i, a in enumerate(state["labels"]):
        for b in state["labels"][i + 1 :]:
            assert overlap(a["box"], b["box"]) == 0, f"{a['text']!r} and {b['text']!r} overlap: {a['box']} {b['box']}"
    for label in state["labels"]:  # a label may touch a symbol's corner, never cover much of it
        for marker in state["markers"]:
            m = marker["box"]
            covered = overlap(label["box"], m) / ((m[2] - m[0]) * (m[3] - m[1]))
            assert covered < 0.2, f"{label['text']!r} covers {covered:.0%} of {marker['id']}"
    page.screenshot(path=str(screenshots / f"cartography-{view}-{viewport['width']}x{viewport['height']}.png"))
    watch.assert_no_faults()
    watch.assert_offline()


@pytest.mark.parametrize("view", VIEWS)
def test_routes_sharing_a_start_are_apart_and_hover_shows_the_route_under_the_pointer(
    app_server, open_page, dataset, view
):
    page, watch, board, frame = open_map(open_page, app_server, FULL_HD, view, ROUTES_DAY)
    expected = expected_state(dataset, ROUTES_DAY)
    assert board.wait_for_map(expected).records() == expected.map_records()
    wait_labels_settled(frame)
    paths = frame.evaluate(ROUTE_PATHS_JS)
    assert {"deployment-dnk", "deployment-deu"} <= set(paths), sorted(paths)

    def near(point, points) -> float:
        """Distance from a point to a polyline (its segments, not only its vertices)."""
        best = float("inf")
        for a, b in zip(points, points[1:] or points):
            dx, dy = b[0] - a[0], b[1] - a[1]
            t = max(0.0, min(1.0, ((point[0] - a[0]) * dx + (point[1] - a[1]) * dy) / (dx * dx + dy * dy or 1)))
            best = min(best, ((point[0] - a[0] - t * dx) ** 2 + (point[1] - a[1] - t * dy) ** 2) ** 0.5)
        return best

    dnk, deu = paths["deployment-dnk"]["points"], paths["deployment-deu"]["points"]
    assert near(dnk[0], deu) < 6, "the premise: they leave from the same place"
    middle = dnk[len(dnk) // 2]
    assert near(middle, deu) > 12, f"Denmark's route runs on Germany's: {near(middle, deu):.1f} px apart half-way"

    origin = board.map_iframe().bounding_box()
    container = frame.evaluate(
        "() => { const r = asmMap.getContainer().getBoundingClientRect(); return [r.left, r.top]; }"
    )
    markers = frame.evaluate(
        "() => [...document.querySelectorAll('.asm-marker')].map((e) => { const r = e.getBoundingClientRect();"
        " return [r.left - 4, r.top - 4, r.right + 4, r.bottom + 4]; })"
    )
    controls = frame.evaluate(
        "() => [...document.querySelectorAll('.leaflet-control')].map((e) => { const r = e.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })"
    )
    size = frame.evaluate("() => [asmMap.getSize().x, asmMap.getSize().y]")
    hovered = 0
    for record_id, route in paths.items():
        others = [r["points"] for other, r in paths.items() if other != record_id]
        candidates = []
        for a, b in zip(route["points"], route["points"][1:]):
            for share in (0.25, 0.5, 0.75):
                point = (a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share)
                inside = 4 < point[0] < size[0] - 4 and 4 < point[1] < size[1] - 4
                page_point = (point[0] + container[0], point[1] + container[1])
                clear = not any(
                    x1 <= page_point[0] <= x2 and y1 <= page_point[1] <= y2 for x1, y1, x2, y2 in markers + controls
                )
                if inside and clear and others:
                    candidates.append((min(near(point, line) for line in others), point))
        if not candidates:
            continue  # a route of no length (its departure place is its destination)
        gap, point = max(candidates)
        assert gap > 8, f"{record_id}: no point of it is clear of the other routes"
        page.mouse.move(origin["x"] + container[0] + point[0], origin["y"] + container[1] + point[1])
        under = frame.evaluate(
            "([x, y]) => { const e = document.elementFromPoint(x, y); return e && (e.getAttribute('class') || e.tagName); }",
            [point[0] + container[0], point[1] + container[1]],
        )
        hits = {f"asm-rec-{record_id}", f"asm-hit-{record_id}"}  # the route, or the band that answers for it
        assert hits & set((under or "").split()), f"under the pointer on {record_id}: {under!r}"
        frame.wait_for_function(
            "() => document.querySelectorAll('.leaflet-tooltip').length > 0", polling=100, timeout=5000
        )
        texts = frame.locator(".leaflet-tooltip").all_inner_texts()
        assert len(texts) == 1 and route["title"] in texts[0], f"hovering {record_id} shows {texts!r}"
        page.mouse.move(origin["x"] + container[0] + point[0], origin["y"] + container[1] + point[1] + 40, steps=4)
        page.mouse.move(origin["x"] + 3, origin["y"] + size[1] / 2, steps=4)
        frame.wait_for_function(
            "() => document.querySelectorAll('.leaflet-tooltip').length === 0", polling=100, timeout=5000
        )
        hovered += 1
    assert hovered >= 5, f"only {hovered} routes could be hovered"
    watch.assert_no_faults()
    watch.assert_offline()


@pytest.mark.parametrize("view", VIEWS)
def test_select_highlights_and_brings_a_record_into_view_and_a_click_tells_the_page(
    app_server, open_page, dataset, view
):
    page, watch, board, frame = open_map(open_page, app_server, LAPTOP, view, BUSY_DAY)
    expected = expected_state(dataset, BUSY_DAY)
    assert board.wait_for_map(expected).records() == expected.map_records()
    marker_id = "dip-r-paris-0128"  # the Paris meeting: one symbol, far from Greenland
    route_id = "deployment-fra"
    assert marker_id in expected.markers and route_id in expected.routes

    assert frame.evaluate("(id) => window.asm.select(id)", marker_id) is True
    assert frame.locator(f'.asm-marker[data-record-id="{marker_id}"].asm-selected').count() == 1
    assert frame.locator(".asm-selected").count() == 1
    assert frame.evaluate("(id) => window.asm.select(id)", route_id) is True
    assert frame.locator(f"path.asm-rec-{route_id}.asm-selected").count() == 1
    assert frame.locator(f'.asm-marker[data-record-id="{marker_id}"].asm-selected').count() == 0, (
        "one selection at a time"
    )
    assert frame.evaluate("() => window.asm.select('no-such-record')") is False
    assert frame.locator(".asm-selected").count() == 0
    assert frame.evaluate("() => window.asm.select(null)") is False
    assert frame.locator(".asm-selected").count() == 0

    # Far from the record, zoomed in: select brings it into view at the same zoom.
    zoom = frame.evaluate(
        "() => { asmMap.setView(asmMap.containerPointToLatLng([2, 2]), asmMap.getZoom() + 1, {animate: false}); return asmMap.getZoom(); }"
    )
    frame.evaluate("(id) => window.asm.select(id)", marker_id)
    inside = frame.evaluate(
        """(id) => { let at = null; asmMap.eachLayer((l) => { if (l.feature && l.feature.properties.record_id === id) { at = l.getLatLng(); } });
                   return asmMap.getBounds().contains(at); }""",
        marker_id,
    )
    assert inside, "select() should pan the record into view"
    assert frame.evaluate("() => asmMap.getZoom()") == zoom, "select() keeps the zoom"

    # A click on the map: the popup opens, the symbol is highlighted and the page hears which records.
    frame.evaluate("() => window.asm.select(null)")
    page.evaluate(
        """() => { window.__asmSelects = [];
                   window.addEventListener('message', (e) => { if (e.data && e.data.type === 'asm:select') { window.__asmSelects.push(e.data.recordIds); } }); }"""
    )
    frame.locator(f'.asm-marker[data-record-id="{marker_id}"]').click()
    page.wait_for_function("() => window.__asmSelects.length > 0", timeout=5000)
    assert page.evaluate("() => window.__asmSelects[0]") == [marker_id]
    assert frame.locator(f'.asm-marker[data-record-id="{marker_id}"].asm-selected').count() == 1
    assert frame.locator(".leaflet-popup").count() == 1

    # The selection survives the next layer update (another date) while the record is still drawn.
    frame.evaluate("() => asmMap.closePopup()")
    assert frame.evaluate("(id) => window.asm.select(id)", marker_id) is True
    earlier = [day for day in key_dates(dataset) if day < BUSY_DAY][-1]
    before = expected_state(dataset, earlier)
    assert marker_id in before.markers, "pick a record drawn on both dates"
    page.get_by_role("button", name="◀ Previous").click()
    board.wait_for_day(earlier)
    assert board.wait_for_map(before).records() == before.map_records()
    frame.wait_for_function(
        "(id) => document.querySelector(`.asm-marker[data-record-id='${id}'].asm-selected`) !== null",
        arg=marker_id,
        polling=100,
        timeout=5000,
    )
    watch.assert_no_faults()
    watch.assert_offline()
