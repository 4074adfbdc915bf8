"""Unit tests of the domain core (geo/): as-of view, contributions, changes, geometry, extracts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Point, Polygon

from geo.asof import (
    CHANGE_NEW,
    CHANGE_NONE,
    CHANGE_STATUS,
    as_of_view,
    changes_since,
    contributions,
    date_span,
    default_date,
    key_dates,
    status_as_of,
)
from geo.extract import EXTRACT_COLUMNS, extract_view, main, neutralise_formula, to_csv_bytes, to_geojson_bytes
from geo.geometry import ROUTE_SEGMENTS, deployment_routes, great_circle, record_geometries
from geo.paths import REPO_ROOT

D14, D15, D19, D20 = dt.date(2026, 1, 14), dt.date(2026, 1, 15), dt.date(2026, 1, 19), dt.date(2026, 1, 20)
BOM = b"\xef\xbb\xbf"


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def make_records(*rows: dict) -> pd.DataFrame:
    """A small records frame made in code, typed like `load_dataset` returns it."""
    defaults = {
        "record_id": None,
        "kind": "deployment",
        "title": "a record",
        "date": D14,
        "date_latest": None,
        "reported_on": D14,
        "status_reported": "announced",
        "actor_iso3": "",
        "personnel": pd.NA,
        "personnel_note": "",
        "purpose": "",
    }
    frame = pd.DataFrame([{**defaults, **row, "line": line} for line, row in enumerate(rows, start=2)])
    frame["personnel"] = pd.array(frame["personnel"], dtype="Int64")
    return frame


def read_extract(payload: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"), newline="")))


# ---------------------------------------------------------------- status as of a date


@pytest.mark.parametrize(
    ("date", "date_latest", "as_of", "expected"),
    [
        pytest.param(D19, None, D15, "planned", id="day-event-before-its-day"),
        pytest.param(D19, None, D19, "pending", id="day-event-on-its-day"),
        pytest.param(D19, None, D20, "unconfirmed", id="day-event-the-day-after"),
        pytest.param(D15, day("2026-02-25"), D14, "planned", id="range-before-it-opens"),
        pytest.param(D15, day("2026-02-25"), D15, "pending", id="range-first-day"),
        pytest.param(D15, day("2026-02-25"), day("2026-02-01"), "pending", id="range-inside"),
        pytest.param(D15, day("2026-02-25"), day("2026-02-25"), "pending", id="range-last-day"),
        pytest.param(D15, day("2026-02-25"), day("2026-02-26"), "unconfirmed", id="range-after-it-closes"),
    ],
)
def test_planned_status_moves_with_the_date(date, date_latest, as_of, expected):
    assert status_as_of("planned", date, date_latest, as_of) == expected


@pytest.mark.parametrize("status", ["held", "agreed", "announced", "dispatched", "stated"])
@pytest.mark.parametrize("as_of", [D14, D19, day("2026-03-01")], ids=["before", "on", "after"])
def test_reported_statuses_other_than_planned_never_change(status, as_of):
    assert status_as_of(status, D19, None, as_of) == status


def test_as_of_view_holds_only_records_reported_by_that_day(dataset, raw_records):
    for as_of in (D14, D15):
        expected = {row["record_id"] for row in raw_records if day(row["reported_on"]) <= as_of}
        assert set(as_of_view(dataset.records, as_of)["record_id"]) == expected
    early = as_of_view(dataset.records, D14)
    assert "deployment-fra" not in set(early["record_id"]), "reported on 2026-01-15, must not show on 2026-01-14"
    assert as_of_view(dataset.records, day("2026-01-13")).empty


@pytest.mark.parametrize(
    ("record_id", "as_of", "expected"),
    [
        pytest.param("nato-brussels-meeting", D15, "planned", id="nato-meeting-announced-ahead"),
        pytest.param("nato-brussels-meeting", D19, "pending", id="nato-meeting-on-its-monday"),
        pytest.param("nato-brussels-meeting", D20, "unconfirmed", id="nato-meeting-after-its-monday"),
        pytest.param("working-group-first-meeting", D14, "planned", id="working-group-before-its-range"),
        pytest.param("working-group-first-meeting", D15, "pending", id="working-group-inside-its-range"),
        pytest.param("working-group-first-meeting", day("2026-02-26"), "unconfirmed", id="working-group-after-its-range"),
        pytest.param("washington-meeting", day("2026-02-26"), "held", id="held-stays-held"),
    ],
)
def test_as_of_view_status_of_real_records(dataset, record_id, as_of, expected):
    view = as_of_view(dataset.records, as_of).set_index("record_id")
    assert view.loc[record_id, "status"] == expected


# ---------------------------------------------------------------- key dates


def test_key_dates_date_span_and_default_date_of_a_small_frame():
    records = make_records(
        {"record_id": "held-early", "reported_on": day("2026-01-10"), "date": day("2026-01-09"), "status_reported": "held"},
        {"record_id": "range-planned", "reported_on": day("2026-01-11"), "date": day("2026-01-15"),
         "date_latest": day("2026-01-17"), "status_reported": "planned"},
        {"record_id": "day-planned", "reported_on": day("2026-01-12"), "date": day("2026-01-20"), "status_reported": "planned"},
    )  # fmt: skip
    expected = [day(d) for d in ("2026-01-10", "2026-01-11", "2026-01-12", "2026-01-15", "2026-01-18", "2026-01-20", "2026-01-21")]
    assert key_dates(records) == expected
    assert date_span(records) == (day("2026-01-10"), day("2026-01-21"))
    assert default_date(records) == day("2026-01-12")


def _view_signature(records: pd.DataFrame, as_of: dt.date) -> set[tuple[str, str]]:
    view = as_of_view(records, as_of)
    return set(zip(view["record_id"], view["status"]))


def test_key_dates_are_exactly_the_days_the_real_view_changes(dataset):
    records = dataset.records
    days = key_dates(records)
    first, last = date_span(records)
    assert (first, last) == (days[0], days[-1])
    assert first == min(records["reported_on"])
    assert default_date(records) == max(records["reported_on"])
    assert default_date(records) in days
    changed_on = []
    current = first
    while current < last + dt.timedelta(days=2):
        following = current + dt.timedelta(days=1)
        if _view_signature(records, following) != _view_signature(records, current):
            changed_on.append(following)
        current = following
    assert [first, *changed_on] == days


# ---------------------------------------------------------------- contributions


def test_contributions_on_2026_01_15_count_stated_numbers_only(dataset):
    result = contributions(as_of_view(dataset.records, D15))
    assert result.summary == "14 personnel stated by 2 countries; 4 countries did not state numbers"
    by_country = dict(zip(result.table["country_iso3"], result.table["personnel"]))
    assert set(by_country) == {"DNK", "FRA", "DEU", "NOR", "SWE", "GBR"}
    assert by_country["DEU"] == 13 and by_country["GBR"] == 1
    assert all(pd.isna(by_country[iso3]) for iso3 in ("DNK", "FRA", "NOR", "SWE"))
    assert list(result.table["personnel"].isna()) == [False, False, True, True, True, True], "unstated rows come last"


def test_contributions_on_2026_01_14_only_denmark_unstated(dataset):
    result = contributions(as_of_view(dataset.records, D14))
    assert list(result.table["country_iso3"]) == ["DNK"]
    assert result.summary == "No personnel numbers stated; 1 country did not state numbers"


def test_contributions_all_unknown_are_never_summed_as_zero():
    view = as_of_view(
        make_records(
            {"record_id": "a", "actor_iso3": "FRA", "personnel_note": "very small numbers of troops"},
            {"record_id": "b", "actor_iso3": "NOR", "personnel_note": "very small numbers of troops"},
            {"record_id": "c", "actor_iso3": "SWE"},
        ),
        D15,
    )
    result = contributions(view)
    assert result.table["personnel"].isna().all()
    assert (result.stated_countries, result.unstated_countries) == (0, 3)
    assert result.summary == "No personnel numbers stated; 3 countries did not state numbers"
    assert "0 personnel" not in result.summary


def test_contributions_country_with_one_unstated_record_is_not_stated():
    view = as_of_view(
        make_records(
            {"record_id": "deu-first", "actor_iso3": "DEU", "personnel": 13, "personnel_note": "13 troops"},
            {"record_id": "deu-second", "actor_iso3": "DEU", "personnel_note": "more troops"},
            {"record_id": "fra", "actor_iso3": "FRA", "personnel": 2, "personnel_note": "two officers"},
        ),
        D15,
    )
    result = contributions(view)
    rows = result.table.set_index("country_iso3")
    assert pd.isna(rows.loc["DEU", "personnel"]), "13 + unknown is unknown, not 13"
    assert rows.loc["DEU", "personnel_note"] == "13 troops; more troops"
    assert rows.loc["DEU", "record_ids"] == "deu-first;deu-second"
    assert rows.loc["FRA", "personnel"] == 2
    assert result.summary == "2 personnel stated by 1 country; 1 country did not state numbers"


def test_contributions_sum_a_countrys_stated_records():
    view = as_of_view(
        make_records(
            {"record_id": "deu-first", "actor_iso3": "DEU", "personnel": 13},
            {"record_id": "deu-second", "actor_iso3": "DEU", "personnel": 4},
        ),
        D15,
    )
    result = contributions(view)
    assert list(result.table["personnel"]) == [17]
    assert result.summary == "17 personnel stated by 1 country"


def test_contributions_ignore_other_kinds_and_say_when_there_are_none():
    view = as_of_view(make_records({"record_id": "talks", "kind": "meeting", "status_reported": "held"}), D15)
    result = contributions(view)
    assert result.table.empty
    assert result.summary == "No contributions reported as of this date."


# ---------------------------------------------------------------- changes since


def test_changes_since_marks_new_records_and_status_changes(dataset, raw_records):
    changes = changes_since(dataset.records, D14, D15).set_index("record_id")
    reported_on_15 = {row["record_id"] for row in raw_records if row["reported_on"] == "2026-01-15"}
    assert reported_on_15, "the data should hold records first reported on 2026-01-15"
    assert set(changes.index[changes["change"] == CHANGE_NEW]) == reported_on_15
    assert set(changes.index[changes["change"] == CHANGE_STATUS]) == {"working-group-first-meeting"}
    assert changes.loc["working-group-first-meeting", "status_before"] == "planned"
    assert changes.loc["working-group-first-meeting", "status"] == "pending"
    assert changes.loc["washington-meeting", "change"] == CHANGE_NONE
    assert (changes.loc[list(reported_on_15), "status_before"] == "").all()


def test_changes_since_a_planned_meeting_passes_unconfirmed(dataset):
    changes = changes_since(dataset.records, D15, D20).set_index("record_id")
    assert not (changes["change"] == CHANGE_NEW).any()
    assert changes.loc["nato-brussels-meeting", "change"] == CHANGE_STATUS
    assert (changes.loc["nato-brussels-meeting", "status_before"], changes.loc["nato-brussels-meeting", "status"]) == (
        "planned",
        "unconfirmed",
    )


# ---------------------------------------------------------------- geometry

WASHINGTON = (-77.0364, 38.8951)
PARIS = (2.3522, 48.8566)


def test_great_circle_has_exact_endpoints_and_densified_vertices():
    line = great_circle(*WASHINGTON, *PARIS)
    coords = list(line.coords)
    assert coords[0] == WASHINGTON and coords[-1] == PARIS
    assert len(coords) == ROUTE_SEGMENTS + 1
    assert len(list(great_circle(*WASHINGTON, *PARIS, segments=8).coords)) == 9


def test_great_circle_really_curves_north_on_a_transatlantic_route():
    line = great_circle(*WASHINGTON, *PARIS)
    mid_lon, mid_lat = line.coords[ROUTE_SEGMENTS // 2]
    (lon1, lat1), (lon2, lat2) = WASHINGTON, PARIS
    straight_lat = lat1 + (mid_lon - lon1) / (lon2 - lon1) * (lat2 - lat1)
    assert mid_lat > straight_lat + 5, f"midpoint {mid_lat:.2f}°N is not well north of the straight line's {straight_lat:.2f}°N"
    geod = Geod(ellps="WGS84")
    whole = geod.inv(lon1, lat1, lon2, lat2)[2]
    via_mid = geod.inv(lon1, lat1, mid_lon, mid_lat)[2] + geod.inv(mid_lon, mid_lat, lon2, lat2)[2]
    assert via_mid == pytest.approx(whole, rel=1e-9), "the midpoint lies on the geodesic"


def test_deployment_routes_one_per_deployment_with_a_departure(dataset, raw_records):
    routes = deployment_routes(dataset.records)
    expected = {row["record_id"] for row in raw_records if row["kind"] == "deployment" and row["origin_place_id"]}
    assert set(routes["record_id"]) == expected
    for row in routes.itertuples():
        assert row.geometry.coords[0] == (row.origin_lon, row.origin_lat)
        assert row.geometry.coords[-1] == (row.lon, row.lat)


def test_record_geometries_point_outline_or_none(dataset, basemap, outlines, raw_places):
    shaped = record_geometries(dataset.records, outlines).set_index("record_id")
    assert shaped.crs.to_epsg() == 4326
    washington = shaped.loc["washington-meeting", "geometry"]
    assert isinstance(washington, Point)
    assert (washington.x, washington.y) == (float(raw_places["washington"]["lon"]), float(raw_places["washington"]["lat"]))
    greenland = shaped.loc["deployment-fra", "geometry"]
    assert isinstance(greenland, (Polygon, MultiPolygon))
    assert shapely.equals(greenland, basemap.loc[basemap["iso3"] == "GRL"].geometry.iloc[0])
    assert shaped.loc["dnk-working-group-remark", "geometry"] is None


# ---------------------------------------------------------------- extract

EXPECTED_EXTRACT_COLUMNS = [
    "record_id", "kind", "title", "date", "date_latest", "date_precision", "reported_on", "status",
    "place", "lat", "lon", "geo_precision", "country_iso3", "actor_iso3", "participants",
    "personnel", "personnel_note", "purpose", "source", "source_quote", "curation_note",
]  # fmt: skip


@pytest.fixture(scope="module")
def view15(dataset, outlines):
    return extract_view(dataset.records, outlines, D15)


@pytest.fixture(scope="module")
def csv15(view15) -> bytes:
    return to_csv_bytes(view15)


def test_extract_header_is_exactly_the_documented_columns(csv15):
    assert EXTRACT_COLUMNS == EXPECTED_EXTRACT_COLUMNS
    header = next(csv.reader(io.StringIO(csv15.decode("utf-8-sig"))))
    assert header == EXPECTED_EXTRACT_COLUMNS


def test_extract_csv_is_utf8_with_bom_and_keeps_names(csv15):
    assert csv15.startswith(BOM)
    assert not csv15[len(BOM) :].startswith(BOM)
    text = csv15.decode("utf-8-sig")
    assert "Løkke" in text
    assert "\ufffd" not in text


def test_extract_leaves_unstated_personnel_blank(csv15):
    rows = {row["record_id"]: row for row in read_extract(csv15)}
    assert rows["deployment-deu"]["personnel"] == "13"
    assert rows["deployment-gbr"]["personnel"] == "1"
    for record_id in ("deployment-dnk", "deployment-fra", "deployment-nor", "deployment-swe"):
        assert rows[record_id]["personnel"] == "", f"{record_id}: unstated must be blank, not 0"
    assert rows["washington-meeting"]["lon"] == "-77.0364", "a negative number stays a number"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        pytest.param("=1+1", "'=1+1", id="equals"),
        pytest.param("+cmd", "'+cmd", id="plus"),
        pytest.param("-2+3", "'-2+3", id="minus-formula"),
        pytest.param("@SUM(A1)", "'@SUM(A1)", id="at"),
        pytest.param("\t=1", "'\t=1", id="tab"),
        pytest.param("\r=1", "'\r=1", id="carriage-return"),
        pytest.param("-77.03", "-77.03", id="negative-number-stays"),
        pytest.param("13", "13", id="integer-stays"),
        pytest.param("Løkke", "Løkke", id="text-stays"),
        pytest.param("", "", id="blank-stays"),
    ],
)
def test_neutralise_formula(cell, expected):
    assert neutralise_formula(cell) == expected


def test_extract_neutralises_formulas_in_text_cells(view15):
    hostile = view15.copy()
    first = hostile.index[hostile["record_id"] == "deployment-deu"][0]
    hostile.loc[first, "title"] = '=HYPERLINK("http://127.0.0.1/","x")'
    hostile.loc[first, "purpose"] = "@SUM(1)"
    hostile.loc[first, "personnel_note"] = "+13 troops"
    hostile.loc[first, "curation_note"] = "-cmd"
    row = {r["record_id"]: r for r in read_extract(to_csv_bytes(hostile))}["deployment-deu"]
    assert row["title"] == "'" + '=HYPERLINK("http://127.0.0.1/","x")'
    assert (row["purpose"], row["personnel_note"], row["curation_note"]) == ("'@SUM(1)", "'+13 troops", "'-cmd")
    assert row["personnel"] == "13"
    assert row["lon"] == "-40.0"


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo.extract", *args], cwd=REPO_ROOT, capture_output=True, timeout=120, check=False
    )


def test_cli_csv_to_stdout_and_to_file_equal_to_csv_bytes(csv15, tmp_path):
    result = _run_cli("--as-of", "2026-01-15", "--format", "csv")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == csv15
    target = tmp_path / "extract.csv"
    result = _run_cli("--as-of", "2026-01-15", "--format", "csv", "-o", str(target))
    assert result.returncode == 0, result.stderr.decode()
    assert target.read_bytes() == csv15


def test_cli_geojson_reads_with_geopandas_and_holds_the_same_records(view15, tmp_path):
    target = tmp_path / "extract.geojson"
    result = _run_cli("--as-of", "2026-01-15", "--format", "geojson", "-o", str(target))
    assert result.returncode == 0, result.stderr.decode()
    assert target.read_bytes() == to_geojson_bytes(view15)
    frame = gpd.read_file(target)
    assert frame.crs.to_epsg() == 4326
    assert sorted(frame["record_id"]) == sorted(view15["record_id"])
    shapes = dict(zip(frame["record_id"], frame.geometry))
    assert shapes["washington-meeting"].geom_type == "Point"
    assert shapes["deployment-fra"].geom_type in ("Polygon", "MultiPolygon")
    assert shapes["dnk-working-group-remark"] is None
    features = {f["id"]: f for f in json.loads(target.read_text(encoding="utf-8"))["features"]}
    assert features["deployment-deu"]["properties"]["personnel"] == 13
    assert features["deployment-fra"]["properties"]["personnel"] is None
    assert features["dnk-working-group-remark"]["properties"]["lat"] is None
    assert "Løkke" in features["washington-meeting"]["properties"]["source_quote"]


def test_cli_since_adds_a_change_column():
    result = _run_cli("--as-of", "2026-01-15", "--since", "2026-01-14", "--format", "csv")
    assert result.returncode == 0, result.stderr.decode()
    rows = read_extract(result.stdout)
    assert list(rows[0]) == [*EXPECTED_EXTRACT_COLUMNS, "change"]
    change = {row["record_id"]: row["change"] for row in rows}
    assert change["deployment-fra"] == "new"
    assert change["washington-meeting"] == "unchanged"
    assert change["working-group-first-meeting"] == "status changed"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--as-of", "2026-13-45"], "'2026-13-45' is not a date", id="bad-as-of"),
        pytest.param(["--as-of", "2026-01-14", "--since", "2026-01-15"], "is after --as-of", id="since-after-as-of"),
        pytest.param(["--as-of", "2026-01-15", "--format", "xlsx"], "invalid choice", id="unknown-format"),
    ],
)
def test_cli_rejects_bad_arguments_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


# ---------------------------------------------------------------- whole-output comparison


def _expected_status(row: dict[str, str], as_of: dt.date) -> str:
    if row["status_reported"] != "planned":
        return row["status_reported"]
    start = day(row["date"])
    end = day(row["date_latest"]) if row["date_latest"] else start
    return "planned" if as_of < start else "pending" if as_of <= end else "unconfirmed"


def _expected_cell(text: str) -> str:
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def _expected_extract(raw_records, raw_places, as_of: dt.date) -> bytes:
    """The extract built straight from records.csv and places.csv text, without geo.extract."""
    known = [row for row in raw_records if day(row["reported_on"]) <= as_of]
    known.sort(key=lambda row: (row["date"], row["_line"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPECTED_EXTRACT_COLUMNS)
    for row in known:
        place = raw_places.get(row["place_id"], {})
        derived = {
            "status": _expected_status(row, as_of),
            "place": place.get("name", ""),
            "lat": str(float(place["lat"])) if place else "",
            "lon": str(float(place["lon"])) if place else "",
            "geo_precision": place.get("geo_precision", ""),
        }
        writer.writerow([_expected_cell(derived[c] if c in derived else row[c]) for c in EXPECTED_EXTRACT_COLUMNS])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def test_csv_extract_for_2026_01_14_equals_the_expected_text(dataset, outlines, raw_records, raw_places):
    actual = to_csv_bytes(extract_view(dataset.records, outlines, D14))
    expected = _expected_extract(raw_records, raw_places, D14)
    assert actual.decode("utf-8").splitlines() == expected.decode("utf-8").splitlines()
    assert actual == expected
