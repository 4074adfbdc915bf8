"""The briefing snapshot: one HTML file that opens with no network and no server, and shows the view.

The command is run as a user runs it (a subprocess, from outside the repository); the page is then
read as text (no remote src/href, record text escaped) and opened from a file:// URL in headless
Chromium with every request blocked except the file itself, where the markers and routes must draw.
Expected counts and texts come from the data, never typed in here.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Error as PlaywrightError

from geo.asof import CHANGE_NONE, as_of_view, changes_since, contributions, default_date, key_dates
from geo.basemap import load_basemap
from geo.display import CARD_CLASS, display_properties, record_card_html
from geo.paths import DATA_DIR, REPO_ROOT, SEEDS_DIR
from geo.records import load_dataset
from geo.snapshot import (
    KEY_CHANGES_SHOWN,
    data_version,
    inline_leaflet_assets,
    key_change_since,
    main,
    render_briefing,
    render_snapshot,
    situation_title,
)
from tests.support.browser import OfflineGuard, streamlit_server

DATASET = load_dataset()
DAYS = key_dates(DATASET)
LATEST = default_date(DATASET)
HOSTILE_TITLE = "<img src=x onerror=window.__pwned=1>"
HOSTILE_SUMMARY = "<script>window.__pwned=2</script>"
HOSTILE_NOTE = '"><svg onload=window.__pwned=3>'
HOSTILE_PLACE = "</script><script>window.__pwned=4</script>"
REMOTE = re.compile(
    r"""(?:\b(?:src|href|action|poster|srcset)\s*=\s*\\?["']?|url\(\s*["']?|@import\s+["']?)\s*(?:https?:)?//""", re.I
)
URL_ATTRIBUTES = ("src", "href", "action", "poster", "srcset", "data")


# ---------------------------------------------------------------- helpers


class PageReader(HTMLParser):
    """The visible text of a page (no script or style) and every tag's attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return squash(" ".join(self.parts))


def read_page(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader


def squash(text: str) -> str:
    return " ".join(text.split())


FIRST_SCREEN_OPEN = '<section class="first-screen"'
APPENDIX_OPEN = '<section class="appendix">'


def split_page(html: str) -> tuple[str, str]:
    """(the first screen's markup, the appendix's markup): each opens once, the first screen first."""
    assert html.count(FIRST_SCREEN_OPEN) == 1 and html.count(APPENDIX_OPEN) == 1
    start, middle = html.index(FIRST_SCREEN_OPEN), html.index(APPENDIX_OPEN)
    assert start < middle
    end = html.index("<script>", middle)  # the map's script follows the appendix
    return html[start:middle], html[middle:end]


def view_of(as_of: dt.date, since: dt.date | None, situation=DATASET):
    return changes_since(situation, since, as_of) if since else as_of_view(situation, as_of)


def marked(view):
    """The records drawn as markers: at a site or city, and a deployment only while on the ground."""
    at_point = view["geo_precision"].isin(["site", "city"])
    present = (view["kind"] != "deployment") | (view["presence"] == "on the ground")
    return view[at_point & present]


def placed_points(view) -> int:
    return len(marked(view))


def routes(view) -> int:
    """Deployments with a departure place and a destination: each is drawn as one route."""
    return int(((view["kind"] == "deployment") & view["origin_lat"].notna() & view["lat"].notna()).sum())


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m geo.snapshot` as a user runs it, from a folder outside the repository."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "geo.snapshot", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def write_snapshot(
    tmp_path: Path, as_of: dt.date, view: str = "mercator", since: dt.date | None = None, data_dir: Path | None = None
) -> Path:
    output = tmp_path / f"briefing_{view}_{as_of}.html"
    args = ["--as-of", as_of.isoformat(), "--view", view, "-o", str(output)]
    args += ["--since", since.isoformat()] if since else []
    args += ["--data-dir", str(data_dir)] if data_dir else []
    done = run_cli(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    return output


def hostile_data(folder: Path) -> tuple[Path, str]:
    """A copy of data/ and seeds/ where one drawn record's title, summary, note and place are markup."""
    data_dir = folder / "data"
    shutil.copytree(DATA_DIR, data_dir)
    shutil.copytree(SEEDS_DIR, folder / "seeds")
    view = as_of_view(DATASET, LATEST)
    target = marked(view).iloc[0]

    def rewrite(path: Path, key: str, wanted: str, changes: dict) -> None:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields, rows = reader.fieldnames, list(reader)
        hits = [row for row in rows if row[key] == wanted]
        assert len(hits) == 1, (path, wanted)
        hits[0].update(changes)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    rewrite(data_dir / "records.csv", "record_id", target.record_id,
            {"title": HOSTILE_TITLE, "summary": HOSTILE_SUMMARY, "curation_note": HOSTILE_NOTE})  # fmt: skip
    rewrite(data_dir / "places.csv", "place_id", target.place_id, {"name": HOSTILE_PLACE})
    return data_dir, target.record_id


# ---------------------------------------------------------------- the command and the text of the page


@pytest.fixture(scope="module")
def latest_page(tmp_path_factory) -> Path:
    return write_snapshot(tmp_path_factory.mktemp("snapshot"), LATEST)


def test_command_writes_one_html_file(latest_page):
    html = latest_page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.rstrip().endswith("</html>")
    first, _ = split_page(html)
    assert f"As of {LATEST.strftime('%A %d %B %Y')} ({LATEST.isoformat()})" in read_page(first).text


def test_page_links_nothing_remote(latest_page):
    html = latest_page.read_text(encoding="utf-8")
    page = read_page(html)
    remote = [
        (tag, name, value)
        for tag, attrs in page.tags
        for name, value in attrs.items()
        if name in URL_ATTRIBUTES and value and re.match(r"\s*(https?:)?//", value, re.I)
    ]
    assert not remote, f"remote links in markup: {remote}"
    assert not [tag for tag, _ in page.tags if tag in ("link", "iframe", "img", "object", "embed")]
    # Leaflet's own source holds its default attribution link (replaced before any map is made);
    # everything else in the file, inline scripts and styles included, must not name a remote URL.
    vendored = inline_leaflet_assets().js_inline[0]
    assert html.count(vendored) == 1
    rest = html.replace(vendored, "")
    assert not REMOTE.findall(rest), REMOTE.findall(rest)
    for host in ("cdn.jsdelivr.net", "code.jquery.com", "cdnjs.cloudflare.com", "netdna.bootstrapcdn.com"):
        assert host not in html


def test_page_shows_summary_titles_quotes_and_unknowns(latest_page):
    html = latest_page.read_text(encoding="utf-8")
    _, appendix = split_page(html)
    text = read_page(appendix).text
    view = as_of_view(DATASET, LATEST)
    assert contributions(view).summary in text
    for row in view.itertuples():
        assert squash(row.title) in text
        assert squash(row.source_quote) in text
    unplaced = view[view["place_id"] == ""]
    assert not unplaced.empty, "the data should hold a record with no stated place"
    # The appendix lists each record as geo.display's card, the one rendering the dashboard's list uses
    # (with the key changes marked: the view compared with the day before the last key date).
    for row in changes_since(DATASET, LATEST - dt.timedelta(days=1), LATEST).itertuples():
        assert record_card_html(row) in appendix, row.record_id
    assert appendix.count(f'class="{CARD_CLASS}"') == len(view)
    cards = re.findall(rf'<article class="{CARD_CLASS}".*?</article>', appendix, re.S)
    unstated = [card for card in cards if "Where: <em>not stated" in card]
    assert len(unstated) == len(unplaced)


# ---------------------------------------------------------------- the first screen, the appendix

BASEMAP = load_basemap()
GENERATED_AT = dt.datetime(2026, 3, 1, 9, 30, 12, tzinfo=dt.UTC)  # passed in: no wall clock in the tests
STATES = ("announced", "under way", "on the ground", "left")


def first_screen_of(as_of: dt.date, since: dt.date | None = None, view: str = "mercator") -> tuple[str, str]:
    html = render_snapshot(
        DATASET, BASEMAP, as_of, view, since, version=data_version(DATA_DIR), generated_at=GENERATED_AT,
        title=situation_title(DATA_DIR),
    )  # fmt: skip
    return split_page(html)


def expected_changes(as_of: dt.date, since: dt.date | None) -> list[str]:
    """The ids of the records that changed: since `since`, else on the last key date by `as_of`."""
    if since is None:
        since = max(day for day in DAYS if day <= as_of) - dt.timedelta(days=1)
    view = changes_since(DATASET, since, as_of)
    changed = [row for row in view.itertuples() if row.change != CHANGE_NONE]
    # Listed contingents first, then the newest (Python's sort is stable: ties keep the view's order).
    changed.sort(key=lambda row: (row.kind != "deployment", -row.date.toordinal()))
    return [row.record_id for row in changed]


def list_items(markup: str) -> list[tuple[str, str]]:
    """(record id, visible text) of each key change on the first screen."""
    return [
        (record_id, read_page(body).text)
        for record_id, body in re.findall(r'<li data-record-id="([^"]*)">(.*?)</li>', markup, re.S)
    ]


def compact_rows(markup: str) -> list[list[str]]:
    table = re.search(r'<table class="compact">.*?<tbody>(.*?)</tbody>', markup, re.S)
    assert table, "no contributions table on the first screen"
    return [
        [read_page(cell).text for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


def cell_text(value) -> str:
    """None: no contingent in that state; NA: not stated (never 0); else the number."""
    return "—" if value is None else "not stated" if value is pd.NA else str(int(value))


@pytest.mark.parametrize(
    ("as_of", "since"),
    [
        pytest.param(LATEST, None, id="latest"),
        pytest.param(dt.date(2026, 1, 15), None, id="busiest-day-more-than-fit"),
        pytest.param(dt.date(2026, 1, 18), None, id="2026-01-18"),
        pytest.param(LATEST, DAYS[0], id="latest-since-first-day"),
    ],
)
def test_first_screen_holds_title_date_map_contributions_and_key_changes(as_of, since):
    first, appendix = first_screen_of(as_of, since)
    text = read_page(first).text
    contract = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert situation_title(DATA_DIR)[1:] in contract["title"]  # the product name dropped, capitalised
    assert f"<h1>{situation_title(DATA_DIR)}</h1>" in first
    assert f"As of {as_of.strftime('%A %d %B %Y')} ({as_of.isoformat()})" in text
    assert f'<time class="as-of-date" datetime="{as_of.isoformat()}">' in first
    assert first.count('class="folium-map') == 1 and 'class="folium-map' not in appendix  # the map: first screen only
    view = as_of_view(DATASET, as_of)
    table = contributions(view).table
    rows = compact_rows(first)
    assert [row[0].rstrip(" ⚠") for row in rows] == list(table["country"])
    for index, row in enumerate(rows):  # .at, not iterrows: a row Series would turn NA and None into NaN
        assert row[1:] == [cell_text(table.at[index, state]) for state in STATES], row[0]
    assert any("not stated" in row for row in rows), "pick a day with an unstated number"
    changes = expected_changes(as_of, since)
    assert changes, "pick a day on which something changed"
    items = list_items(first)
    assert [record_id for record_id, _ in items] == changes[:KEY_CHANGES_SHOWN]
    titles = view.set_index("record_id")["title"]
    for record_id, item in items:
        assert squash(titles[record_id]) in item
    more = len(changes) - KEY_CHANGES_SHOWN
    assert (f"Listed contingents first, then the newest; {more} more are marked in the appendix" in text) == (more > 0)
    assert "<blockquote" not in first, "quotes belong to the appendix"


def test_key_changes_heading_names_the_day_or_the_since_date():
    between = dt.date(2026, 2, 1)
    assert between not in DAYS and dt.date(2026, 1, 31) in DAYS
    assert key_change_since(DATASET, between) == (dt.date(2026, 1, 31), dt.date(2026, 1, 30))
    assert key_change_since(DATASET, DAYS[0] - dt.timedelta(days=1)) is None
    first, _ = first_screen_of(between)
    text = read_page(first).text
    assert "Key changes on 31 January 2026 (the last day with a change)" in text
    assert [record_id for record_id, _ in list_items(first)] == expected_changes(between, None)
    first, _ = first_screen_of(LATEST)
    assert f"Key changes on {LATEST.strftime('%d %B %Y')}" in read_page(first).text
    assert "(the last day with a change)" not in read_page(first).text
    first, _ = first_screen_of(LATEST, DAYS[0])
    assert f"Key changes since {DAYS[0].strftime('%d %B %Y')}" in read_page(first).text


def test_key_change_of_a_contingent_says_not_stated_never_zero():
    """Each contingent in the key changes: its status and numbers as geo.display words them."""
    seen_unstated = False
    for day in DAYS:
        first, _ = first_screen_of(day)
        view = changes_since(DATASET, day - dt.timedelta(days=1), day).set_index("record_id")
        for record_id, item in list_items(first):
            row = view.loc[record_id]
            if row["kind"] != "deployment":
                continue
            shown = display_properties(next(view.loc[[record_id]].reset_index().itertuples()))
            assert f"deployed: {shown['personnel_deployed']}, announced: {shown['personnel_announced']}" in item
            if pd.isna(row["personnel_deployed"]):
                assert "deployed: not stated" in item and "deployed: 0" not in item
                seen_unstated = True
    assert seen_unstated, "the data should hold a changed contingent whose number is not stated"


def test_first_screen_source_line_names_version_time_and_graded_sources():
    first, _ = first_screen_of(LATEST)
    line = read_page(re.search(r'<p class="source-line">.*?</p>', first, re.S).group(0)).text
    assert str(data_version(DATA_DIR)) in line
    assert "Generated 2026-03-01 09:30 UTC" in line
    assert '<time class="generated" datetime="2026-03-01T09:30:12Z">' in first
    view = as_of_view(DATASET, LATEST)
    cited = {source for value in view["sources"] for source in value.split(";")}
    grades = DATASET.sources[DATASET.sources["source_id"].isin(cited)]["reliability"].value_counts()
    listed = ", ".join(f"{grade} {grades[grade]}" for grade in "ABCDEF" if grade in grades)
    assert f"{len(view)} record(s) known as of this date, from {len(cited)} source(s) (reliability {listed};" in line


def test_briefing_reads_the_title_from_the_data_folder(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    package = tmp_path / "data" / "datapackage.json"
    contract = json.loads(package.read_text(encoding="utf-8"))
    contract["title"] = "Arctic Situation Map: the <b>test</b> situation"
    package.write_text(json.dumps(contract), encoding="utf-8")
    html = render_briefing(DATASET, BASEMAP, LATEST, data_dir=tmp_path / "data")
    first, _ = split_page(html)
    assert "<h1>The &lt;b&gt;test&lt;/b&gt; situation</h1>" in first
    package.unlink()
    assert situation_title(tmp_path / "data") == "Arctic Situation Map"


def test_appendix_holds_everything_else(latest_page):
    _, appendix = split_page(latest_page.read_text(encoding="utf-8"))
    text = read_page(appendix).text
    for heading in ("Appendix:", "Contributions by country, in detail", "What was known on", "Sources", "Notes"):
        assert heading in text
    view = as_of_view(DATASET, LATEST)
    assert appendix.count(f'class="{CARD_CLASS}"') == len(view)
    for note in contributions(view).table["personnel_note"]:
        assert squash(note) in text


def test_sources_table_lists_every_cited_source_with_its_grade(latest_page):
    """Was: each held source's sidecar metadata. The page now lists the sources table instead (one
    row per cited source: publisher, origin, grade, publication date, link or held file)."""
    page = read_page(latest_page.read_text(encoding="utf-8"))
    cited = {source for value in as_of_view(DATASET, LATEST)["sources"] for source in value.split(";")}
    sources = DATASET.sources[DATASET.sources["source_id"].isin(cited)]
    assert len(sources) == len(cited), "every cited source is a valid source"
    rows = [squash(row) for row in re.findall(r"<tr><td>(.*?)</tr>", latest_page.read_text(encoding="utf-8"), re.S)]
    assert len([row for row in rows if 'class="url"' in row]) == len(sources)
    for source in sources.itertuples():
        (row,) = [
            read_page(r).text
            for r in rows
            if r.startswith(source.source_id + "<") or r.startswith(source.source_id + " <")
        ]
        for value in (source.publisher, source.origin, source.reliability, source.published.isoformat()):
            assert squash(value) in row, (source.source_id, value)
        assert squash(source.url or "held document") in row
        if source.seed_file:
            assert f"held in seeds/: {source.seed_file}" in row
    seed_meta = json.loads((SEEDS_DIR / "000_2867a99da07c248b.meta.json").read_text(encoding="utf-8"))
    assert seed_meta["report_date"] in page.text


def test_data_version_names_the_files_and_the_commit():
    version = data_version(DATA_DIR)
    done = subprocess.run(
        ["git", "-C", str(DATA_DIR), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True
    )
    assert version.commit == (done.stdout.strip() if done.returncode == 0 else None)
    assert re.fullmatch(r"[0-9a-f]{12}", version.digest)


def test_data_version_works_outside_git_and_follows_the_bytes(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    before = data_version(tmp_path / "data")
    assert before.commit is None and "not in a git checkout" in str(before)
    assert before.digest == data_version(DATA_DIR).digest  # same bytes, same version
    places = tmp_path / "data" / "places.csv"
    places.write_bytes(places.read_bytes() + b"\n")
    assert data_version(tmp_path / "data").digest != before.digest


@pytest.mark.parametrize(
    ("args", "wording"),
    [
        pytest.param(["--as-of", "2026-01-32"], "not a date", id="impossible-date"),
        pytest.param(["--as-of", "15/01/2026"], "not a date", id="not-iso"),
        pytest.param(["--as-of", "2026-01-15", "--view", "globe"], "invalid choice", id="unknown-view"),
        pytest.param(["--as-of", "2026-01-15", "--since", "2026-01-15"], "must be before", id="since-not-earlier"),
        pytest.param([], "--as-of", id="no-date"),
    ],
)
def test_bad_arguments_are_named(args, wording, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    assert wording in capsys.readouterr().err


def test_hostile_record_text_is_escaped_in_the_file(tmp_path):
    data_dir, record_id = hostile_data(tmp_path)
    dataset = load_dataset(data_dir)
    assert record_id in set(dataset.records["record_id"]), [str(p) for p in dataset.problems]
    html = write_snapshot(tmp_path, LATEST, data_dir=data_dir).read_text(encoding="utf-8")
    for hostile in (HOSTILE_TITLE, HOSTILE_SUMMARY, HOSTILE_NOTE, HOSTILE_PLACE):
        assert hostile not in html  # neither as markup nor raw inside a script
        assert hostile in read_page(html).text


def test_rejected_rows_are_listed_in_the_page_not_dropped_silently(tmp_path, capsys):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    shutil.copytree(SEEDS_DIR, tmp_path / "seeds")
    records_csv = tmp_path / "data" / "records.csv"
    lines = records_csv.read_text(encoding="utf-8").split("\n")
    first = DATASET.records.sort_values("line").iloc[0]  # records carry no date now: break its kind
    broken = lines[first.line - 1].replace(f",{first.kind},", ",no-such-kind,", 1)
    assert broken != lines[first.line - 1]
    lines[first.line - 1] = broken
    records_csv.write_text("\n".join(lines), encoding="utf-8")
    output = tmp_path / "briefing.html"
    assert main(["--as-of", LATEST.isoformat(), "--data-dir", str(tmp_path / "data"), "-o", str(output)]) == 0
    where = f"records.csv:{first.line}: kind:"
    assert where in capsys.readouterr().err
    text = read_page(output.read_text(encoding="utf-8")).text
    assert "problem(s) in the data files: rejected records are not shown" in text
    assert where in text


# ---------------------------------------------------------------- in a browser, offline


class FileOnly:
    """Route handler: the page's own file:// URL, data: and about: pass; everything else is aborted and listed."""

    def __init__(self, file_url: str):
        self.file_url = file_url
        self.attempted: list[str] = []

    def __call__(self, route) -> None:
        url = route.request.url
        if url == self.file_url or url.startswith(("data:", "about:")):
            route.continue_()
        else:
            self.attempted.append(url)
            route.abort()


def open_offline(browser, path: Path):
    """The page from a file:// URL with all network blocked; returns (page, guard, requests, errors)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    file_url = path.resolve().as_uri()
    guard = FileOnly(file_url)
    context.route("**/*", guard)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(file_url, wait_until="load")
    return page, guard, requests, errors, file_url


VIEWS_TO_OPEN = [
    pytest.param(LATEST, "mercator", None, id="latest-mercator"),
    pytest.param(LATEST, "polar", None, id="latest-polar"),
    pytest.param(LATEST, "mercator", DAYS[0], id="latest-since-first-day"),
]


@pytest.mark.browser
@pytest.mark.parametrize(("as_of", "view_name", "since"), VIEWS_TO_OPEN)
def test_snapshot_draws_offline_from_a_file(browser, tmp_path, as_of, view_name, since):
    path = write_snapshot(tmp_path, as_of, view_name, since)
    view = view_of(as_of, since)
    expected_markers, expected_routes = placed_points(view), routes(view)
    assert expected_markers and expected_routes, "pick a date with markers and routes to check"
    page, guard, requests, errors, file_url = open_offline(browser, path)
    try:
        try:
            page.wait_for_function(
                "([m, r]) => document.querySelectorAll('.asm-marker').length === m"
                " && document.querySelectorAll('path.asm-route').length === r",
                arg=[expected_markers, expected_routes],
                timeout=15_000,
            )
        except PlaywrightError as error:
            pytest.fail(f"map not drawn ({error}); fetches attempted: {guard.attempted}; page errors: {errors}")
        page.wait_for_timeout(300)  # let any late fetch surface
        assert not guard.attempted, f"the page tried to fetch: {guard.attempted}"
        assert set(requests) <= {file_url}, f"requests besides the file: {sorted(set(requests) - {file_url})}"
        assert not errors, errors
        assert page.locator(".asm-marker").count() == expected_markers
        assert page.locator("path.asm-route").count() == expected_routes
        remote = page.evaluate(
            "() => [...document.querySelectorAll('[src],[href]')].map(e => e.getAttribute('src') || e.getAttribute('href'))"
            ".filter(u => /^\\s*(https?:)?\\/\\//i.test(u))"
        )
        assert not remote, remote
        text = squash(page.inner_text("body"))
        assert contributions(view).summary in text
        for title in view["title"]:
            assert squash(title) in text
        table = contributions(view).table
        rows = page.locator("section.contributions tbody tr")
        assert rows.count() == len(table)
        for index, country in enumerate(table["country"]):
            cells = rows.nth(index).locator("td")
            differ = " ⚠" if table.at[index, "conflict"] else ""  # sources differ: the details are in the appendix
            assert cells.nth(0).inner_text() == country + differ
            for column, state in enumerate(("announced", "under way", "on the ground", "left"), start=1):
                value = table.at[index, state]  # None: no contingent in that state; NA: not stated, never 0
                wanted = "—" if value is None else "not stated" if value is pd.NA else str(int(value))
                assert cells.nth(column).inner_text() == wanted, (country, state)
    finally:
        page.context.close()


@pytest.mark.browser
def test_hostile_record_renders_as_text_and_runs_nothing(browser, tmp_path):
    data_dir, record_id = hostile_data(tmp_path)
    path = write_snapshot(tmp_path, LATEST, data_dir=data_dir)
    page, guard, requests, errors, _ = open_offline(browser, path)
    try:
        marker = page.locator(f'.asm-marker[data-record-id="{record_id}"]')
        marker.wait_for(timeout=15_000)
        assert marker.get_attribute("aria-label") == HOSTILE_TITLE
        marker.click()
        popup = page.locator(".asm-popup")
        popup.wait_for(timeout=5_000)
        assert HOSTILE_TITLE in popup.inner_text() and HOSTILE_PLACE in popup.inner_text()
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__pwned") is None
        assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"], svg[onload]').length") == 0
        text = page.inner_text("body")
        for hostile in (HOSTILE_TITLE, HOSTILE_SUMMARY, HOSTILE_NOTE, HOSTILE_PLACE):
            assert hostile in text
        assert not guard.attempted, guard.attempted
        assert not errors, errors
    finally:
        page.context.close()


# ---------------------------------------------------------------- the dashboard's button


@pytest.mark.browser
def test_dashboard_button_downloads_the_snapshot_of_the_shown_view(browser, tmp_path):
    with streamlit_server(log_dir=tmp_path) as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        guard = OfflineGuard().install(context)
        page = context.new_page()
        try:
            page.goto(server.url, wait_until="domcontentloaded")
            button = page.get_by_role("button", name=re.compile(r"briefing snapshot \(HTML\)", re.I))
            button.wait_for(timeout=60_000)
            with page.expect_download(timeout=60_000) as download_info:
                button.click()
            download = download_info.value
            assert download.suggested_filename == f"arctic-briefing_{LATEST.isoformat()}.html"
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            assert not guard.blocked, guard.blocked
        finally:
            context.close()
    html = saved.read_text(encoding="utf-8")
    text = read_page(html).text
    view = as_of_view(DATASET, LATEST)
    assert f"As of {LATEST.strftime('%A %d %B %Y')}" in text
    assert contributions(view).summary in text
    assert all(squash(title) in text for title in view["title"])
    assert not REMOTE.findall(html.replace(inline_leaflet_assets().js_inline[0], ""))
