"""Unit tests of the domain core (geo/): as-of view, contributions, changes, geometry, extracts.

The bundled data grows as curators add sources. What the seed says stays fixed (its 14 records keep
their ids and their one claim each), so tests of a particular picture filter on the seed's claims
(`source=SEED_FILE`); tests of the bundled data as a whole check invariants, not today's counts.
The model's own unit tests, on data made for them, are in tests/test_claims_model.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path

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
    PRESENCES,
    as_of_view,
    changes_since,
    contributions,
    date_span,
    default_date,
    key_dates,
    status_as_of,
)
from geo.extract import (
    EXTRACT_COLUMNS,
    SOURCE_EXTRACT_COLUMNS,
    ExtractRequest,
    extract_view,
    main,
    neutralise_formula,
    render_extract,
    to_csv_bytes,
)
from geo.geometry import ROUTE_SEGMENTS, deployment_routes, great_circle, record_geometries
from geo.paths import REPO_ROOT
from geo.records import Dataset, load_dataset
from tests.conftest import SEED_FILE, SEED_SOURCE

D14, D15, D19, D20 = dt.date(2026, 1, 14), dt.date(2026, 1, 15), dt.date(2026, 1, 19), dt.date(2026, 1, 20)
D0226 = dt.date(2026, 2, 26)
BOM = b"\xef\xbb\xbf"
# Statuses that report a fact on their own date: reported ahead, they count from that day (README).
DATED_FACTS = ("held", "arrived", "left", "launched")
# A deployment's presence after the most advanced claim on it (README).
EXPECTED = Path(__file__).parent / "expected"
PRESENCE_AFTER = {"announced": "announced", "dispatched": "under way", "arrived": "on the ground", "left": "left"}
SEED_DEPLOYMENTS = ("DNK", "FRA", "DEU", "NOR", "SWE", "GBR")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def seed_view(dataset, as_of: dt.date) -> pd.DataFrame:
    """What the seed alone said, as known on `as_of`."""
    return as_of_view(dataset, as_of, source=SEED_FILE)


def seed_only(dataset) -> Dataset:
    """The bundled dataset with the seed's claims only (key dates of the seed's own picture).

    A new Dataset, not `dataclasses.replace`: a copy would share what geo.asof works out per dataset."""
    claims = dataset.claims[dataset.claims["source_id"] == SEED_SOURCE]
    return Dataset(records=dataset.records, places=dataset.places, claims=claims, sources=dataset.sources)


def known_from(claim: dict[str, str], raw_sources) -> dt.date:
    """From the CSV text: the day a claim becomes part of the picture."""
    published = day(raw_sources[claim["source_id"]]["published"])
    if claim["status"] in DATED_FACTS and day(claim["date"]) > published:
        return day(claim["date"])
    return published


def geojson_of(view, dataset, outlines, request: ExtractRequest) -> dict:
    """The GeoJSON extract of a view, parsed."""
    payload = render_extract(view, "geojson", request, outlines=outlines, sources=dataset.sources, version="test")
    return json.loads(payload)


def read_extract(payload: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"), newline="")))


def _view_signature(dataset, as_of: dt.date) -> set[tuple]:
    """Everything the view shows on a day, as text."""
    view = as_of_view(dataset, as_of)
    return {tuple(str(value) for value in row) for row in view.itertuples(index=False)}


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


@pytest.mark.parametrize("status", ["held", "agreed", "announced", "dispatched", "stated", "arrived", "left"])
@pytest.mark.parametrize("as_of", [D14, D19, day("2026-03-01")], ids=["before", "on", "after"])
def test_reported_statuses_other_than_planned_never_change(status, as_of):
    assert status_as_of(status, D19, None, as_of) == status


# ---------------------------------------------------------------- the as-of view


def test_as_of_view_holds_only_records_with_a_claim_known_by_that_day(dataset, raw_claims, raw_sources):
    for as_of in key_dates(dataset):
        expected = {row["record_id"] for row in raw_claims if known_from(row, raw_sources) <= as_of}
        assert set(as_of_view(dataset, as_of)["record_id"]) == expected, as_of
    assert as_of_view(dataset, day("2026-01-13")).empty


def test_as_of_view_cites_only_sources_published_by_that_day(dataset, raw_sources):
    for as_of in key_dates(dataset):
        view = as_of_view(dataset, as_of)
        for row in view.itertuples():
            cited = row.sources.split(";")
            assert all(day(raw_sources[source]["published"]) <= as_of for source in cited), (as_of, row.record_id)
            assert 1 <= row.source_count <= len(cited), row.record_id
            assert re.fullmatch(r"[A-F][1-6]", row.reliability), row.record_id
            assert row.reported_on <= as_of, row.record_id


def test_the_seeds_picture_starts_on_its_report_date(dataset, raw_records):
    assert seed_view(dataset, D14).empty, "the seed was published on 2026-01-15: nothing of it is known before"
    seed_records = {row["record_id"] for row in raw_records} & set(seed_view(dataset, D15)["record_id"])
    assert len(seed_view(dataset, D15)) == len(seed_records) == 14
    assert set(seed_view(dataset, D15)["sources"]) == {SEED_SOURCE}
    assert set(seed_view(dataset, D15)["source"]) == {SEED_FILE}
    assert set(seed_view(dataset, D15)["reported_on"]) == {D15}


@pytest.mark.parametrize(
    ("record_id", "as_of", "expected"),
    [
        pytest.param("nato-brussels-meeting", D15, "planned", id="nato-meeting-announced-ahead"),
        pytest.param("nato-brussels-meeting", D19, "pending", id="nato-meeting-on-its-monday"),
        pytest.param("nato-brussels-meeting", D20, "unconfirmed", id="nato-meeting-after-its-monday"),
        pytest.param("working-group-first-meeting", D14, None, id="working-group-not-known-before-the-report"),
        pytest.param("working-group-first-meeting", D15, "pending", id="working-group-inside-its-range"),
        pytest.param("working-group-first-meeting", D0226, "unconfirmed", id="working-group-after-its-range"),
        pytest.param("washington-meeting", D0226, "held", id="held-stays-held"),
    ],
)
def test_seed_view_status_of_real_records(dataset, record_id, as_of, expected):
    view = seed_view(dataset, as_of).set_index("record_id")
    assert (view.loc[record_id, "status"] if record_id in view.index else None) == expected


# ---------------------------------------------------------------- key dates


def test_key_dates_date_span_and_default_date_of_the_seed():
    seed = seed_only(load_dataset())
    # published 2026-01-15; NATO meeting planned for the 19th (pending, then unconfirmed on the 20th);
    # the working group's range 2026-01-15 to 2026-02-25 (unconfirmed from the 26th)
    assert key_dates(seed) == [D15, D19, D20, D0226]
    assert date_span(seed) == (D15, D0226)
    assert default_date(seed) == D15


def _days_the_view_changes(dataset, first: dt.date, last: dt.date) -> list[dt.date]:
    changed_on = []
    current, before = first, _view_signature(dataset, first)
    while current < last + dt.timedelta(days=2):
        current += dt.timedelta(days=1)
        now = _view_signature(dataset, current)
        if now != before:
            changed_on.append(current)
        before = now
    return changed_on


def test_key_dates_are_exactly_the_days_the_seeds_view_changes(dataset):
    seed = seed_only(dataset)
    days = key_dates(seed)
    assert [days[0], *_days_the_view_changes(seed, days[0], days[-1])] == days


def test_key_dates_hold_every_day_the_whole_view_changes(dataset, raw_claims, raw_sources):
    days = key_dates(dataset)
    first, last = date_span(dataset)
    assert (first, last) == (days[0], days[-1])
    reported = {known_from(row, raw_sources) for row in raw_claims}
    assert first == min(reported)
    assert default_date(dataset) == max(reported), "the situation as last reported"
    planned = set()
    for row in raw_claims:
        if row["status"] == "planned":
            planned |= {day(row["date"]), day(row["date_latest"] or row["date"]) + dt.timedelta(days=1)}
    assert reported <= set(days) <= reported | planned, "a key date is a report day or a day a planned event moves"
    missed = [change for change in _days_the_view_changes(dataset, first, last) if change not in days]
    assert missed == [], "the slider's key dates must reach every change of the view"


# ---------------------------------------------------------------- contributions


def test_contributions_of_the_seed_on_2026_01_15(dataset):
    result = contributions(seed_view(dataset, D15))
    rows = result.table.set_index("country_iso3")
    assert set(rows.index) == set(SEED_DEPLOYMENTS)
    assert rows.loc["DEU", "under way"] == 13, "13 troops dispatched"
    assert rows.loc["DEU", "announced"] is pd.NA
    assert rows.loc["GBR", "announced"] == 1, "the UK said one officer: an announced number"
    assert rows.loc["GBR", "under way"] is None
    for iso3 in ("DNK", "FRA", "NOR", "SWE"):
        assert rows.loc[iso3, "announced"] is pd.NA, f"{iso3}: unstated must stay NA, never 0"
        assert all(rows.loc[iso3, state] is None for state in PRESENCES), f"{iso3}: only announced"
    assert (result.tallies["under way"].stated_total, result.tallies["under way"].stated_countries) == (13, 1)
    assert result.tallies["under way"].unstated_countries == 0
    for state in ("on the ground", "left"):
        tally = result.tallies[state]
        assert (tally.stated_countries, tally.unstated_countries) == (0, 0), state
    assert "13 personnel stated by 1 country" in result.summary
    assert "0 personnel" not in result.summary


def test_contributions_of_the_seed_before_its_report_say_there_are_none(dataset):
    result = contributions(seed_view(dataset, D14))
    assert result.table.empty
    assert result.summary == "No contributions reported as of this date."


def _second_contingent(view: pd.DataFrame, record_id: str, personnel_deployed) -> pd.DataFrame:
    """The real view with a second contingent of the same country, in the same state."""
    extra = view[view["record_id"] == record_id].copy()
    extra["record_id"] = f"{record_id}-second"
    extra["personnel_deployed"] = pd.array([personnel_deployed], dtype="Int64")
    extra["personnel_announced"] = pd.array([pd.NA], dtype="Int64")
    return pd.concat([view, extra], ignore_index=True)


def test_contributions_country_with_one_unstated_contingent_is_not_stated(dataset):
    result = contributions(_second_contingent(seed_view(dataset, D15), "deployment-deu", pd.NA))
    rows = result.table.set_index("country_iso3")
    assert rows.loc["DEU", "under way"] is pd.NA, "13 + unknown is unknown, not 13"
    assert rows.loc["DEU", "record_ids"] == "deployment-deu;deployment-deu-second"
    tally = result.tallies["under way"]
    assert (tally.stated_total, tally.stated_countries, tally.unstated_countries) == (0, 0, 1)
    assert "0 personnel" not in result.summary


def test_contributions_sum_a_countrys_stated_contingents(dataset):
    result = contributions(_second_contingent(seed_view(dataset, D15), "deployment-deu", 4))
    rows = result.table.set_index("country_iso3")
    assert rows.loc["DEU", "under way"] == 17
    assert result.tallies["under way"].stated_total == 17


def test_contributions_count_each_contingent_once_and_never_an_unknown_as_zero(dataset):
    """Over the whole data, every key date: each deployment counts in exactly one state; a country's
    number in a state is the sum of its stated numbers there, unknown (NA) when one is not stated,
    None when it has no contingent in that state."""
    for as_of in key_dates(dataset):
        view = as_of_view(dataset, as_of)
        result = contributions(view)
        deployments = view[view["kind"] == "deployment"]
        assert set(deployments["presence"]) <= {"announced", *PRESENCES}, as_of
        assert sorted(result.table["country_iso3"]) == sorted(set(deployments["actor_iso3"])), as_of
        assert set(view.loc[view["kind"] != "deployment", "presence"]) <= {""}, "only deployments have a presence"
        rows = result.table.set_index("country_iso3")
        for state in PRESENCES:
            stated_total, stated, unstated = 0, 0, 0
            for iso3, group in deployments.groupby("actor_iso3"):
                numbers = list(group.loc[group["presence"] == state, "personnel_deployed"])
                value = rows.loc[iso3, state]
                if not numbers:
                    assert value is None, (as_of, iso3, state)
                elif any(pd.isna(n) for n in numbers):
                    assert value is pd.NA, (as_of, iso3, state)
                    unstated += 1
                else:
                    assert value == sum(int(n) for n in numbers), (as_of, iso3, state)
                    stated_total, stated = stated_total + value, stated + 1
            tally = result.tallies[state]
            assert (tally.stated_total, tally.stated_countries, tally.unstated_countries) == (
                stated_total,
                stated,
                unstated,
            )
        for iso3, group in deployments.groupby("actor_iso3"):
            numbers = list(group["personnel_announced"])
            expected = pd.NA if any(pd.isna(n) for n in numbers) else sum(int(n) for n in numbers)
            assert (
                rows.loc[iso3, "announced"] is pd.NA if expected is pd.NA else rows.loc[iso3, "announced"] == expected
            )


# ---------------------------------------------------------------- changes since


def test_changes_since_before_the_seed_marks_all_its_records_new(dataset):
    changes = changes_since(dataset, D14, D15, source=SEED_FILE)
    assert len(changes) == 14
    assert (changes["change"] == CHANGE_NEW).all()
    assert (changes["status_before"] == "").all()


def test_changes_since_a_planned_meeting_turns_pending_and_then_unconfirmed(dataset):
    for as_of, status in ((D19, "pending"), (D20, "unconfirmed")):
        changes = changes_since(dataset, D15, as_of, source=SEED_FILE).set_index("record_id")
        assert not (changes["change"] == CHANGE_NEW).any()
        assert set(changes.index[changes["change"] == CHANGE_STATUS]) == {"nato-brussels-meeting"}
        assert (
            changes.loc["nato-brussels-meeting", "status_before"],
            changes.loc["nato-brussels-meeting", "status"],
        ) == (
            "planned",
            status,
        )
        assert changes.loc["washington-meeting", "change"] == CHANGE_NONE


def test_changes_since_the_key_date_before_match_the_two_views(dataset):
    days = key_dates(dataset)
    for since, as_of in zip(days, days[1:]):
        before = as_of_view(dataset, since).set_index("record_id")
        changes = changes_since(dataset, since, as_of).set_index("record_id")
        assert set(changes.index[changes["change"] == CHANGE_NEW]) == set(changes.index) - set(before.index), as_of
        for record_id, row in changes[changes["change"] != CHANGE_NEW].iterrows():
            assert row["status_before"] == before.loc[record_id, "status"], (as_of, record_id)
            assert (row["change"] == CHANGE_STATUS) == (row["status"] != row["status_before"]), (as_of, record_id)


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
    assert mid_lat > straight_lat + 5, (
        f"midpoint {mid_lat:.2f}°N is not well north of the straight line's {straight_lat:.2f}°N"
    )
    geod = Geod(ellps="WGS84")
    whole = geod.inv(lon1, lat1, lon2, lat2)[2]
    via_mid = geod.inv(lon1, lat1, mid_lon, mid_lat)[2] + geod.inv(mid_lon, mid_lat, lon2, lat2)[2]
    assert via_mid == pytest.approx(whole, rel=1e-9), "the midpoint lies on the geodesic"


def test_deployment_routes_one_per_seed_deployment_with_a_departure(dataset, raw_claims, raw_places):
    view = seed_view(dataset, D15)
    routes = deployment_routes(view)
    deployments = set(view.loc[view["kind"] == "deployment", "record_id"])
    expected = {
        row["record_id"]
        for row in raw_claims
        if row["source_id"] == SEED_SOURCE
        and row["record_id"] in deployments
        and row["origin_place_id"]
        and row["place_id"]
    }
    assert len(expected) == 6
    assert set(routes["record_id"]) == expected
    origins = {
        row["record_id"]: raw_places[row["origin_place_id"]]
        for row in raw_claims
        if row["source_id"] == SEED_SOURCE and row["record_id"] in expected
    }
    for row in routes.itertuples():
        assert row.geometry.coords[0] == (float(origins[row.record_id]["lon"]), float(origins[row.record_id]["lat"]))
        assert row.geometry.coords[-1] == (row.lon, row.lat)


def test_deployment_routes_of_the_whole_data_start_at_a_departure_and_end_at_the_place(dataset):
    for as_of in (date_span(dataset)[0], default_date(dataset)):
        view = as_of_view(dataset, as_of)
        routes = deployment_routes(view)
        assert set(routes["kind"]) <= {"deployment"}
        for row in routes.itertuples():
            assert row.geometry.coords[0] == (row.origin_lon, row.origin_lat)
            assert row.geometry.coords[-1] == (row.lon, row.lat)


def test_record_geometries_point_outline_or_none(dataset, basemap, outlines, raw_places):
    shaped = record_geometries(seed_view(dataset, D15), outlines).set_index("record_id")
    assert shaped.crs.to_epsg() == 4326
    washington = shaped.loc["washington-meeting", "geometry"]
    assert isinstance(washington, Point)
    assert (washington.x, washington.y) == (
        float(raw_places["washington"]["lon"]),
        float(raw_places["washington"]["lat"]),
    )
    greenland = shaped.loc["deployment-fra", "geometry"]
    assert isinstance(greenland, (Polygon, MultiPolygon))
    assert shapely.equals(greenland, basemap.loc[basemap["iso3"] == "GRL"].geometry.iloc[0])
    assert shaped.loc["dnk-working-group-remark", "geometry"] is None


# ---------------------------------------------------------------- extract

# The first 21 columns are the ones analysts' scripts use, in their order; the claims model adds
# its columns after them (by design: dates of presence, the two numbers, sources and their grade,
# each route's departure place, and the outline a territory-level record stands for).
EXPECTED_EXTRACT_COLUMNS = [
    "record_id", "kind", "title", "date", "date_latest", "date_precision", "reported_on", "status",
    "place", "lat", "lon", "geo_precision", "country_iso3", "actor_iso3", "participants",
    "personnel", "personnel_note", "purpose", "source", "source_quote", "curation_note",
    "date_end", "presence", "personnel_announced", "personnel_deployed", "sources", "source_count",
    "reliability", "conflict", "origin_place", "origin_lat", "origin_lon", "outline_iso3", "date_end_latest",
]  # fmt: skip


@pytest.fixture(scope="module")
def view15(dataset, outlines):
    return extract_view(dataset, outlines, D15, source=SEED_FILE)


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
    deu, gbr = rows["deployment-deu"], rows["deployment-gbr"]
    assert (deu["personnel"], deu["personnel_deployed"], deu["personnel_announced"]) == ("13", "13", "")
    assert (gbr["personnel"], gbr["personnel_announced"], gbr["personnel_deployed"]) == ("1", "1", "")
    for record_id in ("deployment-dnk", "deployment-fra", "deployment-nor", "deployment-swe"):
        for column in ("personnel", "personnel_announced", "personnel_deployed"):
            assert rows[record_id][column] == "", f"{record_id}.{column}: unstated must be blank, not 0"
    assert rows["washington-meeting"]["lon"] == "-77.0364", "a negative number stays a number"


def test_whole_data_extract_never_writes_zero_for_an_unstated_number(dataset, outlines, raw_claims):
    """A 0 in a personnel column can only come from a claim that states 0."""
    zero_stated = {row["record_id"] for row in raw_claims if row["personnel"] == "0"}
    rows = read_extract(to_csv_bytes(extract_view(dataset, outlines, default_date(dataset))))
    for row in rows:
        for column in ("personnel", "personnel_announced", "personnel_deployed"):
            assert row[column] != "0" or row["record_id"] in zero_stated, (row["record_id"], column)


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
    hostile.loc[first, "conflict"] = "=1+1"
    row = {r["record_id"]: r for r in read_extract(to_csv_bytes(hostile))}["deployment-deu"]
    assert row["title"] == "'" + '=HYPERLINK("http://127.0.0.1/","x")'
    assert (row["purpose"], row["personnel_note"], row["curation_note"]) == ("'@SUM(1)", "'+13 troops", "'-cmd")
    assert row["conflict"] == "'=1+1"
    assert row["personnel"] == "13"
    assert row["lon"] == "-40.0"


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo.extract", *args], cwd=REPO_ROOT, capture_output=True, timeout=120, check=False
    )


def test_cli_csv_to_stdout_and_to_file_equal_to_csv_bytes(csv15, dataset, outlines, tmp_path):
    result = _run_cli("--as-of", "2026-01-15", "--format", "csv", "--source", SEED_FILE)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == csv15
    target = tmp_path / "extract.csv"
    result = _run_cli("--as-of", "2026-01-15", "--format", "csv", "--source", SEED_SOURCE, "-o", str(target))
    assert result.returncode == 0, result.stderr.decode()
    assert target.read_bytes() == csv15, "a source id and its held file name pick the same claims"
    result = _run_cli("--as-of", "2026-01-15", "--format", "csv")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == to_csv_bytes(extract_view(dataset, outlines, D15)), "without --source: every source"


def test_cli_geojson_reads_with_geopandas_and_holds_the_same_records(dataset, outlines, view15, tmp_path):
    target = tmp_path / "extract.geojson"
    result = _run_cli("--as-of", "2026-01-15", "--format", "geojson", "--source", SEED_FILE, "-o", str(target))
    assert result.returncode == 0, result.stderr.decode()
    written = json.loads(target.read_text(encoding="utf-8"))
    expected = geojson_of(view15, dataset, outlines, ExtractRequest(D15, source=SEED_FILE))
    assert written["features"] == expected["features"], "the command line writes what the function makes"
    assert (written["metadata"]["as_of"], written["metadata"]["source_filter"]) == ("2026-01-15", SEED_FILE)
    frame = gpd.read_file(target)
    assert frame.crs.to_epsg() == 4326
    assert sorted(frame["record_id"]) == sorted(view15["record_id"])
    shapes = dict(zip(frame["record_id"], frame.geometry))
    assert shapes["washington-meeting"].geom_type == "Point"
    assert shapes["deployment-fra"] is None, "territory level: null geometry unless --with-outlines"
    assert shapes["dnk-working-group-remark"] is None
    outlined = tmp_path / "outlined.geojson"
    result = _run_cli(
        "--as-of", "2026-01-15", "--format", "geojson", "--source", SEED_FILE, "--with-outlines", "-o", str(outlined)
    )
    assert result.returncode == 0, result.stderr.decode()
    shapes = dict(zip(*(lambda f: (f["record_id"], f.geometry))(gpd.read_file(outlined))))
    assert shapes["deployment-fra"].geom_type in ("Polygon", "MultiPolygon")
    assert shapes["washington-meeting"].geom_type == "Point"
    assert shapes["dnk-working-group-remark"] is None
    features = {f["id"]: f for f in written["features"]}
    assert features["deployment-deu"]["properties"]["personnel"] == 13
    assert features["deployment-deu"]["properties"]["personnel_deployed"] == 13
    assert features["deployment-fra"]["properties"]["personnel"] is None
    assert features["deployment-fra"]["properties"]["personnel_announced"] is None
    assert features["deployment-fra"]["properties"]["source_count"] == 1
    assert features["dnk-working-group-remark"]["properties"]["lat"] is None
    assert features["deployment-deu"]["properties"]["origin_place"] == "Denmark"
    assert "Løkke" in features["washington-meeting"]["properties"]["source_quote"]


def test_cli_since_adds_a_change_column():
    result = _run_cli("--as-of", "2026-01-19", "--since", "2026-01-15", "--source", SEED_FILE, "--format", "csv")
    assert result.returncode == 0, result.stderr.decode()
    rows = read_extract(result.stdout)
    assert list(rows[0]) == [*EXPECTED_EXTRACT_COLUMNS, "change"]
    change = {row["record_id"]: row["change"] for row in rows}
    assert change["nato-brussels-meeting"] == "status changed"
    assert change["washington-meeting"] == "unchanged"
    assert set(change.values()) == {"status changed", "unchanged"}
    result = _run_cli("--as-of", "2026-01-15", "--since", "2026-01-14", "--source", SEED_FILE, "--format", "csv")
    assert {row["change"] for row in read_extract(result.stdout)} == {"new"}, "the seed is new on its report date"


def test_cli_sources_extract_lists_each_source_with_its_claims(raw_claims, raw_sources):
    result = _run_cli("--as-of", "2026-02-28", "--format", "sources")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.startswith(BOM)
    rows = read_extract(result.stdout)
    assert list(rows[0]) == SOURCE_EXTRACT_COLUMNS
    assert sorted(row["source_id"] for row in rows) == sorted(raw_sources), "every source published in the period"
    for row in rows:
        claims = [claim for claim in raw_claims if claim["source_id"] == row["source_id"]]
        assert int(row["claim_count"]) == len(claims), row["source_id"]
        assert set(filter(None, row["record_ids"].split(";"))) == {claim["record_id"] for claim in claims}, row[
            "source_id"
        ]
    seed = next(row for row in rows if row["source_id"] == SEED_SOURCE)
    assert (seed["seed_file"], seed["claim_count"]) == (SEED_FILE, "14")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--as-of", "2026-13-45"], "'2026-13-45' is not a date", id="bad-as-of"),
        pytest.param(["--as-of", "2026-01-14", "--since", "2026-01-15"], "is after --as-of", id="since-after-as-of"),
        pytest.param(["--as-of", "2026-01-15", "--format", "kml"], "invalid choice", id="unknown-format"),
        pytest.param(
            ["--as-of", "2026-01-15", "--source", "no-such-source"], "is not a source_id", id="unknown-source"
        ),
    ],
)
def test_cli_rejects_bad_arguments_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


# ---------------------------------------------------------------- whole-output comparison


@pytest.mark.parametrize("as_of", [D15, D20, D0226], ids=str)
def test_seed_csv_extract_equals_the_expected_text(dataset, outlines, as_of):
    """The seed's own picture, byte for byte, against small files reviewed by hand
    (tests/expected/seed_extract_*.csv): 14 records, the seed's grade F2, the planned Brussels
    meeting unconfirmed after its day, the UK's 1 announced and Germany's 13 dispatched."""
    actual = to_csv_bytes(extract_view(dataset, outlines, as_of, source=SEED_FILE))
    expected = (EXPECTED / f"seed_extract_{as_of.isoformat()}.csv").read_bytes()
    assert actual.decode("utf-8").splitlines() == expected.decode("utf-8").splitlines()
    assert actual == expected
