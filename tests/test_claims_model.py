"""The claims model pinned down on a small hand-made situation (made in code below).

One German contingent, told three ways: a wire (B) and its reprint (C) announce 13 on the 15th; the
ministry (A) reports 15 landed at Nuuk on the 16th; a tabloid (C) says 13 landed on the 15th and
left on the 18th. A meeting planned for the 19th is reported held on the 20th. A statement rests on
a wire and a content farm. What each day shows was worked out by hand and is asserted here; the
whole extract of the 18th is compared byte for byte with tests/expected/claims_model_2026-01-18.csv.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from geo.asof import (
    PRESENCE_ANNOUNCED,
    PRESENCE_LEFT,
    PRESENCE_THERE,
    as_of_view,
    contributions,
    default_date,
    key_dates,
)  # fmt: skip
from geo.display import record_text
from geo.extract import main as extract_main
from geo.records import load_dataset

EXPECTED = Path(__file__).parent / "expected"

# fmt: off
PLACES = [
    ["place_id", "name", "lat", "lon", "geo_precision", "country_iso3", "outline_iso3", "coord_source", "note"],
    ["greenland", "Greenland", "72.0", "-40.0", "territory", "GRL", "GRL", "test fixture", ""],
    ["nuuk", "Nuuk", "64.18", "-51.72", "city", "GRL", "", "test fixture", ""],
    ["aalborg", "Aalborg air base", "57.09", "9.85", "site", "DNK", "", "test fixture", ""],
    ["brussels", "Brussels", "50.85", "4.35", "city", "BEL", "", "test fixture", ""],
]
SOURCES = [
    ["source_id", "publisher", "origin", "title", "url", "published", "language", "reliability", "seed_file", "note"],
    ["wire-a", "Wire A", "WIRE-A", "wire story", "https://example.org/a", "2026-01-15", "en", "B", "", ""],
    ["reprint-a", "Paper X", "WIRE-A", "reprint of wire A", "https://example.org/x", "2026-01-15", "en", "C", "", ""],
    ["ministry", "Defence ministry", "MINISTRY", "press release", "https://example.org/m", "2026-01-16", "de", "A", "", ""],
    ["wire-b", "Wire B", "WIRE-B", "statement story", "https://example.org/b", "2026-01-17", "en", "B", "", ""],
    ["farm", "Content farm", "FARM", "rewrite", "https://example.org/f", "2026-01-17", "en", "E", "", ""],
    ["tabloid", "Tabloid", "TABLOID", "departure story", "https://example.org/t", "2026-01-18", "de", "C", "", ""],
    ["wire-c", "Wire C", "WIRE-C", "meeting story", "https://example.org/c", "2026-01-20", "en", "B", "", ""],
]
RECORDS = [
    ["record_id", "kind", "title", "summary", "country_iso3", "actor_iso3", "participants", "purpose", "curation_note"],
    ["dep-deu", "deployment", "German team", "", "GRL", "DEU", "", "reconnaissance", ""],
    ["meet-bru", "meeting", "Brussels meeting", "", "BEL", "DNK;GRL", "", "", ""],
    ["stat-z", "statement", "A statement", "", "DNK", "DNK", "", "", ""],
]
C = ["claim_id", "record_id", "source_id", "credibility", "status", "date", "date_latest", "date_precision", "date_end", "place_id", "origin_place_id", "personnel", "personnel_basis", "personnel_note", "quote", "note"]
CLAIMS = [
    C,
    ["c1", "dep-deu", "wire-a", "2", "announced", "2026-01-14", "", "day", "", "greenland", "aalborg", "13", "announced", "", "sends 13 soldiers", ""],
    ["c2", "dep-deu", "reprint-a", "2", "announced", "2026-01-14", "", "day", "", "", "", "13", "announced", "", "sends 13 soldiers", ""],
    ["c3", "dep-deu", "ministry", "2", "arrived", "2026-01-16", "", "day", "", "nuuk", "", "15", "deployed", "", "landed in Nuuk", ""],
    ["c4", "dep-deu", "tabloid", "3", "arrived", "2026-01-15", "", "day", "", "nuuk", "", "13", "deployed", "", "landed Thursday", ""],
    ["c5", "dep-deu", "tabloid", "3", "left", "2026-01-18", "", "day", "", "nuuk", "", "", "", "", "flew home", ""],
    ["c6", "meet-bru", "wire-a", "2", "planned", "2026-01-19", "", "day", "", "brussels", "", "", "", "", "will meet Monday", ""],
    ["c7", "meet-bru", "wire-c", "1", "held", "2026-01-19", "", "day", "", "brussels", "", "", "", "", "met on Monday", ""],
    ["c8", "stat-z", "farm", "4", "stated", "2026-01-17", "", "day", "", "", "", "", "", "", "said it", ""],
    ["c9", "stat-z", "wire-b", "2", "stated", "2026-01-17", "", "day", "", "", "", "", "", "", "said on Saturday", ""],
]
REJECTED = [
    ["reject_id", "url", "publisher", "published", "claim", "reason"],
    ["r1", "https://example.org/r", "Aggregator", "2025-01-18", "the team stays a month", "recycled date"],
]
# fmt: on


def write_csv(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def make_situation(folder: Path, claims: list[list[str]] = CLAIMS) -> Path:
    data = folder / "data"
    data.mkdir(parents=True)
    (folder / "seeds").mkdir()
    for name, rows in (("places.csv", PLACES), ("sources.csv", SOURCES), ("records.csv", RECORDS),
                       ("claims.csv", claims), ("rejected.csv", REJECTED)):  # fmt: skip
        write_csv(data / name, rows)
    return data


@pytest.fixture(scope="module")
def situation(tmp_path_factory):
    dataset = load_dataset(make_situation(tmp_path_factory.mktemp("claims")))
    assert dataset.problems == []
    return dataset


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def view(situation, date: str, source: str | None = None):
    return as_of_view(situation, day(date), source).set_index("record_id")


def test_nothing_is_known_before_the_first_publication(situation):
    assert as_of_view(situation, day("2026-01-14")).empty


def test_slider_days_are_the_publication_days_and_the_planned_meetings_turns(situation):
    # publications 15, 16, 17, 18, 20; the planned meeting's day 19 and the day after it, 20
    assert key_dates(situation) == [
        day(d) for d in ("2026-01-15", "2026-01-16", "2026-01-17", "2026-01-18", "2026-01-19", "2026-01-20")
    ]
    assert default_date(situation) == day("2026-01-20")


def test_announced_by_a_wire_and_its_reprint_is_one_origin(situation):
    dep = view(situation, "2026-01-15").loc["dep-deu"]
    assert (dep.status, dep.presence) == ("announced", PRESENCE_ANNOUNCED)
    assert dep.personnel_announced == 13 and dep.personnel_deployed is pd_na()
    assert dep.sources == "wire-a;reprint-a"  # best grade first: B2 before C2
    assert dep.source_count == 1  # the reprint carries the same origin
    assert dep.reliability == "B2" and dep.conflict == ""
    assert dep.place == "Greenland"  # the only place stated so far: the territory


def pd_na():
    import pandas as pd

    return pd.NA


def test_arrival_moves_the_team_to_its_site_and_keeps_both_numbers(situation):
    dep = view(situation, "2026-01-16").loc["dep-deu"]
    assert (dep.status, dep.presence, dep.date) == ("arrived", PRESENCE_THERE, day("2026-01-16"))
    assert dep.place == "Nuuk" and dep.geo_precision == "city"
    assert (dep.personnel_announced, dep.personnel_deployed, dep.personnel) == (13, 15, 15)
    assert dep.conflict == ""  # announced 13 and deployed 15 are two facts, not a disagreement
    assert (dep.reliability, dep.source_count, dep.source) == ("A2", 2, "ministry")


def test_a_later_contradicting_report_shows_up_on_its_day(situation):
    dep = view(situation, "2026-01-18").loc["dep-deu"]
    assert (dep.status, dep.presence, dep.date_end) == ("left", PRESENCE_LEFT, day("2026-01-18"))
    assert dep.date == day("2026-01-16")  # the best-graded arrival day is shown …
    assert dep.conflict == (  # … and every differing value stays, with its sources
        "date (arrived): 2026-01-16 [ministry] / 2026-01-15 [tabloid]"
        " | personnel (deployed): 15 [ministry] / 13 [tabloid]"
    )
    assert dep.source_count == 3


def test_planned_meeting_turns_pending_then_held_when_reported(situation):
    assert view(situation, "2026-01-18").loc["meet-bru"].status == "planned"
    assert view(situation, "2026-01-19").loc["meet-bru"].status == "pending"
    held = view(situation, "2026-01-20").loc["meet-bru"]
    assert (held.status, held.reliability, held.source_count) == ("held", "B1", 2)


def test_a_content_farm_only_adds_to_a_wire(situation):
    statement = view(situation, "2026-01-17").loc["stat-z"]
    assert statement.sources == "wire-b;farm" and statement.reliability == "B2"


def test_contributions_count_each_contingent_once_in_its_state(situation):
    on_16 = contributions(as_of_view(situation, day("2026-01-16")))
    row = on_16.table.iloc[0]
    assert (row["announced"], row["under way"], row["on the ground"], row["left"]) == (13, None, 15, None)
    assert on_16.summary == "On the ground: 15 personnel stated by 1 country."
    on_18 = contributions(as_of_view(situation, day("2026-01-18")))
    row = on_18.table.iloc[0]
    assert (row["on the ground"], row["left"]) == (None, 15)
    assert on_18.summary == "Left: 15 personnel stated by 1 country."
    assert "personnel (deployed)" in row["conflict"]


def test_one_source_filter_gives_that_source_s_own_picture(situation):
    tabloid = view(situation, "2026-01-18", source="tabloid")
    assert list(tabloid.index) == ["dep-deu"]
    dep = tabloid.loc["dep-deu"]
    assert (dep.date, dep.date_end, dep.personnel_deployed, dep.conflict) == (
        day("2026-01-15"),
        day("2026-01-18"),
        13,
        "",
    )
    assert dep.personnel_announced is pd_na()


def test_unstated_number_stays_unknown(tmp_path):
    claims = [row if row[0] != "c3" else [*row[:11], "", "", *row[13:]] for row in CLAIMS]
    dataset = load_dataset(make_situation(tmp_path, claims))
    dep = as_of_view(dataset, day("2026-01-16")).set_index("record_id").loc["dep-deu"]
    assert dep.personnel_deployed is pd_na() and dep.personnel == 13  # the announced number, not 0
    row = contributions(as_of_view(dataset, day("2026-01-16"))).table.iloc[0]
    assert row["on the ground"] is pd_na()
    assert (
        contributions(as_of_view(dataset, day("2026-01-16"))).summary
        == "On the ground: 1 country did not state numbers."
    )


def test_a_departure_known_only_as_a_range_stays_a_range(tmp_path):
    """The tabloid's 'flew home' between the 18th and the 20th: the extract keeps both ends
    (date_end, date_end_latest) and every surface says the day is not stated, never '18 Jan'."""
    claims = [row if row[0] != "c5" else [*row[:6], "2026-01-20", "range", *row[8:]] for row in CLAIMS]
    dataset = load_dataset(make_situation(tmp_path, claims))
    assert dataset.problems == []
    dep = as_of_view(dataset, day("2026-01-18")).set_index("record_id").loc["dep-deu"]
    assert (dep.presence, dep.date_end, dep.date_end_latest) == (PRESENCE_LEFT, day("2026-01-18"), day("2026-01-20"))
    text = record_text(dep.to_frame().T.reset_index(names="record_id").iloc[0])
    assert text.when == "arrived 16 Jan 2026 until 18–20 Jan 2026 (left; day not stated)"
    assert text.when_short == "16–20 Jan (range)"
    out = tmp_path / "extract.csv"
    assert extract_main(["--as-of", "2026-01-18", "--data-dir", str(tmp_path / "data"), "-o", str(out)]) == 0
    (row,) = [
        r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))) if r["record_id"] == "dep-deu"
    ]
    assert (row["date_end"], row["date_end_latest"]) == ("2026-01-18", "2026-01-20")


def test_a_departure_from_the_place_itself_is_not_the_route(tmp_path):
    """A best-graded claim of a leg that starts where the team is (here a hop from Nuuk, the place its
    arrival gives) does not make a route from Nuuk to Nuuk: the next claim's departure place counts."""
    leg = ["c10", "dep-deu", "ministry", "1", "arrived", "2026-01-16", "", "day", "", "", "nuuk", "", "", "", "flew on from Nuuk", ""]  # fmt: skip
    dataset = load_dataset(make_situation(tmp_path, [*CLAIMS, leg]))
    assert dataset.problems == []
    dep = as_of_view(dataset, day("2026-01-16")).set_index("record_id").loc["dep-deu"]
    assert (dep.place_id, dep.origin_place_id) == ("nuuk", "aalborg")
    assert (dep.origin_lat, dep.origin_lon) == (57.09, 9.85)


def test_extract_of_the_18th_matches_the_hand_checked_file(situation, tmp_path):
    data = make_situation(tmp_path)
    out = tmp_path / "extract.csv"
    assert extract_main(["--as-of", "2026-01-18", "--data-dir", str(data), "-o", str(out)]) == 0
    assert out.read_bytes() == (EXPECTED / "claims_model_2026-01-18.csv").read_bytes()


def test_sources_extract_matches_the_hand_checked_file(situation, tmp_path):
    data = make_situation(tmp_path)
    out = tmp_path / "sources.csv"
    assert extract_main(["--as-of", "2026-01-18", "--format", "sources", "--data-dir", str(data), "-o", str(out)]) == 0
    assert out.read_bytes() == (EXPECTED / "claims_model_sources.csv").read_bytes()


SEED_FILE = "000_2867a99da07c248b.txt"
VISIBLE = ["record_id", "status", "presence", "personnel", "place", "sources", "conflict", "date", "date_end"]


def test_every_step_of_the_bundled_data_changes_what_a_viewer_sees():
    dataset = load_dataset()
    days = key_dates(dataset)
    assert days[0] == day("2026-01-14") and days[-1] <= day("2026-02-28")
    shown = [as_of_view(dataset, d)[VISIBLE].astype(str).to_csv(index=False) for d in days]
    unchanged = [str(d) for d, before, after in zip(days[1:], shown, shown[1:]) if before == after]
    assert unchanged == []


def test_the_seed_alone_gives_the_article_s_picture(tmp_path):
    out = tmp_path / "seed.csv"
    assert extract_main(["--as-of", "2026-01-20", "--source", SEED_FILE, "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 14 and {row["source"] for row in rows} == {SEED_FILE}
    assert {row["sources"] for row in rows} == {"seed-2026-01-15"} and {row["reliability"][0] for row in rows} == {"F"}
    deployments = {row["actor_iso3"]: row["personnel"] for row in rows if row["kind"] == "deployment"}
    assert deployments == {"DNK": "", "FRA": "", "DEU": "13", "NOR": "", "SWE": "", "GBR": "1"}  # unknown stays blank
    brussels = next(row for row in rows if row["record_id"] == "nato-brussels-meeting")
    assert brussels["status"] == "unconfirmed"  # the seed alone never says it was held


def test_the_bundled_data_says_the_brussels_meeting_was_held():
    brussels = as_of_view(load_dataset(), day("2026-01-20")).set_index("record_id").loc["nato-brussels-meeting"]
    assert brussels.status == "held" and brussels.source_count >= 2


def test_an_unknown_source_is_refused_in_a_sentence(capsys):
    with pytest.raises(SystemExit) as exit_info:
        extract_main(["--as-of", "2026-01-20", "--source", "no-such-source"])
    assert exit_info.value.code == 2
    assert "--source 'no-such-source' is not a source_id" in capsys.readouterr().err
