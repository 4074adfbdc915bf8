"""Briefing stops: the shipped sequence loads, and every kind of bad stop is named, not dropped silently."""

import datetime as dt

import pytest

from geo.asof import date_span, key_dates
from geo.paths import STOPS_PATH
from geo.records import load_dataset
from geo.stops import STOP_COLUMNS, load_stops

SPAN = (dt.date(2026, 1, 14), dt.date(2026, 2, 26))
HEADER = ",".join(STOP_COLUMNS)


def test_shipped_stops_load_cleanly_and_land_on_key_dates():
    dataset = load_dataset()
    stops, problems = load_stops(STOPS_PATH, date_span(dataset))
    assert problems == []
    assert len(stops) >= 3
    assert {stop.date for stop in stops} <= set(key_dates(dataset))
    assert all(stop.caption for stop in stops)
    assert any(stop.view == "polar" for stop in stops), "the example shows the Arctic view once"


def write_stops(tmp_path, *rows):
    path = tmp_path / "stops.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "field", "wording"),
    [
        pytest.param("7,2026-13-01,,,,,Bad month", "date", "not a date", id="malformed-date"),
        pytest.param("7,2025-12-31,,,,,Too early", "date", "outside the records' dates", id="date-before-span"),
        pytest.param("7,2026-01-15,globe,,,,Unknown view", "view", "'globe' is not a view", id="unknown-view"),
        pytest.param("7,2026-01-15,,50.8,,5,Half a view", "center_lat", "go together", id="partial-map-view"),
        pytest.param(
            "7,2026-01-15,,95,4.3,5,Latitude too big", "center_lat", "out of range", id="latitude-out-of-range"
        ),
        pytest.param("7,2026-01-15,,north,4.3,5,Not numbers", "center_lat", "not three numbers", id="view-not-numeric"),
        pytest.param(
            "7,2026-01-15,polar,70,-40,-5,Zoomed too far out", "center_lat", "zoom -4–18", id="zoom-out-of-range"
        ),
        pytest.param("7,2026-01-15,,,,,", "caption", "needs a one-line caption", id="missing-caption"),
        pytest.param("7,2026-01-15,mercator", "stop", "row has 3 fields but the header has 7", id="too-few-fields"),
        pytest.param("7,2026-01-15,,,,,Brussels, up close", "stop", "row has 8 fields", id="unquoted-comma"),
    ],
)
def test_bad_stop_is_named_and_skipped_while_good_stops_load(tmp_path, row, field, wording):
    path = write_stops(tmp_path, "1,2026-01-14,,,,,Good stop", row)
    stops, problems = load_stops(path, SPAN)
    assert [stop.number for stop in stops] == ["1"]
    assert all(p.line == 3 and p.message.startswith("stop 7: ") for p in problems)
    problem = problems[0]
    assert (problem.file, problem.line, problem.field) == ("stops.csv", 3, field)
    assert problem.message.startswith("stop 7: ")
    assert wording in problem.message


def test_stop_with_map_view_keeps_centre_and_zoom(tmp_path):
    path = write_stops(
        tmp_path,
        '1,2026-01-19,polar,50.85,4.35,5,"Brussels, up close"',
        "2,2026-01-19,polar,72,-40,-1.5,The whole Arctic",
    )
    (stop, wide), problems = load_stops(path, SPAN)
    assert problems == []
    assert (stop.view, stop.center, stop.zoom, stop.caption) == ("polar", (50.85, 4.35), 5.0, "Brussels, up close")
    assert wide.zoom == -1.5, "the polar view zooms out below 0"


def test_missing_columns_are_reported_once(tmp_path):
    path = tmp_path / "stops.csv"
    path.write_text("stop,date,caption\n1,2026-01-14,x\n", encoding="utf-8")
    stops, problems = load_stops(path, SPAN)
    assert stops == []
    assert len(problems) == 1 and "missing columns: view, center_lat, center_lon, zoom" in problems[0].message
