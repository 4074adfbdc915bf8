"""GIS-ready extracts of an as-of view: RFC 7946 GeoJSON, a GeoPackage with one layer per geometry
type, and a typed XLSX workbook. Each file says what it is (as-of date, since, one source's view,
data version, generation time, licence) inside itself.

- GeoJSON (RFC 7946): WGS 84 longitude/latitude, exterior rings counter-clockwise, `null` for a blank
  value (never ""), the record id as the feature id. A record known only at territory level has
  `null` geometry and names its outline in `outline_iso3`, unless `with_outlines` asks for the
  outline itself (repeating a whole territory on every record makes files large).
- GeoPackage: layers `points` (Point: sites and cities), `areas` (MultiPolygon: territory-level
  records, with their outline) and `routes` (LineString: deployments from their departure place to
  their destination, a great circle), the same attributes on each, written with pyogrio.
- XLSX: a `records` sheet with typed cells (dates as dates, numbers as numbers, ids as text), a
  `sources` sheet and an `about` sheet; no formula guard is needed: every cell is a value.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

from geo.geometry import WGS84, deployment_routes, record_geometries

LICENCE = "CC-BY-4.0 (curated facts and citations; basemap outlines: Natural Earth, public domain)"
INTEGER_COLUMNS = ("personnel", "personnel_announced", "personnel_deployed", "source_count")
FLOAT_COLUMNS = ("lat", "lon", "origin_lat", "origin_lon")
DATE_COLUMNS = ("date", "date_latest", "reported_on", "date_end", "date_end_latest")
GPKG_LAYERS = {"points": "Point", "areas": "MultiPolygon", "routes": "LineString"}


def describe(as_of: dt.date, since: dt.date | None, source: str | None, data_version: str,
             generated_at: dt.datetime | None = None) -> dict:  # fmt: skip
    """What an extract is, as written inside it."""
    generated_at = generated_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    return {
        "title": "Arctic Situation Map extract",
        "as_of": as_of.isoformat(),
        "since": since.isoformat() if since else None,
        "source_filter": source,
        "data_version": data_version,
        "generated_at": generated_at.isoformat().replace("+00:00", "Z"),
        "licence": LICENCE,
    }


def _value(value):
    """A cell as JSON: None for blanks and NA, ISO text for dates, plain numbers."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def properties(row, columns: list[str]) -> dict:
    values = {column: _value(getattr(row, column, None)) for column in columns}
    for column in INTEGER_COLUMNS:
        if values.get(column) is not None:
            values[column] = int(values[column])
    return values


def counter_clockwise(geometry):
    """Exterior rings counter-clockwise, holes clockwise (RFC 7946 section 3.1.6)."""
    return None if geometry is None or geometry.is_empty else shapely.orient_polygons(geometry, exterior_cw=False)


def _as_multi(geometry):
    return MultiPolygon([geometry]) if isinstance(geometry, Polygon) else geometry


def to_geojson_bytes(
    view: pd.DataFrame, outlines: dict, columns: list[str], about: dict, with_outlines: bool = False
) -> bytes:
    """The records as one RFC 7946 FeatureCollection (see the module docstring)."""
    placed = record_geometries(view, outlines)
    features = []
    for row, geometry in zip(placed.itertuples(), placed.geometry.values):
        if row.geo_precision == "territory":
            geometry = counter_clockwise(_as_multi(geometry)) if with_outlines else None
        features.append({
            "type": "Feature",
            "id": row.record_id,
            "geometry": mapping(geometry) if geometry is not None and not geometry.is_empty else None,
            "properties": properties(row, columns),
        })  # fmt: skip
    collection = {"type": "FeatureCollection", "metadata": about, "features": features}
    return (json.dumps(collection, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def layers(view: pd.DataFrame, outlines: dict, columns: list[str]) -> dict[str, gpd.GeoDataFrame]:
    """The view as three single-geometry layers: points, areas, routes (same attributes)."""
    placed = record_geometries(view, outlines)
    frame = pd.DataFrame([properties(row, columns) for row in placed.itertuples()], columns=columns)
    points = placed["geo_precision"].isin(["site", "city"]).to_numpy()
    areas = (placed["geo_precision"] == "territory").to_numpy()
    area_shapes = [counter_clockwise(_as_multi(g)) for g in placed.geometry.values[areas]]
    routes = deployment_routes(view)
    route_frame = pd.DataFrame([properties(row, columns) for row in routes.itertuples()], columns=columns)
    return {
        "points": gpd.GeoDataFrame(
            frame[points].reset_index(drop=True), geometry=list(placed.geometry.values[points]), crs=WGS84
        ),
        "areas": gpd.GeoDataFrame(frame[areas].reset_index(drop=True), geometry=area_shapes, crs=WGS84),
        "routes": gpd.GeoDataFrame(route_frame, geometry=list(routes.geometry.values), crs=WGS84),
    }


def to_gpkg_bytes(view: pd.DataFrame, outlines: dict, columns: list[str], about: dict) -> bytes:
    """The GeoPackage: one layer per geometry type, each carrying the extract's description."""
    import pyogrio  # GDAL, only when a GeoPackage is asked for

    metadata = {key.upper(): "" if value is None else str(value) for key, value in about.items()}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.gpkg"
        for name, frame in layers(view, outlines, columns).items():
            frame = frame.copy()
            for column in DATE_COLUMNS:  # typed dates (GDAL DateTime), never text
                if column in frame:
                    frame[column] = pd.to_datetime(frame[column])
            pyogrio.write_dataframe(
                frame, path, layer=name, driver="GPKG", geometry_type=GPKG_LAYERS[name], promote_to_multi=False,
                layer_metadata=metadata, append=path.exists(),
            )  # fmt: skip
        return path.read_bytes()


def to_xlsx_bytes(
    view: pd.DataFrame, columns: list[str], sources: pd.DataFrame, source_columns: list[str], about: dict
) -> bytes:
    """A workbook: `records` (typed cells), `sources`, and `about` (what the extract is)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "records"
    sheet.append(columns)
    for row in view.itertuples():
        cells = []
        for column in columns:
            value = getattr(row, column, None)
            blank = value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) or value == ""
            if blank:
                cells.append(None)
            elif column in INTEGER_COLUMNS:
                cells.append(int(value))
            elif column in FLOAT_COLUMNS:
                cells.append(float(value))
            elif isinstance(value, dt.date):
                cells.append(value)
            else:
                cells.append(str(value))
        sheet.append(cells)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column in DATE_COLUMNS:
            for cell in sheet[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
        elif column not in INTEGER_COLUMNS + FLOAT_COLUMNS:
            for cell in sheet[letter][1:]:
                cell.number_format = "@"  # text: an id such as 0012 or 1e5 stays text
    sheet.freeze_panes = "A2"
    listed = book.create_sheet("sources")
    listed.append(source_columns)
    for row in sources.itertuples():
        listed.append(
            [_value(getattr(row, column)) if column != "published" else row.published for column in source_columns]
        )
    for cell in listed["F"][1:]:
        cell.number_format = "yyyy-mm-dd"
    info = book.create_sheet("about")
    info.append(["field", "value"])
    for key, value in about.items():
        info.append([key, "" if value is None else str(value)])
    info.append(["records", len(view)])
    info.append(["sources", "; ".join(sources["source_id"])])
    book.properties.title = f"{about['title']} as of {about['as_of']}"
    book.properties.description = json.dumps(about, ensure_ascii=False)
    book.properties.created = dt.datetime(2000, 1, 1)  # fixed: the generation time is in the about sheet
    book.properties.modified = book.properties.created
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
