"""Thousands of records on the map (issue 12, part 4), in headless Chromium on synthetic data.

Above geo.leaflet.CANVAS_POINTS_ABOVE point features the map draws its record layer on one canvas
(circle markers, popups and tooltips made on demand). Here, on 3,000 synthetic records
(benchmarks/synthetic_data.py, a fixed seed) at 1366x768: the map says it draws on a canvas, draws
exactly the records the geo core says it draws that day, `window.asm.select` highlights a record,
and a click on a point opens its popup and tells the page which record it is, with no request
leaving 127.0.0.1. The bundled data stay on the DOM path (tests/browser/test_cartography.py).
"""

from __future__ import annotations

import pytest

from benchmarks.synthetic_data import check_clean, write_synthetic_data
from geo.asof import as_of_view, date_span, key_dates
from geo.features import drawn_record_ids, record_features
from geo.leaflet import CANVAS_POINTS_ABOVE, count_points
from geo.records import load_dataset
from tests.browser.conftest import ARTIFACTS, LAPTOP
from tests.browser.dashboard import Dashboard
from tests.support.browser import streamlit_server

pytestmark = pytest.mark.browser

RECORDS = 3_000
SEED = 20260114  # the benchmark's default seed

# Runs in the map iframe: the canvas points in view and clear of every other point and control, each
# with its centre in iframe px; the most isolated first (a click there can only hit that point).
CLEAR_POINTS_JS = """
() => {
  const points = [];
  asmMap.eachLayer((l) => { if (l._asmPoint && l.feature) { points.push(l); } });
  const size = asmMap.getSize(), box = asmMap.getContainer().getBoundingClientRect();
  const controls = [...document.querySelectorAll('.leaflet-control')].map((e) => e.getBoundingClientRect());
  const at = points.map((l) => asmMap.layerPointToContainerPoint(l._point));
  const out = [];
  at.forEach((p, i) => {
    if (p.x < 20 || p.y < 20 || p.x > size.x - 20 || p.y > size.y - 20) { return; }
    const x = p.x + box.left, y = p.y + box.top;
    if (controls.some((r) => x > r.left - 10 && x < r.right + 10 && y > r.top - 10 && y < r.bottom + 10)) { return; }
    let nearest = Infinity;
    at.forEach((q, j) => { if (j !== i) { nearest = Math.min(nearest, Math.hypot(p.x - q.x, p.y - q.y)); } });
    if (nearest > 16) {  // two radii and the hit tolerance, and more
      out.push({id: points[i].feature.properties.record_id, title: points[i].feature.properties.title,
                x: x, y: y, nearest: nearest});
    }
  });
  return out.sort((a, b) => b.nearest - a.nearest).slice(0, 5);
}
"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """3,000 synthetic records in a data folder of their own, and the server that shows them."""
    folder = write_synthetic_data(tmp_path_factory.mktemp("canvas-data"), RECORDS, SEED, date_span(load_dataset()))
    situation = check_clean(folder)
    with streamlit_server(data_dir=folder, log_dir=ARTIFACTS) as server:
        yield situation, server


def feature_ids(features: dict) -> set[str]:
    """The records a layer draws, as the benchmark reads them (an area joins its records with ';')."""
    return {i for f in features["features"] for i in str(f["properties"]["record_id"]).split(";") if i}


def test_thousands_of_records_are_drawn_on_a_canvas_and_answer_select_and_clicks(
    synthetic, outlines, open_page, screenshots
):
    situation, server = synthetic
    day = key_dates(situation)[-1]
    view = as_of_view(situation, day)
    features = record_features(view, outlines, "mercator")
    assert count_points(features) > CANVAS_POINTS_ABOVE, "the premise: more points than the DOM path draws"
    expected = feature_ids(features)
    assert expected == drawn_record_ids(view)

    page, watch = open_page(LAPTOP)
    board = Dashboard(page).open(server.url, date=day.isoformat())
    frame = board.map_frame()
    frame.wait_for_function("() => window.asm.renderer() === 'canvas'", timeout=60_000)
    board.wait_map_settled()
    drawn = frame.evaluate("() => window.asm.drawnIds()")
    assert len(drawn) == len(set(drawn)), "each record's id once"
    assert set(drawn) == expected
    assert frame.locator(".asm-marker").count() == 0, "no DOM symbol per record on the canvas path"
    assert frame.locator(".leaflet-asmCanvas-pane canvas").count() == 1

    # select(): the record is highlighted (a ring on the canvas) and kept as the selection. Zoomed in
    # two steps, so that some points stand apart from their neighbours.
    frame.evaluate("() => { asmMap.setZoom(asmMap.getZoom() + 2, {animate: false}); }")
    chosen = frame.evaluate(CLEAR_POINTS_JS)
    assert chosen, "no canvas point stands clear of the others in view"
    target = chosen[0]
    assert frame.evaluate("(id) => window.asm.select(id)", target["id"]) is True
    assert frame.evaluate("() => window.asm.selected()") == [target["id"]]
    assert frame.evaluate("() => window.asm.highlighted()") == [target["id"]]
    assert frame.evaluate("() => window.asm.select('no-such-record')") is False
    assert frame.evaluate("() => window.asm.highlighted()") == []
    frame.evaluate("() => window.asm.select(null)")

    # A click on the point: its popup (made on the click) names the record, the page hears its id.
    page.evaluate(
        """() => { window.__asmSelects = [];
                   window.addEventListener('message', (e) => { if (e.data && e.data.type === 'asm:select') { window.__asmSelects.push(e.data.recordIds); } }); }"""
    )
    assert frame.locator(".leaflet-popup").count() == 0
    target = frame.evaluate(CLEAR_POINTS_JS)[0]  # the view may have moved with the selection
    origin = board.map_iframe().bounding_box()
    page.mouse.move(origin["x"] + target["x"], origin["y"] + target["y"])
    frame.wait_for_function(
        "() => document.querySelectorAll('.leaflet-tooltip').length === 1", polling=100, timeout=5000
    )
    assert target["title"] in frame.locator(".leaflet-tooltip").inner_text()
    page.mouse.click(origin["x"] + target["x"], origin["y"] + target["y"])
    page.wait_for_function("() => window.__asmSelects.length > 0", timeout=5000)
    assert page.evaluate("() => window.__asmSelects[0]") == [target["id"]]
    assert frame.evaluate("() => window.asm.selected()") == [target["id"]]
    assert frame.evaluate("() => window.asm.highlighted()") == [target["id"]]
    popup = frame.locator(".leaflet-popup")
    assert popup.count() == 1
    assert popup.locator(".asm-title").inner_text() == target["title"]
    page.screenshot(path=str(screenshots / f"canvas-{RECORDS}-records-1366x768.png"))

    # The next date: the layer is replaced, still on the canvas, with exactly that day's records.
    earlier = key_dates(situation)[-2]
    before = feature_ids(record_features(as_of_view(situation, earlier), outlines, "mercator"))
    frame.evaluate("() => { asmMap.closePopup(); }")
    page.get_by_role("button", name="◀ Previous").click()
    board.wait_for_day(earlier)
    frame.wait_for_function("(n) => window.asm.drawnIds().length === n", arg=len(before), polling=100, timeout=30_000)
    assert set(frame.evaluate("() => window.asm.drawnIds()")) == before
    assert frame.evaluate("() => window.asm.renderer()") == "canvas"
    watch.assert_no_faults()
    watch.assert_offline()
