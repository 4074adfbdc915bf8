"""The bundled data against its sources: quotes, places, codes, dates, numbers, and the curators' readings.

These checks read the files with the `csv` and `json` modules, independently of geo.records, so a
defect in the loader cannot hide a defect in the data.

The data grows as curators add sources: checks of the whole data are invariants (every quote found
or short, every reference resolved, no number for an unknown); checks of what the seed says use the
seed's own claims (source `SEED_SOURCE`), which keep their ids.
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
from tests.conftest import SEED_FILE, SEED_SOURCE, read_csv_rows

SHARED_SEEDS_DIR = Path("/work/shared/seeds")
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
                9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen"}  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The story's period (README): a source published outside it is not part of this map.
PERIOD = (dt.date(2026, 1, 14), dt.date(2026, 2, 28))
# A web source may be quoted only by a locating phrase this long (README, "What may be copied").
LOCATING_PHRASE_MAX_WORDS = 12
# The seed's deployments and the personnel it states, with the basis (None: not stated).
SEED_DEPLOYMENTS = {
    "DNK": None, "FRA": None, "DEU": (13, "deployed"), "NOR": None, "SWE": None, "GBR": (1, "announced"),
}  # fmt: skip
SEED_RECORD_COUNT = 14
# Records that can carry a number of people (dictionary: claims.csv personnel).
PRESENCE_KINDS = ("deployment", "visit", "mission")


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def seed_text(name: str) -> str:
    return (SEEDS_DIR / name).read_text(encoding="utf-8")


def sidecar(name: str) -> dict:
    return json.loads((SEEDS_DIR / (Path(name).stem + ".meta.json")).read_text(encoding="utf-8"))


def ids(rows, key: str) -> list[str]:
    return [row[key] for row in rows]


def by_id(rows, key: str = "record_id") -> dict[str, dict[str, str]]:
    return {row[key]: row for row in rows}


def held_files(raw_sources) -> set[str]:
    return {row["seed_file"] for row in raw_sources.values() if row["seed_file"]}


def seed_claims(raw_claims) -> list[dict[str, str]]:
    return [row for row in raw_claims if row["source_id"] == SEED_SOURCE]


def seed_claim_of(raw_claims, record_id: str) -> dict[str, str]:
    (claim,) = [row for row in seed_claims(raw_claims) if row["record_id"] == record_id]
    return claim


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# ---------------------------------------------------------------- loads, ids, references


def test_the_bundled_data_loads_without_problems(dataset, raw_records, raw_claims, raw_sources, raw_rejected):
    assert [str(problem) for problem in dataset.problems] == []
    assert len(dataset.records) == len(raw_records)
    assert len(dataset.claims) == len(raw_claims)
    assert len(dataset.sources) == len(raw_sources)
    assert len(dataset.rejected) == len(raw_rejected)


@pytest.mark.parametrize(
    ("file", "key"),
    [("records.csv", "record_id"), ("claims.csv", "claim_id"), ("sources.csv", "source_id"),
     ("places.csv", "place_id"), ("rejected.csv", "reject_id")],
)  # fmt: skip
def test_ids_are_unique(file, key):
    found = ids(read_csv_rows(DATA_DIR / file), key)
    assert len(found) == len(set(found)), file


def test_every_claim_names_a_record_and_a_source_and_every_record_has_a_claim(raw_records, raw_claims, raw_sources):
    records = set(ids(raw_records, "record_id"))
    assert [row["claim_id"] for row in raw_claims if row["record_id"] not in records] == []
    assert [row["claim_id"] for row in raw_claims if row["source_id"] not in raw_sources] == []
    claimed = {row["record_id"] for row in raw_claims}
    assert sorted(records - claimed) == [], "every record rests on at least one claim"


def test_no_record_rests_only_on_unreliable_sources(raw_claims, raw_sources):
    """README: an aggregator, a machine rewrite, a propaganda outlet or a recycled date (grade E) is
    never the only basis of a record."""
    grades: dict[str, set[str]] = {}
    for row in raw_claims:
        grades.setdefault(row["record_id"], set()).add(raw_sources[row["source_id"]]["reliability"])
    assert sorted(record for record, found in grades.items() if found <= {"E"}) == []


def test_the_seed_keeps_its_fourteen_records_each_with_one_seed_claim(raw_records, raw_claims, raw_sources):
    seed = raw_sources[SEED_SOURCE]
    assert seed["seed_file"] == SEED_FILE
    claims = seed_claims(raw_claims)
    assert len(claims) == SEED_RECORD_COUNT
    assert len({row["record_id"] for row in claims}) == SEED_RECORD_COUNT, "one seed claim per seed record"
    assert {row["record_id"] for row in claims} <= set(ids(raw_records, "record_id"))


# ---------------------------------------------------------------- quotes


def test_every_quote_of_a_held_document_stands_verbatim_in_it(raw_claims, raw_sources):
    held = [row for row in raw_claims if raw_sources[row["source_id"]]["seed_file"]]
    assert held, "the seed's claims quote the held document"
    missing = [
        row["claim_id"]
        for row in held
        if normalise_space(row["quote"]) not in normalise_space(seed_text(raw_sources[row["source_id"]]["seed_file"]))
    ]
    assert missing == []


def test_every_quote_of_a_web_source_is_a_short_locating_phrase(raw_claims, raw_sources):
    too_long = [
        (row["claim_id"], len(row["quote"].split()))
        for row in raw_claims
        if not raw_sources[row["source_id"]]["seed_file"] and len(row["quote"].split()) > LOCATING_PHRASE_MAX_WORDS
    ]
    assert too_long == []
    assert all(row["quote"].strip() for row in raw_claims), "every claim rests on a quote"


# ---------------------------------------------------------------- places and codes


def test_every_place_reference_is_in_the_gazetteer(raw_claims, raw_places):
    unknown = [
        (row["claim_id"], key, row[key])
        for row in raw_claims
        for key in ("place_id", "origin_place_id")
        if row[key] and row[key] not in raw_places
    ]
    assert unknown == []


def test_every_place_says_where_its_coordinates_come_from(raw_places):
    assert [place_id for place_id, row in raw_places.items() if not row["coord_source"].strip()] == []


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


# ---------------------------------------------------------------- dates


def test_claim_dates_are_real_and_ordered(raw_claims):
    for row in raw_claims:
        date = day(row["date"])
        if row["date_precision"] == "range":
            assert row["date_latest"], f"{row['claim_id']}: a range needs date_latest"
            assert date < day(row["date_latest"]), row["claim_id"]
        else:
            assert row["date_precision"] == "day" and row["date_latest"] == "", row["claim_id"]
        if row["date_end"]:
            assert day(row["date_end"]) > date, row["claim_id"]


def test_a_departure_follows_its_arrival(raw_claims):
    for left in (row for row in raw_claims if row["status"] == "left"):
        arrivals = [
            day(row["date"])
            for row in raw_claims
            if row["record_id"] == left["record_id"] and row["status"] == "arrived"
        ]
        assert all(arrived <= day(left["date"]) for arrived in arrivals), left["claim_id"]


def test_sources_are_published_within_the_period(raw_sources):
    for row in raw_sources.values():
        assert PERIOD[0] <= day(row["published"]) <= PERIOD[1], row["source_id"]


def test_a_held_source_is_published_on_its_report_date(raw_sources):
    held = [row for row in raw_sources.values() if row["seed_file"]]
    assert held
    for row in held:
        assert day(row["published"]) == day(sidecar(row["seed_file"])["report_date"]), row["source_id"]


def test_every_held_document_opens_with_the_report_date_of_its_sidecar(raw_sources):
    for name in held_files(raw_sources):
        assert seed_text(name).split()[:2] == ["date", sidecar(name)["report_date"]]


def test_a_web_source_has_an_address(raw_sources):
    assert [row["source_id"] for row in raw_sources.values() if not row["seed_file"] and not row["url"]] == []


# ---------------------------------------------------------------- numbers


def test_stated_personnel_are_whole_numbers_with_a_basis_on_presences(raw_claims, raw_records):
    kinds = {row["record_id"]: row["kind"] for row in raw_records}
    stated = [row for row in raw_claims if row["personnel"]]
    assert stated, "the sources state some numbers"
    for row in stated:
        assert kinds[row["record_id"]] in PRESENCE_KINDS, row["claim_id"]
        assert re.fullmatch(r"0|[1-9]\d*", row["personnel"]), row["claim_id"]
        assert row["personnel_basis"] in ("announced", "deployed"), row["claim_id"]
    assert [row["claim_id"] for row in raw_claims if row["personnel_basis"] and not row["personnel"]] == []


def test_personnel_from_a_held_document_is_stated_in_the_quote(raw_claims, raw_sources):
    stated = [row for row in raw_claims if row["personnel"] and raw_sources[row["source_id"]]["seed_file"]]
    assert stated, "the seed states some numbers"
    for row in stated:
        number = int(row["personnel"])
        words = re.findall(r"[a-z]+|\d+", row["quote"].lower().replace(",", ""))
        assert str(number) in words or NUMBER_WORDS.get(number) in words, (
            f"{row['claim_id']}: {number} is not in its quote"
        )


def test_an_unstated_number_is_blank_never_zero(raw_claims):
    """A 0 would read as 'nobody': where the note says the number is not stated, personnel is blank."""
    unstated = [
        row for row in raw_claims if "not stated" in row["personnel_note"] or "very small" in row["personnel_note"]
    ]
    assert unstated, "the seed leaves some numbers unstated"
    assert [row["claim_id"] for row in unstated if row["personnel"] != ""] == []


# ---------------------------------------------------------------- the held seed


def test_every_held_document_is_the_file_its_sidecar_describes(raw_sources):
    names = held_files(raw_sources)
    assert SEED_FILE in names
    for name in names:
        local = (SEEDS_DIR / name).read_bytes()
        assert hashlib.sha256(local).hexdigest() == sidecar(name)["sha256"]
        assert sidecar(name)["file"] == name


def test_the_seed_is_byte_identical_to_the_shared_folder():
    if not SHARED_SEEDS_DIR.is_dir():
        pytest.skip(f"{SHARED_SEEDS_DIR} is absent on this machine")
    shared = sorted(path.name for path in SHARED_SEEDS_DIR.iterdir() if path.is_file())
    assert shared, f"{SHARED_SEEDS_DIR} is empty"
    for name in shared:
        assert (SEEDS_DIR / name).read_bytes() == (SHARED_SEEDS_DIR / name).read_bytes(), name


# ---------------------------------------------------------------- the curators' readings of the seed


def test_the_vance_record_corrects_president_to_vice_president(raw_claims, raw_records):
    records = by_id(raw_records)
    vance = [row for row in raw_claims if "JD Vance" in row["quote"]]
    assert vance, "the source's sentence about JD Vance should be claimed"
    for row in vance:
        record = records[row["record_id"]]
        assert "U.S. President JD Vance" in row["quote"], "the quote keeps the source's words"
        assert "JD Vance (U.S. Vice President)" in record["participants"].split(";")
        assert "Vice President" in record["curation_note"] and '"U.S. President"' in record["curation_note"]


@pytest.mark.parametrize(
    ("record_id", "weekday", "expected"),
    [
        pytest.param("washington-meeting", "Wednesday", dt.date(2026, 1, 14), id="wednesday"),
        pytest.param("dnk-working-group-remark", "Thursday", dt.date(2026, 1, 15), id="thursday"),
        pytest.param("nato-brussels-meeting", "Monday", dt.date(2026, 1, 19), id="monday"),
    ],
)
def test_weekdays_resolved_against_the_report_date(raw_records, raw_claims, record_id, weekday, expected):
    claim = seed_claim_of(raw_claims, record_id)
    assert weekday in claim["quote"]
    assert expected.strftime("%A") == weekday
    assert day(claim["date"]) == expected
    assert claim["date_precision"] == "day"
    assert f'"{weekday}" resolved' in by_id(raw_records)[record_id]["curation_note"]


def test_every_held_claim_naming_one_weekday_falls_on_it_within_a_week_of_the_report(raw_claims, raw_sources):
    checked = 0
    for row in raw_claims:
        held = raw_sources[row["source_id"]]["seed_file"]
        named = [name for name in WEEKDAYS if name in row["quote"]]
        if not held or row["date_precision"] != "day" or len(named) != 1:
            continue
        date = day(row["date"])
        report_date = day(sidecar(held)["report_date"])
        assert WEEKDAYS[date.weekday()] == named[0], row["claim_id"]
        assert abs((date - report_date).days) < 7, row["claim_id"]
        checked += 1
    assert checked >= 3


def test_the_working_group_first_meeting_is_a_planned_range_in_the_seed(raw_claims):
    claim = seed_claim_of(raw_claims, "working-group-first-meeting")
    assert claim["date_precision"] == "range"
    assert day(claim["date_latest"]) > day(claim["date"])
    assert claim["status"] == "planned"
    assert "within a matter of weeks" in claim["quote"]


def test_the_seeds_deployments_are_the_six_countries_with_their_stated_personnel(raw_records, raw_claims):
    records = by_id(raw_records)
    deployments = [row for row in seed_claims(raw_claims) if records[row["record_id"]]["kind"] == "deployment"]
    found = {
        records[row["record_id"]]["actor_iso3"]: (int(row["personnel"]), row["personnel_basis"])
        if row["personnel"]
        else None
        for row in deployments
    }
    assert len(deployments) == len(found), "one deployment record per country in the seed"
    assert found == SEED_DEPLOYMENTS
    for row in deployments:
        assert row["personnel_note"], f"{row['claim_id']}: the source's words for the size"
        assert row["place_id"] == "greenland", row["claim_id"]
        assert row["origin_place_id"], f"{row['claim_id']}: the route starts somewhere (schematic)"


def test_every_deployment_has_one_contributing_country(raw_records):
    for row in raw_records:
        if row["kind"] == "deployment":
            assert len(row["actor_iso3"].split(";")) == 1, row["record_id"]


def test_the_loaded_claims_keep_unstated_personnel_as_na(dataset, raw_claims):
    claims = dataset.claims.set_index("claim_id")
    assert str(claims["personnel"].dtype) == "Int64"
    for row in raw_claims:
        value = claims.loc[row["claim_id"], "personnel"]
        if row["personnel"]:
            assert value == int(row["personnel"]), row["claim_id"]
        else:
            assert value is pd.NA, f"{row['claim_id']}: unstated must stay NA, never 0"


# ---------------------------------------------------------------- files


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
