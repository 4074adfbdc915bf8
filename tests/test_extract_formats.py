"""The extracts as the analysts' tools read them: GeoJSON checked against RFC 7946 by an
independent validator and read by GDAL, the GeoPackage's three single-geometry layers, the XLSX read
back typed, and LibreOffice's two ways of importing the CSV."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import geojson_validator
import pyogrio
import pytest
import shapely
from openpyxl import load_workbook
from shapely.geometry import shape

from geo.paths import REPO_ROOT
from tests.conftest import IN_CI

AS_OF = "2026-01-20"
LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


def extract(tmp_path: Path, fmt: str, *extra: str) -> Path:
    out = tmp_path / f"extract.{fmt}"
    subprocess.run([sys.executable, "-m", "geo.extract", "--as-of", AS_OF, "--format", fmt, *extra, "-o", str(out)],
                   cwd=REPO_ROOT, check=True, timeout=180)  # fmt: skip
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("formats")


def test_geojson_follows_rfc_7946_with_outlines(folder):
    path = extract(folder, "geojson", "--with-outlines")
    found = geojson_validator.validate_structure(json.loads(path.read_text(encoding="utf-8")))
    assert found == {}, found
    collection = json.loads(path.read_text(encoding="utf-8"))
    polygons = [
        shape(f["geometry"]) for f in collection["features"] if f["geometry"] and f["geometry"]["type"] != "Point"
    ]
    assert polygons, "territory-level records carry their outline with --with-outlines"
    for polygon in polygons:
        for part in getattr(polygon, "geoms", [polygon]):
            assert part.exterior.is_ccw, "exterior rings run counter-clockwise (RFC 7946 3.1.6)"


def test_geojson_by_default_has_no_repeated_outlines_null_blanks_ids_and_says_what_it_is(folder):
    collection = json.loads(extract(folder, "geojson").read_text(encoding="utf-8"))
    types = {f["geometry"]["type"] if f["geometry"] else None for f in collection["features"]}
    assert types <= {"Point", None}
    assert all(f["id"] == f["properties"]["record_id"] for f in collection["features"])
    assert not [k for f in collection["features"] for k, v in f["properties"].items() if v == ""], "blanks are null"
    about = collection["metadata"]
    assert about["as_of"] == AS_OF and about["since"] is None and about["data_version"].startswith("sha256 ")
    assert dt.datetime.fromisoformat(about["generated_at"].replace("Z", "+00:00"))
    territory = next(f for f in collection["features"] if f["properties"]["geo_precision"] == "territory")
    assert territory["geometry"] is None and territory["properties"]["outline_iso3"]


def test_gdal_types_dates_and_numbers_in_the_geojson(folder):
    frame = pyogrio.read_dataframe(extract(folder, "geojson"))
    assert str(frame["date"].dtype).startswith("datetime64") and str(frame["date_end"].dtype).startswith("datetime64")
    assert frame["personnel"].dtype.kind in "fi" and frame["source_count"].dtype.kind == "i"


def test_geopackage_has_three_layers_of_one_geometry_type_each(folder):
    path = extract(folder, "gpkg")
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert layers == {"points": "Point", "areas": "MultiPolygon", "routes": "LineString"}
    columns = None
    for name in layers:
        frame = pyogrio.read_dataframe(path, layer=name)
        assert frame.crs.to_epsg() == 4326 and len(frame) > 0, name
        assert set(frame.geometry.geom_type) == {layers[name]}, name
        columns = columns or list(frame.columns)
        assert list(frame.columns) == columns, "the same attributes on every layer"
        assert pyogrio.read_info(path, layer=name)["layer_metadata"]["AS_OF"] == AS_OF
    areas = pyogrio.read_dataframe(path, layer="areas")
    assert all(shapely.orient_polygons(g, exterior_cw=False).equals_exact(g, 0) for g in areas.geometry)
    routes = pyogrio.read_dataframe(path, layer="routes")
    assert routes["origin_place"].notna().all() and routes["place"].notna().all()
    assert (routes["kind"] == "deployment").all()


def test_xlsx_reads_back_typed_and_says_what_it_is(folder):
    book = load_workbook(extract(folder, "xlsx"))
    assert book.sheetnames == ["records", "sources", "about"]
    sheet = book["records"]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, (cell.value for cell in row))) for row in sheet.iter_rows(min_row=2)]
    assert all(isinstance(row["date"], dt.datetime) for row in rows)
    assert all(isinstance(row["record_id"], str) for row in rows)
    assert all(row["personnel"] is None or isinstance(row["personnel"], int) for row in rows)
    assert any(isinstance(row["personnel"], int) for row in rows)
    assert all(row["lat"] is None or isinstance(row["lat"], (int, float)) for row in rows)
    assert any("Løkke" in (row["participants"] or "") for row in rows)
    plain = extract(folder, "csv", "--no-formula-guard").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert len(plain) == len(rows)
    for row, line in zip(rows, plain):  # text as it is: no formula guard needed in typed cells
        assert line.startswith(row["record_id"] + ",") and row["title"] in line.replace('""', '"')
    about = {row[0].value: row[1].value for row in book["about"].iter_rows(min_row=2)}
    assert about["as_of"] == AS_OF and about["licence"] and about["data_version"].startswith("sha256 ")


def test_ids_that_look_like_numbers_or_dates_cannot_exist():
    from geo.records import ID_PATTERN

    for looks_like_a_number in ("1e5", "2026-01-14", "0012", "12"):
        assert not ID_PATTERN.match(looks_like_a_number)


def test_the_plain_csv_keeps_text_as_it_is(folder):
    guarded = extract(folder, "csv").read_text(encoding="utf-8-sig")
    plain = extract(folder, "csv", "--no-formula-guard").read_text(encoding="utf-8-sig")
    assert "'" + "-" not in plain.replace(",'-", "")  # nothing prefixed
    assert guarded.count(",'") >= plain.count(",'")


def _libreoffice_rows(csv_path: Path, out: Path, *infilter: str) -> list[list]:
    if not LIBREOFFICE:
        if IN_CI:
            pytest.fail("LibreOffice is needed under CI: bash .ci/setup --with-browser")
        pytest.skip("LibreOffice not installed: bash .ci/setup --with-browser")
    out.mkdir()
    subprocess.run([LIBREOFFICE, "--headless", f"-env:UserInstallation=file://{out}/profile", *infilter,
                    "--convert-to", "xlsx", "--outdir", str(out), str(csv_path)],
                   check=True, capture_output=True, timeout=240)  # fmt: skip
    sheet = load_workbook(out / (csv_path.stem + ".xlsx")).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_libreoffice_import_with_utf8_named_shows_names_right(folder):
    rows = _libreoffice_rows(extract(folder, "csv"), folder / "lo-utf8", "--infilter=CSV:44,34,76,1")
    assert rows[0][0] == "record_id"
    assert any("Løkke" in str(value) for row in rows for value in row)


def test_libreoffice_plain_import_reads_windows_1252_as_the_readme_warns(folder):
    """LibreOffice's plain conversion ignores the byte-order mark: the README tells users to name
    UTF-8 (or take the XLSX). Should LibreOffice start honouring the mark, this test says so."""
    rows = _libreoffice_rows(extract(folder, "csv"), folder / "lo-plain")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    if rows[0][0] == "record_id":  # LibreOffice got it right: the README's warning can go
        pytest.fail("LibreOffice now reads the CSV as UTF-8 without being told: update the README's spreadsheet note")
    assert rows[0][0] == "\u00ef\u00bb\u00bfrecord_id"  # the BOM read as Windows-1252
    assert "--infilter=CSV:44,34,76" in readme
