"""The analyst extract of an as-of view, as CSV and GeoJSON, and its command line.

    python -m geo.extract --as-of 2026-01-15 --format csv [-o PATH] [--since 2026-01-14]

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
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping

from geo.asof import view_as_of
from geo.basemap import load_basemap
from geo.cli import ArgumentParser, data_dir_argument, date_argument, require_records_as_of, run, write_output
from geo.geometry import outlines_by_iso3, record_geometries
from geo.paths import DATA_DIR, basemap_path_for
from geo.records import CHRONOLOGICAL, load_dataset

EXTRACT_COLUMNS = [
    "record_id", "kind", "title", "date", "date_latest", "date_precision", "reported_on", "status",
    "place", "lat", "lon", "geo_precision", "country_iso3", "actor_iso3", "participants",
    "personnel", "personnel_note", "purpose", "source", "source_quote", "curation_note",
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


def to_csv_bytes(view: pd.DataFrame, with_change: bool = False) -> bytes:
    """The CSV extract: UTF-8 with BOM, a header of EXTRACT_COLUMNS (+ change), formulas neutralised."""
    columns = EXTRACT_COLUMNS + ([CHANGE_COLUMN] if with_change else [])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for cells in extract_rows(view, columns):
        writer.writerow([neutralise_formula(cell) for cell in cells])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def to_geojson_bytes(view: gpd.GeoDataFrame, with_change: bool = False) -> bytes:
    """The GeoJSON extract (RFC 7946, WGS 84): the same properties as the CSV, raw text, null geometry without a place."""
    columns = EXTRACT_COLUMNS + ([CHANGE_COLUMN] if with_change else [])
    ordered = view.sort_values(CHRONOLOGICAL, kind="stable")
    features = []
    for row, cells in zip(ordered.itertuples(), extract_rows(ordered, columns)):
        properties = dict(zip(columns, cells))
        for key in ("lat", "lon"):
            properties[key] = float(properties[key]) if properties[key] else None
        properties["personnel"] = int(properties["personnel"]) if properties["personnel"] else None
        geometry = row.geometry
        features.append(
            {
                "type": "Feature",
                "id": row.record_id,
                "properties": properties,
                "geometry": mapping(geometry) if geometry is not None and not geometry.is_empty else None,
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return (json.dumps(collection, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def extract_view(records: pd.DataFrame, outlines: dict, as_of: dt.date, since: dt.date | None = None) -> gpd.GeoDataFrame:
    """The as-of view (with changes when `since` is given) as a GeoDataFrame ready to extract."""
    view = view_as_of(records, as_of, since)
    return record_geometries(view, outlines)


def render_extract(view: gpd.GeoDataFrame, fmt: str, with_change: bool = False) -> bytes:
    return to_csv_bytes(view, with_change) if fmt == "csv" else to_geojson_bytes(view, with_change)


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(prog=PROG, description="Write the analyst extract of the as-of view.")
    parser.add_argument("--as-of", required=True, type=date_argument, help="YYYY-MM-DD")
    parser.add_argument("--format", choices=["csv", "geojson"], default="csv")
    parser.add_argument("--since", type=date_argument, help="add a change column relative to this earlier date")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--data-dir", type=data_dir_argument, default=DATA_DIR)
    args = parser.parse_args(argv)
    if args.since and args.since > args.as_of:
        parser.error(f"--since {args.since} is after --as-of {args.as_of}")
    dataset = load_dataset(args.data_dir)
    require_records_as_of(dataset.records, args.as_of, args.data_dir)
    outlines = outlines_by_iso3(load_basemap(basemap_path_for(args.data_dir)))
    for problem in dataset.problems:
        print(f"warning: rejected: {problem}", file=sys.stderr)
    view = extract_view(dataset.records, outlines, args.as_of, args.since)
    write_output(render_extract(view, args.format, with_change=args.since is not None), args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(run(main, PROG))
