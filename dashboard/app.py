"""Arctic Situation Map: the Greenland situation of January 2026, as of a chosen date.

Run with `streamlit run dashboard/app.py`. This script only reads widgets, calls `geo` and renders
what it returns.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `geo` and `dashboard` from any folder

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

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
from geo.display import number_text  # noqa: E402
from geo.extract import ExtractRequest, render_extract  # noqa: E402
from geo.features import drawn_record_ids  # noqa: E402
from geo.projection import project_points  # noqa: E402
from geo.snapshot import render_briefing  # noqa: E402
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
MAP_HEIGHT = 520  # px: the whole map stays above the fold on a 1366x768 laptop (see LAYOUT_CSS)
LAYOUT_CSS = """
<style>
  /* The map above the fold on a 1366x768 laptop: less space above a one-line title. */
  [data-testid="stMainBlockContainer"] { padding-top: 2.25rem; }
  [data-testid="stHeader"] { background: transparent; }
  h1 { font-size: 2rem !important; padding: 0 0 0.25rem 0 !important; }
  /* Captions readable (WCAG AA 4.5:1; Streamlit's grey is 3.9:1), in the light and the dark theme. */
  [data-testid="stCaptionContainer"] { color: inherit; opacity: 0.8; }
  /* Static tables fit their column (a hidden scroll region is out of keyboard reach, and hid the
     contributions' ⚠ column): cells wrap, long links break. */
  .stTable table { font-size: 0.75rem; }
  .stTable td, .stTable th { white-space: normal !important; overflow-wrap: anywhere; padding: 0.25rem 0.3rem !important; }
  /* The record list: one light HTML block (geo/display.py), one bordered card per record. */
  .asm-card { border: 1px solid rgba(128, 128, 128, 0.35); border-radius: 0.5rem; padding: 0.6rem 1rem; margin: 0 0 0.75rem 0; }
  .asm-card h4 { margin: 0.2rem 0 0.4rem 0; padding: 0; font-size: 1.1rem; }
  .asm-card p { margin: 0 0 0.4rem 0; }
  .asm-card blockquote { margin: 0.4rem 0; padding: 0 0 0 0.8rem; border-left: 3px solid rgba(128, 128, 128, 0.5); }
  .asm-card-caption { font-size: 0.85rem; opacity: 0.8; }
  .asm-change { text-transform: uppercase; }
</style>
"""
PRESENTATION_CSS = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 19px; }
  h1 { font-size: 2.2rem !important; }
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


def initialise_from_url(days: list[dt.date], default: dt.date) -> list[str]:
    """On a session's first run, take date, view and since from the URL; return notices for bad values.

    Every notice is Markdown in which the link's own text is a code span (`quote_link_value`)."""
    notices: list[str] = []
    if "as_of" in st.session_state:
        return notices
    params = st.query_params
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
    return notices


def step_date(days: list[dt.date], offset: int) -> None:
    index = days.index(st.session_state.as_of) + offset
    st.session_state.as_of = days[min(max(index, 0), len(days) - 1)]
    st.session_state.playing = st.session_state.get("playing", False) and index < len(days) - 1


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
    stop = stop_list[index]
    st.session_state.stop_index = index
    st.session_state.as_of = stop.date
    if stop.view:
        st.session_state.view = stop.view


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
    st.subheader("Contributions by country")
    st.markdown(f"**{md(result.summary)}**")
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
    st.caption(
        "“not stated”: no source gives a number (never counted as 0). “—”: no contingent in that state. "
        "Each contingent counts once, in the state it is in; the announced number is a separate fact."
    )
    differing = result.table[result.table["conflict"] != ""]
    if not differing.empty:
        with st.expander(f"⚠ Where the sources differ ({len(differing)} countries)"):
            st.markdown("\n".join(f"- **{md(row.country)}**: {md(row.conflict)}" for row in differing.itertuples()))


def render_sources(sources: pd.DataFrame) -> None:
    """The sources behind what is shown: publisher, origin, grade, date and link (shown, never fetched)."""
    with st.expander(f"Sources behind this view ({len(sources)}; {sources['origin'].nunique()} origins)"):
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


def main() -> None:
    presenting = st.query_params.get("present") == "1"
    st.set_page_config(
        page_title="Arctic Situation Map",
        page_icon="🧭",
        layout="wide",
        initial_sidebar_state="collapsed" if presenting else "auto",
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
    if st.session_state.pop("advance", False):  # the play control's step, applied before the widgets exist
        step_date(days, 1)
    for notice in initialise_from_url(days, default_date(dataset)):
        st.warning(notice, icon="🔗")
    stop_list, stop_problems = support.stops((days[0], days[-1]))

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
        presenting = st.toggle("Presentation layout (larger type)", value=presenting, key="present")
        st.header("Briefing stops")
        if stop_problems:
            st.error("Some stops were skipped:\n\n" + "\n\n".join(md(p) for p in stop_problems))
        if stop_list:
            labels = [stop.label for stop in stop_list]
            current = st.session_state.get("stop_index")
            cols = st.columns(2)
            cols[0].button(
                "◀ Stop",
                on_click=go_to_stop,
                args=(stop_list, max((current or 0) - 1, 0)),
                disabled=current in (None, 0),
                width="stretch",
            )
            cols[1].button(
                "Stop ▶",
                on_click=go_to_stop,
                args=(stop_list, 0 if current is None else min(current + 1, len(stop_list) - 1)),
                disabled=current == len(stop_list) - 1,
                width="stretch",
            )
            for index, label in enumerate(labels):
                st.button(
                    label,
                    key=f"stop-{index}",
                    on_click=go_to_stop,
                    args=(stop_list, index),
                    width="stretch",
                    type="primary" if index == current else "secondary",
                )
        else:
            st.caption("No stops file (data/stops.csv).")
    st.html(LAYOUT_CSS)
    if presenting:
        st.html(PRESENTATION_CSS)

    st.title("Arctic Situation Map — Greenland, January–February 2026")
    st.caption(
        "Diplomacy, reactions and allied deployments as the graded sources reported them by the chosen date. "
        "Unknown stays unknown: numbers no source states are shown as “not stated”, never 0."
    )
    controls = st.columns([1.4, 7, 1.4, 2], vertical_alignment="bottom")
    index = days.index(st.session_state.as_of)
    controls[0].button("◀ Previous", on_click=step_date, args=(days, -1), disabled=index == 0, width="stretch")
    controls[1].select_slider(
        "As of (dates on which something changed)",
        options=days,
        format_func=lambda day: day.strftime("%a %d %b %Y"),
        key="as_of",
    )
    controls[2].button("Next ▶", on_click=step_date, args=(days, 1), disabled=index == len(days) - 1, width="stretch")
    with controls[3]:
        pace = st.selectbox("Play pace", list(PLAY_PACES), index=1, key="pace", label_visibility="collapsed")
        playing = st.toggle("▶ Play", key="playing")

    as_of = st.session_state.as_of
    current_stop = st.session_state.get("stop_index")
    stop = stop_list[current_stop] if current_stop is not None and current_stop < len(stop_list) else None
    if stop and stop.date == as_of:
        st.info(f"**{md(stop.label)}** — {md(stop.caption)}")

    since = st.session_state.get("since")
    since = None if since == NO_CHANGES else since
    view = support.shown_view(as_of, since)
    view_name = st.session_state.view

    map_column, panel_column = st.columns([3, 2] if presenting else [5, 3], gap="medium")
    with map_column:
        render_basemap_notice(support.basemap_problem(), view)
        center = zoom = None
        if stop and stop.date == as_of and stop.center:
            ((x, y),) = project_points([stop.center[1]], [stop.center[0]], view_name)
            center, zoom = (y, x), stop.zoom
        show_map(
            support.map_base(view_name),
            support.map_layer(as_of, since, view_name),
            key=f"situation-map-{view_name}",
            height=MAP_HEIGHT,
            center=center,
            zoom=zoom,
        )
        unplaced = view[~view["record_id"].isin(drawn_record_ids(view))]
        if not unplaced.empty:
            st.caption(
                f"{len(unplaced)} record(s) are not drawn (no stated place, or a contingent not there yet with no departure place) and are listed below: "
                + md("; ".join(unplaced["title"]))
            )
    with panel_column:
        st.metric("Records known as of this date", len(view), help="Reported on or before the date")
        render_panel(support.shown_contributions(as_of, since))

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
    downloads = st.columns(len(DOWNLOADS))
    for column, (fmt, label, suffix, mime) in zip(downloads, DOWNLOADS):
        name = (
            f"arctic-situation_sources_{as_of.isoformat()}.csv"
            if fmt == "sources"
            else f"arctic-situation_{stamp}.{suffix}"
        )
        # Small text files are made with the page; the others only when clicked (Streamlit runs the callable then).
        data = support.extract_bytes(as_of, since, fmt) if fmt in EAGER_DOWNLOADS else partial(make, fmt=fmt)
        # on_click="ignore": no rerun, which would drop the deferred files of the other buttons mid-click.
        column.download_button(
            label, data=data, file_name=name, mime=mime, key=f"download-{fmt}", width="stretch", on_click="ignore"
        )
    briefing_inputs = (dataset, support.basemap(), as_of, view_name, since)
    briefing_options = {"data_dir": support.data_dir(), "problems": dataset.problems}
    st.download_button(  # the page is made only when clicked (Streamlit runs the callable then)
        "Download briefing snapshot (HTML)",
        data=lambda: render_briefing(*briefing_inputs, **briefing_options),
        file_name=f"arctic-briefing_{stamp}.html",
        mime="text/html",
        key="download-briefing",
        on_click="ignore",
    )
    cards = view.tail(RECORD_CARDS_MAX)  # the view is in date order: the latest
    if len(cards) < len(view):
        st.caption(
            f"Showing the {len(cards)} latest of {len(view)} records. All {len(view)} are in the downloads; "
            "those with a place are on the map, those without are named under it."
        )
    render_sources(support.cited_sources(as_of, since))
    st.html(support.record_list_html(as_of, since, RECORD_CARDS_MAX))

    st.query_params.from_dict(
        {
            key: value
            for key, value in {
                "date": as_of.isoformat(),
                "view": view_name if view_name != "mercator" else None,
                "since": since.isoformat() if since else None,
                "present": "1" if presenting else None,
            }.items()
            if value
        }
    )
    if playing and index < len(days) - 1:
        time.sleep(PLAY_PACES[pace])
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
