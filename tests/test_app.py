"""The dashboard headless, with streamlit.testing.v1.AppTest: run it, move the date, read the panels.

Tests on the bundled data derive what they expect from it through `geo` (the data grows); tests
that need a fixed picture (exact dates, numbers, grades, sources that differ) run the app on the
small data folder of tests/support/situation.py (ASM_DATA_DIR). What only a browser can see (the
map drawn, requests on the wire) is in tests/browser/.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
import shutil
from html.parser import HTMLParser

import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
import streamlit_folium
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from geo.asof import as_of_view, contributions, default_date, key_dates, placed_frame
from geo.extract import main as extract_main
from geo.features import build_record_layer
from geo.leaflet import build_base_map
from geo.paths import DATA_DIR, REPO_ROOT, SEEDS_DIR
from geo.records import load_dataset
from geo.views import VIEWS
from tests.conftest import read_csv_rows
from tests.support import situation as fixed
from tests.support.situation import make_situation_data

APP = REPO_ROOT / "dashboard" / "app.py"
TIMEOUT = 60
RECORD_CARDS_MAX = 100  # dashboard/app.py shows the latest this many records as cards
LOCAL_ASSET_PREFIX = "/app/static/"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
ABSOLUTE_URL = re.compile(r"""https?://[^\s"'<>)\\]*""")
RELATIVE_URL = re.compile(r"""(?<=["'(])//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'<>)\\]*""")
PANEL_HEADING = "Contributions by country"
PANEL_STATES = ("Announced", "Under way", "On the ground", "Left")


class RecordingMediaStorage(MemoryMediaFileStorage):
    """AppTest keeps download data in a MemoryMediaFileStorage it makes per run; keep a handle on it."""

    made: list[RecordingMediaStorage] = []

    def __init__(self, media_endpoint: str) -> None:
        super().__init__(media_endpoint)
        RecordingMediaStorage.made.append(self)


class RecordingMediaManager(MediaFileManager):
    """And its media manager, which holds the downloads made only when clicked (deferred)."""

    made: list[RecordingMediaManager] = []

    def __init__(self, storage) -> None:
        super().__init__(storage)
        RecordingMediaManager.made.append(self)


@pytest.fixture
def media(monkeypatch):
    RecordingMediaStorage.made = []
    RecordingMediaManager.made = []
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingMediaStorage)
    monkeypatch.setattr(app_test_module, "MediaFileManager", RecordingMediaManager)
    return RecordingMediaStorage.made


def run_app(*, open_sections: bool = True, **query: str) -> AppTest:
    """The app on a link's query; with the sources and the record cards open (they are made only
    while open), as a reader who wants them sees them."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    if open_sections:
        at.session_state["sources_open"] = True
        at.session_state["cards_open"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unescape(markdown: str) -> str:
    """Markdown text as shown: the app backslash-escapes punctuation (dashboard.support.md)."""
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.fixture(scope="module")
def situation(tmp_path_factory):
    """The fixed picture's data folder (tests/support/situation.py), made once for the module."""
    made = make_situation_data(tmp_path_factory.mktemp("situation"))
    loaded = load_dataset(made.data_dir)
    assert not loaded.problems, [str(p) for p in loaded.problems]
    assert key_dates(loaded) == fixed.KEY_DATES and default_date(loaded) == fixed.DEFAULT_DATE
    return made, loaded


@pytest.fixture
def on_fixed_data(monkeypatch, situation):
    """The app reads the fixed picture's folder; returns its Dataset."""
    made, loaded = situation
    monkeypatch.setenv("ASM_DATA_DIR", str(made.data_dir))
    return loaded


def html_text(body: str) -> str:
    """An HTML block's text as the page shows it."""
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def html_block(at: AppTest, css_class: str) -> str:
    (body,) = [e.proto.body for e in at.get("html") if f'class="{css_class}"' in e.proto.body]
    return body


def panel_summary(at: AppTest) -> str:
    (tab,) = [t for t in at.tabs if t.label == PANEL_HEADING]
    (body,) = [e.proto.body for e in tab.get("html") if 'class="asm-totals"' in e.proto.body]
    return html_text(body)


def panel_table(at: AppTest) -> pd.DataFrame:
    (tab,) = [t for t in at.tabs if t.label == PANEL_HEADING]
    (table,) = tab.table
    return shown_as_text(table.value)


def sources_table(at: AppTest) -> tuple[str, pd.DataFrame]:
    """The sources section's count line and table."""
    (expander,) = [e for e in at.expander if e.label == "Sources behind this view"]
    (table,) = expander.table
    return expander.caption[0].value, shown_as_text(table.value)


def shown_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A st.table's cells as the page shows them: st.table renders Markdown, the app escapes every cell."""
    shown = frame.map(unescape)
    shown.index = [unescape(name) for name in shown.index]
    return shown


class _Cards(HTMLParser):
    """The record list's HTML block as the page shows it: each card's title and text, tags dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cards: dict[str, list[str]] = {}
        self.titles: list[str] = []
        self._card = self._tag = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self._card = attrs["data-record-id"]
            self.cards[self._card] = []
        elif tag in ("p", "blockquote", "br", "h4"):
            self.cards.setdefault(self._card, []).append("\n")
        self._tag = tag

    def handle_endtag(self, tag):
        self._tag = None if tag == "h4" else self._tag

    def handle_data(self, data):
        if self._card is not None:
            self.cards[self._card].append(data)
            if self._tag == "h4":
                self.titles.append(data)


def record_list(at: AppTest) -> _Cards:
    parser = _Cards()
    for element in at.get("html"):
        if 'class="asm-card"' in element.proto.body:
            parser.feed(element.proto.body)
    return parser


def card(at: AppTest, record_id: str) -> str:
    """The text of a record's card as the page shows it."""
    return "".join(record_list(at).cards[record_id])


def walk_blocks(node):
    for child in getattr(node, "children", {}).values():
        if hasattr(child, "children"):
            yield child
            yield from walk_blocks(child)


def listed_titles(at: AppTest) -> list[str]:
    return record_list(at).titles


def expected_titles(situation, as_of: dt.date) -> list[str]:
    """The cards the app lists: the latest RECORD_CARDS_MAX records of the view, in date order."""
    return list(as_of_view(situation, as_of)["title"].tail(RECORD_CARDS_MAX))


def metric_count(at: AppTest) -> int:
    """The number of records known, from the header beside the date."""
    text = html_text(html_block(at, "asm-asof"))
    return int(re.search(r"(\d+) records known", text).group(1))


def button(at: AppTest, label: str):
    (found,) = [b for b in at.button if b.label == label]
    return found


def slider_day(at: AppTest) -> dt.date:
    return at.select_slider(key="as_of").value


def cli_extract(tmp_path, as_of: dt.date, fmt: str, since: dt.date | None = None) -> bytes:
    """The bytes `python -m geo.extract` writes (its `main`, called in-process with the same argv)."""
    target = tmp_path / f"cli_{as_of}_{since}.{fmt}"
    argv = ["--as-of", as_of.isoformat(), "--format", fmt, "-o", str(target)]
    if since:
        argv += ["--since", since.isoformat()]
    assert extract_main(argv) == 0
    return target.read_bytes()


def downloaded(at: AppTest, media: list, key: str):
    """The file a download button gives, made as a click makes it (the button's callable, run by
    Streamlit's media manager, as its download endpoint does)."""
    proto = at.download_button(key=key).proto
    url = (
        RecordingMediaManager.made[-1].execute_deferred(proto.deferred_file_id) if proto.deferred_file_id else proto.url
    )
    assert url.startswith("/mock/media/"), url
    return media[-1].get_file(url.rsplit("/", 1)[1])


# ---------------------------------------------------------------- runs, on the bundled data


def test_app_runs_at_the_latest_report_date(dataset):
    at = run_app()
    assert not at.error, [e.value for e in at.error]
    latest = default_date(dataset)
    assert slider_day(at) == latest
    assert latest.strftime("%a %d %b %Y") in at.select_slider(key="as_of").options
    view = as_of_view(dataset, latest)
    assert metric_count(at) == len(view)
    assert listed_titles(at) == expected_titles(dataset, latest)
    assert panel_summary(at) == contributions(view).summary


def test_next_is_disabled_on_the_last_date():
    at = run_app()
    last = at.select_slider(key="as_of").options[-1]
    at.select_slider(key="as_of").set_value(dt.datetime.strptime(last, "%a %d %b %Y").date()).run()
    assert button(at, "Next ▶").disabled
    assert not button(at, "◀ Previous").disabled


# ---------------------------------------------------------------- moving the date, on the fixed picture


def test_moving_the_slider_changes_the_panel_and_the_list(on_fixed_data):
    at = run_app(date=fixed.FIRST.isoformat())
    assert panel_summary(at) == "Under way: 13 personnel stated by 1 country."
    titles_first = listed_titles(at)
    assert titles_first == expected_titles(on_fixed_data, fixed.FIRST)
    assert metric_count(at) == len(titles_first) == 14
    assert "Where now: under way" in card(at, "deployment-deu") and "deployed: 13" in card(at, "deployment-deu")

    at.select_slider(key="as_of").set_value(fixed.ARRIVALS).run()
    assert not at.exception
    assert panel_summary(at) == "On the ground: 15 personnel stated by 1 country; 1 country did not state numbers."
    assert listed_titles(at) == expected_titles(on_fixed_data, fixed.ARRIVALS)
    assert len(listed_titles(at)) == len(titles_first) + 1, "the record first reported that day is listed"
    assert metric_count(at) == len(listed_titles(at))
    assert "Where now: on the ground" in card(at, "deployment-deu") and "deployed: 15" in card(at, "deployment-deu")
    assert at.query_params["date"] == fixed.ARRIVALS.isoformat(), "the URL follows the date, so the view can be linked"

    at.select_slider(key="as_of").set_value(fixed.LEFT).run()
    assert (
        panel_summary(at) == "On the ground: 15 personnel stated by 1 country. Left: 1 country did not state numbers."
    )
    assert "Where now: left" in card(at, "deployment-fra") and "until 22 Jan 2026" in card(at, "deployment-fra")


def test_previous_and_next_step_through_the_key_dates(on_fixed_data):
    at = run_app()
    assert slider_day(at) == fixed.DEFAULT_DATE
    at.select_slider(key="as_of").set_value(fixed.FIRST).run()
    assert button(at, "◀ Previous").disabled
    button(at, "Next ▶").click().run()
    assert slider_day(at) == fixed.ARRIVALS
    button(at, "Next ▶").click().run()
    assert slider_day(at) == fixed.NATO
    button(at, "◀ Previous").click().run()
    assert slider_day(at) == fixed.ARRIVALS
    at.select_slider(key="as_of").set_value(fixed.LAST).run()
    assert button(at, "Next ▶").disabled
    button(at, "◀ Previous").click().run()
    assert slider_day(at) == fixed.LEFT


# ---------------------------------------------------------------- grades, sources, conflicts, unknowns


def test_contributions_table_shows_not_stated_and_never_zero(on_fixed_data):
    at = run_app(date=fixed.FIRST.isoformat())
    table = panel_table(at)
    assert list(table.columns[: len(PANEL_STATES)]) == list(PANEL_STATES)
    germany, france, britain = table.loc["Germany"], table.loc["France"], table.loc["United Kingdom"]
    assert (germany["Announced"], germany["Under way"], germany["On the ground"]) == ("not stated", "13", "—")
    assert (france["Announced"], france["Under way"]) == ("not stated", "—")
    assert (britain["Announced"], britain["Under way"]) == ("1", "—")

    at.select_slider(key="as_of").set_value(fixed.LEFT).run()
    table = panel_table(at)
    assert (table.loc["France", "On the ground"], table.loc["France", "Left"]) == ("—", "not stated")
    assert (table.loc["Germany", "On the ground"], table.loc["Germany", "Left"]) == ("15", "—")
    cells = table[list(PANEL_STATES)].to_numpy().ravel()
    assert "0" not in cells and "" not in cells and not any(pd.isna(cell) for cell in cells)
    assert (table.loc["Germany", "Differ"], table.loc["France", "Differ"]) == ("⚠", "")
    (differ,) = [e for e in at.expander if "sources differ for" in e.label]
    assert re.search(r"differ for (\d+) countr", differ.label).group(1) == "1", differ.label
    assert unescape(differ.markdown[0].value) == (
        "- **Germany**: personnel (deployed): 15 [test-wire-2026-01-17; test-daily-2026-01-17] / 13 [seed-2026-01-15]"
    )


def test_contributions_table_of_the_bundled_data_matches_the_geo_core(dataset):
    """Every state cell: digits for a stated number, 'not stated' for NA, '—' for none; never 0 for NA."""
    at = run_app()
    shown = panel_table(at)
    result = contributions(as_of_view(dataset, default_date(dataset))).table.set_index("country")
    assert list(shown.index) == list(result.index)
    for country in result.index:  # cell by cell: iterrows and to_dict would turn None and NA into NaN or None
        for label in PANEL_STATES:
            value = result.at[country, label.lower()]
            wanted = "—" if value is None else "not stated" if value is pd.NA else str(int(value))
            assert shown.loc[country, label] == wanted, (country, label)


def test_record_card_shows_grade_sources_and_where_sources_differ(on_fixed_data):
    at = run_app(date=fixed.ARRIVALS.isoformat())
    germany = card(at, "deployment-deu")
    assert "grade B2" in germany, "the best claim's grade: the wire (B), credibility 2"
    assert (
        "⚠ Sources differ: personnel (deployed): 15 [test-wire-2026-01-17; test-daily-2026-01-17] / 13 [seed-2026-01-15]"
        in germany
    )
    assert "Sources: test-wire-2026-01-17; test-daily-2026-01-17; seed-2026-01-15 (2 independent origins)" in germany, (
        "the wire and its reprint are one origin"
    )
    assert "quote from test-wire-2026-01-17" in germany and "fifteen German soldiers landed on Saturday" in germany
    seed_only = card(at, "washington-meeting")
    assert "grade F2" in seed_only and "Sources differ" not in seed_only
    assert "Sources: seed-2026-01-15 (1 independent origin) · quote from 000_2867a99da07c248b.txt" in seed_only


def test_sources_expander_lists_publisher_origin_grade_and_link(on_fixed_data):
    at = run_app(date=fixed.ARRIVALS.isoformat())
    label, table = sources_table(at)
    assert label == "3 sources from 2 origins.", "the ministry's report of the 22nd is not known yet"
    assert list(table.index) == ["seed-2026-01-15", fixed.REPRINT["source_id"], fixed.WIRE["source_id"]]
    for source in (fixed.WIRE, fixed.REPRINT):
        row = table.loc[source["source_id"]]
        assert (row["Publisher"], row["Origin"], row["Grade"]) == (
            source["publisher"],
            source["origin"],
            source["reliability"],
        )
        assert row["Published"] == source["published"]
        assert row["Link (not fetched)"] == source["url"]
    seed = table.loc["seed-2026-01-15"]
    assert (seed["Grade"], seed["Published"]) == ("F", "2026-01-15")
    assert seed["Link (not fetched)"] == f"held in seeds/: {fixed.SEED_FILE}"

    at.select_slider(key="as_of").set_value(fixed.LEFT).run()
    label, table = sources_table(at)
    assert label == "4 sources from 3 origins."
    assert table.loc[fixed.MINISTRY["source_id"], "Grade"] == "A"


# ---------------------------------------------------------------- downloads, on the bundled data


@pytest.mark.parametrize(
    ("key", "fmt", "mimetype"),
    [
        pytest.param("download-csv", "csv", "text/csv", id="csv"),
        # GeoJSON, XLSX and GeoPackage are made only when clicked (and carry their generation time):
        # tests/test_extract_formats.py checks them through the same geo.extract.render_extract.
    ],
)
def test_downloads_equal_the_cli_extract(media, tmp_path, dataset, key, fmt, mimetype):
    first = key_dates(dataset)[0]  # not the default date: the download follows the chosen date
    at = run_app()
    at.select_slider(key="as_of").set_value(first).run()
    file = downloaded(at, media, key)
    assert file.content == cli_extract(tmp_path, first, fmt)
    assert file.mimetype == mimetype
    assert file.filename == f"arctic-situation_{first.isoformat()}.{fmt}"


def test_downloads_with_changes_equal_the_cli_extract_since(media, tmp_path, dataset):
    days, latest = key_dates(dataset), default_date(dataset)
    since = days[0]
    assert since < latest, "the bundled data should change after its first day"
    at = run_app()
    at.selectbox(key="since").set_value(since).run()
    assert not at.exception
    csv_file = downloaded(at, media, "download-csv")
    assert csv_file.content == cli_extract(tmp_path, latest, "csv", since=since)
    assert csv_file.filename == f"arctic-situation_{latest.isoformat()}_since_{since.isoformat()}.csv"


def test_sources_download_equals_the_cli_extract(media, tmp_path, dataset):
    first = key_dates(dataset)[0]  # the sources published by the chosen date
    at = run_app()
    at.select_slider(key="as_of").set_value(first).run()
    file = downloaded(at, media, "download-sources")
    assert file.content == cli_extract(tmp_path, first, "sources")
    assert file.mimetype == "text/csv"
    assert file.filename == f"arctic-situation_sources_{first.isoformat()}.csv"


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
    base = build_base_map(basemap, placed_frame(dataset), view=view)
    layer = build_record_layer(as_of_view(dataset, default_date(dataset)), outlines, view=view)
    streamlit_folium.st_folium(base, key="map", feature_group_to_add=layer, returned_objects=[], height=560)
    check_component_args(sent, f"st_folium, {view} view")

    # The same walk st_folium makes over the elements, and the whole page folium would write.
    def walk(element):
        yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    links = [
        url for element in walk(base) for attr in ("default_js", "default_css") for _, url in getattr(element, attr, [])
    ]
    assert links and all(url.startswith(LOCAL_ASSET_PREFIX) for url in links), links
    assert remote_urls(base.get_root().render()) == set()


# ---------------------------------------------------------------- links, on the fixed picture


@pytest.mark.parametrize(
    ("raw", "expected", "notice"),
    [
        pytest.param("2026-01-19", fixed.NATO, None, id="a-key-date"),
        pytest.param("2026-01-18", fixed.ARRIVALS, "Nothing changed on 2026-01-18", id="between-key-dates-snaps-back"),
        pytest.param("2026-13-45", fixed.DEFAULT_DATE, "value `2026-13-45` is not a date", id="malformed-falls-back"),
        pytest.param("2025-06-01", fixed.DEFAULT_DATE, "outside the records", id="out-of-range-falls-back"),
    ],
)
def test_date_link_selects_the_date_or_warns(on_fixed_data, raw, expected, notice):
    at = run_app(date=raw)
    assert slider_day(at) == expected
    warnings = [w.value for w in at.warning]
    if notice is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and notice in warnings[0], warnings


# ---------------------------------------------------------------- a broken data folder

BROKEN_RECORD = "deployment-nor"


@pytest.fixture
def broken_data_dir(tmp_path):
    """A copy of the bundled data with one record's kind misspelt; seeds beside it, as the app expects.

    The record is rejected, and every claim that leans on it with it (records no longer carry dates:
    a broken date would reject one claim, and the record would live on through any other claim).
    """
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    shutil.copytree(SEEDS_DIR, tmp_path / "seeds")
    shutil.copytree(data, tmp_path / "intact" / "data")  # the same bytes unbroken (the bundled files may move on)
    shutil.copytree(SEEDS_DIR, tmp_path / "intact" / "seeds")
    with open(data / "records.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    (broken,) = [row for row in rows[1:] if row[header.index("record_id")] == BROKEN_RECORD]
    assert broken[header.index("kind")] == "deployment"
    broken[header.index("kind")] = "deploymnet"
    with open(data / "records.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return data


def test_broken_row_shows_the_banner_and_every_valid_record(monkeypatch, broken_data_dir):
    monkeypatch.setenv("ASM_DATA_DIR", str(broken_data_dir))
    at = run_app()
    records = read_csv_rows(broken_data_dir / "records.csv")
    claims = read_csv_rows(broken_data_dir / "claims.csv")
    broken = next(row for row in records if row["record_id"] == BROKEN_RECORD)
    leaning = [row for row in claims if row["record_id"] == BROKEN_RECORD]
    assert leaning, "the broken record should have claims that fall with it"
    (banner,) = at.error
    text = unescape(banner.value)
    assert f"1 of {len(records)} rows of records.csv" in text, text
    assert f"{len(leaning)} of {len(claims)} rows of claims.csv" in text, text
    found = re.search(r"showing (\d+) of (\d+) records", text)
    assert found, text
    shown, total = map(int, found.groups())
    assert (shown, total) == (len(records) - 1, len(records))
    problems = "\n".join(code.value for code in at.code)
    assert f"records.csv:{broken['_line']}: kind:" in problems and "deploymnet" in problems
    for claim in leaning:
        assert f"claims.csv:{claim['_line']}: record_id:" in problems
    # Every other record is shown as the intact data shows it.
    whole = load_dataset(broken_data_dir.parent / "intact" / "data")
    intact = as_of_view(whole, default_date(whole))
    valid = intact[intact["record_id"] != BROKEN_RECORD]
    assert metric_count(at) == len(valid)
    assert listed_titles(at) == list(valid["title"].tail(RECORD_CARDS_MAX))
    assert broken["title"] not in listed_titles(at)
