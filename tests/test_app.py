"""The dashboard headless, with streamlit.testing.v1.AppTest: run it, move the date, read the panels.

What only a browser can see (the map drawn, requests on the wire) is in tests/browser/.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil

import pytest
import streamlit.testing.v1.app_test as app_test_module
import streamlit_folium
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from geo.asof import as_of_view
from geo.extract import main as extract_main
from geo.mapview import VIEWS, build_base_map, build_record_layer
from geo.paths import DATA_DIR, REPO_ROOT, SEEDS_DIR
from tests.conftest import read_csv_rows

APP = REPO_ROOT / "dashboard" / "app.py"
TIMEOUT = 60
D14, D15, D19, D20 = dt.date(2026, 1, 14), dt.date(2026, 1, 15), dt.date(2026, 1, 19), dt.date(2026, 1, 20)
LOCAL_ASSET_PREFIX = "/app/static/"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
ABSOLUTE_URL = re.compile(r"""https?://[^\s"'<>)\\]*""")
RELATIVE_URL = re.compile(r"""(?<=["'(])//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'<>)\\]*""")
PANEL_HEADING = "Contributions by country"


class RecordingMediaStorage(MemoryMediaFileStorage):
    """AppTest keeps download data in a MemoryMediaFileStorage it makes per run; keep a handle on it."""

    made: list[RecordingMediaStorage] = []

    def __init__(self, media_endpoint: str) -> None:
        super().__init__(media_endpoint)
        RecordingMediaStorage.made.append(self)


@pytest.fixture
def media(monkeypatch):
    RecordingMediaStorage.made = []
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingMediaStorage)
    return RecordingMediaStorage.made


def run_app(**query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unescape(markdown: str) -> str:
    """Markdown text as shown: the app backslash-escapes punctuation (dashboard.support.md)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def panel_summary(at: AppTest) -> str:
    (column,) = [c for c in at.columns if any(s.value == PANEL_HEADING for s in c.subheader)]
    return unescape(column.markdown[0].value).strip("*")


def listed_titles(at: AppTest) -> list[str]:
    return [unescape(m.value[len("#### ") :]) for m in at.markdown if m.value.startswith("#### ")]


def expected_titles(raw_records, as_of: dt.date) -> list[str]:
    known = [row for row in raw_records if dt.date.fromisoformat(row["reported_on"]) <= as_of]
    return [row["title"] for row in sorted(known, key=lambda row: (row["date"], row["_line"]))]


def metric_count(at: AppTest) -> int:
    return int(at.metric[0].value)


def button(at: AppTest, label: str):
    (found,) = [b for b in at.button if b.label == label]
    return found


def cli_extract(tmp_path, as_of: dt.date, fmt: str, since: dt.date | None = None) -> bytes:
    """The bytes `python -m geo.extract` writes (its `main`, called in-process with the same argv)."""
    target = tmp_path / f"cli_{as_of}_{since}.{fmt}"
    argv = ["--as-of", as_of.isoformat(), "--format", fmt, "-o", str(target)]
    if since:
        argv += ["--since", since.isoformat()]
    assert extract_main(argv) == 0
    return target.read_bytes()


def downloaded(at: AppTest, media: list, key: str):
    url = at.download_button(key=key).proto.url
    assert url.startswith("/mock/media/"), url
    return media[-1].get_file(url.rsplit("/", 1)[1])


# ---------------------------------------------------------------- runs


def test_app_runs_at_the_latest_report_date(raw_records):
    at = run_app()
    assert not at.error, [e.value for e in at.error]
    latest = max(dt.date.fromisoformat(row["reported_on"]) for row in raw_records)
    slider = at.select_slider(key="as_of")
    assert slider.value == latest
    assert latest.strftime("%a %d %b %Y") in slider.options
    assert metric_count(at) == len(expected_titles(raw_records, latest))


def test_moving_the_slider_changes_the_panel_and_the_list(raw_records):
    at = run_app()
    at.select_slider(key="as_of").set_value(D14).run()
    assert not at.exception
    summary_14, titles_14 = panel_summary(at), listed_titles(at)
    assert summary_14 == "No personnel numbers stated; 1 country did not state numbers"
    assert titles_14 == expected_titles(raw_records, D14)
    assert metric_count(at) == len(titles_14)

    at.select_slider(key="as_of").set_value(D15).run()
    assert not at.exception
    assert panel_summary(at) == "14 personnel stated by 2 countries; 4 countries did not state numbers"
    assert listed_titles(at) == expected_titles(raw_records, D15)
    assert len(listed_titles(at)) > len(titles_14)
    assert at.query_params["date"] == "2026-01-15", "the URL follows the date, so the view can be linked"


def test_previous_and_next_step_through_the_key_dates():
    at = run_app()
    slider = at.select_slider(key="as_of")
    assert slider.value == D15
    button(at, "Next ▶").click().run()
    assert at.select_slider(key="as_of").value == D19
    button(at, "Next ▶").click().run()
    assert at.select_slider(key="as_of").value == D20
    button(at, "◀ Previous").click().run()
    assert at.select_slider(key="as_of").value == D19
    at.select_slider(key="as_of").set_value(D14).run()
    assert button(at, "◀ Previous").disabled
    button(at, "Next ▶").click().run()
    assert at.select_slider(key="as_of").value == D15


def test_next_is_disabled_on_the_last_date():
    at = run_app()
    last = at.select_slider(key="as_of").options[-1]
    at.select_slider(key="as_of").set_value(dt.datetime.strptime(last, "%a %d %b %Y").date()).run()
    assert button(at, "Next ▶").disabled
    assert not button(at, "◀ Previous").disabled


# ---------------------------------------------------------------- downloads


@pytest.mark.parametrize(
    ("key", "fmt", "mimetype"),
    [
        pytest.param("download-csv", "csv", "text/csv", id="csv"),
        pytest.param("download-geojson", "geojson", "application/geo+json", id="geojson"),
    ],
)
def test_downloads_equal_the_cli_extract(media, tmp_path, key, fmt, mimetype):
    at = run_app()
    at.select_slider(key="as_of").set_value(D14).run()
    file = downloaded(at, media, key)
    assert file.content == cli_extract(tmp_path, D14, fmt)
    assert file.mimetype == mimetype
    assert file.filename == f"arctic-situation_2026-01-14.{fmt}"


def test_downloads_with_changes_equal_the_cli_extract_since(media, tmp_path):
    at = run_app()
    at.selectbox(key="since").set_value(D14).run()
    assert not at.exception
    csv_file = downloaded(at, media, "download-csv")
    assert csv_file.content == cli_extract(tmp_path, D15, "csv", since=D14)
    assert csv_file.filename == "arctic-situation_2026-01-15_since_2026-01-14.csv"
    assert downloaded(at, media, "download-geojson").content == cli_extract(tmp_path, D15, "geojson", since=D14)


# ---------------------------------------------------------------- the map loads nothing from the network


def remote_urls(text: str) -> set[str]:
    """Absolute (http://, https://) and protocol-relative ("//host/...") URLs, bar the SVG namespace."""
    stripped = text.replace(SVG_NAMESPACE, "")
    return set(ABSOLUTE_URL.findall(stripped)) | set(RELATIVE_URL.findall(stripped))


def check_component_args(args: dict, where: str) -> None:
    links = [*args["js_links"], *args["css_links"]]
    assert links, f"{where}: the map should load Leaflet from the app"
    assert [link for link in links if not link.startswith(LOCAL_ASSET_PREFIX)] == [], where
    for name in ("script", "header", "html", "feature_group", "layer_control"):
        assert remote_urls(args.get(name) or "") == set(), f"{where}: {name} holds a remote URL"


@pytest.mark.parametrize("view", list(VIEWS))
def test_map_component_of_the_running_app_loads_only_local_assets(view):
    at = run_app(view=view) if view != "mercator" else run_app()
    assert at.radio(key="view").value == view
    (component,) = at.get("component_instance")
    assert component.proto.component_name.endswith("st_folium")
    check_component_args(json.loads(component.proto.json_args), f"app, {view} view")


@pytest.mark.parametrize("view", list(VIEWS))
def test_map_built_like_the_app_sends_only_local_assets(monkeypatch, dataset, basemap, outlines, view):
    sent: dict = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.update(kwargs))
    base = build_base_map(basemap, dataset.records, view=view)
    layer = build_record_layer(as_of_view(dataset.records, D15), outlines, view=view)
    streamlit_folium.st_folium(base, key="map", feature_group_to_add=layer, returned_objects=[], height=560)
    check_component_args(sent, f"st_folium, {view} view")

    # The same walk st_folium makes over the elements, and the whole page folium would write.
    def walk(element):
        yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    links = [url for element in walk(base) for attr in ("default_js", "default_css") for _, url in getattr(element, attr, [])]
    assert links and all(url.startswith(LOCAL_ASSET_PREFIX) for url in links), links
    assert remote_urls(base.get_root().render()) == set()


# ---------------------------------------------------------------- links


@pytest.mark.parametrize(
    ("raw", "expected", "notice"),
    [
        pytest.param("2026-01-19", D19, None, id="a-key-date"),
        pytest.param("2026-01-17", D15, "Nothing changed on 2026-01-17", id="between-key-dates-snaps-back"),
        pytest.param("2026-13-45", D15, "value `2026-13-45` is not a date", id="malformed-falls-back"),
        pytest.param("2025-06-01", D15, "outside the records", id="out-of-range-falls-back"),
    ],
)
def test_date_link_selects_the_date_or_warns(raw, expected, notice):
    at = run_app(date=raw)
    assert at.select_slider(key="as_of").value == expected
    warnings = [w.value for w in at.warning]
    if notice is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and notice in warnings[0], warnings


# ---------------------------------------------------------------- a broken data folder


@pytest.fixture
def broken_data_dir(tmp_path):
    """A copy of the data with one row's date made impossible; seeds beside it, as the app expects."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copytree(SEEDS_DIR, tmp_path / "seeds")
    shutil.copy(DATA_DIR / "places.csv", data / "places.csv")
    with open(DATA_DIR / "records.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    broken = next(row for row in rows[1:] if row[header.index("record_id")] == "deployment-nor")
    broken[header.index("date")] = "2026-02-30"
    with open(data / "records.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return data


def test_broken_row_shows_the_banner_and_every_valid_record(monkeypatch, broken_data_dir):
    monkeypatch.setenv("ASM_DATA_DIR", str(broken_data_dir))
    at = run_app()
    rows = read_csv_rows(broken_data_dir / "records.csv")
    broken = next(row for row in rows if row["record_id"] == "deployment-nor")
    (banner,) = at.error
    found = re.search(r"(\d+) of (\d+) records rejected\** — showing (\d+)", banner.value)
    assert found, banner.value
    rejected, total, shown = map(int, found.groups())
    assert (rejected, total) == (1, len(rows))
    assert shown + rejected == len(rows)
    problems = "\n".join(code.value for code in at.code)
    assert f"records.csv:{broken['_line']}: date:" in problems and "2026-02-30" in problems
    titles = listed_titles(at)
    valid = [row["title"] for row in sorted(rows, key=lambda row: (row["date"], row["_line"])) if row is not broken]
    assert titles == valid
    assert metric_count(at) == shown
    assert broken["title"] not in titles
