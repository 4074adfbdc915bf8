"""The analyst extract of an as-of view, as CSV and GeoJSON, and its command line.

    python -m geo.extract --as-of 2026-01-15 --format csv [-o PATH] [--since 2026-01-14]

The CSV is UTF-8 with a byte-order mark so that Excel and LibreOffice keep names such as "Løkke";
cells that a spreadsheet would run as a formula are neutralised (see `neutralise_formula`). The
dashboard's download buttons call the same functions, so both give the same bytes.
"""

from __future__ import annotations

import argparse
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
from geo.geometry import outlines_by_iso3, record_geometries
from geo.paths import DATA_DIR
from geo.records import CHRONOLOGICAL, load_dataset

EXTRACT_COLUMNS = [
    "record_id", "kind", "title", "date", "date_latest", "date_precision", "reported_on", "status",
    "place", "lat", "lon", "geo_precision", "country_iso3", "actor_iso3", "participants",
    "personnel", "personnel_note", "purpose", "source", "source_quote", "curation_note",
    # since many sources per record (kept after the columns above, which analysts' scripts use)
    "date_end", "presence", "personnel_announced", "personnel_deployed", "sources", "source_count",
    "reliability", "conflict",
]  # fmt: skip
SOURCE_EXTRACT_COLUMNS = [
    "source_id", "publisher", "origin", "title", "url", "published", "language", "reliability",
    "seed_file", "note", "claim_count", "record_ids",
]  # fmt: skip
INTEGER_COLUMNS = ("personnel", "personnel_announced", "personnel_deployed", "source_count")
CHANGE_COLUMN = "change"
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
        for key in INTEGER_COLUMNS:
            properties[key] = int(properties[key]) if properties[key] else None
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


def sources_as_of(sources: pd.DataFrame, as_of: dt.date, source: str | None = None) -> pd.DataFrame:
    """The sources published by `as_of` (only `source` when given): those the as-of view can cite."""
    shown = sources[sources["published"] <= as_of]
    if source is not None:
        shown = shown[(shown["source_id"] == source) | (shown["seed_file"] == source)]
    return shown


def to_sources_csv_bytes(sources: pd.DataFrame) -> bytes:
    """The sources extract: one row per source, formulas neutralised as in the record extract."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SOURCE_EXTRACT_COLUMNS)
    for row in sources.sort_values(["published", "source_id"]).itertuples():
        writer.writerow([neutralise_formula(_cell(getattr(row, column))) for column in SOURCE_EXTRACT_COLUMNS])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def extract_view(situation, outlines: dict, as_of: dt.date, since: dt.date | None = None,
                 source: str | None = None) -> gpd.GeoDataFrame:  # fmt: skip
    """The as-of view (with changes when `since` is given; one source's claims only when `source`
    is given) as a GeoDataFrame ready to extract."""
    view = view_as_of(situation, as_of, since, source)
    return record_geometries(view, outlines)


def render_extract(view: gpd.GeoDataFrame, fmt: str, with_change: bool = False) -> bytes:
    return to_csv_bytes(view, with_change) if fmt == "csv" else to_geojson_bytes(view, with_change)


def write_output(payload: bytes, output: Path | None) -> None:
    """Write a command's result to the file named by -o, else to stdout, bytes unchanged."""
    if output:
        output.write_bytes(payload)
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()


def date_argument(value: str) -> dt.date:
    """argparse type for YYYY-MM-DD dates, with a message that says what is expected."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; expected YYYY-MM-DD") from error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.extract", description="Write the analyst extract of the as-of view.")
    parser.add_argument("--as-of", required=True, type=date_argument, help="YYYY-MM-DD")
    parser.add_argument("--format", choices=["csv", "geojson", "sources"], default="csv",
                        help="csv or geojson: the records as of the date; sources: one row per source")
    parser.add_argument("--source", help="keep only what this one source said (a source_id, or a file name in seeds/)")
    parser.add_argument("--since", type=date_argument, help="add a change column relative to this earlier date")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    if args.since and args.since > args.as_of:
        parser.error(f"--since {args.since} is after --as-of {args.as_of}")
    dataset = load_dataset(args.data_dir)
    for problem in dataset.problems:
        print(f"warning: rejected: {problem}", file=sys.stderr)
    if args.source is not None:
        known = set(dataset.sources["source_id"]) | set(dataset.sources["seed_file"]) - {""}
        if args.source not in known:
            parser.error(f"--source '{args.source}' is not a source_id in sources.csv nor a file name in seeds/")
    if args.format == "sources":
        write_output(to_sources_csv_bytes(sources_as_of(dataset.sources, args.as_of, args.source)), args.output)
        return 0
    view = extract_view(dataset, outlines_by_iso3(load_basemap()), args.as_of, args.since, args.source)
    write_output(render_extract(view, args.format, with_change=args.since is not None), args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
