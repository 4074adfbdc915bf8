"""The dashboard's edge: cached loaders, locally served Leaflet, and safe text for Markdown.

Caching lives here, never in `geo/`.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import os
import re
import shutil
from pathlib import Path

import geopandas as gpd
import streamlit as st

from geo.asof import placed_frame
from geo.basemap import BasemapError, load_basemap
from geo.geometry import outlines_by_iso3
from geo.mapview import BaseLayers, frame_bounds, prepare_base_layers, serve_base_layers
from geo.paths import DATA_DIR, STOPS_PATH, basemap_path_for
from geo.records import Dataset, load_dataset
from geo.stops import load_stops
from geo.version import data_version as read_data_version

STATIC_DIR = Path(__file__).parent / "static"
STATIC_URL = "/app/static"  # where Streamlit serves STATIC_DIR (server.enableStaticServing)
LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png", "images/marker-icon.png")
DATA_DIR_ENV = "ASM_DATA_DIR"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'])")


def data_dir() -> Path:
    """The bundled data, or the folder named by ASM_DATA_DIR (used by tests and curators)."""
    return Path(os.environ.get(DATA_DIR_ENV, DATA_DIR))


def _fingerprint(folder: Path) -> tuple:
    """Changes when any file the dataset or the map reads changes (the CSV files, the seeds and the
    basemap), so edits, and a restored basemap, show without a restart."""
    paths = [
        *sorted(folder.glob("*.csv")),
        *sorted((folder.parent / "seeds").glob("*")),
        *sorted(basemap_path_for(folder).parent.glob("*")),
    ]
    return tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in paths if path.is_file())


@st.cache_resource(show_spinner="Loading and checking the records…")
def _dataset(folder: str, fingerprint: tuple) -> Dataset:
    return load_dataset(Path(folder), basemap_path=basemap_path_for(Path(folder)))


def dataset() -> Dataset:
    folder = data_dir()
    return _dataset(str(folder), _fingerprint(folder))


@st.cache_resource
def _data_version(folder: str, fingerprint: tuple) -> str:
    return str(read_data_version(Path(folder)))


def data_version() -> str:
    """The data version written into extracts: worked out once per change of the data files."""
    folder = data_dir()
    return _data_version(str(folder), _fingerprint(folder))


@st.cache_resource(show_spinner="Loading the basemap…")
def _basemap(folder: str, fingerprint: tuple) -> tuple[gpd.GeoDataFrame, str | None]:
    """The basemap, or no outlines and the sentence saying why (the map then draws the records on a
    plain background instead of failing)."""
    try:
        return load_basemap(basemap_path_for(Path(folder))), None
    except BasemapError as error:
        return gpd.GeoDataFrame({"iso3": [], "name": []}, geometry=[], crs=4326), str(error)


def _basemap_key() -> tuple[str, tuple]:
    folder = data_dir()
    return str(folder), _fingerprint(folder)


def basemap() -> gpd.GeoDataFrame:
    """The country outlines; empty when the basemap file cannot be used (see `basemap_problem`)."""
    return _basemap(*_basemap_key())[0]


def basemap_problem() -> str | None:
    """Why the map has no country outlines, or None when the basemap is fine."""
    return _basemap(*_basemap_key())[1]


@st.cache_resource
def _outlines(folder: str, fingerprint: tuple) -> dict:
    return outlines_by_iso3(_basemap(folder, fingerprint)[0])


def outlines() -> dict:
    return _outlines(*_basemap_key())


@st.cache_resource
def _base_layers(folder: str, fingerprint: tuple, view: str) -> BaseLayers:
    return serve_base_layers(
        prepare_base_layers(_basemap(folder, fingerprint)[0], view), STATIC_DIR / "outlines", STATIC_URL + "/outlines"
    )


def base_layers(view: str) -> BaseLayers:
    """The view's outlines projected and serialised once, and served as a static script that the
    map loads once: they no longer travel with every slider step."""
    return _base_layers(*_basemap_key(), view)


@st.cache_resource
def _map_frame(folder: str, fingerprint: tuple, view: str) -> list[list[float]]:
    return frame_bounds(placed_frame(_dataset(folder, fingerprint)), view, _outlines(folder, fingerprint))


def map_frame(view: str) -> list[list[float]]:
    """The map's framing for the dataset and view: computed once, not on every step."""
    folder = data_dir()
    return _map_frame(str(folder), _fingerprint(folder), view)


def stops(span: tuple[dt.date, dt.date]):
    path = data_dir() / STOPS_PATH.name
    return load_stops(path, span)


@st.cache_resource
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
