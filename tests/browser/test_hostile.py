"""Records carrying HTML, script, Markdown and LaTeX payloads, served by the real app to Chromium.

The data folder is made in code (tests/support/hostile.py). The page must show every payload as
text, run none of them (window.__pwned stays undefined in the page and in the map iframe, with
popups and tooltips open), keep drawing the map, and fetch nothing: the Markdown image points at
evil.example, and any attempt to load it fails the test.
"""

from __future__ import annotations

import pytest

from geo.records import load_dataset
from tests.browser.conftest import ARTIFACTS, LAPTOP
from tests.browser.dashboard import SOURCES_LABEL, Dashboard, expected_state
from tests.support.browser import streamlit_server
from tests.support.hostile import (
    IMG,
    MD_IMAGE,
    ORIGIN,
    PAYLOADS,
    PLACE_NAME,
    PUBLISHER,
    QUOTE,
    SCRIPT,
    make_hostile_data,
)

pytestmark = pytest.mark.browser

PWNED_JS = "() => typeof window.__pwned"
# Elements a payload would create if it were interpreted instead of shown.
INJECTED_JS = """
() => [...document.querySelectorAll('img[src="x"], img[src*="evil"], a[href^="javascript"], svg[onload], [onerror]')]
  .map((e) => e.outerHTML.slice(0, 120))
"""
# Runs in the map iframe: open the popup and tooltip of every drawn record layer, one after the
# other, and return the text each showed.
OPEN_ALL_JS = """
() => {
  const shown = [];
  const layers = [];
  asmMap.eachLayer((layer) => { const p = layer.feature && layer.feature.properties; if (p && p.record_id) layers.push(layer); });
  layers.forEach((layer) => {
    const at = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
    layer.openPopup(at);
    shown.push({id: layer.feature.properties.record_id, popup: document.querySelector(".leaflet-popup-content").textContent});
    layer.closePopup();
    layer.openTooltip(at);
    const tooltip = document.querySelector(".leaflet-tooltip");
    shown.push({id: layer.feature.properties.record_id, tooltip: tooltip ? tooltip.textContent : null});
    layer.closeTooltip();
  });
  return shown;
}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    made = make_hostile_data(tmp_path_factory.mktemp("hostile"))
    dataset = load_dataset(made.data_dir)
    assert not dataset.problems, f"the hostile records must pass validation to reach the page: {dataset.problems}"
    assert set(made.record_ids) <= set(dataset.records["record_id"])
    return made, dataset


@pytest.fixture(scope="module")
def hostile_server(hostile):
    made, _ = hostile
    with streamlit_server(data_dir=made.data_dir, log_dir=ARTIFACTS) as server:
        yield server


def test_hostile_text_is_shown_literally_and_never_runs(hostile, hostile_server, open_page, screenshots):
    made, records = hostile
    page, watch = open_page(LAPTOP)
    board = Dashboard(page).open(hostile_server.url, date=made.as_of.isoformat())
    expected = expected_state(records, made.as_of)
    assert {"hostile-meeting", "hostile-deployment"} <= expected.drawn
    state = board.wait_for_map(expected)
    assert state.records() == expected.map_records(), "the map should still draw every record"

    listed = board.listed_records()  # opens the record cards, where the quotes are
    page.get_by_role("tab", name="Events").click()  # and the event table, put in by a script of the page
    table = page.locator(".asm-events-box tr[data-record-id='hostile-meeting']")
    table.wait_for(state="attached")
    by_id = records.records.set_index("record_id")
    assert by_id.loc["hostile-meeting", "title"] in table.text_content(), "the event table shows the title as typed"
    text = board.main_text()
    missing = [payload for payload in PAYLOADS if payload not in text]
    assert not missing, f"payloads not shown literally on the page: {missing}"
    board.open_section(SOURCES_LABEL, "[data-testid=stTable]")  # publisher and origin as typed
    page.get_by_text(PUBLISHER).first.wait_for(state="visible")
    sources_text = board.main_text()
    assert PUBLISHER in sources_text and ORIGIN in sources_text
    by_id = records.records.set_index("record_id")
    for record_id in made.record_ids:
        assert by_id.loc[record_id, "title"] in text, f"the title of {record_id} should show as typed"
    assert " ".join(QUOTE.split()) in " ".join(listed["hostile-meeting"].split())
    assert PLACE_NAME in listed["hostile-meeting"]

    board.scroll_to_top()
    frame = board.map_frame()
    marker = frame.locator(".asm-marker[data-record-id='hostile-meeting']")
    marker.hover()
    frame.locator(".leaflet-tooltip").wait_for(state="visible")
    assert IMG in frame.locator(".leaflet-tooltip").inner_text()
    marker.click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    for payload in (IMG, SCRIPT, MD_IMAGE, PLACE_NAME):
        assert payload in popup.text_content(), f"the popup should show {payload!r} as text"
    board.wait_map_settled()  # the popup pans the map into view
    board.map_iframe().screenshot(path=str(screenshots / "hostile-popup.png"))
    frame.locator(".leaflet-popup-close-button").click()

    shown = frame.evaluate(OPEN_ALL_JS)
    texts = {(entry["id"], key): value for entry in shown for key, value in entry.items() if key != "id"}
    deployment_popups = [
        value for (ids, key), value in texts.items() if key == "popup" and "hostile-deployment" in ids.split(";")
    ]
    # An announced deployment is drawn as its route only; at its place (the Greenland area) only once on the ground.
    assert len(deployment_popups) == 1, "the route should have a popup"
    assert all(IMG in popup_text and SCRIPT in popup_text for popup_text in deployment_popups)
    assert all(value for value in texts.values()), f"every record layer should show a popup and a tooltip: {texts}"

    page.screenshot(path=str(screenshots / "hostile-page.png"))
    for where in (page, frame):
        assert where.evaluate(PWNED_JS) == "undefined", f"a payload ran in {where.url}"
        assert where.evaluate(INJECTED_JS) == [], f"a payload became markup in {where.url}"
    assert board.error_boxes() == []
    watch.assert_no_faults()
    watch.assert_offline()
