"""The curator's validator (`python -m geo.validate`) and the loader it shares with the app.

Each bad-input case copies data/*.csv and seeds/ into a temporary folder, breaks one thing in code,
and checks the message: file, line, field and wording (what is wrong and what would be right).
Every case also checks that nothing is lost: in each of places, sources, records, claims and the
rejected log, valid + rejected rows == the rows in the file, and no valid row leans on a rejected one.
The tables call `load_dataset` / `validate` directly; a few tests run the real entry point.

The bundled data grows as curators add sources; the cases lean only on the seed's 14 records, their
claims `seed-<record_id>` and their source `seed-2026-01-15`, and on rows added here in code
(`EXTRA_ROWS`), so that they hold whatever else is merged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from geo.dictionary import load_dictionary
from geo.paths import DATAPACKAGE_PATH as DATAPACKAGE
from geo.records import CHAINED_FILES, KNOWN_TYPES, Dataset, Problem, load_dataset
from geo.validate import validate

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA = REPO_ROOT / "data"
SEEDS = REPO_ROOT / "seeds"
SOURCE = "000_2867a99da07c248b.txt"
SEED_SOURCE = "seed-2026-01-15"
SIDECAR = SOURCE.removesuffix(".txt") + ".meta.json"
REPORT_DATE = dt.date.fromisoformat(json.loads((SEEDS / SIDECAR).read_text(encoding="utf-8"))["report_date"])
PROBLEM_LINE = re.compile(r"^[\w.]+(:\d+)?: [^:]+: \S.*$")  # file[:line]: field: message
RECORDS, PLACES, SOURCES, CLAIMS, REJECTED = "records.csv", "places.csv", "sources.csv", "claims.csv", "rejected.csv"


# --- a temporary data folder, made in code ------------------------------------------------------


@pytest.fixture
def folder(tmp_path) -> Path:
    """A copy of data/*.csv beside a copy of seeds/, as load_dataset expects them."""
    data = tmp_path / "data"
    data.mkdir()
    for path in DATA.glob("*.csv"):
        shutil.copyfile(path, data / path.name)
    (tmp_path / "seeds").mkdir()
    for path in SEEDS.iterdir():
        shutil.copyfile(path, tmp_path / "seeds" / path.name)
    return data


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def read_dicts(path: Path) -> list[dict[str, str]]:
    header, rows = read_rows(path)
    return [dict(zip(header, row)) for row in rows]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])


def line_of(path: Path, key: str) -> int:
    """The line a row starts on, found by its first field (the curated files have no multi-line rows)."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return next(number for number, text in enumerate(lines, start=1) if text.split(",", 1)[0] == key)


def set_field(path: Path, key: str, column: str, value: str) -> int:
    """Set one field of the row whose first field is `key`; return the line the row is on."""
    header, rows = read_rows(path)
    line = line_of(path, key)
    row = next(row for row in rows if row[0] == key)
    row[header.index(column)] = value
    write_rows(path, header, rows)
    return line


def append_row(path: Path, values: dict[str, str]) -> None:
    """Add a row at the end of the file; columns not given are blank."""
    header, rows = read_rows(path)
    assert set(values) <= set(header), set(values) - set(header)
    write_rows(path, header, [*rows, [values.get(column, "") for column in header]])


# Rows the cases add in code: a graded web source with two claims on the German contingent (its
# arrival, then its departure), and two entries of the curators' log of rejected claims.
WEB_SOURCE = "test-web-source"
EXTRA_ROWS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "web": [
        (
            SOURCES,
            {
                "source_id": WEB_SOURCE,
                "publisher": "Example Broadcaster",
                "origin": "Reuters",
                "title": "A web report on the German contingent (test row)",
                "url": "https://example.org/news/greenland",
                "published": "2026-01-20",
                "language": "en",
                "reliability": "B",
            },
        ),
        (
            CLAIMS,
            {
                "claim_id": "test-web-arrived",
                "record_id": "deployment-deu",
                "source_id": WEB_SOURCE,
                "credibility": "3",
                "status": "arrived",
                "date": "2026-01-17",
                "date_precision": "day",
                "place_id": "greenland",
                "origin_place_id": "denmark",
                "personnel": "13",
                "personnel_basis": "deployed",
                "quote": "the German reconnaissance team landed in Nuuk",
            },
        ),
        (
            CLAIMS,
            {
                "claim_id": "test-web-left",
                "record_id": "deployment-deu",
                "source_id": WEB_SOURCE,
                "credibility": "3",
                "status": "left",
                "date": "2026-01-19",
                "date_precision": "day",
                "place_id": "greenland",
                "quote": "the team left Greenland on Monday",
            },
        ),
    ],
    "rejected": [
        (
            REJECTED,
            {
                "reject_id": "test-rejected-aggregator",
                "url": "https://aggregator.example/greenland-500",
                "publisher": "An aggregator",
                "published": "2026-01-16",
                "claim": "500 German troops landed in Nuuk",
                "reason": "aggregator only; contradicted by the German ministry's statement",
            },
        ),
        (
            REJECTED,
            {
                "reject_id": "test-rejected-recycled",
                "url": "https://farm.example/greenland",
                "claim": "Troops arrived in Greenland",
                "reason": "recycled date: a 2025 story re-dated",
            },
        ),
    ],
}


def add_extra_rows(folder: Path, *names: str) -> None:
    for name in names:
        for file, values in EXTRA_ROWS[name]:
            append_row(folder / file, values)


def count_rows(path: Path) -> int:
    """Data rows in a CSV file as the csv module reads it (blank rows aside), whatever the encoding."""
    if not path.exists():
        return 0
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    reader, rows = csv.reader(io.StringIO(raw.decode("utf-8", errors="replace"), newline="")), []
    while True:
        try:
            rows.append(next(reader))
        except StopIteration:
            break
        except csv.Error:  # a row it cannot read (a field over its limit) is no row; it reads on
            continue
    return max(0, len([row for row in rows if any(value.strip() for value in row)]) - 1)


def data_lines(path: Path) -> int:
    """Lines after the header that hold data (not blank, not only delimiters), counted from the raw
    text: what the file holds as written, whether or not the csv module can read it (the curated
    files have no multi-line rows)."""
    if not path.is_file():
        return 0
    text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    return sum(1 for line in io.StringIO(text, newline="").readlines()[1:] if line.replace(",", "").strip())


def valid_frames(dataset: Dataset) -> dict:
    return {
        PLACES: dataset.places,
        SOURCES: dataset.sources,
        RECORDS: dataset.records,
        CLAIMS: dataset.claims,
        REJECTED: dataset.rejected,
    }


def assert_nothing_lost(dataset: Dataset, folder: Path) -> None:
    """Every row of every file is either valid or rejected with a problem on its line (or the whole
    file's), and no valid row leans on a rejected one."""
    assert set(valid_frames(dataset)) == set(CHAINED_FILES)
    for file, frame in valid_frames(dataset).items():
        count = dataset.count(file)
        assert len(frame) + len(count.rejected_lines) == count.rows, file
        # Honest counts: every line of data in the file is valid, rejected, or counted as not read;
        # a file that cannot be read at all says why.
        if count.unreadable is None:
            assert count.rows == count_rows(folder / file), file
            assert count.in_file == data_lines(folder / file), file
            assert len(frame) + count.lost == count.in_file, file
        if "line" in frame:
            assert not set(frame["line"]) & set(count.rejected_lines), file
        reported = {problem.line for problem in dataset.problems if problem.file == file}
        unexplained = [line for line in count.rejected_lines if line not in reported]
        whole_file = [problem for problem in dataset.problems if problem.file == file and problem.line in (None, 1)]
        assert not unexplained or whole_file, f"{file} lines {unexplained} rejected without a problem on that line"
    records, claims, sources = dataset.records, dataset.claims, dataset.sources
    if not claims.empty:
        assert set(claims["record_id"]) <= set(records["record_id"]), "a valid claim of a rejected record"
        assert set(claims["source_id"]) <= set(sources["source_id"]), "a valid claim of a rejected source"
    if not records.empty:
        assert set(records["record_id"]) <= set(claims["record_id"] if not claims.empty else ()), (
            "a record without a claim"
        )
    # The compatibility properties the validator's summary uses agree with the counts.
    assert (
        dataset.rows_in_files == dataset.count(RECORDS).rows
        and dataset.rejected_lines == dataset.count(RECORDS).rejected_lines
    )
    assert dataset.place_rows_in_file == dataset.count(PLACES).rows


def find(problems: list[Problem], file: str, line: int | None, field: str | None) -> list[Problem]:
    return [p for p in problems if (p.file, p.line, p.field) == (file, line, field)]


def assert_reported(problems: list[Problem], file: str, line: int | None, field: str | None, *wording: str) -> Problem:
    """One problem at exactly this file, line and field, whose message holds every piece of wording."""
    candidates = find(problems, file, line, field)
    assert candidates, f"no problem at {file}:{line} {field}; got:\n" + "\n".join(map(str, problems))
    matching = [p for p in candidates if all(piece in p.message for piece in wording)]
    assert matching, f"wording {wording} not in:\n" + "\n".join(map(str, candidates))
    problem = matching[0]
    where = file if line is None else f"{file}:{line}"
    assert str(problem) == f"{where}: {field or '-'}: {problem.message}"
    assert PROBLEM_LINE.match(str(problem)), str(problem)
    return problem


def is_cascade(problem: Problem) -> bool:
    """A problem that only follows from another row's: a claim whose record, source or place was
    rejected (or renamed away), or a record left without any valid claim."""
    if problem.file == CLAIMS and problem.field in ("record_id", "source_id", "place_id", "origin_place_id"):
        return any(why in problem.message for why in ("is rejected in", " is not a ", "is not in the gazetteer"))
    return problem.file == RECORDS and problem.field == "record_id" and "has no valid claim" in problem.message


# --- the bundled data ---------------------------------------------------------------------------


def test_the_bundled_data_validates_clean():
    report = validate(DATA)
    assert report.problems == []
    for file, frame in valid_frames(report.dataset).items():
        assert len(frame) == count_rows(DATA / file), file
    assert len(report.stops) == count_rows(DATA / "stops.csv")


def test_the_copied_folder_validates_clean(folder):
    """The baseline of every case below: the copy, rewritten by the test's csv writer, holds the
    same rows, one line each (so a row's line is found by its first field), and is clean."""
    for name in (*CHAINED_FILES, "stops.csv"):
        header, rows = read_rows(folder / name)
        write_rows(folder / name, header, rows)
        assert read_rows(folder / name) == read_rows(DATA / name)
        assert [line_of(folder / name, row[0]) for row in rows] == list(range(2, len(rows) + 2)), name
    assert validate(folder).problems == []


@pytest.mark.parametrize("names", [("web",), ("rejected",), ("web", "rejected")], ids="+".join)
def test_the_rows_added_in_code_validate_clean(folder, names):
    """The baseline of the cases that break an added row."""
    add_extra_rows(folder, *names)
    dataset = load_dataset(folder)
    assert dataset.problems == []
    for file in {file for name in names for file, _ in EXTRA_ROWS[name]}:
        assert (
            len(valid_frames(dataset)[file])
            == count_rows(folder / file)
            == count_rows(DATA / file)
            + sum(1 for name in names for extra_file, _ in EXTRA_ROWS[name] if extra_file == file)
        )
    assert_nothing_lost(dataset, folder)


# --- one field at a time ------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    file: str
    key: str  # the first field (record_id, place_id, source_id, claim_id, reject_id) of the row to change
    column: str
    value: str
    field: str | None = None  # the field the problem names, if not `column`
    also: tuple[tuple[str, str], ...] = ()  # other fields of the same row set first, e.g. personnel_basis
    extra: tuple[str, ...] = ()  # EXTRA_ROWS added before the edit


def web(*args, **kwargs) -> Edit:
    """An edit of a row that EXTRA_ROWS['web'] adds."""
    return Edit(*args, **kwargs, extra=("web",))


def logged(*args, **kwargs) -> Edit:
    """An edit of a row that EXTRA_ROWS['rejected'] adds."""
    return Edit(*args, **kwargs, extra=("rejected",))


THIRTEEN_WORDS = "one two three four five six seven eight nine ten eleven twelve thirteen"
# Placeholders filled from the seeds and the files, so no expectation is typed by hand.
AFTER_REPORT = "{after_report}"
FIELD_CASES = [
    # required fields
    pytest.param(
        Edit(RECORDS, "washington-meeting", "title", ""),
        ["is required but blank", "expected any text"],
        id="title-blank",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "quote", ""),
        ["is required but blank", "expected held document: verbatim text"],
        id="quote-blank",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "date", ""), ["is required but blank", "YYYY-MM-DD"], id="date-blank"
    ),
    pytest.param(Edit(PLACES, "brussels", "name", ""), ["is required but blank"], id="place-name-blank"),
    pytest.param(Edit(PLACES, "brussels", "lat", ""), ["is required but blank", "-90 to 90"], id="lat-blank"),
    pytest.param(
        Edit(PLACES, "brussels", "coord_source", ""),
        ["is required but blank", "a page, data set or reference the coordinates come from"],
        id="coord-source-blank",
    ),
    # types and allowed values
    pytest.param(
        Edit(RECORDS, "washington-meeting", "record_id", "Washington Meeting"),
        ["'Washington Meeting' is not an id", "lowercase letters, digits and single hyphens"],
        id="id-with-capitals-and-space",
    ),
    pytest.param(
        Edit(RECORDS, "washington-meeting", "kind", "meetng"),
        ["'meetng' is not allowed", "did you mean 'meeting'?"],
        id="kind-misspelled",
    ),
    pytest.param(
        Edit(RECORDS, "washington-meeting", "kind", "rumour"),
        ["'rumour' is not allowed", "allowed: meeting, agreement"],
        id="kind-unknown",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "date_precision", "week"),
        ["'week' is not allowed", "day, range"],
        id="date-precision-unknown",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-nato-brussels-meeting", "status", "happened"),
        ["'happened' is not allowed", "held"],
        id="status-unknown",
    ),
    pytest.param(
        Edit(PLACES, "brussels", "geo_precision", "town"),
        ["'town' is not allowed", "site, city, territory"],
        id="geo-precision-unknown",
    ),
    pytest.param(
        Edit(RECORDS, "washington-meeting", "title", " Meeting in Washington"),
        ["' Meeting in Washington' has leading or trailing spaces; remove them"],
        id="leading-space",
    ),
    pytest.param(
        Edit(RECORDS, "washington-meeting", "participants", "Lars Løkke Rasmussen"),
        ["'Lars Løkke Rasmussen' is not 'Name (role)'", "separate participants with ';'"],
        id="participant-without-role",
    ),
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "language", "english"),
        ["'english' is not an ISO 639-1 language code", "two lowercase letters"],
        id="language-a-word",
    ),
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "language", "EN"), ["'EN' is not an ISO 639-1 language code"], id="language-capitals"
    ),
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "language", "xx"), ["'xx' is not an ISO 639-1 language code"], id="language-not-iso"
    ),
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "language", "dan"),
        ["'dan' is not an ISO 639-1 language code", "two lowercase letters"],
        id="language-three-letters",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-deu", "personnel_basis", "sent"),
        ["'sent' is not allowed", "announced, deployed"],
        id="personnel-basis-unknown",
    ),
    # the Admiralty grades
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "reliability", "G"),
        ["'G' is not allowed", "allowed: A, B, C, D, E, F"],
        id="reliability-outside-a-f",
    ),
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "reliability", "b"),
        ["'b' is not allowed", "A, B, C, D, E, F"],
        id="reliability-lowercase",
    ),
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "reliability", "B2"),
        ["'B2' is not allowed", "did you mean 'B'?"],
        id="reliability-with-the-credibility",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "credibility", "7"),
        ["'7' is not allowed", "allowed: 1, 2, 3, 4, 5, 6"],
        id="credibility-7",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "credibility", "0"),
        ["'0' is not allowed", "1, 2, 3, 4, 5, 6"],
        id="credibility-0",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "credibility", "B"),
        ["'B' is not allowed", "1, 2, 3, 4, 5, 6"],
        id="credibility-a-letter",
    ),
    # dates
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "date", "2026-02-30"),
        ["'2026-02-30' is not a calendar date", "expected YYYY-MM-DD"],
        id="date-not-a-calendar-day",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "date", "14/01/2026"),
        ["'14/01/2026' is not a calendar date", "expected YYYY-MM-DD"],
        id="date-day-first",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "date", "2026-1-14"),
        ["'2026-1-14' is not a calendar date"],
        id="date-without-zero-padding",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-fra", "date_latest", "2026-13-01"),
        ["'2026-13-01' is not a calendar date"],
        id="date-latest-month-13",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "date_end", "2026-01-32"),
        ["'2026-01-32' is not a calendar date"],
        id="date-end-day-32",
    ),
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "published", "2026-01-32"),
        ["'2026-01-32' is not a calendar date"],
        id="published-day-32",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-fra", "date_latest", "2026-01-13"),
        ["2026-01-13 is before date 2026-01-14", "date_latest must be on or after date"],
        id="date-latest-before-date",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-fra", "date_latest", ""),
        ["a range needs date_latest"],
        id="range-without-date-latest",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-fra", "date_latest", "2026-01-14"),
        ["equals date", "use date_precision 'day' and leave date_latest blank"],
        id="range-of-one-day",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "date_latest", "2026-01-15"),
        ["must be blank when date_precision is 'day'", "use 'range'"],
        id="day-with-date-latest",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "date_end", "2026-01-14"),
        ["2026-01-14 is not after date 2026-01-14", "the last day of a multi-day event"],
        id="date-end-not-after-date",
    ),
    # publication day: the story's period and the held document's own date
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "published", AFTER_REPORT),
        ["{after_report} differs from the held document's report date {report_date}", "use {report_date}"],
        id="published-after-the-held-report",
    ),
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "published", "2026-01-14"),
        ["2026-01-14 differs from the held document's report date {report_date}"],
        id="published-before-the-held-report",
    ),
    pytest.param(
        web(SOURCES, WEB_SOURCE, "published", "2026-01-13"),
        ["2026-01-13 is outside the story's period 2026-01-14 to 2026-02-28", "give the article's own dateline"],
        id="published-before-the-period",
    ),
    pytest.param(
        web(SOURCES, WEB_SOURCE, "published", "2026-03-01"),
        ["2026-03-01 is outside the story's period 2026-01-14 to 2026-02-28"],
        id="published-after-the-period",
    ),
    pytest.param(
        web(SOURCES, WEB_SOURCE, "published", "2025-01-20"),
        ["2025-01-20 is outside the story's period"],
        id="published-a-year-early",
    ),
    # ISO 3166 codes
    pytest.param(
        Edit(RECORDS, "washington-meeting", "country_iso3", "XXX"),
        ["'XXX' is not an ISO 3166-1 alpha-3 country code", "in capitals, e.g. DNK"],
        id="country-code-unknown",
    ),
    pytest.param(
        Edit(RECORDS, "washington-meeting", "country_iso3", "US"),
        ["'US' is not an ISO 3166-1 alpha-3", "did you mean 'USA'"],
        id="country-code-alpha-2",
    ),
    pytest.param(
        Edit(RECORDS, "washington-meeting", "country_iso3", "usa"),
        ["'usa' is not an ISO 3166-1 alpha-3", "did you mean 'USA'"],
        id="country-code-lowercase",
    ),
    pytest.param(
        Edit(RECORDS, "washington-meeting", "actor_iso3", "DNK/GRL/USA"),
        ["'DNK/GRL/USA' is not an ISO 3166-1 alpha-3", "separate codes with ';'"],
        id="actor-codes-wrong-separator",
    ),
    pytest.param(
        Edit(RECORDS, "washington-meeting", "actor_iso3", "DNK;GRL;UK"),
        ["'UK' is not an ISO 3166-1 alpha-3"],
        id="actor-code-not-iso",
    ),
    pytest.param(
        Edit(PLACES, "greenland", "country_iso3", "GL"),
        ["'GL' is not an ISO 3166-1 alpha-3", "did you mean 'GRL'"],
        id="place-country-alpha-2",
    ),
    pytest.param(
        Edit(PLACES, "greenland", "outline_iso3", "GRX"),
        ["'GRX' is not an ISO 3166-1 alpha-3"],
        id="outline-code-unknown",
    ),
    # personnel
    pytest.param(
        Edit(CLAIMS, "seed-deployment-deu", "personnel", "-13"),
        ["'-13' is not a whole number >= 0", "leave it blank when the source states no number"],
        id="personnel-negative",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-deu", "personnel", "13.0"),
        ["'13.0' is not a whole number >= 0"],
        id="personnel-decimal",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-deu", "personnel", "about 13"),
        ["'about 13' is not a whole number >= 0"],
        id="personnel-words",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-deu", "personnel", "013"),
        ["'013' has leading zeros; write 13"],
        id="personnel-leading-zero",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-deu", "personnel", "14"),
        ["14 is not stated in the quote", "leave personnel blank"],
        id="personnel-not-in-quote",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-dnk", "personnel", "0", also=(("personnel_basis", "announced"),)),
        ["0 is not stated in the quote", "leave personnel blank"],
        id="personnel-zero-for-not-stated",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-fra", "personnel", "5", also=(("personnel_basis", "announced"),)),
        ["5 is not stated in the quote"],
        id="personnel-for-very-small-numbers",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "personnel", "3", also=(("personnel_basis", "announced"),)),
        [
            "only a presence (deployment, visit, mission) carries personnel (record washington-meeting is a meeting)",
            "leave it blank",
        ],
        id="personnel-on-a-meeting",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-deu", "personnel_basis", ""),
        ["personnel and personnel_basis go together", "announced or deployed"],
        id="personnel-without-basis",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-dnk", "personnel_basis", "deployed", field="personnel"),
        ["personnel and personnel_basis go together"],
        id="basis-without-personnel",
    ),
    pytest.param(
        Edit(RECORDS, "deployment-deu", "actor_iso3", "DEU;DNK"),
        ["exactly one contributing country, not 2", "one record per country"],
        id="deployment-with-two-countries",
    ),
    pytest.param(
        Edit(RECORDS, "deployment-deu", "actor_iso3", ""),
        ["exactly one contributing country, not 0"],
        id="deployment-without-a-country",
    ),
    # a presence: arrival and departure
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "status", "arrived"),
        ["'arrived' is for a presence (deployment, visit, mission)", "record washington-meeting is a meeting"],
        id="arrived-at-a-meeting",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-dnk-working-group-remark", "status", "left"),
        ["'left' is for a presence", "record dnk-working-group-remark is a statement"],
        id="left-on-a-statement",
    ),
    pytest.param(
        web(CLAIMS, "test-web-left", "date", "2026-01-16"),
        [
            "departure 2026-01-16 is before the arrival 2026-01-17 of claim test-web-arrived (line {lines[test-web-arrived]})",
            "a departure follows its arrival",
        ],
        id="departure-before-arrival",
    ),
    # coordinates and the gazetteer
    pytest.param(
        Edit(PLACES, "brussels", "lat", "95"),
        ["95 is outside -90 to 90", "degrees north in WGS 84"],
        id="lat-beyond-the-pole",
    ),
    pytest.param(
        Edit(PLACES, "brussels", "lon", "-200"), ["-200 is outside -180 to 180", "degrees east"], id="lon-out-of-range"
    ),
    pytest.param(
        Edit(PLACES, "brussels", "lat", "50,8467"),
        ["'50,8467' is not a number", "decimal degrees with a point"],
        id="lat-decimal-comma",
    ),
    pytest.param(Edit(PLACES, "brussels", "lon", "nan"), ["nan is outside -180 to 180"], id="lon-not-a-number"),
    pytest.param(
        Edit(PLACES, "greenland", "outline_iso3", ""),
        ["a territory needs the ISO3 code of the outline to draw"],
        id="territory-without-outline",
    ),
    pytest.param(
        Edit(PLACES, "washington", "outline_iso3", "USA"),
        ["only a territory is drawn as an outline; leave it blank for a city"],
        id="city-with-outline",
    ),
    pytest.param(
        Edit(PLACES, "greenland", "outline_iso3", "JPN"),
        ["'JPN' has no outline in the basemap"],
        id="outline-not-in-basemap",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-dnk", "place_id", "greenlnd"),
        ["'greenlnd' is not in the gazetteer (places.csv)", "did you mean 'greenland'?"],
        id="place-misspelled",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-dnk", "origin_place_id", "atlantis"),
        ["'atlantis' is not in the gazetteer (places.csv)", "add it to places.csv first"],
        id="origin-not-in-gazetteer",
    ),
    # references between files
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "record_id", "washington-meting"),
        ["'washington-meting' is not a record in records.csv", "did you mean 'washington-meeting'?"],
        id="record-id-unknown",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "source_id", "seed-2026-01-16"),
        ["'seed-2026-01-16' is not a source in sources.csv", f"did you mean '{SEED_SOURCE}'?"],
        id="source-id-unknown",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "source_id", "Seed"),
        ["'Seed' is not a source in sources.csv"],
        id="source-id-not-an-id",
    ),
    # duplicate ids
    pytest.param(
        Edit(RECORDS, "working-group-agreed", "record_id", "washington-meeting"),
        ["duplicate id 'washington-meeting' (first on line {lines[washington-meeting]})", "give each row its own id"],
        id="record-id-duplicate",
    ),
    pytest.param(
        Edit(PLACES, "brussels", "place_id", "washington"),
        ["duplicate id 'washington' (first on line {lines[washington]})", "give each place its own id"],
        id="place-id-duplicate",
    ),
    pytest.param(
        web(SOURCES, WEB_SOURCE, "source_id", SEED_SOURCE),
        [f"duplicate id '{SEED_SOURCE}' (first on line {{lines[{SEED_SOURCE}]}})", "give each row its own id"],
        id="source-id-duplicate",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-working-group-agreed", "claim_id", "seed-washington-meeting"),
        ["duplicate id 'seed-washington-meeting' (first on line {lines[seed-washington-meeting]})"],
        id="claim-id-duplicate",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "claim_id", "seed washington meeting"),
        ["'seed washington meeting' is not an id"],
        id="claim-id-with-spaces",
    ),
    pytest.param(
        Edit(RECORDS, "washington-meeting", "record_id", "2026-01-14"),
        ["'2026-01-14' is not an id"],
        id="record-id-a-date",
    ),
    # provenance: the document, its address and the quote
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "seed_file", "missing.txt"),
        ["'missing.txt' is not a source document in seeds/", f"one of: {SOURCE}"],
        id="source-not-in-seeds",
    ),
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "seed_file", SOURCE.replace(".txt", ".text")),
        [f"did you mean '{SOURCE}'?"],
        id="source-extension-misspelled",
    ),
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "seed_file", f"../seeds/{SOURCE}"),
        ["is not a source document in seeds/", f"did you mean '{SOURCE}'?"],
        id="source-with-a-path",
    ),
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "seed_file", SIDECAR),
        ["is not a source document in seeds/"],
        id="source-is-the-sidecar",
    ),
    pytest.param(
        Edit(SOURCES, SEED_SOURCE, "seed_file", "", field="url"),
        ["is blank and no seed_file is given", "give the address of the document, or hold it in seeds/"],
        id="neither-url-nor-seed-file",
    ),
    pytest.param(
        web(SOURCES, WEB_SOURCE, "url", ""), ["is blank and no seed_file is given"], id="web-source-without-url"
    ),
    pytest.param(
        web(SOURCES, WEB_SOURCE, "url", "www.example.org/news"),
        ["'www.example.org/news' is not a web address", "expected http:// or https://"],
        id="url-without-scheme",
    ),
    pytest.param(
        web(SOURCES, WEB_SOURCE, "url", "ftp://example.org/news"),
        ["'ftp://example.org/news' is not a web address"],
        id="url-not-http",
    ),
    pytest.param(
        web(SOURCES, WEB_SOURCE, "url", "https://example.org/a b"),
        ["is not a web address", "no spaces"],
        id="url-with-a-space",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "quote", "{quote:seed-washington-meeting|Wednesday|Tuesday}"),
        [f"is not verbatim in {SOURCE} (only whitespace may differ)", "copy the sentence exactly"],
        id="quote-word-changed",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-washington-meeting", "quote", '{quote:seed-washington-meeting|“|"}'),
        ["is not verbatim"],
        id="quote-straight-for-curly-quotes",
    ),
    pytest.param(
        Edit(CLAIMS, "seed-deployment-deu", "quote", "{quote:seed-deployment-deu|13 troops|13 soldiers}"),
        ["is not verbatim"],
        id="quote-paraphrased",
    ),
    pytest.param(
        web(CLAIMS, "test-web-arrived", "quote", THIRTEEN_WORDS),
        ["has 13 words", "a web source may be quoted only by a locating phrase of at most 12 words"],
        id="web-quote-over-12-words",
    ),
    pytest.param(
        web(CLAIMS, "test-web-arrived", "quote", "{quote:seed-washington-meeting}"),
        ["words; a web source may be quoted only by a locating phrase"],
        id="web-quote-copies-a-paragraph",
    ),
    # the curators' log of rejected claims
    pytest.param(
        logged(REJECTED, "test-rejected-aggregator", "reason", ""),
        ["is required but blank", "expected any text"],
        id="rejected-entry-without-reason",
    ),
    pytest.param(
        logged(REJECTED, "test-rejected-aggregator", "reject_id", "Aggregator 500"),
        ["'Aggregator 500' is not an id"],
        id="rejected-entry-id-not-an-id",
    ),
    pytest.param(
        logged(REJECTED, "test-rejected-recycled", "reject_id", "test-rejected-aggregator"),
        ["duplicate id 'test-rejected-aggregator' (first on line {lines[test-rejected-aggregator]})"],
        id="rejected-entry-id-duplicate",
    ),
    pytest.param(
        logged(REJECTED, "test-rejected-aggregator", "claim", " 500 troops"),
        ["has leading or trailing spaces"],
        id="rejected-entry-leading-space",
    ),
]

# Every required column left blank, in a row each file is sure to hold; the explicit cases above
# keep their own ids and wording.
BLANK_ROWS = {
    RECORDS: Edit(RECORDS, "washington-meeting", "", ""),
    PLACES: Edit(PLACES, "brussels", "", ""),
    SOURCES: Edit(SOURCES, SEED_SOURCE, "", ""),
    CLAIMS: Edit(CLAIMS, "seed-washington-meeting", "", ""),
    REJECTED: logged(REJECTED, "test-rejected-aggregator", "", ""),
}
_EXPLICIT_BLANKS = {
    (p.values[0].file, p.values[0].column) for p in FIELD_CASES if p.values[0].value == "" and p.values[0].field is None
}
FIELD_CASES += [
    pytest.param(
        Edit(file, BLANK_ROWS[file].key, column.name, "", extra=BLANK_ROWS[file].extra),
        ["is required but blank", "expected " + column.allowed.replace("{", "{{").replace("}", "}}")],
        id=f"{file.removesuffix('.csv')}-{column.name}-blank",
    )
    for file in CHAINED_FILES
    for column in load_dictionary()[file]
    if column.is_required and (file, column.name) not in _EXPLICIT_BLANKS
]


def fill(text: str, context: dict) -> str:
    """Fill placeholders: {after_report}, {report_date}, {lines[key]}, {quote:id}, {quote:id|old|new}."""
    quote = re.fullmatch(r"\{quote:([^|}]+)(?:\|([^|]+)\|([^|]*))?\}", text)
    if quote:
        key, old, new = quote.groups()
        original = context["quotes"][key]
        if old is None:
            return original
        assert old in original, f"{old!r} not in the quote of {key}"
        return original.replace(old, new, 1)
    return text.format(**context)


def context_for(folder: Path) -> dict:
    lines, widths = {}, {}
    for name in CHAINED_FILES:
        if not (folder / name).exists():
            continue
        header, rows = read_rows(folder / name)
        widths[name.removesuffix(".csv")] = len(header)
        for row in rows:
            assert row[0] not in lines, f"{row[0]} is a key in two files; the cases find rows by key"
            lines[row[0]] = line_of(folder / name, row[0])
    quotes = {row["claim_id"]: row["quote"] for row in read_dicts(folder / CLAIMS)}
    after = REPORT_DATE + dt.timedelta(days=1)
    return {
        "after_report": after.isoformat(),
        "report_date": REPORT_DATE.isoformat(),
        "lines": lines,
        "quotes": quotes,
        "width": widths,
        "wider": {k: v + 1 for k, v in widths.items()},
        "narrower": {k: v - 1 for k, v in widths.items()},
    }


@pytest.mark.parametrize("edit, wording", FIELD_CASES)
def test_a_bad_field_is_reported_with_file_line_field_and_fix(folder, edit, wording):
    add_extra_rows(folder, *edit.extra)
    context = context_for(folder)
    for column, value in edit.also:
        set_field(folder / edit.file, edit.key, column, value)
    line = set_field(folder / edit.file, edit.key, edit.column, fill(edit.value, context))
    dataset = load_dataset(folder)

    assert_reported(dataset.problems, edit.file, line, edit.field or edit.column, *(fill(w, context) for w in wording))
    assert line in dataset.count(edit.file).rejected_lines
    assert_nothing_lost(dataset, folder)
    # One broken field is one reported row: in its file nothing else is blamed; elsewhere only the
    # rows that lean on it (claims of a rejected record, source or place; records left without a claim).
    for problem in dataset.problems:
        if problem.file == edit.file and problem.line == line:
            continue
        assert is_cascade(problem), str(problem)


# --- a row that leans on a rejected row names that row's line -----------------------------------


@pytest.mark.parametrize(
    "edit, ref",
    [
        pytest.param(
            Edit(RECORDS, "washington-meeting", "kind", "rumour"), "record_id", id="claim-of-a-rejected-record"
        ),
        pytest.param(Edit(SOURCES, SEED_SOURCE, "reliability", "G"), "source_id", id="claim-of-a-rejected-source"),
        pytest.param(
            web(SOURCES, WEB_SOURCE, "url", "www.example.org"), "source_id", id="claim-of-a-rejected-web-source"
        ),
        pytest.param(Edit(PLACES, "greenland", "lat", "95"), "place_id", id="claim-at-a-rejected-place"),
        pytest.param(Edit(PLACES, "denmark", "lat", "95"), "origin_place_id", id="claim-from-a-rejected-origin"),
    ],
)
def test_a_claim_leaning_on_a_rejected_row_names_that_rows_line(folder, edit, ref):
    add_extra_rows(folder, *edit.extra)
    rejected_line = set_field(folder / edit.file, edit.key, edit.column, edit.value)
    dataset = load_dataset(folder)

    claims = read_dicts(folder / CLAIMS)
    leaning = [claim["claim_id"] for claim in claims if claim[ref] == edit.key]
    assert leaning
    for claim_id in leaning:
        assert_reported(
            dataset.problems,
            CLAIMS,
            line_of(folder / CLAIMS, claim_id),
            ref,
            f"'{edit.key}' is rejected in {edit.file} (line {rejected_line}); fix that row",
        )
    assert not set(leaning) & set(dataset.claims["claim_id"])
    # A record whose every claim went with it is rejected too, on its own line.
    left = set(dataset.claims["claim_id"])
    for record in read_dicts(folder / RECORDS):
        if record["record_id"] == edit.key:
            continue
        if not any(claim["claim_id"] in left for claim in claims if claim["record_id"] == record["record_id"]):
            assert_reported(
                dataset.problems,
                RECORDS,
                line_of(folder / RECORDS, record["record_id"]),
                "record_id",
                "has no valid claim in claims.csv",
                "every record rests on at least one source's claim",
            )
    assert_nothing_lost(dataset, folder)


def test_a_record_without_a_claim_is_rejected(folder):
    append_row(
        folder / RECORDS, {"record_id": "test-unsupported", "kind": "statement", "title": "A statement no source makes"}
    )
    dataset = load_dataset(folder)
    line = line_of(folder / RECORDS, "test-unsupported")
    assert_reported(
        dataset.problems, RECORDS, line, "record_id", "has no valid claim in claims.csv", "at least one source's claim"
    )
    assert len(dataset.problems) == 1
    assert dataset.count(RECORDS).rejected_lines == [line]
    assert_nothing_lost(dataset, folder)


def test_a_record_whose_only_claim_is_rejected_is_rejected_with_it(folder):
    """The claim is named with its own problem and the record with 'no valid claim', each on its line."""
    add_extra_rows(folder, "web")
    append_row(
        folder / RECORDS, {"record_id": "test-visit", "kind": "visit", "title": "A visit one web source reports"}
    )
    append_row(
        folder / CLAIMS,
        {
            "claim_id": "test-visit-claim",
            "record_id": "test-visit",
            "source_id": WEB_SOURCE,
            "credibility": "3",
            "status": "arrived",
            "date": "2026-01-18",
            "date_precision": "day",
            "place_id": "greenland",
            "quote": "the delegation landed",
        },
    )
    assert load_dataset(folder).problems == []
    claim_line = set_field(folder / CLAIMS, "test-visit-claim", "quote", THIRTEEN_WORDS)
    dataset = load_dataset(folder)
    assert_reported(dataset.problems, CLAIMS, claim_line, "quote", "has 13 words")
    assert_reported(
        dataset.problems, RECORDS, line_of(folder / RECORDS, "test-visit"), "record_id", "has no valid claim"
    )
    assert len(dataset.problems) == 2
    assert_nothing_lost(dataset, folder)


@pytest.mark.parametrize("grade, rejected", [("E", True), ("D", False), ("F", False)])
def test_a_record_resting_only_on_unreliable_sources_is_rejected(folder, grade, rejected):
    """An aggregator, a machine rewrite or a propaganda outlet (E) is never the only basis of a
    record: the record is rejected on its line, and its claims each name that line."""
    add_extra_rows(folder, "web")
    append_row(
        folder / RECORDS,
        {
            "record_id": "test-claimed-landing",
            "kind": "deployment",
            "actor_iso3": "DEU",
            "title": "A landing only one page reports",
        },
    )
    append_row(
        folder / CLAIMS,
        {
            "claim_id": "test-claimed-landing-claim",
            "record_id": "test-claimed-landing",
            "source_id": WEB_SOURCE,
            "credibility": "5",
            "status": "arrived",
            "date": "2026-01-18",
            "date_precision": "day",
            "place_id": "greenland",
            "quote": "500 German troops landed",
        },
    )
    source_line = set_field(folder / SOURCES, WEB_SOURCE, "reliability", grade)
    dataset = load_dataset(folder)
    if not rejected:
        assert dataset.problems == []
    else:
        record_line = line_of(folder / RECORDS, "test-claimed-landing")
        assert_reported(
            dataset.problems,
            RECORDS,
            record_line,
            "record_id",
            "rests only on sources graded E (unreliable)",
            "log the claim in rejected.csv",
        )
        assert_reported(
            dataset.problems,
            CLAIMS,
            line_of(folder / CLAIMS, "test-claimed-landing-claim"),
            "record_id",
            f"'test-claimed-landing' is rejected in records.csv (line {record_line})",
        )
        # The same source beside a better one is kept: deployment-deu also rests on the seed.
        assert {"test-web-arrived", "test-web-left"} <= set(dataset.claims["claim_id"])
        assert source_line not in dataset.count(SOURCES).rejected_lines
        assert len(dataset.problems) == 2
    assert_nothing_lost(dataset, folder)


def test_a_departure_after_its_arrival_or_of_another_record_is_accepted(folder):
    add_extra_rows(folder, "web")
    set_field(folder / CLAIMS, "test-web-left", "date", "2026-01-17")  # the day of the arrival: accepted
    assert load_dataset(folder).problems == []
    set_field(folder / CLAIMS, "test-web-left", "record_id", "deployment-fra")  # before deployment-deu's arrival
    set_field(folder / CLAIMS, "test-web-left", "date", "2026-01-16")
    dataset = load_dataset(folder)
    assert dataset.problems == []
    assert_nothing_lost(dataset, folder)


def test_every_checked_column_has_a_bad_input_case():
    """A column whose values are checked (anything but free text) must appear in the table above,
    and so must every required column left blank, in every file the loader reads."""
    dictionary = load_dictionary()
    checked = {
        (column.file, column.name) for file in CHAINED_FILES for column in dictionary[file] if column.type != "text"
    }
    required = {
        (column.file, column.name) for file in CHAINED_FILES for column in dictionary[file] if column.is_required
    }
    edits = [param.values[0] for param in FIELD_CASES]
    covered = {(edit.file, edit.field or edit.column) for edit in edits}
    blanked = {(edit.file, edit.column) for edit in edits if edit.value == "" and edit.field is None}
    assert checked - covered == set()
    assert required - blanked == set()
    assert len({param.id for param in FIELD_CASES}) == len(FIELD_CASES)


# --- whitespace is the only tolerated difference ------------------------------------------------


@pytest.mark.parametrize(
    "old, new",
    [
        pytest.param(" ", "  ", id="doubled-spaces"),
        pytest.param(" ", "\n", id="line-break-inside-the-quote"),
        pytest.param(" ", "\t", id="tab"),
    ],
)
def test_whitespace_differences_in_a_quote_are_accepted(folder, old, new):
    header, rows = read_rows(folder / CLAIMS)
    column = header.index("quote")
    row = next(row for row in rows if row[0] == "seed-washington-meeting")
    row[column] = row[column].replace(old, new)
    write_rows(folder / CLAIMS, header, rows)
    dataset = load_dataset(folder)
    assert dataset.problems == []
    assert len(dataset.claims) == len(rows)


def test_a_locating_phrase_of_12_words_is_accepted(folder):
    add_extra_rows(folder, "web")
    set_field(folder / CLAIMS, "test-web-arrived", "quote", THIRTEEN_WORDS.rsplit(" ", 1)[0])
    assert load_dataset(folder).problems == []


# --- the seeds' sidecars ------------------------------------------------------------------------


def write_sidecar(folder: Path, text: str | None) -> None:
    path = folder.parent / "seeds" / SIDECAR
    if text is None:
        path.unlink()
    else:
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "sidecar, wording",
    [
        pytest.param(
            None, [f"the source has no sidecar seeds/{SIDECAR}", '"report_date": "YYYY-MM-DD"'], id="sidecar-missing"
        ),
        pytest.param("{not json", [f"seeds/{SIDECAR} is not valid UTF-8 JSON"], id="sidecar-not-json"),
        pytest.param(
            '{"file": "x"}',
            [f"seeds/{SIDECAR} has no valid report_date (found None)"],
            id="sidecar-without-report-date",
        ),
        pytest.param(
            '{"report_date": "15 January 2026"}',
            ["has no valid report_date (found '15 January 2026')"],
            id="sidecar-report-date-not-iso",
        ),
        pytest.param('["2026-01-15"]', ["has no valid report_date (found None)"], id="sidecar-not-an-object"),
    ],
)
def test_a_broken_sidecar_rejects_the_source_and_the_claims_that_rest_on_it(folder, sidecar, wording):
    write_sidecar(folder, sidecar)
    dataset = load_dataset(folder)
    citing = [row for row in read_dicts(folder / SOURCES) if row["seed_file"] == SOURCE]
    assert citing
    for source in citing:
        line = line_of(folder / SOURCES, source["source_id"])
        assert_reported(
            dataset.problems, SOURCES, line, "published", "cannot be checked against the held document", *wording
        )
        for claim in read_dicts(folder / CLAIMS):
            if claim["source_id"] == source["source_id"]:
                assert_reported(
                    dataset.problems,
                    CLAIMS,
                    line_of(folder / CLAIMS, claim["claim_id"]),
                    "source_id",
                    f"is rejected in sources.csv (line {line})",
                )
    assert len(dataset.sources) == count_rows(folder / SOURCES) - len(citing)
    assert_nothing_lost(dataset, folder)


# --- whole files: missing, empty, encoding, header, delimiters, BOM --------------------------------


def remove(name):
    def mutate(folder: Path) -> None:
        (folder / name).unlink()

    return mutate


def write_bytes(name, data: bytes):
    def mutate(folder: Path) -> None:
        (folder / name).write_bytes(data)

    return mutate


def transform(name, change):
    """Apply `change` to the file's text (read and written as UTF-8)."""

    def mutate(folder: Path) -> None:
        path = folder / name
        path.write_bytes(change(path.read_text(encoding="utf-8")).encode("utf-8"))

    return mutate


def in_cp1252(name):
    def mutate(folder: Path) -> None:
        path = folder / name
        path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))

    return mutate


def one_value_in_cp1252(name, key, text):
    """Only `text` inside the row `key` in Windows-1252 bytes (a paste from another program)."""

    def mutate(folder: Path) -> None:
        path = folder / name
        lines = path.read_text(encoding="utf-8").split("\n")
        index = line_of(path, key) - 1
        assert text in lines[index]
        head, tail = lines[index].split(text, 1)
        lines[index] = head + "\0" + tail
        raw = "\n".join(lines).encode("utf-8")
        path.write_bytes(raw.replace(b"\0", text.encode("cp1252")))

    return mutate


def rename_column(name, old, new):
    def change(text: str) -> str:
        header, rest = text.split("\n", 1)
        columns = header.split(",")
        columns[columns.index(old)] = new
        return ",".join(columns) + "\n" + rest

    return transform(name, change)


def edit_line(name, key, old, new):
    """Replace raw text in the line of row `key` (to break the CSV itself, not one value)."""

    def change(text: str) -> str:
        lines = text.split("\n")
        index = next(i for i, line in enumerate(lines) if line.split(",", 1)[0] == key)
        assert old in lines[index]
        lines[index] = lines[index].replace(old, new, 1)
        return "\n".join(lines)

    return transform(name, change)


def insert_line(name, number, text):
    """Put a raw line at `number` (the lines after it move down)."""

    def change(old: str) -> str:
        lines = old.split("\n")
        lines.insert(number - 1, text)
        return "\n".join(lines)

    return transform(name, change)


def then(*mutations):
    def mutate(folder: Path) -> None:
        for mutation in mutations:
            mutation(folder)

    return mutate


@dataclass(frozen=True)
class Expect:
    file: str
    line: int | str | None  # a number, a row key whose line is meant, or None for the whole file
    field: str | None
    wording: tuple[str, ...]


def expect(file, line, field, *wording):
    return Expect(file, line, field, wording)


def rows_with(file, column):
    """How many rows of `file` have a value in `column` (counted before the file is broken)."""

    def count(folder: Path) -> int:
        return sum(1 for row in read_dicts(folder / file) if row[column])

    return count


ALL = "all"
FILE_CASES = [
    # missing and empty files; the rows of other files that lean on them go with them
    pytest.param(
        remove(RECORDS),
        [
            expect(RECORDS, None, None, "file is missing: expected", "records.csv"),
            expect(
                CLAIMS, "seed-washington-meeting", "record_id", "'washington-meeting' is not a record in records.csv"
            ),
        ],
        (CLAIMS, ALL),
        id="records-missing",
    ),
    pytest.param(
        remove(PLACES),
        [
            expect(PLACES, None, None, "file is missing"),
            expect(CLAIMS, "seed-washington-meeting", "place_id", "'washington' is not in the gazetteer"),
        ],
        None,
        id="places-missing",
    ),
    pytest.param(
        remove(SOURCES),
        [
            expect(SOURCES, None, None, "file is missing"),
            expect(
                CLAIMS,
                "seed-washington-meeting",
                "source_id",
                f"'{SEED_SOURCE}' is not a source in sources.csv; add it to sources.csv first",
            ),
        ],
        (CLAIMS, ALL),
        id="sources-missing",
    ),
    pytest.param(
        remove(CLAIMS),
        [
            expect(CLAIMS, None, None, "file is missing"),
            expect(RECORDS, "washington-meeting", "record_id", "has no valid claim in claims.csv"),
        ],
        (RECORDS, ALL),
        id="claims-missing",
    ),
    pytest.param(
        write_bytes(RECORDS, b""),
        [expect(RECORDS, None, None, "file is empty: expected a header line and data rows")],
        (RECORDS, 0),
        id="records-empty",
    ),
    pytest.param(
        write_bytes(RECORDS, b"\n\n  \n"),
        [expect(RECORDS, None, None, "file is empty")],
        (RECORDS, 0),
        id="records-only-blank-lines",
    ),
    pytest.param(
        write_bytes(PLACES, b""),
        [
            expect(PLACES, None, None, "file is empty"),
            expect(CLAIMS, "seed-deployment-deu", "origin_place_id", "'denmark' is not in the gazetteer"),
        ],
        None,
        id="places-empty",
    ),
    pytest.param(
        write_bytes(CLAIMS, b""),
        [
            expect(CLAIMS, None, None, "file is empty"),
            expect(RECORDS, "deployment-deu", "record_id", "has no valid claim"),
        ],
        (RECORDS, ALL),
        id="claims-empty",
    ),
    pytest.param(
        write_bytes(SOURCES, b"\n"),
        [
            expect(SOURCES, None, None, "file is empty"),
            expect(CLAIMS, "seed-deployment-deu", "source_id", f"'{SEED_SOURCE}' is not a source"),
        ],
        (CLAIMS, ALL),
        id="sources-empty",
    ),
    # encodings
    pytest.param(
        in_cp1252(RECORDS),
        [
            expect(RECORDS, None, None, "not valid UTF-8", "save the file as UTF-8"),
            expect(RECORDS, "washington-meeting", "participants", "holds bytes that are not UTF-8", "L\ufffdkke"),
            expect(CLAIMS, "seed-washington-meeting", "record_id", "'washington-meeting' is rejected in records.csv"),
        ],
        None,
        id="records-saved-as-cp1252",
    ),
    pytest.param(
        one_value_in_cp1252(RECORDS, "washington-meeting", "Løkke"),
        [
            expect(
                RECORDS,
                None,
                None,
                "not valid UTF-8 (byte 0xf8 (Windows-1252 for 'ø'?) first on line {lines[washington-meeting]})",
            ),
            expect(
                RECORDS,
                "washington-meeting",
                "participants",
                "holds bytes that are not UTF-8",
                "save the file as UTF-8",
            ),
        ],
        (RECORDS, 1),
        id="one-name-pasted-as-cp1252",
    ),
    pytest.param(
        one_value_in_cp1252(CLAIMS, "seed-washington-meeting", "Løkke"),
        [
            expect(
                CLAIMS,
                None,
                None,
                "not valid UTF-8 (byte 0xf8 (Windows-1252 for 'ø'?) first on line {lines[seed-washington-meeting]})",
            ),
            expect(CLAIMS, "seed-washington-meeting", "quote", "holds bytes that are not UTF-8", "L\ufffdkke"),
        ],
        (CLAIMS, 1),
        id="one-quote-pasted-as-cp1252",
    ),
    # headers
    pytest.param(
        rename_column(RECORDS, "title", "titel"),
        [
            expect(RECORDS, 1, "titel", "unknown column 3 'titel'", "did you mean 'title'?"),
            expect(RECORDS, 1, "title", "required column 'title' is missing from the header"),
            expect(RECORDS, None, None, "rows rejected: required columns missing (title)"),
        ],
        (RECORDS, ALL),
        id="header-required-column-misspelled",
    ),
    pytest.param(
        rename_column(SOURCES, "reliability", "reliabilty"),
        [
            expect(SOURCES, 1, "reliabilty", "unknown column 8 'reliabilty'", "did you mean 'reliability'?"),
            expect(SOURCES, 1, "reliability", "required column 'reliability' is missing from the header"),
            expect(
                CLAIMS,
                "seed-washington-meeting",
                "source_id",
                f"'{SEED_SOURCE}' is rejected in sources.csv (line {{lines[{SEED_SOURCE}]}})",
            ),
        ],
        (SOURCES, ALL),
        id="sources-header-grade-misspelled",
    ),
    pytest.param(
        rename_column(CLAIMS, "personnel", "personel"),
        [
            expect(CLAIMS, 1, "personel", "unknown column 12 'personel'", "did you mean 'personnel'?"),
            expect(CLAIMS, 1, "personnel", "column 'personnel' is missing from the header"),
            expect(
                CLAIMS,
                "seed-deployment-deu",
                "personel",
                "'13' is in column 12, which is not documented, and would be lost",
            ),
        ],
        (CLAIMS, rows_with(CLAIMS, "personnel")),  # the claims that state personnel; the others lose nothing
        id="header-optional-column-misspelled",
    ),
    pytest.param(
        rename_column(RECORDS, "kind", "kind "),
        [expect(RECORDS, 1, "kind ", "unknown column 2 'kind '", "did you mean 'kind'?")],
        (RECORDS, ALL),
        id="header-trailing-space",
    ),
    pytest.param(
        rename_column(RECORDS, "summary", "title"),
        [expect(RECORDS, 1, "title", "column 4 'title' repeats an earlier column; keep one")],
        (RECORDS, rows_with(RECORDS, "summary")),
        id="header-column-repeated",
    ),
    pytest.param(
        rename_column(PLACES, "lat", "latitude"),
        [expect(PLACES, 1, "latitude", "unknown column 3 'latitude'", "documented columns: place_id, name, lat")],
        (PLACES, ALL),
        id="places-header-renamed-column",
    ),
    pytest.param(
        rename_column(REJECTED, "reason", "why"),
        [
            expect(REJECTED, 1, "why", "unknown column 6 'why'"),
            expect(REJECTED, 1, "reason", "required column 'reason' is missing"),
        ],
        (REJECTED, ALL),
        id="rejected-header-renamed-column",
    ),
    # delimiters and quotes
    pytest.param(
        edit_line(RECORDS, "working-group-agreed", "Agreement to form", "Agreement, to form"),
        [
            expect(
                RECORDS,
                "working-group-agreed",
                None,
                "row has {wider[records]} fields but the header has {width[records]}",
                "stray or missing delimiter",
                "double quotes",
            )
        ],
        (RECORDS, 1),
        id="stray-delimiter",
    ),
    pytest.param(
        edit_line(CLAIMS, "seed-washington-meeting", ",,day,", ",day,"),
        [
            expect(
                CLAIMS,
                "seed-washington-meeting",
                None,
                "row has {narrower[claims]} fields but the header has {width[claims]}",
            )
        ],
        (CLAIMS, 1),
        id="missing-delimiter",
    ),
    pytest.param(
        edit_line(PLACES, "brussels", "Brussels,", "Brussels,,"),
        [expect(PLACES, "brussels", None, "row has {wider[places]} fields but the header has {width[places]}")],
        (PLACES, 1),
        id="places-stray-delimiter",
    ),
    pytest.param(
        edit_line(SOURCES, SEED_SOURCE, ",F,", ",F,,"),
        [
            expect(SOURCES, SEED_SOURCE, None, "row has {wider[sources]} fields but the header has {width[sources]}"),
            expect(CLAIMS, "seed-deployment-deu", "source_id", "is rejected in sources.csv"),
        ],
        (SOURCES, 1),
        id="sources-stray-delimiter",
    ),
    pytest.param(
        then(
            insert_line(RECORDS, 2, 'test-unclosed,statement,"A title, with a comma and no closing quote,,,,,,'),
            insert_line(
                RECORDS, 3, 'the next line, which the open quote swallows", up, to, here, and, on, and, on, and, on'
            ),
        ),
        [expect(RECORDS, "test-unclosed", None, "it runs on to line", "an unclosed double quote?")],
        None,
        id="unclosed-double-quote",
    ),
    # byte-order marks
    pytest.param(
        transform(RECORDS, lambda text: "\ufeff" + text),
        [expect(RECORDS, 1, None, "byte-order mark (BOM); save it as UTF-8 without BOM")],
        (RECORDS, 0),
        id="records-with-bom",
    ),
    pytest.param(
        transform(PLACES, lambda text: "\ufeff" + text),
        [expect(PLACES, 1, None, "byte-order mark (BOM)")],
        (PLACES, 0),
        id="places-with-bom",
    ),
    pytest.param(
        transform(SOURCES, lambda text: "\ufeff" + text),
        [expect(SOURCES, 1, None, "byte-order mark (BOM)")],
        (SOURCES, 0),
        id="sources-with-bom",
    ),
    pytest.param(
        transform(CLAIMS, lambda text: "\ufeff" + text),
        [expect(CLAIMS, 1, None, "byte-order mark (BOM)")],
        (CLAIMS, 0),
        id="claims-with-bom",
    ),
    pytest.param(
        transform(REJECTED, lambda text: "\ufeff" + text),
        [expect(REJECTED, 1, None, "byte-order mark (BOM)")],
        (REJECTED, 0),
        id="rejected-with-bom",
    ),
    # the curators' log: its rows are checked like any other
    pytest.param(
        then(
            lambda folder: add_extra_rows(folder, "rejected"),
            edit_line(REJECTED, "test-rejected-aggregator", "An aggregator,", "An, aggregator,"),
        ),
        [
            expect(
                REJECTED,
                "test-rejected-aggregator",
                None,
                "row has {wider[rejected]} fields but the header has {width[rejected]}",
            )
        ],
        (REJECTED, 1),
        id="rejected-entry-stray-delimiter",
    ),
]


def resolve_line(folder: Path, file: str, line, lines: dict) -> int | None:
    """A row key's line as it was before the file was broken, or as it is after (added rows)."""
    if not isinstance(line, str):
        return line
    return lines[line] if line in lines else line_of(folder / file, line)


@pytest.mark.parametrize("mutate, expected, rejected", FILE_CASES)
def test_a_broken_file_is_reported_and_nothing_is_lost(folder, mutate, expected, rejected):
    context = context_for(folder)  # lines and quotes before the file is broken
    if rejected is not None:
        file, how_many = rejected
        rows_before = count_rows(folder / file)
        if callable(how_many):
            how_many = how_many(folder)
    mutate(folder)
    dataset = load_dataset(folder)

    for item in expected:
        line = resolve_line(folder, item.file, item.line, context["lines"])
        assert_reported(dataset.problems, item.file, line, item.field, *(w.format(**context) for w in item.wording))
    if rejected is not None:
        if how_many == ALL:
            assert len(dataset.count(file).rejected_lines) == rows_before and valid_frames(dataset)[file].empty
        else:
            assert len(dataset.count(file).rejected_lines) == how_many
    assert_nothing_lost(dataset, folder)


def test_a_folder_without_the_rejected_log_is_valid(folder):
    """rejected.csv is the curators' log: optional, and nothing to report when it is absent."""
    (folder / REJECTED).unlink()
    dataset = load_dataset(folder)
    assert dataset.problems == []
    assert dataset.rejected.empty and dataset.count(REJECTED).rows == 0


def test_the_rejected_log_is_never_part_of_the_picture(folder):
    add_extra_rows(folder, "rejected")
    dataset = load_dataset(folder)
    assert list(dataset.rejected["reject_id"])[-2:] == ["test-rejected-aggregator", "test-rejected-recycled"]
    assert not {"https://aggregator.example/greenland-500"} & set(dataset.sources["url"])
    assert len(dataset.claims) == count_rows(folder / CLAIMS)


# --- honest counts: what the files hold, read or not --------------------------------------------

OVERSIZE_FIELD = 140_000  # characters: over the csv module's 128 KiB field limit
# A text column of each file to fill past the limit.
LONG_COLUMN = {RECORDS: "title", CLAIMS: "quote", SOURCES: "title", PLACES: "name"}
COUNTED_FILES = [pytest.param(file, id=file.removesuffix(".csv")) for file in LONG_COLUMN]


def middle_key(path: Path, keys_ok=lambda line, next_line: True) -> str:
    """The first field of a row from the middle of the file on whose line (and the next) `keys_ok` holds."""
    lines = path.read_text(encoding="utf-8").split("\n")
    data = [index for index in range(1, len(lines) - 2) if lines[index]]
    for index in data[len(data) // 2 :]:
        if keys_ok(lines[index], lines[index + 1]):
            return lines[index].split(",", 1)[0]
    raise AssertionError(f"no row in {path.name} fits")


def summary_of(folder: Path) -> str:
    report = validate(folder)
    assert not report.is_clean
    return report.summary()


def assert_honest(dataset: Dataset, folder: Path, file: str, *, unread: list[int], lines: int) -> None:
    """The file's count says what it holds: `lines` rows of data, of which `unread` could not be
    read; every other row is valid or rejected; the validator's summary says the same."""
    count = dataset.count(file)
    assert count.unread_lines == unread
    assert count.in_file == lines == data_lines(folder / file)
    assert len(valid_frames(dataset)[file]) + count.lost == lines
    phrase = f"{count.lost} of {lines} rows of {file}" + (f" ({len(unread)} could not be read)" if unread else "")
    assert count.describe(file) == phrase
    summary = summary_of(folder)
    assert phrase in summary, summary
    assert f"showing {len(dataset.records)} of {data_lines(folder / RECORDS)} records" in summary, summary
    assert_nothing_lost(dataset, folder)


@pytest.mark.parametrize("file", COUNTED_FILES)
def test_a_field_over_the_csv_limit_loses_its_row_and_no_other(folder, file):
    """Was: 'cannot be read as CSV; the rest of the file is not read', and the counts said 0 of 0
    when the field was on the first row."""
    path = folder / file
    key = middle_key(path)
    lines_before = data_lines(path)
    line = set_field(path, key, LONG_COLUMN[file], "x" * OVERSIZE_FIELD)
    dataset = load_dataset(folder)
    assert_reported(dataset.problems, file, line, None, "longer than the csv module's limit", f"line {line} not read")
    assert key not in set(valid_frames(dataset)[file].iloc[:, 0])
    assert dataset.count(file).rows == lines_before - 1  # every other row is read
    assert_honest(dataset, folder, file, unread=[line], lines=lines_before)


def drop_last_quote(line: str) -> str:
    """The line with its last double quote gone: the last quoted value is left open."""
    head, _, tail = line.rpartition('"')
    return head + tail


@pytest.mark.parametrize("file", COUNTED_FILES)
def test_an_unclosed_quote_in_the_middle_counts_the_lines_it_swallows(folder, file):
    """An open quote runs on into the next line, which is read as part of its value: that row is
    rejected, and the line it swallowed is counted as not read. Was: the swallowed line vanished
    from the counts ('2 of 13 rejected' when 3 of 14 rows were lost)."""
    path = folder / file
    key = middle_key(path, lambda line, next_line: line.endswith('"') and '"' in next_line)
    line = line_of(path, key)
    lines_before = data_lines(path)
    edit_line(file, key, "", "")(folder)  # the file as the test's editor writes it
    text = path.read_text(encoding="utf-8").split("\n")
    swallowed_key = text[line].split(",", 1)[0]
    text[line - 1] = drop_last_quote(text[line - 1])
    path.write_text("\n".join(text), encoding="utf-8")

    dataset = load_dataset(folder)
    assert_reported(dataset.problems, file, line, None, "double quote", f"lines {line + 1} to")
    count = dataset.count(file)
    assert line in count.rejected_lines
    unread = count.unread_lines
    assert unread and unread == list(range(line + 1, unread[-1] + 1)), unread
    valid_keys = set(valid_frames(dataset)[file].iloc[:, 0])
    assert not {key, swallowed_key} & valid_keys
    assert_honest(dataset, folder, file, unread=unread, lines=lines_before)


def test_an_unclosed_quote_and_a_bad_row_in_records_are_three_rows_lost(folder):
    """The issue's case: one bad row and an open quote that swallows the next row: 3 rows of the
    file are lost, and the counts say so (the old ones said 2 of one row fewer)."""
    path = folder / RECORDS
    lines_before = data_lines(path)
    key = middle_key(path, lambda line, next_line: line.endswith('"') and next_line.count('"') == 2)
    bad_line = set_field(path, "washington-meeting", "kind", "meating")
    line = line_of(path, key)
    text = path.read_text(encoding="utf-8").split("\n")
    text[line - 1] = drop_last_quote(text[line - 1])
    path.write_text("\n".join(text), encoding="utf-8")

    dataset = load_dataset(folder)
    count = dataset.count(RECORDS)
    assert (count.rejected_lines, count.unread_lines) == ([bad_line, line], [line + 1])
    assert count.describe(RECORDS) == f"3 of {lines_before} rows of records.csv (1 could not be read)"
    assert dataset.shown_text() == f"showing {lines_before - 3} of {lines_before} records"
    assert_honest(dataset, folder, RECORDS, unread=[line + 1], lines=lines_before)


@pytest.mark.parametrize("file", COUNTED_FILES)
def test_blank_rows_are_not_counted_and_later_lines_keep_their_numbers(folder, file):
    """Blank lines, lines of spaces and lines of bare delimiters (a spreadsheet's emptied row) hold
    no data: the file's rows are all read, and each row keeps its own line number."""
    path = folder / file
    header, rows = read_rows(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    middle = len(rows) // 2
    empty = "," * (len(header) - 1)
    lines[middle:middle] = ["", "   ", empty, ""]
    lines.insert(2, empty)
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")

    dataset = load_dataset(folder)
    assert dataset.problems == []
    count = dataset.count(file)
    assert (count.rows, count.rejected_lines, count.unread_lines) == (len(rows), [], [])
    assert count.in_file == len(rows) == data_lines(path)
    frame = valid_frames(dataset)[file]
    if "line" in frame:
        key = frame.columns[0]
        assert {row[key]: row["line"] for row in frame.to_dict("records")} == {
            row[0]: line_of(path, row[0]) for row in rows
        }
    assert_nothing_lost(dataset, folder)


def unreadable_by_permission(path: Path, monkeypatch) -> None:
    """No read permission. Root reads any file, so as root the read itself is made to fail as it
    would for another user."""
    path.chmod(0)
    if os.access(path, os.R_OK):
        real = Path.read_bytes

        def read_bytes(self: Path) -> bytes:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)


def xlsx_bytes(path: Path) -> bytes:
    """The file as a spreadsheet would save it under a .csv name: a zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", path.read_text(encoding="utf-8"))
    return buffer.getvalue()


UNREADABLE = [
    pytest.param(
        unreadable_by_permission, "permission denied", ("cannot be read (permission denied)",), id="no-permission"
    ),
    pytest.param(
        lambda path, _: path.write_bytes(xlsx_bytes(path)),
        "not a text file",
        ("is not a CSV text file: it holds NUL bytes", "save it as CSV in UTF-8"),
        id="a-spreadsheet-named-csv",
    ),
    pytest.param(
        lambda path, _: path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16")),
        "not a text file",
        ("UTF-16",),
        id="saved-as-utf16",
    ),
    pytest.param(
        lambda path, _: (path.unlink(), path.mkdir()),
        "it is a folder",
        ("is a folder, not a file",),
        id="a-folder",
    ),
]


@pytest.mark.parametrize("file", COUNTED_FILES)
@pytest.mark.parametrize("make_unreadable, why, wording", UNREADABLE)
def test_an_unreadable_file_is_named_in_the_counts_without_a_traceback(
    folder, monkeypatch, file, make_unreadable, why, wording
):
    make_unreadable(folder / file, monkeypatch)
    dataset = load_dataset(folder)
    assert_reported(dataset.problems, file, None, None, *wording)
    count = dataset.count(file)
    assert (count.unreadable, count.rows, count.unread_lines) == (why, 0, [])
    assert valid_frames(dataset)[file].empty
    phrase = f"{file} could not be read ({why})"
    assert count.describe(file) == phrase
    summary = summary_of(folder)
    assert phrase in summary, summary
    if file == RECORDS:
        assert dataset.shown_text() == "showing 0 records (records.csv could not be read)"
    elif file == CLAIMS:  # no record stands without a claim
        assert dataset.records.empty and f"showing 0 of {data_lines(folder / RECORDS)} records" in summary
    assert_nothing_lost(dataset, folder)


# --- the dictionary itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "file, column, kind",
    [
        ("claims.csv", "personnel", "integer"),
        ("sources.csv", "published", "date"),
        ("records.csv", "kind", "enum"),
        ("rejected.csv", "reject_id", "id"),
    ],
)
def test_a_column_type_the_validator_does_not_know_is_reported(tmp_path, file, column, kind):
    """A typo in the contract's type (data/datapackage.json, from which dictionary.csv is generated)
    would let any value through: it must fail loudly, naming the contract."""
    package = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    spec = next(
        field
        for resource in package["resources"]
        if resource["path"] == file
        for field in resource["schema"]["fields"]
        if field["name"] == column
    )
    assert spec["asm:type"] == kind
    spec["asm:type"] = f"{kind}x"
    (tmp_path / DATAPACKAGE.name).write_text(json.dumps(package), encoding="utf-8")
    shutil.copytree(DATAPACKAGE.parent / "schemas", tmp_path / "schemas")
    dataset = load_dataset(DATA, dictionary_path=tmp_path / DATAPACKAGE.name)
    assert_reported(dataset.problems, DATAPACKAGE.name, None, f"{file} {column}", f"unknown type '{kind}x'", kind)


def test_an_unreadable_basemap_is_reported_not_skipped(tmp_path):
    basemap = tmp_path / "basemap.geojson"
    basemap.write_text("{", encoding="utf-8")
    dataset = load_dataset(DATA, basemap_path=basemap)
    assert_reported(
        dataset.problems, "basemap.geojson", None, None, "outlines are not checked", "python -m geo.basemap"
    )


def test_the_bundled_dictionary_uses_only_known_types():
    dictionary = load_dictionary()
    types = {column.type for file in CHAINED_FILES for column in dictionary[file]}
    assert types <= set(KNOWN_TYPES)


# --- stops.csv, checked through geo.stops.load_stops --------------------------------------------


def set_stop(folder: Path, number: str, column: str, value: str) -> int:
    return set_field(folder / "stops.csv", number, column, value)


@pytest.mark.parametrize(
    "column, value, field, wording",
    [
        pytest.param(
            "date",
            "2026-02-30",
            "date",
            ["'2026-02-30' is not a date", "expected YYYY-MM-DD"],
            id="stop-date-not-a-day",
        ),
        pytest.param(
            "date",
            "2025-01-01",
            "date",
            ["2025-01-01 is outside the records' dates"],
            id="stop-date-before-the-records",
        ),
        pytest.param(
            "view",
            "globe",
            "view",
            ["'globe' is not a view", "mercator or polar or leave blank"],
            id="stop-view-unknown",
        ),
        pytest.param("caption", "", "caption", ["a stop needs a one-line caption"], id="stop-caption-blank"),
    ],
)
def test_a_bad_stop_is_reported(folder, column, value, field, wording):
    line = set_stop(folder, "2", column, value)
    report = validate(folder)
    assert_reported(report.problems, "stops.csv", line, field, *wording)
    assert len(report.stops) + len({p.line for p in report.stop_problems}) == count_rows(folder / "stops.csv")
    assert report.dataset.problems == []


@pytest.mark.parametrize(
    "mutate, expected",
    [
        pytest.param(
            edit_line("stops.csv", "3", "polar,", "polar"),
            expect("stops.csv", 4, "stop", "row has 6 fields but the header has 7"),
            id="stop-missing-delimiter",
        ),
        pytest.param(
            rename_column("stops.csv", "caption", "captoin"),
            expect("stops.csv", 1, "captoin", "did you mean 'caption'?"),
            id="stop-header-misspelled",
        ),
        pytest.param(
            in_cp1252("stops.csv"),
            expect("stops.csv", None, None, "not valid UTF-8", "save the file as UTF-8"),
            id="stops-saved-as-cp1252",
        ),
    ],
)
def test_a_broken_stops_file_is_reported_without_a_traceback(folder, mutate, expected):
    mutate(folder)
    report = validate(folder)
    assert_reported(report.problems, expected.file, expected.line, expected.field, *expected.wording)
    # A bad row is named and skipped, the others kept, as the dashboard keeps them; a file whose
    # header or encoding is broken gives no stops.
    assert len(report.stops) == (4 if expected.line and expected.line > 1 else 0)


def test_a_folder_without_stops_is_valid(folder):
    (folder / "stops.csv").unlink()
    report = validate(folder)
    assert report.is_clean
    records, places = (count_rows(folder / name) for name in (RECORDS, PLACES))
    assert report.summary() == f"OK: {records} records, {places} places in {folder}"


# --- the real entry point -----------------------------------------------------------------------


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m geo.validate` from another working directory: paths come from the package."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "geo.validate", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_passes_the_bundled_data_with_a_one_line_summary(tmp_path):
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    records, places, stops = (count_rows(DATA / name) for name in (RECORDS, PLACES, "stops.csv"))
    assert result.stdout.splitlines() == [f"OK: {records} records, {places} places, {stops} stops in {DATA}"]
    assert result.stderr == ""


def test_cli_lists_one_line_per_problem_and_fails(folder, tmp_path):
    personnel_line = set_field(folder / CLAIMS, "seed-deployment-deu", "personnel", "14")
    lat_line = set_field(folder / PLACES, "brussels", "lat", "95")
    result = run_cli(str(folder), cwd=tmp_path)

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        f"claims.csv:{personnel_line}: personnel: 14 is not stated in the quote; quote the sentence that gives the number or leave personnel blank"
        in lines
    )
    assert any(line.startswith(f"places.csv:{lat_line}: lat: 95 is outside -90 to 90") for line in lines)
    assert lines == [str(problem) for problem in validate(folder).problems]  # one validation for CLI and app
    assert all(PROBLEM_LINE.match(line) for line in lines)
    assert "problem(s)" in result.stderr and "rejected" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_reports_a_broken_file_without_a_traceback(folder, tmp_path):
    (folder / RECORDS).write_bytes((folder / RECORDS).read_text(encoding="utf-8").encode("cp1252"))
    result = run_cli(str(folder), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "records.csv: -: not valid UTF-8" in result.stdout.splitlines()[0] or any(
        line.startswith("records.csv: -: not valid UTF-8") for line in result.stdout.splitlines()
    )


def test_cli_refuses_a_folder_that_does_not_exist(tmp_path):
    result = run_cli(str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 2
    assert "nowhere is not a folder" in result.stderr
    assert result.stdout == ""
