"""The briefing snapshot: one self-contained HTML file of an as-of view, and its command line.

    python -m geo.snapshot --as-of 2026-01-15 [--view mercator|polar] [--since 2026-01-14] -o briefing.html

The file holds the map (Leaflet's JavaScript and CSS from the xstatic-leaflet package, its images as
data: URIs, and the bundled basemap, all inline), the contributions table, the chronological record
list with quotes and statuses, the data's version and the source list. It opens from a USB stick
with no network and no server, and prints as a briefing handout.

Record text is hostile input: every text written into the page's markup goes through Jinja's
autoescaping (the same escaping as `html.escape`), and the map draws record text only with
`textContent` (see `static/asm_map.js`). The dashboard's download button calls `render_briefing`,
so the button and the command give the same page.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
from jinja2 import Environment
from markupsafe import Markup

from geo.asof import CHANGE_NONE, PRESENCES, contributions, placed_frame, view_as_of
from geo.basemap import load_basemap
from geo.cli import ArgumentParser, data_dir_argument, date_argument, require_records_as_of, run, write_output
from geo.display import display_properties, number_text
from geo.features import build_record_layer, drawn_record_ids
from geo.geometry import outlines_by_iso3
from geo.leaflet import MapAssets, build_base_map
from geo.paths import DATA_DIR, basemap_path_for
from geo.records import CHRONOLOGICAL, Problem, load_dataset
from geo.version import DataVersion, data_version  # noqa: F401  (data_version: the snapshot's own API)
from geo.views import VIEWS

PROG = "python -m geo.snapshot"
SNAPSHOT_MAP_HEIGHT = 600
NOT_STATED = "not stated"
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

PAGE = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
{{ map_head }}
<style>
  html, body { height: auto; }
  body { margin: 0; padding: 0 24px 32px; font: 15px/1.45 "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1a1a1a; }
  main { max-width: 1180px; margin: 0 auto; }
  header.briefing { border-bottom: 2px solid #1a1a1a; margin-bottom: 14px; padding-top: 14px; }
  header.briefing h1 { font-size: 26px; margin: 0 0 4px; }
  .as-of { font-size: 19px; font-weight: 700; margin: 0 0 2px; }
  .meta { color: #444; font-size: 13px; margin: 2px 0 10px; }
  .map-box { height: {{ map_height }}px; border: 1px solid #8d9aa3; }
  .map-box .folium-map { height: {{ map_height }}px; }
  .rejected { border: 2px solid #b00020; padding: 6px 12px; margin: 10px 0; background: #fff4f4; }
  .caption { color: #444; font-size: 13px; margin: 6px 0 0; }
  h2 { font-size: 20px; margin: 26px 0 8px; border-bottom: 1px solid #bbb; }
  .summary { font-weight: 700; }
  table.data { border-collapse: collapse; width: 100%; font-size: 14px; }
  table.data th, table.data td { border: 1px solid #bbb; padding: 4px 8px; text-align: left; vertical-align: top; }
  table.data th { background: #eef2f5; }
  td.number { text-align: right; white-space: nowrap; }
  .not-stated { font-style: italic; color: #555; }
  article.record { border: 1px solid #bbb; border-radius: 4px; padding: 8px 12px; margin: 0 0 10px; }
  article.record h3 { margin: 2px 0 4px; font-size: 17px; }
  .record-meta { font-size: 13px; color: #333; }
  .change { font-weight: 700; color: #7a4a00; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; font-size: 14px; }
  dl.facts dt { font-weight: 700; }
  dl.facts dd { margin: 0; }
  blockquote.quote { margin: 6px 0; padding: 4px 10px; border-left: 3px solid #0072B2; background: #f4f7fa; font-style: italic; }
  .source, .note { font-size: 13px; color: #444; }
  @media print {
    body { padding: 0; font-size: 12px; }
    .leaflet-control-zoom { display: none; }
    article.record, tr, .map-box { break-inside: avoid; }
    h2 { break-after: avoid; }
  }
</style>
</head>
<body>
<main>
<header class="briefing">
  <h1>Arctic Situation Map — briefing snapshot</h1>
  <p class="as-of">As of {{ as_of_long }} ({{ as_of }})</p>
  <p class="meta">
    View: {{ view_label }}{% if since %} · changes since {{ since }} marked{% endif %}
    · {{ record_count }} record(s) known as of this date<br>
    Data version: <span class="data-version">{{ version }}</span>
  </p>
</header>
{% if problems %}
<section class="rejected">
  <strong>{{ problems | length }} problem(s) in the data files: rejected records are not shown.</strong>
  <ul>{% for problem in problems %}<li>{{ problem }}</li>{% endfor %}</ul>
</section>
{% endif %}
<section class="map-box">{{ map_html }}</section>
{% if unplaced %}
<p class="caption">{{ unplaced | length }} record(s) are not drawn (no stated place, or a contingent not there yet with no departure place) and are listed below: {{ unplaced | join("; ") }}</p>
{% endif %}
<p class="caption">Outlines: Natural Earth (public domain). Deployment routes are schematic (great circles from the departure place).</p>

<section class="contributions">
<h2>Contributions by country</h2>
<p class="summary">{{ summary }}</p>
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
<h2>What was known on {{ as_of_long }}{% if since %}: {{ changed }} change(s) since {{ since }}{% endif %}</h2>
{% for r in records %}
<article class="record" data-record-id="{{ r.record_id }}">
  <div class="record-meta">{{ r.when }} · {{ r.kind }} · status: {{ r.status }}{% if r.change %} · <span class="change">{{ r.change }}</span>{% endif %}</div>
  <h3>{{ r.title }}</h3>
  {% if r.summary %}<p>{{ r.summary }}</p>{% endif %}
  <dl class="facts">
    <dt>Where</dt><dd{% if r.place == not_stated %} class="not-stated"{% endif %}>{{ r.place }}</dd>
    {% if r.participants %}<dt>Who</dt><dd>{{ r.participants }}</dd>{% endif %}
    {% if r.is_deployment %}
    <dt>Country</dt><dd>{{ r.actor }}</dd>
    <dt>Where now</dt><dd>{{ r.presence }}</dd>
    <dt>Announced</dt><dd{% if r.personnel_announced == not_stated %} class="not-stated"{% endif %}>{{ r.personnel_announced }}</dd>
    <dt>Deployed</dt><dd{% if r.personnel_deployed == not_stated %} class="not-stated"{% endif %}>{{ r.personnel_deployed }}{% if r.personnel_note %} ({{ r.personnel_note }}){% endif %}</dd>
    {% if r.purpose %}<dt>Purpose</dt><dd>{{ r.purpose }}</dd>{% endif %}
    {% endif %}
    <dt>Grade</dt><dd>{{ r.grade }}</dd>
    {% if r.conflict %}<dt class="conflict">⚠ Sources differ</dt><dd class="conflict">{{ r.conflict }}</dd>{% endif %}
  </dl>
  <blockquote class="quote">{{ r.source_quote }}</blockquote>
  <div class="source">Sources: {{ r.sources_label }} · first reported on {{ r.reported_on }}</div>
  {% if r.curation_note %}<div class="note">Curation note: {{ r.curation_note }}</div>{% endif %}
</article>
{% else %}
<p>No records had been reported as of this date.</p>
{% endfor %}
</section>

<section class="sources">
<h2>Sources</h2>
<table class="data">
  <thead><tr><th>Source</th><th>Publisher</th><th>Origin</th><th>Grade</th><th>Published</th><th>Link (not fetched)</th><th>Records</th></tr></thead>
  <tbody>
  {% for s in sources %}
    <tr><td>{{ s.source_id }}{% if s.seed_file %}<br><span class="note">held in seeds/: {{ s.seed_file }}</span>{% endif %}</td>
      <td>{{ s.publisher }}</td><td>{{ s.origin }}</td><td>{{ s.reliability }}</td><td>{{ s.published }}</td>
      <td class="url">{{ s.url or "held document" }}</td><td class="number">{{ s.records }}</td></tr>
  {% else %}
    <tr><td colspan="7">No source is cited as of this date.</td></tr>
  {% endfor %}
  </tbody>
</table>
</section>
</main>
<script>
{{ map_script }}
</script>
</body>
</html>
"""
)


def _text(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def _record_item(row) -> dict:
    shown = display_properties(row)
    change = shown["change"]
    return {
        **shown,
        "status": shown["status_label"],
        "change": "" if change in ("", CHANGE_NONE) else change.upper(),
        "summary": _text(row.summary),
        "place": shown["where"],
        "participants": "; ".join(p for p in shown["participants"].split(";") if p),
        "is_deployment": row.kind == "deployment",
        "reported_on": row.reported_on.isoformat(),
    }


def _contribution_row(row: dict) -> dict:
    """A contributions row as text: digits, 'not stated' (never 0), or '—' for nothing in that state."""
    shown = {**row}
    for key in ("announced", *PRESENCES):
        shown[key] = "—" if row[key] is None else number_text(row[key])
    return shown


def render_snapshot(
    situation,
    basemap: gpd.GeoDataFrame,
    as_of: dt.date,
    view_name: str = "mercator",
    since: dt.date | None = None,
    *,
    version: DataVersion,
    problems: list[Problem] | tuple = (),
) -> str:
    """The briefing page as one HTML document that fetches nothing (see the module docstring)."""
    if view_name not in VIEWS:
        raise ValueError(f"unknown view {view_name!r}; expected one of {', '.join(VIEWS)}")
    if since is not None and since >= as_of:
        raise ValueError(f"since {since} must be before as_of {as_of}")
    view = view_as_of(situation, as_of, since).sort_values(CHRONOLOGICAL, kind="stable")
    fmap = build_base_map(
        basemap, placed_frame(situation), view=view_name, assets=inline_leaflet_assets(), height=SNAPSHOT_MAP_HEIGHT
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
    cited = [source for value in view["sources"] for source in value.split(";")]
    sources = situation.sources[situation.sources["source_id"].isin(cited)].sort_values(["published", "source_id"])
    return PAGE.render(
        title=f"Arctic Situation Map — briefing as of {as_of.isoformat()}",
        map_head=Markup(figure.header.render()),
        map_html=Markup(figure.html.render()),
        map_script=Markup(figure.script.render()),
        map_height=SNAPSHOT_MAP_HEIGHT,
        as_of=as_of.isoformat(),
        as_of_long=as_of.strftime("%A %d %B %Y"),
        since=since.isoformat() if since else None,
        changed=int((view["change"] != CHANGE_NONE).sum()) if since else 0,
        view_label=VIEWS[view_name],
        record_count=len(view),
        version=str(version),
        problems=[str(problem) for problem in problems],
        unplaced=list(unplaced["title"]),
        summary=result.summary,
        contribution_rows=contribution_rows,
        records=[_record_item(row) for row in view.itertuples()],
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
    """`render_snapshot` with the data version read from the data folder."""
    return render_snapshot(
        situation, basemap, as_of, view_name, since, version=data_version(data_dir), problems=problems
    )


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
