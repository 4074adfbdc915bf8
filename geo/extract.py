"""The analyst extract of an as-of view (CSV, GeoJSON, GeoPackage, XLSX, sources) and its command line.

    python -m geo.extract --as-of 2026-01-15 [--format csv|geojson|gpkg|xlsx|sources] [-o PATH]
                          [--since 2026-01-14] [--source ID] [--with-outlines] [--no-formula-guard]

The CSV is UTF-8 with a byte-order mark so that Excel and LibreOffice keep names such as "Løkke";
cells that a spreadsheet would run as a formula are neutralised (see `neutralise_formula`). The
dashboard's download buttons call the same functions, so both give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import gis
from geo.asof import view_as_of
from geo.basemap import load_basemap
from geo.cli import ArgumentParser, data_dir_argument, date_argument, require_records_as_of, run, write_output
from geo.geometry import outlines_by_iso3, record_geometries
from geo.paths import DATA_DIR, SCHEMAS_DIR, basemap_path_for
from geo.records import CHRONOLOGICAL, load_dataset
from geo.version import data_version

EXTRACT_COLUMNS = [
    "record_id", "kind", "title", "date", "date_latest", "date_precision", "reported_on", "status",
    "place", "lat", "lon", "geo_precision", "country_iso3", "actor_iso3", "participants",
    "personnel", "personnel_note", "purpose", "source", "source_quote", "curation_note",
    # since many sources per record (kept after the columns above, which analysts' scripts use)
    "date_end", "presence", "personnel_announced", "personnel_deployed", "sources", "source_count",
    "reliability", "conflict", "origin_place", "origin_lat", "origin_lon", "outline_iso3", "date_end_latest",
]  # fmt: skip
SOURCE_EXTRACT_COLUMNS = [
    "source_id", "publisher", "origin", "title", "url", "published", "language", "reliability",
    "seed_file", "note", "claim_count", "record_ids",
]  # fmt: skip
CHANGE_COLUMN = "change"
PROG = "python -m geo.extract"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise_formula(cell: str) -> str:
    """Prefix a text cell that a spreadsheet would read as a formula with an apostrophe.

    A cell starting with =, +, -, @, a tab or a carriage return is a live formula in Excel and
    LibreOffice. Numbers such as -77.0364 stay numbers; everything else gets a leading "'".
    """
    if cell.startswith(FORMULA_TRIGGERS) and not NUMBER.match(cell):
        return "'" + cell
    return cell


def _cell(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def extract_rows(view: pd.DataFrame, columns: list[str]) -> list[list[str]]:
    """The view as text cells, in chronological order, blanks for unknowns (never 0)."""
    ordered = view.sort_values(CHRONOLOGICAL, kind="stable")
    return [[_cell(getattr(row, column)) for column in columns] for row in ordered.itertuples()]


def _guard(formula_guard: bool):
    return neutralise_formula if formula_guard else (lambda cell: cell)


def to_csv_bytes(view: pd.DataFrame, with_change: bool = False, formula_guard: bool = True) -> bytes:
    """The CSV extract: UTF-8 with BOM, a header of EXTRACT_COLUMNS (+ change), formulas neutralised."""
    columns = EXTRACT_COLUMNS + ([CHANGE_COLUMN] if with_change else [])
    guard = _guard(formula_guard)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for cells in extract_rows(view, columns):
        writer.writerow([guard(cell) for cell in cells])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def sources_as_of(sources: pd.DataFrame, as_of: dt.date, source: str | None = None) -> pd.DataFrame:
    """The sources published by `as_of` (only `source` when given): those the as-of view can cite."""
    shown = sources[sources["published"] <= as_of]
    if source is not None:
        shown = shown[(shown["source_id"] == source) | (shown["seed_file"] == source)]
    return shown


def to_sources_csv_bytes(sources: pd.DataFrame, formula_guard: bool = True) -> bytes:
    """The sources extract: one row per source, formulas neutralised as in the record extract."""
    guard = _guard(formula_guard)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SOURCE_EXTRACT_COLUMNS)
    for row in sources.sort_values(["published", "source_id"]).itertuples():
        writer.writerow([guard(_cell(getattr(row, column))) for column in SOURCE_EXTRACT_COLUMNS])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def extract_view(situation, outlines: dict, as_of: dt.date, since: dt.date | None = None,
                 source: str | None = None) -> gpd.GeoDataFrame:  # fmt: skip
    """The as-of view (with changes when `since` is given; one source's claims only when `source`
    is given) as a GeoDataFrame ready to extract."""
    view = view_as_of(situation, as_of, since, source)
    return record_geometries(view, outlines)


@dataclass(frozen=True)
class ExtractRequest:
    """What an extract holds: the view of a day (maybe since a day, maybe one source), and how."""

    as_of: dt.date
    since: dt.date | None = None
    source: str | None = None
    with_outlines: bool = False  # GeoJSON: the territory outline on territory-level records
    formula_guard: bool = True  # CSV: neutralise cells a spreadsheet would run as a formula
    csv_name: str = "extract.csv"  # datapackage: the file name of the CSV it describes

    def columns(self) -> list[str]:
        return EXTRACT_COLUMNS + ([CHANGE_COLUMN] if self.since else [])


def render_extract(view: pd.DataFrame, fmt: str, request: ExtractRequest, *, outlines: dict,
                   sources: pd.DataFrame, version: str, generated_at: dt.datetime | None = None) -> bytes:  # fmt: skip
    """The extract in one of FORMATS. Every format but CSV carries its own description (as-of
    date, since, source, data version, generation time, licence)."""
    if fmt == "csv":
        return to_csv_bytes(view, with_change=request.since is not None, formula_guard=request.formula_guard)
    if fmt == "sources":
        return to_sources_csv_bytes(sources_as_of(sources, request.as_of, request.source), request.formula_guard)
    about = gis.describe(request.as_of, request.since, request.source, version, generated_at)
    ordered = view.sort_values(CHRONOLOGICAL, kind="stable")
    if fmt == "geojson":
        return gis.to_geojson_bytes(ordered, outlines, request.columns(), about, request.with_outlines)
    if fmt == "gpkg":
        return gis.to_gpkg_bytes(ordered, outlines, request.columns(), about)
    if fmt == "xlsx":
        shown = sources_as_of(sources, request.as_of, request.source).sort_values(["published", "source_id"])
        return gis.to_xlsx_bytes(ordered, request.columns(), shown, SOURCE_EXTRACT_COLUMNS, about)
    if fmt == "datapackage":
        return csv_datapackage_bytes(request, about, request.csv_name)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


FORMATS = {
    "csv": "the records, one row each (UTF-8 with BOM; spreadsheet formulas neutralised)",
    "geojson": "the records as RFC 7946 features (territory-level records: null geometry unless --with-outlines)",
    "gpkg": "a GeoPackage for QGIS: layers points, areas and routes",
    "xlsx": "a workbook: typed records, the sources, and what the extract is",
    "sources": "the sources published by the date, one row each (CSV)",
    "datapackage": "a Data Package descriptor for the CSV written with the same options (--csv-name): its schema and what it is",
}


def csv_datapackage_bytes(request: ExtractRequest, about: dict, csv_name: str = "extract.csv") -> bytes:
    """The CSV extract's own description, as a Frictionless Data Package: the CSV cannot say inside
    itself which day it shows, so this file beside it does (as-of date, since, source filter, data
    version, generation time, licence), with the extract's schema, which `frictionless validate`
    checks the CSV against."""
    stem = "extract_since.csv" if request.since else "extract.csv"
    schema = json.loads((SCHEMAS_DIR / f"{stem}.schema.json").read_text(encoding="utf-8"))
    package = {
        "name": "arctic-situation-extract",
        "title": f"Arctic Situation Map extract as of {about['as_of']}",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "asm:about": about,
        "resources": [
            {
                "name": "extract",
                "path": csv_name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": schema,
            }
        ],
    }
    return (json.dumps(package, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(prog=PROG, description="Write the analyst extract of the as-of view.")
    parser.add_argument("--as-of", required=True, type=date_argument, help="YYYY-MM-DD")
    parser.add_argument("--format", choices=list(FORMATS), default="csv",
                        help="; ".join(f"{name}: {what}" for name, what in FORMATS.items()))  # fmt: skip
    parser.add_argument("--source", help="keep only what this one source said (a source_id, or a file name in seeds/)")
    parser.add_argument("--since", type=date_argument, help="add a change column relative to this earlier date")
    parser.add_argument(
        "--with-outlines", action="store_true", help="GeoJSON: give territory-level records their outline"
    )
    parser.add_argument("--no-formula-guard", action="store_true",
                        help="CSV: leave text starting with = + - @ as it is (for programs, not spreadsheets)")  # fmt: skip
    parser.add_argument("--csv-name", default="extract.csv", help="datapackage: the file name of the CSV it describes")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--data-dir", type=data_dir_argument, default=DATA_DIR)
    args = parser.parse_args(argv)
    if args.since and args.since > args.as_of:
        parser.error(f"--since {args.since} is after --as-of {args.as_of}")
    dataset = load_dataset(args.data_dir)
    require_records_as_of(dataset, args.as_of, args.data_dir)
    for problem in dataset.problems:
        print(f"warning: rejected: {problem}", file=sys.stderr)
    if args.source is not None:
        known = set(dataset.sources["source_id"]) | set(dataset.sources["seed_file"]) - {""}
        if args.source not in known:
            parser.error(f"--source '{args.source}' is not a source_id in sources.csv nor a file name in seeds/")
    request = ExtractRequest(
        args.as_of, args.since, args.source, args.with_outlines, not args.no_formula_guard, args.csv_name
    )
    needs_map = args.format in ("geojson", "gpkg")
    outlines = outlines_by_iso3(load_basemap(basemap_path_for(args.data_dir))) if needs_map else {}
    view = view_as_of(dataset, args.as_of, args.since, args.source)
    payload = render_extract(view, args.format, request, outlines=outlines, sources=dataset.sources,
                             version=str(data_version(args.data_dir)))  # fmt: skip
    write_output(payload, args.output)
    return 0


def cli() -> int:
    """The console script's entry point (see pyproject.toml): `main` with one-line failures."""
    return run(main, PROG)


if __name__ == "__main__":
    raise SystemExit(cli())
