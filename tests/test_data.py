"""The bundled data against its source: quotes, places, codes, dates, numbers, and the curators' readings.

These checks read the files with the `csv` and `json` modules, independently of geo.records, so a
defect in the loader cannot hide a defect in the data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pycountry
import pytest

from geo.paths import DATA_DIR, SEEDS_DIR

SHARED_SEEDS_DIR = Path("/work/shared/seeds")
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
                9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen"}  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The deployments the source reports, and the personnel it states (None: not stated).
DEPLOYMENTS = {"DNK": None, "FRA": None, "DEU": 13, "NOR": None, "SWE": None, "GBR": 1}


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def seed_text(name: str) -> str:
    return (SEEDS_DIR / name).read_text(encoding="utf-8")


def sidecar(name: str) -> dict:
    return json.loads((SEEDS_DIR / (Path(name).stem + ".meta.json")).read_text(encoding="utf-8"))


def record_ids(rows) -> list[str]:
    return [row["record_id"] for row in rows]


def by_id(raw_records) -> dict[str, dict[str, str]]:
    return {row["record_id"]: row for row in raw_records}


def test_the_bundled_data_loads_without_problems(dataset, raw_records):
    assert [str(problem) for problem in dataset.problems] == []
    assert len(dataset.records) == len(raw_records)


def test_record_ids_are_unique(raw_records):
    ids = record_ids(raw_records)
    assert len(ids) == len(set(ids))


def test_every_quote_stands_verbatim_in_its_seed(raw_records):
    missing = [
        row["record_id"]
        for row in raw_records
        if normalise_space(row["source_quote"]) not in normalise_space(seed_text(row["source"]))
    ]
    assert missing == []


def test_every_place_reference_is_in_the_gazetteer(raw_records, raw_places):
    unknown = [
        (row["record_id"], key, row[key])
        for row in raw_records
        for key in ("place_id", "origin_place_id")
        if row[key] and row[key] not in raw_places
    ]
    assert unknown == []


def _iso3_values(raw_records, raw_places):
    for row in raw_records:
        yield row["record_id"], "country_iso3", row["country_iso3"]
        for code in row["actor_iso3"].split(";"):
            yield row["record_id"], "actor_iso3", code
    for place_id, row in raw_places.items():
        yield place_id, "country_iso3", row["country_iso3"]
        yield place_id, "outline_iso3", row["outline_iso3"]


def test_iso3_codes_are_valid(raw_records, raw_places):
    invalid = [
        (where, key, code)
        for where, key, code in _iso3_values(raw_records, raw_places)
        if code and pycountry.countries.get(alpha_3=code) is None
    ]
    assert invalid == []


def test_territory_outlines_exist_in_the_basemap(raw_places, basemap):
    outlines = {row["outline_iso3"] for row in raw_places.values() if row["geo_precision"] == "territory"}
    assert outlines <= set(basemap["iso3"])


def test_dates_are_real_and_ordered(raw_records):
    for row in raw_records:
        date = dt.date.fromisoformat(row["date"])
        dt.date.fromisoformat(row["reported_on"])
        if row["date_precision"] == "range":
            assert row["date_latest"], f"{row['record_id']}: a range needs date_latest"
            assert date <= dt.date.fromisoformat(row["date_latest"]), row["record_id"]
        else:
            assert row["date_precision"] == "day" and row["date_latest"] == "", row["record_id"]


def test_reported_on_is_not_after_the_sources_report_date(raw_records):
    for row in raw_records:
        report_date = dt.date.fromisoformat(sidecar(row["source"])["report_date"])
        assert dt.date.fromisoformat(row["reported_on"]) <= report_date, row["record_id"]


def test_the_seed_opens_with_the_report_date_of_its_sidecar(raw_records):
    for source in {row["source"] for row in raw_records}:
        assert seed_text(source).split()[:2] == ["date", sidecar(source)["report_date"]]


def test_stated_personnel_are_whole_numbers_stated_in_the_quote(raw_records):
    stated = [row for row in raw_records if row["personnel"]]
    assert stated, "the source states some numbers"
    for row in stated:
        assert row["kind"] == "deployment", row["record_id"]
        assert re.fullmatch(r"\d+", row["personnel"]), row["record_id"]
        number = int(row["personnel"])
        words = re.findall(r"[a-z]+|\d+", row["source_quote"].lower())
        assert str(number) in words or NUMBER_WORDS.get(number) in words, (
            f"{row['record_id']}: {number} is not in its quote"
        )


def test_the_seed_is_a_byte_copy_of_the_shared_seed_and_matches_its_sidecar(raw_records):
    for source in {row["source"] for row in raw_records}:
        local = (SEEDS_DIR / source).read_bytes()
        assert hashlib.sha256(local).hexdigest() == sidecar(source)["sha256"]
        assert sidecar(source)["file"] == source


def test_the_seed_is_byte_identical_to_the_shared_folder():
    if not SHARED_SEEDS_DIR.is_dir():
        pytest.skip(f"{SHARED_SEEDS_DIR} is absent on this machine")
    shared = sorted(path.name for path in SHARED_SEEDS_DIR.iterdir() if path.is_file())
    assert shared, f"{SHARED_SEEDS_DIR} is empty"
    for name in shared:
        assert (SEEDS_DIR / name).read_bytes() == (SHARED_SEEDS_DIR / name).read_bytes(), name


def test_the_vance_record_corrects_president_to_vice_president(raw_records):
    vance = [row for row in raw_records if "JD Vance" in row["source_quote"]]
    assert vance, "the source's sentence about JD Vance should be recorded"
    for row in vance:
        assert "U.S. President JD Vance" in row["source_quote"], "the quote keeps the source's words"
        assert "JD Vance (U.S. Vice President)" in row["participants"].split(";")
        assert "Vice President" in row["curation_note"] and '"U.S. President"' in row["curation_note"]


@pytest.mark.parametrize(
    ("record_id", "weekday", "expected"),
    [
        pytest.param("washington-meeting", "Wednesday", dt.date(2026, 1, 14), id="wednesday"),
        pytest.param("dnk-working-group-remark", "Thursday", dt.date(2026, 1, 15), id="thursday"),
        pytest.param("nato-brussels-meeting", "Monday", dt.date(2026, 1, 19), id="monday"),
    ],
)
def test_weekdays_resolved_against_the_report_date(raw_records, record_id, weekday, expected):
    row = by_id(raw_records)[record_id]
    assert weekday in row["source_quote"]
    assert expected.strftime("%A") == weekday
    assert dt.date.fromisoformat(row["date"]) == expected
    assert row["date_precision"] == "day"
    assert f'"{weekday}" resolved' in row["curation_note"]


def test_every_day_record_naming_one_weekday_falls_on_it_within_a_week_of_the_report(raw_records):
    checked = 0
    for row in raw_records:
        named = [name for name in WEEKDAYS if name in row["source_quote"]]
        if row["date_precision"] != "day" or len(named) != 1:
            continue
        date = dt.date.fromisoformat(row["date"])
        report_date = dt.date.fromisoformat(sidecar(row["source"])["report_date"])
        assert WEEKDAYS[date.weekday()] == named[0], row["record_id"]
        assert abs((date - report_date).days) < 7, row["record_id"]
        checked += 1
    assert checked >= 3


def test_the_working_group_first_meeting_is_a_range(raw_records):
    row = by_id(raw_records)["working-group-first-meeting"]
    assert row["date_precision"] == "range"
    assert row["date_latest"]
    assert dt.date.fromisoformat(row["date_latest"]) > dt.date.fromisoformat(row["date"])
    assert row["status_reported"] == "planned"
    assert "within a matter of weeks" in row["source_quote"]


def test_deployments_are_exactly_the_six_countries_with_their_stated_personnel(raw_records):
    deployments = [row for row in raw_records if row["kind"] == "deployment"]
    found = {row["actor_iso3"]: (int(row["personnel"]) if row["personnel"] else None) for row in deployments}
    assert len(deployments) == len(found), "one deployment record per country"
    assert found == DEPLOYMENTS
    for row in deployments:
        assert row["personnel_note"], f"{row['record_id']}: the source's words for the size"
        assert row["place_id"] == "greenland", row["record_id"]


def test_the_loaded_frame_keeps_unstated_personnel_as_na(dataset):
    deployments = dataset.records[dataset.records["kind"] == "deployment"].set_index("actor_iso3")
    assert str(deployments["personnel"].dtype) == "Int64"
    for iso3, personnel in DEPLOYMENTS.items():
        value = deployments.loc[iso3, "personnel"]
        if personnel is None:
            assert value is pd.NA, f"{iso3}: unstated must stay NA, never 0"
        else:
            assert value == personnel, iso3


def test_data_folder_is_utf8_without_bom():
    for path in sorted(DATA_DIR.glob("*.csv")):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), path.name
        raw.decode("utf-8")


def test_basemap_names_are_decoded_as_utf8():
    """Natural Earth's archive has no .cpg: read as Latin-1, 'Åland' became 'Ã\\x85land'."""
    from geo.basemap import load_basemap

    names = set(load_basemap()["name"])
    assert "Åland" in names
    assert not [name for name in names if "Ã" in name]
