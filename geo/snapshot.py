"""The briefing snapshot: one self-contained HTML file of an as-of view, and its command line.

    python -m geo.snapshot --as-of 2026-01-15 [--view mercator|polar] [--since 2026-01-14] -o briefing.html

The file opens on one 16:9 screen (1366x768 to 1920x1080, no scrolling) that is the briefing: the
situation's title, the as-of date, the map (Leaflet's JavaScript and CSS from the xstatic-leaflet
package, its images as data: URIs, and the bundled basemap, all inline), the contributions by
country, the key changes (since `--since`, else those of the last day the picture changed) and a
source line (data version, generation time, the sources and their grades). Everything else follows
as an appendix: the contributions in detail, every record with its quote and sources (the cards of
`geo.display`, the same rendering as the dashboard's list), the sources table and notes. Printed,
the first screen is one A4 landscape page and the appendix starts on the next.

It opens from a USB stick with no network and no server.

Record text is hostile input: every text written into the page's markup goes through Jinja's
autoescaping or `html.escape` (`geo.display`), and the map draws record text only with
`textContent` (see `static/asm_map.js`). The dashboard's download button calls `render_briefing`,
so the button and the command give the same page.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
from jinja2 import Environment
from markupsafe import Markup

from geo.asof import (
    CHANGE_CONTRIBUTION,
    CHANGE_NEW,
    CHANGE_NONE,
    CHANGE_STATUS,
    ONE_DAY,
    PRESENCES,
    STATUS_LABELS,
    contributions,
    key_dates,
    placed_frame,
    view_as_of,
)
from geo.basemap import load_basemap
from geo.cli import ArgumentParser, data_dir_argument, date_argument, require_records_as_of, run, write_output
from geo.display import NOT_STATED, display_properties, number_text, record_cards_html
from geo.features import build_record_layer, drawn_record_ids
from geo.geometry import outlines_by_iso3
from geo.leaflet import MapAssets, build_base_map
from geo.paths import DATA_DIR, basemap_path_for
from geo.records import CHRONOLOGICAL, Problem, load_dataset
from geo.version import DataVersion, data_version  # noqa: F401  (data_version: the snapshot's own API)
from geo.views import VIEWS

PROG = "python -m geo.snapshot"
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_SOURCE_MAP = re.compile(r"^\s*(//[#@]|/\*[#@])\s*sourceMappingURL=.*$", re.MULTILINE)


# ---------------------------------------------------------------- inline Leaflet


def _leaflet_dir() -> Path:
    from xstatic.pkg import leaflet

    return Path(leaflet.BASE_DIR)


def _inline_css_images(css: str, folder: Path) -> str:
    """Replace every relative url(...) with a data: URI of the file, so the CSS fetches nothing."""

    def replace(match: re.Match) -> str:
        target = match.group(1).strip()
        if target.startswith(("data:", "#")):
            return match.group(0)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            raise ValueError(f"Leaflet CSS refers to an absolute URL {target!r}; it cannot be inlined")
        path = folder / target
        kind = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}[path.suffix.lower()]
        return f"url(data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')})"

    return _CSS_URL.sub(replace, css)


def inline_leaflet_assets() -> MapAssets:
    """Leaflet's JS and CSS as inline text, its images as data: URIs and no source-map comment."""
    folder = _leaflet_dir()
    js = _SOURCE_MAP.sub("", (folder / "leaflet.js").read_text(encoding="utf-8"))
    css = _inline_css_images((folder / "leaflet.css").read_text(encoding="utf-8"), folder)
    # Leaflet's default attribution prefix links to leafletjs.com: plain text here, nothing to follow offline.
    plain_prefix = 'L.Control.Attribution.prototype.options.prefix = "Leaflet";'
    return MapAssets(js_inline=(js, plain_prefix), css_inline=(css,))


# ---------------------------------------------------------------- the page

KEY_CHANGES_SHOWN = 8  # key changes listed on the first screen; the rest are marked in the appendix
KEY_CHANGES_ORDER = "contingents first, then the newest"  # see `key_changes`
SITUATION_TITLE = "Arctic Situation Map"  # when the data folder's datapackage.json names no title
TITLE_PREFIX = "Arctic Situation Map: "
CHANGE_BADGES = {CHANGE_NEW: "New", CHANGE_STATUS: "Status", CHANGE_CONTRIBUTION: "Contribution"}
GRADES = "ABCDEF"  # Admiralty source reliability, best first

# Leaflet draws the map for the size its box has: when the page is printed the box takes its print
# size, so the map is measured and framed again (`keepFramed` refits on Leaflet's resize event),
# and once more afterwards for the screen; the labels are laid out again at once. Chromium fires
# `beforeprint` for the print dialog and switches the `print` media query for `page.pdf` and print
# emulation.
PRINT_SCRIPT = """
(function () {
  var map = window.asmMap;
  if (!map) { return; }
  function measure() {
    map.invalidateSize(false);
    /* The place and route labels are laid out on the next frame, which a print does not wait for. */
    if (window.asm && window.asm.relabel) { window.asm.relabel(); }
  }
  window.addEventListener("beforeprint", measure);
  window.addEventListener("afterprint", measure);
  if (window.matchMedia) {
    var query = window.matchMedia("print");
    if (query.addEventListener) { query.addEventListener("change", measure); } else { query.addListener(measure); }
  }
})();
"""

PAGE = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
{{ map_head }}
<style>
  html, body { margin: 0; padding: 0; }
  body { font: 15px/1.4 "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1a1a1a; background: #fff; }
  /* The first screen: one 16:9 screen (1366x768 to 1920x1080) with no scrolling. Sizes follow the
     window's height, so the same layout fills a laptop and a projector. */
  .first-screen {
    box-sizing: border-box; min-height: 100vh; padding: 1.2vh 1.2vw;
    display: grid; gap: 1vh 1.2vw;
    grid-template-columns: minmax(0, 1.75fr) minmax(0, 1fr);
    grid-template-rows: auto minmax(0, 1fr) auto;
    grid-template-areas: "head head" "map side" "foot foot";
    font-size: clamp(11px, 1.5vh, 17px);
  }
  .brief-head { grid-area: head; display: flex; align-items: flex-end; justify-content: space-between; gap: 2vw;
                border-bottom: 2px solid #1a1a1a; padding-bottom: 0.5vh; }
  .kicker { margin: 0; color: #444; font-size: 0.85em; }
  .brief-head h1 { margin: 0; font-size: 1.55em; line-height: 1.2; }
  .as-of { margin: 0; text-align: right; white-space: nowrap; line-height: 1.1; }
  .as-of-label { display: block; font-size: 0.85em; color: #444; }
  .as-of-date { font-size: 2.1em; font-weight: 700; }
  .as-of-iso { font-size: 0.85em; color: #444; margin-left: 0.4em; }
  .map-box { grid-area: map; position: relative; min-height: 300px; border: 1px solid #8d9aa3;
             -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .map-box .folium-map { position: absolute !important; inset: 0; width: 100% !important; height: 100% !important; }
  .side { grid-area: side; display: flex; flex-direction: column; gap: 1.2vh; min-width: 0; }
  .side h2 { font-size: 1.15em; margin: 0 0 0.3em; border-bottom: 1px solid #bbb; }
  .problems-flag { margin: 0; padding: 0.2em 0.5em; border: 2px solid #b00020; background: #fff4f4; font-weight: 700; }
  table.compact { border-collapse: collapse; width: 100%; font-size: 0.95em; }
  table.compact th, table.compact td { border-bottom: 1px solid #d5dbe0; padding: 0.12em 0.35em; text-align: right; vertical-align: top; }
  table.compact th:first-child, table.compact td:first-child { text-align: left; }
  table.compact th { background: #eef2f5; font-weight: 700; line-height: 1.15; }
  .summary { margin: 0.3em 0 0; font-size: 0.85em; }
  .key-changes ol { list-style: none; margin: 0; padding: 0; }
  .key-changes li { padding: 0.15em 0; border-bottom: 1px solid #eee; line-height: 1.3; }
  .badge { display: inline-block; min-width: 7.4em; font-size: 0.78em; font-weight: 700; text-transform: uppercase;
           color: #7a4a00; letter-spacing: 0.02em; }
  .key-changes .state { color: #333; font-size: 0.9em; }
  .more, .nothing { margin: 0.3em 0 0; font-size: 0.85em; color: #444; }
  .source-line { grid-area: foot; margin: 0; font-size: 0.8em; color: #333; border-top: 1px solid #bbb; padding-top: 0.3vh; }
  /* The map's legend is as wide as the map box allows (the map's own CSS sizes it to the window). */
  .map-box { container-type: size; }
  .map-box .asm-legend { max-width: calc(100cqw - 60px); }
  .not-stated { font-style: italic; color: #555; }
  .differ { color: #8a2a00; font-weight: 700; }
  /* A narrow window: the parts one under the other (the page scrolls). */
  @media (max-width: 900px), (max-aspect-ratio: 1/1) {
    .first-screen { grid-template-columns: 1fr; grid-template-rows: auto 70vh auto auto;
                    grid-template-areas: "head" "map" "side" "foot"; font-size: 14px; }
  }
  /* The appendix: everything else, as a report. */
  .appendix { max-width: 1180px; margin: 0 auto; padding: 16px 24px 32px; }
  .appendix h2 { font-size: 20px; margin: 26px 0 8px; border-bottom: 1px solid #bbb; }
  .appendix h2.appendix-title { font-size: 24px; border-bottom: 2px solid #1a1a1a; margin-top: 8px; }
  .rejected { border: 2px solid #b00020; padding: 6px 12px; margin: 10px 0; background: #fff4f4; }
  .caption, .meta { color: #444; font-size: 13px; margin: 6px 0 0; }
  table.data { border-collapse: collapse; width: 100%; font-size: 14px; }
  table.data th, table.data td { border: 1px solid #bbb; padding: 4px 8px; text-align: left; vertical-align: top; }
  table.data th { background: #eef2f5; }
  td.number { text-align: right; white-space: nowrap; }
  td.day { white-space: nowrap; }
  td.url { word-break: break-all; }
  .asm-card { border: 1px solid #bbb; border-radius: 4px; padding: 8px 12px; margin: 0 0 10px; }
  .asm-card h4 { margin: 2px 0 4px; font-size: 17px; }
  .asm-card p { margin: 4px 0; }
  .asm-card-meta, .asm-card-caption { font-size: 13px; color: #333; }
  .asm-card blockquote { margin: 6px 0; padding: 4px 10px; border-left: 3px solid #0072B2; background: #f4f7fa; font-style: italic; }
  .asm-change { color: #7a4a00; }
  .asm-differ { color: #8a2a00; }
  @page { size: A4 landscape; margin: 7mm; }
  @media print {
    body { font-size: 11px; }
    /* The first screen is the first page (A4 landscape less the margins: 283 x 196 mm). */
    .first-screen { width: 283mm; height: 192mm; min-height: 0; padding: 0; gap: 2mm 4mm; font-size: 10.5px;
                    grid-template-columns: minmax(0, 1.75fr) minmax(0, 1fr); grid-template-rows: auto minmax(0, 1fr) auto;
                    grid-template-areas: "head head" "map side" "foot foot";
                    break-after: page; page-break-after: always; break-inside: avoid; }
    .map-box { min-height: 0; }
    .leaflet-control-zoom, .asm-legend summary::-webkit-details-marker { display: none; }
    .map-box .asm-legend { font-size: 8.5px; }
    .map-box .asm-legend-item { line-height: 11px; }
    .map-box .asm-legend-items { grid-template-columns: repeat(auto-fill, minmax(115px, 1fr)); }
    .asm-legend summary { list-style: none; }
    .appendix { max-width: none; padding: 0; break-before: page; page-break-before: always; }
    .appendix h2 { font-size: 15px; margin: 12px 0 6px; }
    .appendix h2.appendix-title { font-size: 18px; margin-top: 0; }
    table.data { font-size: 11px; }
    thead { display: table-header-group; }
    tr, .asm-card { break-inside: avoid; page-break-inside: avoid; }
    .asm-card h4 { font-size: 13px; }
    .asm-card-meta, .asm-card-caption, .caption, .meta { font-size: 10px; }
    h2, h4 { break-after: avoid; page-break-after: avoid; }
  }
</style>
</head>
<body>
<section class="first-screen" aria-label="Briefing as of {{ as_of_long }}">
  <header class="brief-head">
    <div>
      <p class="kicker">Arctic Situation Map · briefing snapshot · {{ view_label }}</p>
      <h1>{{ situation_title }}</h1>
    </div>
    <p class="as-of"><span class="as-of-label">As of</span><time class="as-of-date" datetime="{{ as_of }}">{{ as_of_long }}</time><span class="as-of-iso">({{ as_of }})</span></p>
  </header>
  <div class="map-box">{{ map_html }}</div>
  <div class="side">
    {% if problems %}
    <p class="problems-flag">⚠ {{ problems | length }} problem(s) in the data files: rejected records are not shown (listed in the appendix).</p>
    {% endif %}
    <section class="contributions">
      <h2>Contributions by country</h2>
      {% if contribution_rows %}
      <table class="compact">
        <thead><tr><th>Country</th><th>Announced</th><th>Under way</th><th>On the ground</th><th>Left</th></tr></thead>
        <tbody>
        {% for row in contribution_rows %}
          <tr><td>{{ row.country }}{% if row.conflict %} <span class="differ" title="sources differ">⚠</span>{% endif %}</td>
            {% for key in ("announced", "under way", "on the ground", "left") %}<td class="number{% if row[key] == not_stated %} not-stated{% endif %}">{{ row[key] }}</td>{% endfor %}</tr>
        {% endfor %}
        </tbody>
      </table>
      {% endif %}
      <p class="summary">{{ summary }}{% if contribution_rows %} “not stated”: no source gives a number (never 0); “—”: none in that state{% if any_conflict %}; ⚠ sources differ (see the appendix){% endif %}.{% endif %}</p>
    </section>
    <section class="key-changes">
      <h2>{{ changes_heading }}</h2>
      {% if key_changes %}
      <ol>
      {% for c in key_changes[:key_changes_shown] %}
        <li data-record-id="{{ c.record_id }}"><span class="badge">{{ c.badge }}</span> <span class="change-title">{{ c.title }}</span> <span class="state">· {{ c.state }}</span></li>
      {% endfor %}
      </ol>
      {% if key_changes | length > key_changes_shown %}
      <p class="more">Listed {{ key_changes_order }}; {{ key_changes | length - key_changes_shown }} more are marked in the appendix (“{{ marker_word }}”).</p>
      {% endif %}
      {% else %}
      <p class="nothing">No record was added, and none changed its status or contribution.</p>
      {% endif %}
    </section>
  </div>
  <p class="source-line">{{ record_count }} record(s) known as of this date, from {{ source_count }} source(s){% if grade_counts %} (reliability {{ grade_counts }}; A best, F cannot be judged){% endif %} · Data version: <span class="data-version">{{ version }}</span> · Generated <time class="generated" datetime="{{ generated_at }}">{{ generated_at_text }}</time> · Outlines: Natural Earth (public domain); routes are schematic · Records, quotes and sources: appendix</p>
</section>

<section class="appendix">
<h2 class="appendix-title">Appendix: the records, sources and notes as of {{ as_of_long }}</h2>
<p class="meta">View: {{ view_label }} · {{ changes_heading }} · Data version: {{ version }}</p>
{% if problems %}
<section class="rejected">
  <strong>{{ problems | length }} problem(s) in the data files: rejected records are not shown.</strong>
  <ul>{% for problem in problems %}<li>{{ problem }}</li>{% endfor %}</ul>
</section>
{% endif %}
{% if unplaced %}
<p class="caption">{{ unplaced | length }} record(s) are not drawn (no stated place, or a contingent not there yet with no departure place): {{ unplaced | join("; ") }}</p>
{% endif %}

<section class="contribution-details">
<h2>Contributions by country, in detail</h2>
<p>{{ summary }}</p>
{% if contribution_rows %}
<table class="data">
  <thead><tr><th>Country</th><th>Announced</th><th>Under way</th><th>On the ground</th><th>Left</th><th>Source's words</th><th>Status</th><th>Sources differ</th></tr></thead>
  <tbody>
  {% for row in contribution_rows %}
    <tr><td>{{ row.country }}</td>
      {% for key in ("announced", "under way", "on the ground", "left") %}<td class="number{% if row[key] == not_stated %} not-stated{% endif %}">{{ row[key] }}</td>{% endfor %}
      <td>{{ row.personnel_note }}</td><td>{{ row.status }}</td><td>{{ row.conflict }}</td></tr>
  {% endfor %}
  </tbody>
</table>
<p class="caption">“not stated” means no source gives a number; it is never counted as 0. “—”: no contingent in that state. Each contingent counts once, in the state it is in; the announced number is a separate fact.</p>
{% endif %}
</section>

<section class="records">
<h2>What was known on {{ as_of_long }}: {{ record_count }} record(s), oldest first</h2>
{% if records_html %}{{ records_html }}{% else %}<p>No records had been reported as of this date.</p>{% endif %}
</section>

<section class="sources">
<h2>Sources</h2>
<table class="data">
  <thead><tr><th>Source</th><th>Publisher</th><th>Origin</th><th>Grade</th><th>Published</th><th>Link (not fetched)</th><th>Records</th></tr></thead>
  <tbody>
  {% for s in sources %}
    <tr><td>{{ s.source_id }}{% if s.seed_file %}<br><span class="note">held in seeds/: {{ s.seed_file }}</span>{% endif %}</td>
      <td>{{ s.publisher }}</td><td>{{ s.origin }}</td><td>{{ s.reliability }}</td><td class="day">{{ s.published }}</td>
      <td class="url">{{ s.url or "held document" }}</td><td class="number">{{ s.records }}</td></tr>
  {% else %}
    <tr><td colspan="7">No source is cited as of this date.</td></tr>
  {% endfor %}
  </tbody>
</table>
</section>

<section class="notes">
<h2>Notes</h2>
<ul class="caption">
  <li>As of a date, only the claims published on or before it count: this is the picture as it stood that day.</li>
  <li>A number no source states is “not stated”, never 0; an approximate date is shown as a range.</li>
  <li>Grades use the Admiralty code: the source's reliability A (best) to F, then the information's credibility 1 (best) to 6.</li>
  <li>Outlines: Natural Earth (public domain). Deployment routes are schematic (great circles from the departure place).</li>
  <li>This file was made for offline use: it loads nothing from the network; links are listed, not fetched.</li>
</ul>
</section>
</section>
<script>
{{ map_script }}
{{ print_script }}
</script>
</body>
</html>
"""
)


def _contribution_row(row: dict) -> dict:
    """A contributions row as text: digits, 'not stated' (never 0), or '—' for nothing in that state."""
    shown = {**row}
    for key in ("announced", *PRESENCES):
        shown[key] = "—" if row[key] is None else number_text(row[key])
    return shown


def key_change_since(situation, as_of: dt.date) -> tuple[dt.date, dt.date] | None:
    """(the last key date on or before `as_of`, the day before it): the key changes are those of that
    day. None when nothing is known by `as_of`."""
    days = [day for day in key_dates(situation) if day <= as_of]
    return (days[-1], days[-1] - ONE_DAY) if days else None


def _change_state(shown: dict, row) -> str:
    """What a changed record is now: its status (and the status before), and for a contingent where it is and how many."""
    state = shown["status_label"]
    before = getattr(row, "status_before", "")
    if shown["change"] == CHANGE_STATUS and before:
        state = f"{STATUS_LABELS.get(before, before)} → {state}"
    if row.kind == "deployment":
        if shown["presence"] and shown["presence"] not in state:
            state += f" ({shown['presence']})"
        state += f" · deployed: {shown['personnel_deployed']}, announced: {shown['personnel_announced']}"
    return state


def key_changes(view: pd.DataFrame, names: dict[str, str] | None = None) -> list[dict]:
    """The changed records of a view with a `change` column: badge, title, state.

    In the order the first screen lists them (KEY_CHANGES_ORDER): the contingents first, who sent
    what being the briefing's headline, then the other records newest first; ties in the view's order.
    """
    changed = []
    ordered = view.assign(_other=view["kind"] != "deployment", _day=[-day.toordinal() for day in view["date"]])
    for row in ordered.sort_values(["_other", "_day"], kind="stable").itertuples():
        shown = display_properties(row, names)
        if shown["change"] in ("", CHANGE_NONE):
            continue
        changed.append({
            "record_id": shown["record_id"],
            "badge": CHANGE_BADGES.get(shown["change"], shown["change"]),
            "title": shown["title"],
            "state": _change_state(shown, row),
        })  # fmt: skip
    return changed


def _grade_counts(sources: pd.DataFrame) -> str:
    counts = sources["reliability"].value_counts()
    return ", ".join(f"{grade} {counts[grade]}" for grade in GRADES if grade in counts)


def situation_title(data_dir: Path) -> str:
    """The data's own title (datapackage.json), without the product name; the product name without one."""
    try:
        title = json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8")).get("title")
    except (OSError, ValueError):
        title = None
    if not isinstance(title, str) or not title.strip():
        return SITUATION_TITLE
    title = title.strip().removeprefix(TITLE_PREFIX)
    return title[:1].upper() + title[1:]


def render_snapshot(
    situation,
    basemap: gpd.GeoDataFrame,
    as_of: dt.date,
    view_name: str = "mercator",
    since: dt.date | None = None,
    *,
    version: DataVersion,
    problems: list[Problem] | tuple = (),
    title: str = SITUATION_TITLE,
    generated_at: dt.datetime | None = None,
) -> str:
    """The briefing page as one HTML document that fetches nothing (see the module docstring).

    The first screen shows the map, the date, the contributions and the key changes: those since
    `since` when given, else those of the last day on or before `as_of` on which the view changed.
    """
    if view_name not in VIEWS:
        raise ValueError(f"unknown view {view_name!r}; expected one of {', '.join(VIEWS)}")
    if since is not None and since >= as_of:
        raise ValueError(f"since {since} must be before as_of {as_of}")
    generated_at = (generated_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    if since is not None:
        compared = since
        changes_heading = f"Key changes since {since.strftime('%d %B %Y')}"
    else:
        turn = key_change_since(situation, as_of)
        compared = turn[1] if turn else None
        changes_heading = (
            "Key changes: nothing reported yet"
            if turn is None
            else f"Key changes on {turn[0].strftime('%d %B %Y')}"
            + ("" if turn[0] == as_of else " (the last day with a change)")
        )
    view = view_as_of(situation, as_of, compared).sort_values(CHRONOLOGICAL, kind="stable")
    fmap = build_base_map(
        basemap, placed_frame(situation), view=view_name, assets=inline_leaflet_assets(), height="100%"
    )
    build_record_layer(view, outlines_by_iso3(basemap), view=view_name).add_to(fmap)
    figure = fmap.get_root()
    figure.render()  # fills the figure's header, body and script parts from the map and its layers

    result = contributions(view)
    # Not to_dict("records"): it turns NA ("not stated") into None ("no contingent in that state").
    table = result.table
    contribution_rows = [
        _contribution_row(dict(zip(table.columns, values))) for values in table.itertuples(index=False, name=None)
    ]
    unplaced = view[~view["record_id"].isin(drawn_record_ids(view))]
    cited = [source for value in view["sources"] for source in value.split(";") if source]
    sources = situation.sources[situation.sources["source_id"].isin(cited)].sort_values(["published", "source_id"])
    changes = key_changes(view) if compared is not None else []
    return PAGE.render(
        title=f"{title} — briefing as of {as_of.isoformat()}",
        situation_title=title,
        map_head=Markup(figure.header.render()),
        map_html=Markup(figure.html.render()),
        map_script=Markup(figure.script.render()),
        print_script=Markup(PRINT_SCRIPT),
        as_of=as_of.isoformat(),
        as_of_long=as_of.strftime("%A %d %B %Y"),
        changes_heading=changes_heading,
        key_changes=changes,
        key_changes_shown=KEY_CHANGES_SHOWN,
        key_changes_order=KEY_CHANGES_ORDER,
        marker_word=CHANGE_BADGES[CHANGE_NEW].upper() + ", …",
        view_label=VIEWS[view_name],
        record_count=len(view),
        source_count=len(sources),
        grade_counts=_grade_counts(sources),
        version=str(version),
        generated_at=generated_at.isoformat().replace("+00:00", "Z"),
        generated_at_text=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        problems=[str(problem) for problem in problems],
        unplaced=list(unplaced["title"]),
        summary=result.summary,
        contribution_rows=contribution_rows,
        any_conflict=any(row["conflict"] for row in contribution_rows),
        records_html=Markup(record_cards_html(view)) if len(view) else "",
        sources=[
            {**row, "published": row["published"].isoformat(), "records": cited.count(row["source_id"])}
            for row in sources.to_dict("records")
        ],  # fmt: skip
        not_stated=NOT_STATED,
    )


def render_briefing(
    situation,
    basemap: gpd.GeoDataFrame,
    as_of: dt.date,
    view_name: str = "mercator",
    since: dt.date | None = None,
    *,
    data_dir: Path = DATA_DIR,
    problems: list[Problem] | tuple = (),
) -> str:
    """`render_snapshot` with the data version and the situation's title read from the data folder."""
    return render_snapshot(
        situation, basemap, as_of, view_name, since,
        version=data_version(data_dir), problems=problems, title=situation_title(data_dir),
    )  # fmt: skip


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(prog=PROG, description="Write the briefing snapshot: one self-contained HTML file.")
    parser.add_argument("--as-of", required=True, type=date_argument, help="YYYY-MM-DD")
    parser.add_argument("--view", choices=list(VIEWS), default="mercator")
    parser.add_argument("--since", type=date_argument, help="mark changes since this earlier date")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--data-dir", type=data_dir_argument, default=DATA_DIR)
    args = parser.parse_args(argv)
    if args.since and args.since >= args.as_of:
        parser.error(f"--since {args.since} must be before --as-of {args.as_of}")
    dataset = load_dataset(args.data_dir)
    require_records_as_of(dataset, args.as_of, args.data_dir)
    basemap = load_basemap(basemap_path_for(args.data_dir))
    for problem in dataset.problems:
        print(f"warning: rejected: {problem}", file=sys.stderr)
    page = render_briefing(
        dataset, basemap, args.as_of, args.view, args.since,
        data_dir=args.data_dir, problems=dataset.problems,
    )  # fmt: skip
    write_output(page.encode("utf-8"), args.output)
    return 0


def cli() -> int:
    """The console script's entry point (see pyproject.toml): `main` with one-line failures."""
    return run(main, PROG)


if __name__ == "__main__":
    raise SystemExit(cli())
