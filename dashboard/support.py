"""The dashboard's edge: cached loaders, locally served Leaflet, and safe text for Markdown.

Caching lives here, never in `geo/`.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import hashlib
import os
import re
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st
from jinja2.utils import htmlsafe_json_dumps

from dashboard.mapcomponent import MapBase, prepare_base, prepare_layer
from geo.asof import Contributions, contributions, placed_frame, view_as_of
from geo.basemap import BasemapError, load_basemap
from geo.chronology import event_table_html, filter_view, sort_view, table_options
from geo.display import record_cards_html
from geo.extract import ExtractRequest, render_extract
from geo.features import build_record_layer
from geo.geometry import outlines_by_iso3
from geo.leaflet import LOCAL_ASSETS, BaseLayers, MapAssets, build_base_map, prepare_base_layers, serve_base_layers
from geo.paths import DATA_DIR, STOPS_PATH, basemap_path_for
from geo.projection import frame_bounds
from geo.records import Dataset, load_dataset
from geo.stops import load_stops
from geo.timeline import timeline_html as make_timeline_html
from geo.version import data_version as read_data_version

STATIC_DIR = Path(__file__).parent / "static"
STATIC_URL = "/app/static"  # where Streamlit serves STATIC_DIR (server.enableStaticServing)
LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png", "images/marker-icon.png")
DATA_DIR_ENV = "ASM_DATA_DIR"
# The map's frame loads Leaflet, then html-to-image and the export buttons (PNG, copy link): all served
# from this machine (dashboard/static), nothing from the network.
MAP_ASSETS = MapAssets(
    js_urls=(
        *LOCAL_ASSETS.js_urls,
        f"{STATIC_URL}/vendor/html-to-image-1.11.13.js",
        f"{STATIC_URL}/asm_frame.js",
    ),
    css_urls=LOCAL_ASSETS.css_urls,
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'])")


def data_dir() -> Path:
    """The bundled data, or the folder named by ASM_DATA_DIR (used by tests and curators)."""
    return Path(os.environ.get(DATA_DIR_ENV, DATA_DIR))


def _fingerprint(folder: Path) -> str:
    """Changes when any file the dataset or the map reads changes (the CSV files, the seeds and the
    basemap), so edits, and a restored basemap, show without a restart. A digest of each file's
    path, time and size: Streamlit hashes every cached call's arguments, a short string quickly."""
    paths = [
        *sorted(folder.glob("*.csv")),
        *sorted((folder.parent / "seeds").glob("*")),
        *sorted(basemap_path_for(folder).parent.glob("*")),
    ]
    stats = [(str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in paths if path.is_file()]
    return hashlib.sha256(repr(stats).encode("utf-8")).hexdigest()


@st.cache_resource(show_spinner="Loading and checking the records…")
def _dataset(folder: str, fingerprint: str) -> Dataset:
    return load_dataset(Path(folder), basemap_path=basemap_path_for(Path(folder)))


def dataset() -> Dataset:
    folder = data_dir()
    return _dataset(str(folder), _fingerprint(folder))


@st.cache_resource(show_spinner=False)
def _data_version(folder: str, fingerprint: str) -> str:
    return str(read_data_version(Path(folder)))


def data_version() -> str:
    """The data version written into extracts: worked out once per change of the data files."""
    folder = data_dir()
    return _data_version(str(folder), _fingerprint(folder))


@st.cache_resource(show_spinner="Loading the basemap…")
def _basemap(folder: str, fingerprint: str) -> tuple[gpd.GeoDataFrame, str | None]:
    """The basemap, or no outlines and the sentence saying why (the map then draws the records on a
    plain background instead of failing)."""
    try:
        return load_basemap(basemap_path_for(Path(folder))), None
    except BasemapError as error:
        return gpd.GeoDataFrame({"iso3": [], "name": []}, geometry=[], crs=4326), str(error)


def _basemap_key() -> tuple[str, str]:
    folder = data_dir()
    return str(folder), _fingerprint(folder)


def basemap() -> gpd.GeoDataFrame:
    """The country outlines; empty when the basemap file cannot be used (see `basemap_problem`)."""
    return _basemap(*_basemap_key())[0]


def basemap_problem() -> str | None:
    """Why the map has no country outlines, or None when the basemap is fine."""
    return _basemap(*_basemap_key())[1]


@st.cache_resource(show_spinner=False)
def _outlines(folder: str, fingerprint: str) -> dict:
    return outlines_by_iso3(_basemap(folder, fingerprint)[0])


def outlines() -> dict:
    return _outlines(*_basemap_key())


@st.cache_resource(show_spinner=False)
def _base_layers(folder: str, fingerprint: str, view: str) -> BaseLayers:
    return serve_base_layers(
        prepare_base_layers(_basemap(folder, fingerprint)[0], view), STATIC_DIR / "outlines", STATIC_URL + "/outlines"
    )


def base_layers(view: str) -> BaseLayers:
    """The view's outlines projected and serialised once, and served as a static script that the
    map loads once: they no longer travel with every slider step."""
    return _base_layers(*_basemap_key(), view)


@st.cache_resource(show_spinner=False)
def _map_frame(folder: str, fingerprint: str, view: str) -> list[list[float]]:
    return frame_bounds(placed_frame(_dataset(folder, fingerprint)), view, _outlines(folder, fingerprint))


def map_frame(view: str) -> list[list[float]]:
    """The map's framing for the dataset and view: computed once, not on every step."""
    folder = data_dir()
    return _map_frame(str(folder), _fingerprint(folder), view)


# ---------------------------------------------------------------- what a step shows, shared by every session
# The view of a date, its record layer and its panels are the same for every viewer: worked out once
# per data version (the fingerprint), date, 'changes since' and map view, then reused by every session.
SHARED_STEPS = 512  # distinct (date, since, view) combinations kept; the bundled data has ~30 dates


@st.cache_resource(max_entries=SHARED_STEPS, show_spinner=False)
def _shown_view(folder: str, fingerprint: str, as_of: dt.date, since: dt.date | None):
    return view_as_of(_dataset(folder, fingerprint), as_of, since)


def shown_view(as_of: dt.date, since: dt.date | None):
    """The as-of view (with changes when `since` is given), shared: do not modify it."""
    folder = data_dir()
    return _shown_view(str(folder), _fingerprint(folder), as_of, since)


@st.cache_resource(max_entries=8, show_spinner=False)
def _map_base(folder: str, fingerprint: str, view: str) -> MapBase:
    fmap = build_base_map(
        _basemap(folder, fingerprint)[0], None, view=view, assets=MAP_ASSETS, layers=_base_layers(folder, fingerprint, view),
        bounds=_map_frame(folder, fingerprint, view),
    )  # fmt: skip
    return prepare_base(fmap)


def map_base(view: str) -> MapBase:
    """The base map of a view, rendered once per data version."""
    return _map_base(*_basemap_key(), view)


@st.cache_resource(max_entries=SHARED_STEPS, show_spinner=False)
def _map_layer(folder: str, fingerprint: str, as_of: dt.date, since: dt.date | None, view: str) -> str:
    shown = _shown_view(folder, fingerprint, as_of, since)
    return prepare_layer(build_record_layer(shown, _outlines(folder, fingerprint), view=view))


def map_layer(as_of: dt.date, since: dt.date | None, view: str) -> str:
    """The record layer's script for a date and view, made once and shared."""
    return _map_layer(*_basemap_key(), as_of, since, view)


@st.cache_resource(max_entries=SHARED_STEPS, show_spinner=False)
def _record_list_html(folder: str, fingerprint: str, as_of: dt.date, since: dt.date | None, limit: int) -> str:
    return record_cards_html(_shown_view(folder, fingerprint, as_of, since).tail(limit))


def record_list_html(as_of: dt.date, since: dt.date | None, limit: int) -> str:
    """The latest `limit` records of the view as one escaped HTML block, made once and shared."""
    folder = data_dir()
    return _record_list_html(str(folder), _fingerprint(folder), as_of, since, limit)


@st.cache_resource(max_entries=SHARED_STEPS, show_spinner=False)
def _timeline_html(folder: str, fingerprint: str, as_of: dt.date, since: dt.date | None, start: dt.date,
                   end: dt.date) -> str:  # fmt: skip
    svg = make_timeline_html(_shown_view(folder, fingerprint, as_of, since), start=start, end=end, as_of=as_of)
    return inserted_html("asm-timeline-slot", svg)  # st.html's sanitiser would drop the SVG


def inserted_html(css_class: str, markup: str) -> str:
    """Markup made by `geo` (every record text in it escaped there) put into an empty box by a one-line
    script, for `st.html(..., unsafe_allow_javascript=True)`: st.html's sanitiser drops SVG, and re-parses
    a large table on every step. htmlsafe_json_dumps writes the markup as a JavaScript string that cannot
    close the script element."""
    return (
        f'<div class="{css_class}"></div><script>'
        f"document.currentScript.previousElementSibling.innerHTML = {htmlsafe_json_dumps(markup)};</script>"
    )


def timeline_html(as_of: dt.date, since: dt.date | None, start: dt.date, end: dt.date) -> str:
    """The timeline of the records known on the date, for `st.html(..., unsafe_allow_javascript=True)`."""
    folder = data_dir()
    return _timeline_html(str(folder), _fingerprint(folder), as_of, since, start, end)


@st.cache_resource(max_entries=SHARED_STEPS, show_spinner=False)
def _event_table(folder: str, fingerprint: str, as_of: dt.date, since: dt.date | None, filters: tuple,
                 by: str, descending: bool) -> tuple[str, int]:  # fmt: skip
    countries, kinds, statuses = filters
    view = _shown_view(folder, fingerprint, as_of, since)
    shown = sort_view(filter_view(view, countries=countries, kinds=kinds, statuses=statuses), by, descending)
    return event_table_html(shown), len(shown)


def event_table(as_of: dt.date, since: dt.date | None, filters: tuple, by: str, descending: bool) -> tuple[str, int]:
    """The event table's HTML for the date, filtered ((countries, kinds, statuses), each a tuple) and
    sorted, with how many records it lists: made once per choice and shared."""
    folder = data_dir()
    return _event_table(str(folder), _fingerprint(folder), as_of, since, filters, by, descending)


@st.cache_resource(max_entries=8, show_spinner=False)
def _table_options(folder: str, fingerprint: str, last: dt.date) -> dict[str, dict[str, str]]:
    return table_options(_shown_view(folder, fingerprint, last, None))


def event_table_options(last: dt.date) -> dict[str, dict[str, str]]:
    """What the event table's filters offer: everything known on the last date, shared."""
    folder = data_dir()
    return _table_options(str(folder), _fingerprint(folder), last)


@st.cache_resource(max_entries=SHARED_STEPS, show_spinner=False)
def _contributions(folder: str, fingerprint: str, as_of: dt.date, since: dt.date | None) -> Contributions:
    return contributions(_shown_view(folder, fingerprint, as_of, since))


def shown_contributions(as_of: dt.date, since: dt.date | None) -> Contributions:
    """The contributions panel's figures for the date, shared."""
    folder = data_dir()
    return _contributions(str(folder), _fingerprint(folder), as_of, since)


@st.cache_resource(max_entries=SHARED_STEPS, show_spinner=False)
def _cited_sources(folder: str, fingerprint: str, as_of: dt.date, since: dt.date | None) -> pd.DataFrame:
    shown = _shown_view(folder, fingerprint, as_of, since)
    cited = {source for value in shown["sources"] for source in value.split(";")}
    sources = _dataset(folder, fingerprint).sources
    return sources[sources["source_id"].isin(cited)].sort_values(["published", "source_id"])


def cited_sources(as_of: dt.date, since: dt.date | None) -> pd.DataFrame:
    """The sources behind the view of the date, in publication order, shared."""
    folder = data_dir()
    return _cited_sources(str(folder), _fingerprint(folder), as_of, since)


@st.cache_resource(max_entries=SHARED_STEPS, show_spinner=False)
def _extract_bytes(folder: str, fingerprint: str, as_of: dt.date, since: dt.date | None, fmt: str) -> bytes:
    return render_extract(
        _shown_view(folder, fingerprint, as_of, since), fmt, ExtractRequest(as_of, since), outlines={},
        sources=_dataset(folder, fingerprint).sources, version=_data_version(folder, fingerprint),
    )  # fmt: skip


def extract_bytes(as_of: dt.date, since: dt.date | None, fmt: str) -> bytes:
    """A text extract (CSV, sources) of the date, made once and shared (it holds no generation time)."""
    folder = data_dir()
    return _extract_bytes(str(folder), _fingerprint(folder), as_of, since, fmt)


@st.cache_resource(max_entries=8, show_spinner=False)
def _stops(folder: str, fingerprint: str, span: tuple[dt.date, dt.date]):
    return load_stops(Path(folder) / STOPS_PATH.name, span)


def stops(span: tuple[dt.date, dt.date]):
    """The briefing stops and the problems of the bad ones, read once per change of the data files."""
    folder = data_dir()
    return _stops(str(folder), _fingerprint(folder), span)


@st.cache_resource(show_spinner=False)
def install_leaflet() -> Path:
    """Copy Leaflet from the xstatic-leaflet package into the folder Streamlit serves as /app/static."""
    from xstatic.pkg import leaflet

    source = Path(leaflet.BASE_DIR)
    target = STATIC_DIR / "leaflet"
    for name in LEAFLET_FILES:
        destination = target / name
        if destination.exists() and filecmp.cmp(source / name, destination, shallow=False):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, destination)
    return target


def md_code(text: object) -> str:
    """Text as a Markdown code span: shown exactly as typed, in monospace.

    For text a reader did not write (a link's parameters): Markdown and HTML are not interpreted
    inside a code span, and neither are bare URLs, which GitHub-flavoured Markdown (Streamlit's)
    turns into live links even when `md` has escaped their punctuation. The fence is one backtick
    longer than any run in the text; a space pads text that starts or ends with a backtick or a
    space (Markdown strips exactly one each side).
    """
    shown = " ".join(str(text).splitlines()) or " "
    fence = "`" * (max((len(run) for run in re.findall(r"`+", shown)), default=0) + 1)
    pad = " " if shown[0] in "` " or shown[-1] in "` " else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def md(text: object) -> str:
    """Text that Markdown shows literally: every ASCII punctuation mark backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
