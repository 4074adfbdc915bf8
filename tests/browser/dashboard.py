"""The dashboard page as a test reads it: the map iframe's drawn records, the panel, the list.

`expected_state(situation, day)` is what the page should show for a date, computed from `geo` (the
as-of view of the Dataset, `drawn_record_ids`, `contributions`); `Dashboard` reads what the browser actually shows.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from geo.asof import PRESENCE_THERE, STATUS_LABELS, as_of_view, contributions
from geo.features import drawn_record_ids

WAIT_MS = 60_000
CARD = "article.asm-card[data-record-id]"  # a record in the list (geo/display.py)
CARDS_LABEL = "The records in full"  # the section of the cards (dashboard/app.py)
SOURCES_LABEL = "Sources behind this view"

# Runs in the map iframe: the records the map draws, as the DOM and Leaflet show them.
MAP_STATE_JS = """
() => {
  const fromClasses = (selector) => [...document.querySelectorAll(selector)].flatMap(
    (path) => [...path.classList].filter((c) => c.startsWith("asm-rec-")).map((c) => c.slice(8)));
  const statuses = {};
  asmMap.eachLayer((layer) => {
    const p = layer.feature && layer.feature.properties;
    if (!p || !p.record_id) { return; }
    (p.records || [p]).forEach((r) => { statuses[r.record_id] = r.status; });
  });
  const centre = asmMap.getCenter();
  return {
    markers: [...document.querySelectorAll(".asm-marker[data-record-id]")].map((e) => e.dataset.recordId),
    routes: fromClasses("path.asm-route"),
    areas: fromClasses("path.asm-area"),
    statuses: statuses,
    zoom: asmMap.getZoom(),
    centre: [centre.lat, centre.lng],
    doc: window.__asmDoc === undefined ? null : window.__asmDoc,
  };
}
"""

MAP_VIEW_JS = """
() => [asmMap.getSize().x, asmMap.getSize().y, asmMap.getZoom(), asmMap.getCenter().lat, asmMap.getCenter().lng,
       Boolean(asmMap._animatingZoom || (asmMap._panAnim && asmMap._panAnim._inProgress))]
"""


@dataclass(frozen=True)
class MapState:
    markers: tuple[str, ...]
    routes: tuple[str, ...]
    areas: tuple[str, ...]
    statuses: dict
    zoom: float
    centre: tuple[float, float]
    doc: float | None

    @classmethod
    def read(cls, frame) -> MapState:
        raw = frame.evaluate(MAP_STATE_JS)
        return cls(
            markers=tuple(sorted(raw["markers"])),
            routes=tuple(sorted(raw["routes"])),
            areas=tuple(sorted(raw["areas"])),
            statuses=raw["statuses"],
            zoom=raw["zoom"],
            centre=tuple(raw["centre"]),
            doc=raw["doc"],
        )

    @property
    def drawn(self) -> set[str]:
        return set(self.markers) | set(self.routes) | set(self.areas)

    def records(self) -> dict:
        """What to compare with `Expected.map_records`: each kind of drawing and every status."""
        return {"markers": self.markers, "routes": self.routes, "areas": self.areas, "statuses": self.statuses}


@dataclass(frozen=True)
class Expected:
    """What the page should show on `day`, from the geo core."""

    day: dt.date
    view: pd.DataFrame
    drawn: set[str]
    markers: tuple[str, ...]
    routes: tuple[str, ...]
    areas: tuple[str, ...]
    statuses: dict
    summary: str
    record_ids: set[str]

    def map_records(self) -> dict:
        return {"markers": self.markers, "routes": self.routes, "areas": self.areas, "statuses": self.statuses}


def expected_state(situation, day: dt.date) -> Expected:
    view = as_of_view(situation, day)
    drawn = drawn_record_ids(view)
    placed = view[view["record_id"].isin(drawn)]
    # A deployment is drawn at its place only while it is on the ground; otherwise only its route.
    there = placed[(placed["kind"] != "deployment") | (placed["presence"] == PRESENCE_THERE)]
    points = there[there["geo_precision"].isin(["site", "city"])]
    areas = there[there["geo_precision"] == "territory"]
    routes = placed[(placed["kind"] == "deployment") & placed["origin_lat"].notna()]
    return Expected(
        day=day,
        view=view,
        drawn=drawn,
        markers=tuple(sorted(points["record_id"])),
        routes=tuple(sorted(routes["record_id"])),
        areas=tuple(sorted(areas["record_id"])),
        statuses=dict(zip(placed["record_id"], placed["status"])),
        summary=contributions(view).summary,
        record_ids=set(view["record_id"]),
    )


def heading_date(day: dt.date) -> str:
    return f"What was known on {day.strftime('%A %d %B %Y')}"


class Dashboard:
    """The Streamlit page with the map iframe."""

    def __init__(self, page):
        self.page = page

    def open(self, base_url: str, **query) -> Dashboard:
        self.page.goto(base_url + ("?" + urlencode(query) if query else ""))
        self.page.wait_for_selector("iframe[src*='st_folium']", timeout=WAIT_MS)
        self.map_frame().wait_for_function(
            "() => window.asmMap && window.asmMap._loaded && window.asmFrame", timeout=WAIT_MS
        )
        self.wait_idle()
        self.wait_map_settled()
        return self

    def wait_map_settled(self, quiet_reads: int = 4, interval: float = 0.15, timeout: float = 20.0) -> None:
        """Until the map's size and view stop changing (the iframe is sized, then the map framed)."""
        deadline = time.monotonic() + timeout
        last, same = None, 0
        while same < quiet_reads and time.monotonic() < deadline:
            current = self.map_frame().evaluate(MAP_VIEW_JS)
            same = same + 1 if current == last and not current[-1] else 0
            last = current
            time.sleep(interval)

    def map_frame(self):
        frames = [frame for frame in self.page.frames if "st_folium" in frame.url]
        assert len(frames) == 1, f"expected one map iframe, found {[frame.url for frame in frames]}"
        return frames[0]

    def map_iframe(self):
        return self.page.locator("iframe[src*='st_folium']")

    def wait_idle(self) -> None:
        self.page.wait_for_function(
            "() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'",
            timeout=WAIT_MS,
        )

    def wait_for_day(self, day: dt.date) -> None:
        """Until the server has rerun the script for `day` and finished."""
        self.page.wait_for_function(
            """(heading) => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'
                 && [...document.querySelectorAll('h3')].some((h) => h.textContent.includes(heading))""",
            arg=heading_date(day),
            timeout=WAIT_MS,
        )

    def map_state(self) -> MapState:
        return MapState.read(self.map_frame())

    def wait_for_map(self, expected: Expected, timeout: float = 20.0) -> MapState:
        """The map once it draws what `expected` says, or (after `timeout` s) what it draws instead."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.map_state()
            if state.records() == expected.map_records() or time.monotonic() > deadline:
                return state
            time.sleep(0.1)

    # ---- the Streamlit side

    def slider_text(self) -> str:
        return self.page.locator("[data-testid=stSlider] input[type=range]").get_attribute("aria-valuetext")

    def metric_value(self) -> str:
        """The number of records known, as the header beside the date says it."""
        return self.page.locator(".asm-asof small").inner_text().strip().removesuffix(" records known")

    def panel_strong_texts(self) -> list[str]:
        """The contributions' totals line."""
        return [text.strip() for text in self.page.locator(".asm-totals").all_inner_texts()]

    def open_section(self, label: str, content: str) -> None:
        """Open a section below the map, made only while it is open, and wait until `content` (a
        selector) is in it. A section already open stays open."""
        section = self.page.locator(
            "[data-testid=stExpander] details", has=self.page.locator("summary", has_text=label)
        )
        if section.get_attribute("open") is None:
            focused = self.page.evaluate_handle("() => document.activeElement")
            section.locator("summary").click()
            section.locator(content).first.wait_for(state="visible", timeout=WAIT_MS)
            # The focus goes back where it was (a presenter's slider), as a reader would put it back.
            self.page.evaluate("(node) => node && node.isConnected && node.focus({preventScroll: true})", focused)
        section.locator(content).first.wait_for(state="visible", timeout=WAIT_MS)
        self.wait_idle()

    def scroll_to_top(self) -> None:
        """Back to the first screen (map, controls and totals), as a reader does after reading below."""
        self.page.evaluate("() => { document.querySelector('[data-testid=stMain]').scrollTop = 0; }")

    def listed_records(self) -> dict[str, str]:
        """record_id -> the visible text of its card in the list (the section opened if closed)."""
        self.open_section(CARDS_LABEL, CARD)
        cards = self.page.locator(CARD)
        return {cards.nth(i).get_attribute("data-record-id"): cards.nth(i).inner_text() for i in range(cards.count())}

    def error_boxes(self) -> list[str]:
        boxes = self.page.locator("[data-testid=stException], [data-testid=stAlertContentError]")
        return boxes.all_inner_texts()

    def main_text(self) -> str:
        return self.page.locator("[data-testid=stMain]").inner_text()

    def full_screenshot(self, path) -> None:
        """The whole page. Streamlit scrolls its main area internally, so a full-page screenshot of
        the window would cut it: the window is made as tall as the content for the shot."""
        viewport = self.page.viewport_size
        height = self.page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
        self.page.set_viewport_size({"width": viewport["width"], "height": min(height, 16_000)})
        try:
            self.wait_idle()
            self.page.screenshot(path=str(path))
        finally:
            self.page.set_viewport_size(viewport)


def status_line(status: str) -> str:
    return f"status: {STATUS_LABELS.get(status, status)}"
