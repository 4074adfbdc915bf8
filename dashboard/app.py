"""Arctic Situation Map: the Greenland situation of January 2026, as of a chosen date.

Run with `streamlit run dashboard/app.py`. This script only reads widgets, calls `geo` and renders
what it returns.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `geo` and `dashboard` from any folder

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: E402

from dashboard import support  # noqa: E402
from dashboard.downloads import keep_downloads_through_reruns  # noqa: E402
from dashboard.mapcomponent import show_map  # noqa: E402
from dashboard.support import md, md_code  # noqa: E402
from geo.asof import (  # noqa: E402
    CHANGE_NONE,
    PRESENCES,
    default_date,
    key_dates,
)
from geo.chronology import EVENTS_CSS  # noqa: E402
from geo.display import number_text  # noqa: E402
from geo.extract import ExtractRequest, render_extract  # noqa: E402
from geo.features import drawn_record_ids  # noqa: E402
from geo.projection import project_points  # noqa: E402
from geo.snapshot import render_briefing  # noqa: E402
from geo.timeline import TIMELINE_CSS  # noqa: E402
from geo.views import VIEWS  # noqa: E402

NO_CHANGES = "off"
DOWNLOADS = (  # format, button, file suffix, media type
    ("csv", "CSV", "csv", "text/csv"),
    ("xlsx", "Excel (XLSX)", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("geojson", "GeoJSON", "geojson", "application/geo+json"),
    ("gpkg", "GeoPackage", "gpkg", "application/geopackage+sqlite3"),
    ("sources", "Sources (CSV)", "csv", "text/csv"),
)
EAGER_DOWNLOADS = ("csv", "sources")
PLAY_PACES = {"1 s": 1.0, "2 s": 2.0, "4 s": 4.0}
# Record cards below the map: thousands of them stall the browser (benchmarks/README.md, ## Performance).
RECORD_CARDS_MAX = 100
# Beside the map, one tab at a time is made; below it, a section is made only while it is open (Streamlit's
# lazy tabs and expanders, which rerun when opened): a step then builds what is on the screen, not every
# hidden table (benchmarks/README.md). Their labels never change, or a step would close them.
PANEL_TABS = ("Contributions by country", "Events")
SOURCES_LABEL = "Sources behind this view"
CARDS_LABEL = "The records in full: quotes, sources and curation notes"
# The map's frame is given this height, then the page script (asm_page.js) makes it fill the window
# below its top edge (--asm-map-height), on any screen, in both layouts.
MAP_HEIGHT = 480
WEEKDAY_DATE = re.compile(r"^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \d{1,2} \w+: ")
STOP_LABEL_MAX = 44  # characters of a stop's caption on its button; the whole caption is its tooltip
EVENT_TABLE_KEYS = ("filter_countries", "filter_kinds", "filter_statuses", "sort_by", "sort_descending")
SORTS = {"date": "Date", "country": "Country", "kind": "Kind", "status": "Status", "title": "Event"}
PAGE_SCRIPT = (Path(__file__).parent / "asm_page.js").read_text(encoding="utf-8")
LAYOUT_CSS = """
<style>
  /* One screen: the whole map, the date, the step controls and the totals, with no scrolling. */
  [data-testid="stMainBlockContainer"] { padding-top: 0.75rem; padding-bottom: 2rem; max-width: 100%;
    padding-left: 1.5rem; padding-right: 1.5rem; }
  [data-testid="stHeader"] { background: transparent; height: 2.25rem; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.45rem; }
  h1 { font-size: 1.35rem !important; padding: 0.1rem 0 0 2.4rem !important; line-height: 1.3 !important; }
  /* The slider's value floats above its handle: room for it under the title. */
  .st-key-as_of { padding-top: 1.1rem; }
  .asm-asof { text-align: right; font-size: 1.35rem; font-weight: 700; line-height: 1.3; padding-top: 0.1rem; }
  .asm-asof { margin: 0; }
  .asm-asof small { font-weight: 400; font-size: 0.8rem; opacity: 0.85; }
  /* The panel beside the map is as tall as the map and scrolls within itself. */
  .st-key-panel { max-height: var(--asm-map-height, 480px); overflow-y: auto; overflow-x: hidden; }
  /* The map's frame fills the window below it (the height is worked out by asm_page.js). */
  iframe[title="streamlit_folium.st_folium"] { height: var(--asm-map-height, 480px) !important; }
  .asm-events-box { max-height: var(--asm-events-height, 360px); overflow-y: auto; overflow-x: hidden; }
  .asm-selected { outline: 3px solid #1a1a1a; outline-offset: -1px; }
  tr.asm-selected td { background: rgba(255, 214, 10, 0.35); }
  .asm-visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  /* Captions readable (WCAG AA 4.5:1; Streamlit's grey is 3.9:1), in the light and the dark theme. */
  [data-testid="stCaptionContainer"] { color: inherit; opacity: 0.8; }
  /* Static tables fit their column (a hidden scroll region is out of keyboard reach): cells wrap. */
  .stTable table { font-size: 0.75rem; }
  .stTable td, .stTable th { white-space: normal !important; overflow-wrap: anywhere; padding: 0.2rem 0.3rem !important; }
  .asm-totals { font-size: 0.85rem; font-weight: 600; margin: 0; }
  /* The record list: one light HTML block (geo/display.py), one bordered card per record. */
  .asm-card { border: 1px solid rgba(128, 128, 128, 0.35); border-radius: 0.5rem; padding: 0.6rem 1rem; margin: 0 0 0.75rem 0; }
  .asm-card h4 { margin: 0.2rem 0 0.4rem 0; padding: 0; font-size: 1.1rem; }
  .asm-card p { margin: 0 0 0.4rem 0; }
  .asm-card blockquote { margin: 0.4rem 0; padding: 0 0 0 0.8rem; border-left: 3px solid rgba(128, 128, 128, 0.5); }
  .asm-card-caption { font-size: 0.85rem; opacity: 0.8; }
  .asm-change { text-transform: uppercase; }
  .stButton button p { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
</style>
"""
PRESENTATION_CSS = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 19px; }
  h1 { font-size: 1.5rem !important; }
</style>
"""


LINK_VALUE_SHOWN_MAX = 80  # characters of a link's value quoted back in a notice; the rest is cut


def quote_link_value(raw: str) -> str:
    """A value taken from the address, for a notice: shortened, and in a code span, so it shows as
    typed and Markdown never turns it into a link, an image, HTML or bold text."""
    return md_code(raw if len(raw) <= LINK_VALUE_SHOWN_MAX else raw[:LINK_VALUE_SHOWN_MAX] + "…")


def parse_query_date(
    raw: str | None, days: list[dt.date], name: str = "date", fallback: str = "showing the default view"
) -> tuple[dt.date | None, str | None]:
    """The key date a `?date=` (or `?since=`) asks for, snapped back to the last change, and a notice
    if needed. The notice names the parameter and the accepted form, and quotes the value as text."""
    if raw is None:
        return None, None
    accepted = f"use `?{name}=YYYY-MM-DD`, a day from {days[0]} to {days[-1]}"
    try:
        wanted = dt.date.fromisoformat(raw)
    except ValueError:
        return None, f"The link's `?{name}=` value {quote_link_value(raw)} is not a date; {accepted}. Now {fallback}."
    if not days[0] <= wanted <= days[-1]:
        return None, f"The link's `?{name}=` date {wanted} is outside the records; {accepted}. Now {fallback}."
    snapped = max(day for day in days if day <= wanted)
    if snapped != wanted:
        return (
            snapped,
            f"Nothing changed on {wanted}; showing {snapped}, the last change before it (the view is the same).",
        )
    return snapped, None


URL_KEYS = ("date", "view", "since", "present")


def initialise_from_url(days: list[dt.date], default: dt.date) -> list[str]:
    """On a session's first run, and after the browser's Back or Forward, take date, view, since and
    layout from the URL; return notices for bad values.

    Back or Forward is a run Streamlit marks as history navigation, or (when it does not) one in which
    the address differs from the one this page last wrote while no control has changed the view since.
    A run started by a control (a step, the slider, a stop) can carry an address the browser has not
    yet updated (a fast presenter clicks before the previous run has written it): the control wins, or
    fast steps would bounce back.

    Every notice is Markdown in which the link's own text is a code span (`quote_link_value`)."""
    notices: list[str] = []
    params = st.query_params
    written = st.session_state.get("url_written")
    # Back or Forward: Streamlit says so. The browser's widget values can then be older than the address
    # (a step still arriving when the presenter went back): the address wins, and setting the values
    # here sends them to the browser too.
    history = bool(getattr(get_script_run_ctx(), "is_history_navigation", False))
    if (
        "as_of" in st.session_state
        and not history
        and (written is None or params.to_dict() == written or url_params(**shown_state()) != written)
    ):
        return notices
    chosen, notice = parse_query_date(params.get("date"), days)
    st.session_state.as_of = chosen or default
    if notice:
        notices.append(notice)
    view = params.get("view", "mercator")
    if view not in VIEWS:
        accepted = " or ".join(f"`?view={name}`" for name in VIEWS)
        notices.append(
            f"The link's `?view=` value {quote_link_value(view)} is unknown; use {accepted}. Now showing Web Mercator."
        )
        view = "mercator"
    st.session_state.view = view
    st.session_state.present = params.get("present") == "1"
    st.session_state.since = NO_CHANGES
    since_raw = params.get("since")
    if since_raw:
        since, notice = parse_query_date(since_raw, days, name="since", fallback="changes are off")
        if notice and since is None:
            notices.append(notice)
        elif notice or since >= st.session_state.as_of:
            notices.append(
                f"The link's `?since=` value {quote_link_value(since_raw)} is not an earlier date of the records; "
                f"use `?since=YYYY-MM-DD`, one of the slider's dates before the date shown ({st.session_state.as_of}). "
                "Now changes are off."
            )
        else:
            st.session_state.since = since
    st.session_state.pop("stop_index", None)
    return notices


def shown_state() -> dict:
    """The view the session's controls name now (before this run has written its address)."""
    since = st.session_state.get("since")
    return {
        "as_of": st.session_state.as_of,
        "view_name": st.session_state.get("view", "mercator"),
        "since": None if since == NO_CHANGES else since,
        "presenting": bool(st.session_state.get("present")),
    }


def url_params(as_of: dt.date, view_name: str, since: dt.date | None, presenting: bool) -> dict[str, str]:
    """The address's query parameters for a view: defaults left out."""
    return {
        key: value
        for key, value in {
            "date": as_of.isoformat(),
            "view": view_name if view_name != "mercator" else None,
            "since": since.isoformat() if since else None,
            "present": "1" if presenting else None,
        }.items()
        if value
    }


def write_url(as_of: dt.date, view_name: str, since: dt.date | None, presenting: bool) -> None:
    """The address names the view shown (a new history entry per change, so Back and Forward work)."""
    params = url_params(as_of, view_name, since, presenting)
    st.query_params.from_dict(params)
    st.session_state.url_written = params


def step_date(days: list[dt.date], offset: int) -> None:
    index = days.index(st.session_state.as_of) + offset
    st.session_state.as_of = days[min(max(index, 0), len(days) - 1)]
    st.session_state.playing = st.session_state.get("playing", False) and index < len(days) - 1


def go_to_date(day: dt.date) -> None:
    st.session_state.as_of = day


def play_pause(pace: float, run: float) -> float:
    """The pause after a run of `run` seconds that keeps play's steps `pace` seconds apart."""
    return max(0.0, pace - run)


def start_play(days: list[dt.date]) -> None:
    """Play from the end starts again from the first date."""
    if st.session_state.get("playing") and st.session_state.as_of == days[-1]:
        st.session_state.as_of = days[0]


def render_basemap_notice(problem: str | None, view: pd.DataFrame) -> None:
    """Without a usable basemap the map still draws the records, on a plain background: say why."""
    if problem is None:
        return
    territory = int((view["geo_precision"] == "territory").sum())
    unoutlined = (
        f" {territory} record(s) placed only at territory level are listed below but not outlined." if territory else ""
    )
    st.warning(
        f"The map has no country outlines, so the records are drawn on a plain background: {md(problem)}.{unoutlined}",
        icon="🗺️",
    )


def go_to_stop(stop_list, index: int) -> None:
    """Go to a stop: its date, its view if it names one, and its framing (set, or released to the
    whole situation) applied once by the page script."""
    stop = stop_list[index]
    st.session_state.stop_index = index
    st.session_state.as_of = stop.date
    if stop.view:
        st.session_state.view = stop.view
    st.session_state.stop_nonce = st.session_state.get("stop_nonce", 0) + 1


def stop_label(stop) -> str:
    """A stop's button: its number and its caption, shortened at a word (the whole caption is its tooltip)."""
    text = WEEKDAY_DATE.sub("", stop.caption)  # the button already sits in date order; the words say what
    if len(text) > STOP_LABEL_MAX:
        text = text[:STOP_LABEL_MAX].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"
    return f"{stop.number} · {text}"


def render_stops(stop_list, stop_problems, as_of: dt.date, view_name: str) -> None:
    """The briefing stops as one row of buttons labelled by their captions, in both layouts."""
    if stop_problems:
        st.error("Some stops were skipped:\n\n" + "\n\n".join(md(p) for p in stop_problems))
    if not stop_list:
        return
    current = st.session_state.get("stop_index")
    columns = st.columns(len(stop_list), gap="small")
    for index, (column, stop) in enumerate(zip(columns, stop_list)):
        column.button(
            stop_label(stop),
            key=f"stop-{index}",
            help=f"Stop {stop.number}, {stop.date.isoformat()}: {stop.caption}",
            on_click=go_to_stop,
            args=(stop_list, index),
            width="stretch",
            type="primary" if index == current else "secondary",
        )
    stop = stop_list[current] if current is not None and current < len(stop_list) else None
    # Always one container here, filled or not: an element that comes and goes above the map would move
    # the map's place in the page, and the browser would load the map's frame again (zoom and all).
    slot = st.container(key="stop-caption")
    if stop and stop.date == as_of:
        slot.caption(f"**Stop {stop.number}** — {md(stop.caption)}")
        nonce = st.session_state.get("stop_nonce", 0)
        if stop.center:
            ((x, y),) = project_points([stop.center[1]], [stop.center[0]], view_name)
            frame = f'data-frame="set" data-lat="{y}" data-lng="{x}" data-zoom="{stop.zoom}"'
        else:
            frame = 'data-frame="release"'
        slot.html(f'<div class="asm-signal" hidden {frame} data-nonce="{view_name}-{nonce}"></div>')


def render_banner(dataset) -> None:
    if not dataset.problems:
        return
    # The validator's counts (geo.records): rows rejected, rows that could not be read at all, and
    # files that could not be read, against the rows of data each file holds as written.
    st.error(
        f"**Rejected: {md(dataset.losses())}** — {md(dataset.shown_text())}. "
        f"{len(dataset.problems)} problem(s) in the data files; fix them and reload "
        "(`python -m geo.validate` lists the same):",
        icon="⚠️",
    )
    st.code("\n".join(str(problem) for problem in dataset.problems), language=None)


def _state_text(value) -> str:
    """A contributions cell: digits, 'not stated' (never 0), or '—' when no contingent is in that state."""
    return "—" if value is None else number_text(value)


def render_panel(result) -> None:
    st.html(f'<p class="asm-totals">{html.escape(result.summary)}</p>')
    if result.table.empty:
        st.info("No troop contributions had been reported as of this date.")
        return
    table = pd.DataFrame(
        {
            "Country": result.table["country"],
            "Announced": [_state_text(v) for v in result.table["announced"]],
            **{state.capitalize(): [_state_text(v) for v in result.table[state]] for state in PRESENCES},
            "Differ": ["⚠" if c else "" for c in result.table["conflict"]],
        }
    )
    # A static table: no built-in CSV export that would bypass the extracts' formula guard. st.table
    # renders each cell as Markdown: every cell is escaped, so curated text shows as typed.
    st.table(table.map(md).set_index("Country"))
    differing = result.table[result.table["conflict"] != ""]
    with st.expander(
        "What the figures mean"
        + (
            f" · ⚠ sources differ for {len(differing)} {'country' if len(differing) == 1 else 'countries'}"
            if len(differing)
            else ""
        )
    ):
        st.caption(
            "“not stated”: no source gives a number (never counted as 0). “—”: no contingent in that state. "
            "Each contingent counts once, in the state it is in; the announced number is a separate fact."
        )
        if not differing.empty:
            st.markdown("\n".join(f"- **{md(row.country)}**: {md(row.conflict)}" for row in differing.itertuples()))


def render_events(view: pd.DataFrame, as_of: dt.date, since: dt.date | None, last: dt.date) -> None:
    """The chronology beside the map: a compact table, filtered and sorted here, linked to the map by the
    page script (a row selects its record on the map; a symbol on the map selects its row). The filters
    offer what the whole period holds, so a choice survives a step to any date."""
    options = support.event_table_options(last)
    head = st.columns([3, 2], vertical_alignment="center")
    head[0].caption(f"{len(view)} events. Select a row to show it on the map, or a symbol on the map to find its row.")
    # The filters are made only while their popover is open; the choices, kept in the session, apply either way.
    chooser = head[1].popover("Filter and sort", width="stretch", key="filters_open", on_change="rerun")
    if chooser.open:
        with chooser:
            for name, label in (("countries", "Country"), ("kinds", "Kind"), ("statuses", "Status")):
                st.multiselect(label, list(options[name]), format_func=options[name].get, key=f"filter_{name}")
            st.selectbox("Sort by", list(SORTS), format_func=SORTS.get, key="sort_by")
            st.toggle("Newest / last first", key="sort_descending")
    filters = tuple(tuple(st.session_state.get(f"filter_{name}", ())) for name in ("countries", "kinds", "statuses"))
    by = st.session_state.get("sort_by", next(iter(SORTS)))
    descending = bool(st.session_state.get("sort_descending", False))
    table, count = support.event_table(as_of, since, filters, by, descending)
    if count < len(view):
        st.caption(f"{count} of {len(view)} events match the filters (the map still shows all).")
    st.html(support.inserted_html("asm-events-box", table), unsafe_allow_javascript=True)


def render_sources(as_of: dt.date, since: dt.date | None) -> None:
    """The sources behind what is shown: publisher, origin, grade, date and link (shown, never fetched).
    Made only while its section is open."""
    section = st.expander(SOURCES_LABEL, key="sources_open", on_change="rerun")
    if not section.open:
        return
    sources = support.cited_sources(as_of, since)
    with section:
        st.caption(f"{len(sources)} sources from {sources['origin'].nunique()} origins.")
        st.table(
            pd.DataFrame(
                {
                    "Source": sources["source_id"],
                    "Publisher": sources["publisher"],
                    "Origin": sources["origin"],
                    "Grade": sources["reliability"],
                    "Published": [day.isoformat() for day in sources["published"]],
                    "Link (not fetched)": [
                        url or f"held in seeds/: {seed}" for url, seed in zip(sources["url"], sources["seed_file"])
                    ],
                }
            )
            .map(md)
            .set_index("Source")  # st.table renders cells as Markdown: escaped, shown as typed
        )
        st.caption(
            "Grades use the Admiralty code: source reliability A (completely reliable) to F (cannot be judged); "
            "each record's grade adds its best claim's credibility, 1 (confirmed) to 6 (cannot be judged). "
            "Reprints of one wire story share one origin."
        )


def render_cards(view: pd.DataFrame, as_of: dt.date, since: dt.date | None) -> None:
    """Every record in full (the latest RECORD_CARDS_MAX), made only while its section is open."""
    section = st.expander(CARDS_LABEL, key="cards_open", on_change="rerun")
    if not section.open:
        return
    with section:
        cards = view.tail(RECORD_CARDS_MAX)  # the view is in date order: the latest
        if len(cards) < len(view):
            st.caption(
                f"Showing the {len(cards)} latest of {len(view)} records. All {len(view)} are in the event table "
                "and the downloads; those with a place are on the map."
            )
        st.html(support.record_list_html(as_of, since, RECORD_CARDS_MAX))


def render_controls(days: list[dt.date]) -> tuple[bool, str]:
    """« ◀ slider ▶ » and play. The page script presses the same buttons for the presenter keys."""
    index = days.index(st.session_state.as_of)
    controls = st.columns([0.55, 1.4, 7.5, 1.4, 0.55, 1.2, 1.0], vertical_alignment="center", gap="small")
    controls[0].button("«", key="step-first", help="First date (Home)", on_click=go_to_date, args=(days[0],),
                       disabled=index == 0, width="stretch")  # fmt: skip
    controls[1].button("◀ Previous", key="step-previous", help="Previous date (← or Page Up)", on_click=step_date,
                       args=(days, -1), disabled=index == 0, width="stretch")  # fmt: skip
    controls[2].select_slider(
        "As of (dates on which something changed)",
        options=days,
        format_func=lambda day: day.strftime("%a %d %b %Y"),
        key="as_of",
        label_visibility="collapsed",
    )
    controls[3].button("Next ▶", key="step-next", help="Next date (→, Page Down or Space)", on_click=step_date,
                       args=(days, 1), disabled=index == len(days) - 1, width="stretch")  # fmt: skip
    controls[4].button("»", key="step-last", help="Last date (End)", on_click=go_to_date, args=(days[-1],),
                       disabled=index == len(days) - 1, width="stretch")  # fmt: skip
    playing = controls[5].toggle("▶ Play", key="playing", on_change=start_play, args=(days,))
    pace = controls[6].selectbox("Play pace", list(PLAY_PACES), index=1, key="pace", label_visibility="collapsed")
    return playing, pace


def main() -> None:
    started = time.monotonic()
    presenting = st.query_params.get("present") == "1"
    st.set_page_config(
        page_title="Arctic Situation Map",
        page_icon="🧭",
        layout="wide",
        initial_sidebar_state="collapsed",  # the map keeps the width; the settings are one click away
    )
    support.install_leaflet()
    dataset = support.dataset()
    render_banner(dataset)
    records = dataset.records
    if records.empty:
        st.title("Arctic Situation Map")
        st.warning("No valid records to show. Check the data files (`python -m geo.validate`).")
        return
    days = key_dates(dataset)
    for notice in initialise_from_url(days, default_date(dataset)):
        st.warning(notice, icon="🔗")
    if st.session_state.pop("advance", False):  # the play control's step, applied before the widgets exist
        step_date(days, 1)
    stop_list, stop_problems = support.stops((days[0], days[-1]))
    for key in EVENT_TABLE_KEYS:  # kept while the Events tab is closed (Streamlit drops a widget's state
        if key in st.session_state:  # when a run does not draw it, unless the script sets it again)
            st.session_state[key] = st.session_state[key]

    with st.sidebar:
        st.header("View")
        st.radio("Map projection", list(VIEWS), format_func=VIEWS.get, key="view")
        earlier = [day for day in days if day < st.session_state.as_of]
        if st.session_state.get("since") not in earlier:
            st.session_state.since = NO_CHANGES
        st.selectbox(
            "Highlight changes since",
            [NO_CHANGES, *earlier],
            format_func=lambda day: "off" if day == NO_CHANGES else day.strftime("%a %d %b %Y"),
            key="since",
        )
        presenting = st.toggle("Presentation layout (larger type)", key="present")
        st.caption(
            "Keys, from anywhere on the page: → Page Down or Space for the next date, ← or Page Up for the "
            "previous one, Home and End for the first and last. A presentation clicker sends these."
        )
    st.html(LAYOUT_CSS + TIMELINE_CSS + EVENTS_CSS)
    if presenting:
        st.html(PRESENTATION_CSS)
    st.html(f"<script>{PAGE_SCRIPT}</script>", unsafe_allow_javascript=True)  # runs once per page

    as_of = st.session_state.as_of
    since = st.session_state.get("since")
    since = None if since == NO_CHANGES else since
    view = support.shown_view(as_of, since)
    view_name = st.session_state.view

    header = st.columns([3, 2], vertical_alignment="center")
    header[0].title("Arctic Situation Map · Greenland, Jan–Feb 2026")
    header[1].html(
        f'<p class="asm-asof" aria-live="polite">As of {as_of.strftime("%a %d %b %Y")} '
        f"<small>{len(view)} records known</small></p>"
    )
    playing, pace = render_controls(days)
    render_stops(stop_list, stop_problems, as_of, view_name)
    st.html(support.timeline_html(as_of, since, days[0], days[-1]), unsafe_allow_javascript=True)
    st.html('<p class="asm-selection-status asm-visually-hidden" role="status" aria-live="polite"></p>')

    map_column, panel_column = st.columns([3, 2] if presenting else [5, 3], gap="medium")
    with map_column:
        render_basemap_notice(support.basemap_problem(), view)
        show_map(
            support.map_base(view_name),
            support.map_layer(as_of, since, view_name),
            key=f"situation-map-{view_name}",
            height=MAP_HEIGHT,
        )
    with panel_column, st.container(key="panel"):
        # Tabs: at 1366x768 the totals and the event list do not both fit beside the map. A symbol
        # clicked on the map opens the event list at its row (asm_page.js).
        totals, events = st.tabs(PANEL_TABS, key="panel_tab", on_change="rerun")
        if totals.open:
            with totals:
                render_panel(support.shown_contributions(as_of, since))
        if events.open:
            with events:
                render_events(view, as_of, since, days[-1])

    unplaced = view[~view["record_id"].isin(drawn_record_ids(view))]
    if not unplaced.empty:
        st.caption(
            f"{len(unplaced)} record(s) are not drawn on the map (no stated place, or a contingent not there yet "
            "with no departure place); they are in the event table and the details below: "
            + md("; ".join(unplaced["title"]))
        )
    st.caption(
        "Diplomacy, reactions and allied deployments as the graded sources reported them by the chosen date. "
        "Unknown stays unknown: numbers no source states are shown as “not stated”, never 0."
    )
    st.subheader(f"What was known on {as_of.strftime('%A %d %B %Y')}")
    if since:
        changed = view[view["change"] != CHANGE_NONE]
        st.markdown(
            f"**{len(changed)} change(s) since {since.isoformat()}** — new or changed records are marked on the map and below."
        )
    stamp = as_of.isoformat() + (f"_since_{since.isoformat()}" if since else "")
    request = ExtractRequest(as_of, since)
    make = partial(render_extract, view, request=request, outlines=support.outlines(), sources=dataset.sources,
                   version=support.data_version())  # fmt: skip
    keep_downloads_through_reruns()  # a click while the page reruns still gets its file
    downloads = st.columns(len(DOWNLOADS) + 1)
    for column, (fmt, label, suffix, mime) in zip(downloads, DOWNLOADS):
        name = (
            f"arctic-situation_sources_{as_of.isoformat()}.csv"
            if fmt == "sources"
            else f"arctic-situation_{stamp}.{suffix}"
        )
        # The small text files are made with the page (once per date, shared); the others only when clicked
        # (Streamlit runs the callable then).
        data = support.extract_bytes(as_of, since, fmt) if fmt in EAGER_DOWNLOADS else partial(make, fmt=fmt)
        # on_click="ignore": no rerun, which would drop the deferred files of the other buttons mid-click.
        column.download_button(
            label, data=data, file_name=name, mime=mime, key=f"download-{fmt}", width="stretch", on_click="ignore"
        )
    briefing_inputs = (dataset, support.basemap(), as_of, view_name, since)
    briefing_options = {"data_dir": support.data_dir(), "problems": dataset.problems}
    downloads[-1].download_button(  # the page is made only when clicked (Streamlit runs the callable then)
        "Briefing snapshot (HTML)",
        data=lambda: render_briefing(*briefing_inputs, **briefing_options),
        file_name=f"arctic-briefing_{stamp}.html",
        mime="text/html",
        key="download-briefing",
        width="stretch",
        on_click="ignore",
    )
    render_sources(as_of, since)
    render_cards(view, as_of, since)

    write_url(as_of, view_name, since, presenting)
    if playing and days.index(as_of) < len(days) - 1:
        time.sleep(play_pause(PLAY_PACES[pace], time.monotonic() - started))  # an even pace, however long a run
        st.session_state.advance = True
        st.rerun()


try:
    main()
except Exception as error:  # a sentence on screen, the traceback only in the server's log
    logging.getLogger("dashboard").exception("the dashboard failed")
    st.error(
        f"The dashboard could not draw this view ({type(error).__name__}: {md(error)}). "
        "Check the data with `python -m geo.validate`; the server log has the details.",
        icon="⚠️",
    )
