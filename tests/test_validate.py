"""The curator's validator (`python -m geo.validate`) and the loader it shares with the app.

Each bad-input case copies data/*.csv and seeds/ into a temporary folder, breaks one thing in code,
and checks the message: file, line, field and wording (what is wrong and what would be right).
Every case also checks that nothing is lost: valid + rejected rows == the rows in the file.
The tables call `load_dataset` / `validate` directly; a few tests run the real entry point.
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
from dataclasses import dataclass
from pathlib import Path

import pytest

from geo.dictionary import load_dictionary
from geo.records import KNOWN_TYPES, Dataset, Problem, load_dataset
from geo.validate import validate

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA = REPO_ROOT / "data"
SEEDS = REPO_ROOT / "seeds"
SOURCE = "000_2867a99da07c248b.txt"
SIDECAR = SOURCE.removesuffix(".txt") + ".meta.json"
REPORT_DATE = dt.date.fromisoformat(json.loads((SEEDS / SIDECAR).read_text(encoding="utf-8"))["report_date"])
PROBLEM_LINE = re.compile(r"^[\w.]+(:\d+)?: [^:]+: \S.*$")  # file[:line]: field: message


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


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])


def line_of(path: Path, key: str) -> int:
    """The line a row starts on, found by its first field (the curated files have no multi-line rows)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, text in enumerate(lines, start=1) if text.split(",", 1)[0] == key)


def set_field(path: Path, key: str, column: str, value: str) -> int:
    """Set one field of the row whose first field is `key`; return the line the row is on."""
    header, rows = read_rows(path)
    line = line_of(path, key)
    row = next(row for row in rows if row[0] == key)
    row[header.index(column)] = value
    write_rows(path, header, rows)
    return line


def count_rows(path: Path) -> int:
    """Data rows in a CSV file as the csv module reads it (blank rows aside), whatever the encoding."""
    if not path.exists():
        return 0
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8", errors="replace"), newline="")))
    return max(0, len([row for row in rows if any(value.strip() for value in row)]) - 1)


def assert_nothing_lost(dataset: Dataset, folder: Path) -> None:
    """Every row of records.csv and places.csv is either valid or rejected with a problem."""
    assert len(dataset.records) + len(dataset.rejected_lines) == dataset.rows_in_files == count_rows(folder / "records.csv")
    assert len(dataset.places) + len(dataset.rejected_place_lines) == dataset.place_rows_in_file == count_rows(folder / "places.csv")
    for lines, file in ((dataset.rejected_lines, "records.csv"), (dataset.rejected_place_lines, "places.csv")):
        reported = {problem.line for problem in dataset.problems if problem.file == file}
        unexplained = [line for line in lines if line not in reported]
        whole_file = [problem for problem in dataset.problems if problem.file == file and problem.line in (None, 1)]
        assert not unexplained or whole_file, f"{file} lines {unexplained} rejected without a problem on that line"


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


# --- the bundled data ---------------------------------------------------------------------------


def test_the_bundled_data_validates_clean():
    report = validate(DATA)
    assert report.problems == []
    assert len(report.dataset.records) == count_rows(DATA / "records.csv")
    assert len(report.dataset.places) == count_rows(DATA / "places.csv")
    assert len(report.stops) == count_rows(DATA / "stops.csv")


def test_the_copied_folder_validates_clean(folder):
    """The baseline of every case below: the copy, rewritten by the test's csv writer, is clean."""
    for name in ("records.csv", "places.csv", "stops.csv"):
        header, rows = read_rows(folder / name)
        write_rows(folder / name, header, rows)
        assert (folder / name).read_bytes() == (DATA / name).read_bytes()
    assert validate(folder).problems == []


# --- one field at a time ------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    file: str
    key: str  # record_id or place_id of the row to change
    column: str
    value: str
    field: str | None = None  # the field the problem names, if not `column`


# Placeholders filled from the seeds and the files, so no expectation is typed by hand.
AFTER_REPORT = "{after_report}"
FIELD_CASES = [
    # required fields
    pytest.param(Edit("records.csv", "washington-meeting", "title", ""), ["is required but blank", "expected any text"], id="title-blank"),
    pytest.param(Edit("records.csv", "washington-meeting", "source_quote", ""), ["is required but blank", "expected verbatim text of the source"], id="quote-blank"),
    pytest.param(Edit("records.csv", "washington-meeting", "date", ""), ["is required but blank", "YYYY-MM-DD"], id="date-blank"),
    pytest.param(Edit("places.csv", "brussels", "name", ""), ["is required but blank"], id="place-name-blank"),
    pytest.param(Edit("places.csv", "brussels", "lat", ""), ["is required but blank", "-90 to 90"], id="lat-blank"),
    # types and allowed values
    pytest.param(Edit("records.csv", "washington-meeting", "record_id", "Washington Meeting"), ["'Washington Meeting' is not an id", "lowercase letters, digits and single hyphens"], id="id-with-capitals-and-space"),
    pytest.param(Edit("records.csv", "washington-meeting", "kind", "meetng"), ["'meetng' is not allowed", "did you mean 'meeting'?"], id="kind-misspelled"),
    pytest.param(Edit("records.csv", "washington-meeting", "kind", "rumour"), ["'rumour' is not allowed", "allowed: meeting, agreement"], id="kind-unknown"),
    pytest.param(Edit("records.csv", "washington-meeting", "date_precision", "week"), ["'week' is not allowed", "day, range"], id="date-precision-unknown"),
    pytest.param(Edit("records.csv", "nato-brussels-meeting", "status_reported", "happened"), ["'happened' is not allowed", "held"], id="status-unknown"),
    pytest.param(Edit("places.csv", "brussels", "geo_precision", "town"), ["'town' is not allowed", "site, city, territory"], id="geo-precision-unknown"),
    pytest.param(Edit("records.csv", "washington-meeting", "title", " Meeting in Washington"), ["' Meeting in Washington' has leading or trailing spaces; remove them"], id="leading-space"),
    pytest.param(Edit("records.csv", "washington-meeting", "participants", "Lars Løkke Rasmussen"), ["'Lars Løkke Rasmussen' is not 'Name (role)'", "separate participants with ';'"], id="participant-without-role"),
    # dates
    pytest.param(Edit("records.csv", "washington-meeting", "date", "2026-02-30"), ["'2026-02-30' is not a calendar date", "expected YYYY-MM-DD"], id="date-not-a-calendar-day"),
    pytest.param(Edit("records.csv", "washington-meeting", "date", "14/01/2026"), ["'14/01/2026' is not a calendar date", "expected YYYY-MM-DD"], id="date-day-first"),
    pytest.param(Edit("records.csv", "washington-meeting", "date", "2026-1-14"), ["'2026-1-14' is not a calendar date"], id="date-without-zero-padding"),
    pytest.param(Edit("records.csv", "deployment-fra", "date_latest", "2026-13-01"), ["'2026-13-01' is not a calendar date"], id="date-latest-month-13"),
    pytest.param(Edit("records.csv", "washington-meeting", "reported_on", "2026-01-32"), ["'2026-01-32' is not a calendar date"], id="reported-on-day-32"),
    pytest.param(Edit("records.csv", "deployment-fra", "date_latest", "2026-01-13"), ["2026-01-13 is before date 2026-01-14", "date_latest must be on or after date"], id="date-latest-before-date"),
    pytest.param(Edit("records.csv", "deployment-fra", "date_latest", ""), ["a range needs date_latest"], id="range-without-date-latest"),
    pytest.param(Edit("records.csv", "deployment-fra", "date_latest", "2026-01-14"), ["equals date", "use date_precision 'day' and leave date_latest blank"], id="range-of-one-day"),
    pytest.param(Edit("records.csv", "washington-meeting", "date_latest", "2026-01-15"), ["must be blank when date_precision is 'day'", "use 'range'"], id="day-with-date-latest"),
    pytest.param(Edit("records.csv", "washington-meeting", "reported_on", AFTER_REPORT), ["{after_report} is after the source's report date {report_date}", "it can be {report_date} at the latest"], id="reported-after-the-source"),
    # ISO 3166 codes
    pytest.param(Edit("records.csv", "washington-meeting", "country_iso3", "XXX"), ["'XXX' is not an ISO 3166-1 alpha-3 country code", "in capitals, e.g. DNK"], id="country-code-unknown"),
    pytest.param(Edit("records.csv", "washington-meeting", "country_iso3", "US"), ["'US' is not an ISO 3166-1 alpha-3", "did you mean 'USA'"], id="country-code-alpha-2"),
    pytest.param(Edit("records.csv", "washington-meeting", "country_iso3", "usa"), ["'usa' is not an ISO 3166-1 alpha-3", "did you mean 'USA'"], id="country-code-lowercase"),
    pytest.param(Edit("records.csv", "washington-meeting", "actor_iso3", "DNK/GRL/USA"), ["'DNK/GRL/USA' is not an ISO 3166-1 alpha-3", "separate codes with ';'"], id="actor-codes-wrong-separator"),
    pytest.param(Edit("records.csv", "washington-meeting", "actor_iso3", "DNK;GRL;UK"), ["'UK' is not an ISO 3166-1 alpha-3"], id="actor-code-not-iso"),
    pytest.param(Edit("places.csv", "greenland", "country_iso3", "GL"), ["'GL' is not an ISO 3166-1 alpha-3", "did you mean 'GRL'"], id="place-country-alpha-2"),
    pytest.param(Edit("places.csv", "greenland", "outline_iso3", "GRX"), ["'GRX' is not an ISO 3166-1 alpha-3"], id="outline-code-unknown"),
    # personnel
    pytest.param(Edit("records.csv", "deployment-deu", "personnel", "-13"), ["'-13' is not a whole number >= 0", "leave it blank when the source states no number"], id="personnel-negative"),
    pytest.param(Edit("records.csv", "deployment-deu", "personnel", "13.0"), ["'13.0' is not a whole number >= 0"], id="personnel-decimal"),
    pytest.param(Edit("records.csv", "deployment-deu", "personnel", "about 13"), ["'about 13' is not a whole number >= 0"], id="personnel-words"),
    pytest.param(Edit("records.csv", "deployment-deu", "personnel", "013"), ["'013' has leading zeros; write 13"], id="personnel-leading-zero"),
    pytest.param(Edit("records.csv", "deployment-deu", "personnel", "14"), ["14 is not stated in the quote", "leave personnel blank"], id="personnel-not-in-quote"),
    pytest.param(Edit("records.csv", "deployment-dnk", "personnel", "0"), ["0 is not stated in the quote", "leave personnel blank"], id="personnel-zero-for-not-stated"),
    pytest.param(Edit("records.csv", "deployment-fra", "personnel", "5"), ["5 is not stated in the quote"], id="personnel-for-very-small-numbers"),
    pytest.param(Edit("records.csv", "washington-meeting", "personnel", "3"), ["only deployments carry personnel (kind is 'meeting')", "leave it blank"], id="personnel-on-a-meeting"),
    pytest.param(Edit("records.csv", "deployment-deu", "actor_iso3", "DEU;DNK"), ["exactly one contributing country, not 2", "one record per country"], id="deployment-with-two-countries"),
    # coordinates and the gazetteer
    pytest.param(Edit("places.csv", "brussels", "lat", "95"), ["95 is outside -90 to 90", "degrees north in WGS 84"], id="lat-beyond-the-pole"),
    pytest.param(Edit("places.csv", "brussels", "lon", "-200"), ["-200 is outside -180 to 180", "degrees east"], id="lon-out-of-range"),
    pytest.param(Edit("places.csv", "brussels", "lat", "50,8467"), ["'50,8467' is not a number", "decimal degrees with a point"], id="lat-decimal-comma"),
    pytest.param(Edit("places.csv", "brussels", "lon", "nan"), ["nan is outside -180 to 180"], id="lon-not-a-number"),
    pytest.param(Edit("places.csv", "greenland", "outline_iso3", ""), ["a territory needs the ISO3 code of the outline to draw"], id="territory-without-outline"),
    pytest.param(Edit("places.csv", "washington", "outline_iso3", "USA"), ["only a territory is drawn as an outline; leave it blank for a city"], id="city-with-outline"),
    pytest.param(Edit("places.csv", "greenland", "outline_iso3", "JPN"), ["'JPN' has no outline in the basemap"], id="outline-not-in-basemap"),
    pytest.param(Edit("records.csv", "deployment-dnk", "place_id", "greenlnd"), ["'greenlnd' is not in the gazetteer (places.csv)", "did you mean 'greenland'?"], id="place-misspelled"),
    pytest.param(Edit("records.csv", "deployment-dnk", "origin_place_id", "atlantis"), ["'atlantis' is not in the gazetteer", "add it to places.csv or leave it blank"], id="origin-not-in-gazetteer"),
    # duplicate ids
    pytest.param(Edit("records.csv", "working-group-agreed", "record_id", "washington-meeting"), ["duplicate id 'washington-meeting' (first on line {lines[washington-meeting]})", "give each record its own id"], id="record-id-duplicate"),
    pytest.param(Edit("places.csv", "brussels", "place_id", "washington"), ["duplicate id 'washington' (first on line {lines[washington]})", "give each place its own id"], id="place-id-duplicate"),
    # provenance: the source file and the quote
    pytest.param(Edit("records.csv", "washington-meeting", "source", "missing.txt"), ["'missing.txt' is not a source document in seeds/", f"one of: {SOURCE}"], id="source-not-in-seeds"),
    pytest.param(Edit("records.csv", "washington-meeting", "source", SOURCE.replace(".txt", ".text")), [f"did you mean '{SOURCE}'?"], id="source-extension-misspelled"),
    pytest.param(Edit("records.csv", "washington-meeting", "source", f"../seeds/{SOURCE}"), ["is not a source document in seeds/", f"did you mean '{SOURCE}'?"], id="source-with-a-path"),
    pytest.param(Edit("records.csv", "washington-meeting", "source", SIDECAR), ["is not a source document in seeds/"], id="source-is-the-sidecar"),
    pytest.param(Edit("records.csv", "washington-meeting", "source_quote", "{quote:washington-meeting|Wednesday|Tuesday}"), [f"is not verbatim in {SOURCE} (only whitespace may differ)", "copy the sentence exactly"], id="quote-word-changed"),
    pytest.param(Edit("records.csv", "washington-meeting", "source_quote", "{quote:washington-meeting|“|\"}"), ["is not verbatim"], id="quote-straight-for-curly-quotes"),
    pytest.param(Edit("records.csv", "deployment-deu", "source_quote", "{quote:deployment-deu|13 troops|13 soldiers}"), ["is not verbatim"], id="quote-paraphrased"),
]


def fill(text: str, context: dict) -> str:
    """Fill placeholders: {after_report}, {report_date}, {lines[key]}, {quote:id|old|new}."""
    quote = re.fullmatch(r"\{quote:([^|]+)\|([^|]+)\|([^|]*)\}", text)
    if quote:
        key, old, new = quote.groups()
        original = context["quotes"][key]
        assert old in original, f"{old!r} not in the quote of {key}"
        return original.replace(old, new, 1)
    return text.format(**context)


def context_for(folder: Path) -> dict:
    lines = {}
    for name in ("records.csv", "places.csv"):
        _, rows = read_rows(folder / name)
        lines.update({row[0]: line_of(folder / name, row[0]) for row in rows})
    header, rows = read_rows(folder / "records.csv")
    quotes = {row[0]: row[header.index("source_quote")] for row in rows}
    after = REPORT_DATE + dt.timedelta(days=1)
    return {"after_report": after.isoformat(), "report_date": REPORT_DATE.isoformat(), "lines": lines, "quotes": quotes}


@pytest.mark.parametrize("edit, wording", FIELD_CASES)
def test_a_bad_field_is_reported_with_file_line_field_and_fix(folder, edit, wording):
    context = context_for(folder)
    line = set_field(folder / edit.file, edit.key, edit.column, fill(edit.value, context))
    dataset = load_dataset(folder)

    assert_reported(dataset.problems, edit.file, line, edit.field or edit.column, *(fill(w, context) for w in wording))
    rejected = dataset.rejected_lines if edit.file == "records.csv" else dataset.rejected_place_lines
    assert line in rejected
    assert_nothing_lost(dataset, folder)
    # One broken field is one reported row: in records.csv nothing else is blamed; a broken place
    # rejects only the records that point at it, each naming the place's line.
    for problem in dataset.problems:
        if problem.file == edit.file:
            assert problem.line == line, str(problem)
        else:
            assert edit.file == "places.csv" and problem.field in ("place_id", "origin_place_id"), str(problem)


def test_a_record_pointing_at_a_rejected_place_names_that_places_line(folder):
    place_line = set_field(folder / "places.csv", "greenland", "lat", "95")
    dataset = load_dataset(folder)
    header, rows = read_rows(folder / "records.csv")
    pointing = [row[0] for row in rows if row[header.index("place_id")] == "greenland"]
    assert pointing
    for record_id in pointing:
        assert_reported(
            dataset.problems, "records.csv", line_of(folder / "records.csv", record_id), "place_id",
            f"'greenland' is rejected in places.csv (line {place_line}); fix that row",
        )
    assert_nothing_lost(dataset, folder)


def test_every_checked_column_has_a_bad_input_case():
    """A column whose values are checked (anything but free text) must appear in the table above."""
    dictionary = load_dictionary()
    checked = {
        (column.file, column.name)
        for file in ("records.csv", "places.csv")
        for column in dictionary[file]
        if column.type != "text"
    }
    covered = {(param.values[0].file, param.values[0].field or param.values[0].column) for param in FIELD_CASES}
    assert checked - covered == set()


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
    header, rows = read_rows(folder / "records.csv")
    column = header.index("source_quote")
    rows[0][column] = rows[0][column].replace(old, new)
    write_rows(folder / "records.csv", header, rows)
    dataset = load_dataset(folder)
    assert dataset.problems == []
    assert len(dataset.records) == len(rows)


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
        pytest.param(None, [f"the source has no sidecar seeds/{SIDECAR}", '"report_date": "YYYY-MM-DD"'], id="sidecar-missing"),
        pytest.param("{not json", [f"seeds/{SIDECAR} is not valid UTF-8 JSON"], id="sidecar-not-json"),
        pytest.param('{"file": "x"}', [f"seeds/{SIDECAR} has no valid report_date (found None)"], id="sidecar-without-report-date"),
        pytest.param('{"report_date": "15 January 2026"}', ["has no valid report_date (found '15 January 2026')"], id="sidecar-report-date-not-iso"),
    ],
)
def test_a_broken_sidecar_rejects_the_records_that_cite_it(folder, sidecar, wording):
    write_sidecar(folder, sidecar)
    dataset = load_dataset(folder)
    header, rows = read_rows(folder / "records.csv")
    citing = [row[0] for row in rows if row[header.index("source")] == SOURCE]
    for record_id in citing:
        assert_reported(
            dataset.problems, "records.csv", line_of(folder / "records.csv", record_id), "reported_on",
            "cannot be checked against the source's report date", *wording,
        )
    assert len(dataset.records) == len(rows) - len(citing)
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


@dataclass(frozen=True)
class Expect:
    file: str
    line: int | str | None  # a number, a row key whose line is meant, or None for the whole file
    field: str | None
    wording: tuple[str, ...]


def expect(file, line, field, *wording):
    return Expect(file, line, field, wording)


FILE_CASES = [
    pytest.param(remove("records.csv"), [expect("records.csv", None, None, "file is missing: expected", "records.csv")], 0, id="records-missing"),
    pytest.param(remove("places.csv"), [expect("places.csv", None, None, "file is missing"), expect("records.csv", "washington-meeting", "place_id", "'washington' is not in the gazetteer")], None, id="places-missing"),
    pytest.param(write_bytes("records.csv", b""), [expect("records.csv", None, None, "file is empty: expected a header line and data rows")], 0, id="records-empty"),
    pytest.param(write_bytes("records.csv", b"\n\n  \n"), [expect("records.csv", None, None, "file is empty")], 0, id="records-only-blank-lines"),
    pytest.param(write_bytes("places.csv", b""), [expect("places.csv", None, None, "file is empty"), expect("records.csv", "deployment-deu", "origin_place_id", "'denmark' is not in the gazetteer")], None, id="places-empty"),
    pytest.param(
        in_cp1252("records.csv"),
        [
            expect("records.csv", None, None, "not valid UTF-8", "save the file as UTF-8"),
            expect("records.csv", "washington-meeting", "participants", "holds bytes that are not UTF-8", "L\ufffdkke"),
        ],
        None,
        id="records-saved-as-cp1252",
    ),
    pytest.param(
        one_value_in_cp1252("records.csv", "washington-meeting", "Løkke"),
        [
            expect("records.csv", None, None, "not valid UTF-8 (byte 0xf8 (Windows-1252 for 'ø'?) first on line {lines[washington-meeting]})"),
            expect("records.csv", "washington-meeting", "participants", "holds bytes that are not UTF-8", "save the file as UTF-8"),
        ],
        1,
        id="one-name-pasted-as-cp1252",
    ),
    pytest.param(
        rename_column("records.csv", "title", "titel"),
        [
            expect("records.csv", 1, "titel", "unknown column 3 'titel'", "did you mean 'title'?"),
            expect("records.csv", 1, "title", "required column 'title' is missing from the header"),
            expect("records.csv", None, None, "rows rejected: required columns missing (title)"),
        ],
        "all",
        id="header-required-column-misspelled",
    ),
    pytest.param(
        rename_column("records.csv", "personnel", "personel"),
        [
            expect("records.csv", 1, "personel", "unknown column 14 'personel'", "did you mean 'personnel'?"),
            expect("records.csv", 1, "personnel", "column 'personnel' is missing from the header"),
            expect("records.csv", "deployment-deu", "personel", "'13' is in column 14, which is not documented, and would be lost"),
        ],
        2,  # the two records that state personnel; the others lose nothing
        id="header-optional-column-misspelled",
    ),
    pytest.param(
        rename_column("records.csv", "kind", "kind "),
        [expect("records.csv", 1, "kind ", "unknown column 2 'kind '", "did you mean 'kind'?")],
        "all",
        id="header-trailing-space",
    ),
    pytest.param(
        rename_column("records.csv", "summary", "title"),
        [expect("records.csv", 1, "title", "column 4 'title' repeats an earlier column; keep one")],
        None,
        id="header-column-repeated",
    ),
    pytest.param(
        rename_column("places.csv", "lat", "latitude"),
        [expect("places.csv", 1, "latitude", "unknown column 3 'latitude'", "documented columns: place_id, name, lat")],
        None,
        id="places-header-renamed-column",
    ),
    pytest.param(
        edit_line("records.csv", "working-group-agreed", "Agreement to form", "Agreement, to form"),
        [expect("records.csv", "working-group-agreed", None, "row has 21 fields but the header has 20", "stray or missing delimiter", "double quotes")],
        1,
        id="stray-delimiter",
    ),
    pytest.param(
        edit_line("records.csv", "washington-meeting", ",,day,", ",day,"),
        [expect("records.csv", "washington-meeting", None, "row has 19 fields but the header has 20")],
        1,
        id="missing-delimiter",
    ),
    pytest.param(
        edit_line("places.csv", "brussels", "Brussels,", "Brussels,,"),
        [expect("places.csv", "brussels", None, "row has 9 fields but the header has 8")],
        None,
        id="places-stray-delimiter",
    ),
    pytest.param(
        edit_line("records.csv", "deployment-gbr", 'schematic."', "schematic."),
        [expect("records.csv", "deployment-gbr", None, "it runs on to line {lines[dnk-working-group-remark]}", "an unclosed double quote?")],
        None,
        id="unclosed-double-quote",
    ),
    pytest.param(
        transform("records.csv", lambda text: "\ufeff" + text),
        [expect("records.csv", 1, None, "byte-order mark (BOM); save it as UTF-8 without BOM")],
        0,
        id="records-with-bom",
    ),
    pytest.param(
        transform("places.csv", lambda text: "\ufeff" + text),
        [expect("places.csv", 1, None, "byte-order mark (BOM)")],
        0,
        id="places-with-bom",
    ),
]


def resolve_line(folder: Path, file: str, line, lines: dict) -> int | None:
    return lines[line] if isinstance(line, str) else line


@pytest.mark.parametrize("mutate, expected, records_rejected", FILE_CASES)
def test_a_broken_file_is_reported_and_nothing_is_lost(folder, mutate, expected, records_rejected):
    context = context_for(folder)  # lines and quotes before the file is broken
    rows_before = count_rows(folder / "records.csv")
    mutate(folder)
    dataset = load_dataset(folder)

    for item in expected:
        line = resolve_line(folder, item.file, item.line, context["lines"])
        assert_reported(dataset.problems, item.file, line, item.field, *(w.format(**context) for w in item.wording))
    if records_rejected == "all":
        assert len(dataset.rejected_lines) == rows_before and dataset.records.empty
    elif records_rejected is not None:
        assert len(dataset.rejected_lines) == records_rejected
    assert_nothing_lost(dataset, folder)


# --- the dictionary itself ----------------------------------------------------------------------


def test_a_column_type_the_validator_does_not_know_is_reported(tmp_path):
    """A typo in the dictionary's type would let any value through: it must fail loudly."""
    source = (DATA / "dictionary.csv").read_text(encoding="utf-8")
    target = "records.csv,personnel,integer,"
    assert target in source
    dictionary = tmp_path / "dictionary.csv"
    dictionary.write_text(source.replace(target, "records.csv,personnel,interger,"), encoding="utf-8")
    dataset = load_dataset(DATA, dictionary_path=dictionary)
    assert_reported(dataset.problems, "dictionary.csv", None, "records.csv personnel", "unknown type 'interger'", "integer")


def test_an_unreadable_basemap_is_reported_not_skipped(tmp_path):
    basemap = tmp_path / "basemap.geojson"
    basemap.write_text("{", encoding="utf-8")
    dataset = load_dataset(DATA, basemap_path=basemap)
    assert_reported(dataset.problems, "basemap.geojson", None, None, "outlines are not checked", "python -m geo.basemap")


def test_the_bundled_dictionary_uses_only_known_types():
    dictionary = load_dictionary()
    types = {column.type for file in ("records.csv", "places.csv") for column in dictionary[file]}
    assert types <= set(KNOWN_TYPES)


# --- stops.csv, checked through geo.stops.load_stops --------------------------------------------


def set_stop(folder: Path, number: str, column: str, value: str) -> int:
    return set_field(folder / "stops.csv", number, column, value)


@pytest.mark.parametrize(
    "column, value, field, wording",
    [
        pytest.param("date", "2026-02-30", "date", ["'2026-02-30' is not a date", "expected YYYY-MM-DD"], id="stop-date-not-a-day"),
        pytest.param("date", "2025-01-01", "date", ["2025-01-01 is outside the records' dates"], id="stop-date-before-the-records"),
        pytest.param("view", "globe", "view", ["'globe' is not a view", "mercator or polar or leave blank"], id="stop-view-unknown"),
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
        pytest.param(edit_line("stops.csv", "3", "polar,", "polar"), expect("stops.csv", 4, None, "row has 6 fields but the header has 7"), id="stop-missing-delimiter"),
        pytest.param(rename_column("stops.csv", "caption", "captoin"), expect("stops.csv", 1, "captoin", "did you mean 'caption'?"), id="stop-header-misspelled"),
        pytest.param(in_cp1252("stops.csv"), expect("stops.csv", None, None, "not valid UTF-8", "save the file as UTF-8"), id="stops-saved-as-cp1252"),
    ],
)
def test_a_broken_stops_file_is_reported_without_a_traceback(folder, mutate, expected):
    mutate(folder)
    report = validate(folder)
    assert_reported(report.problems, expected.file, expected.line, expected.field, *expected.wording)
    assert report.stops == []


def test_a_folder_without_stops_is_valid(folder):
    (folder / "stops.csv").unlink()
    report = validate(folder)
    assert report.is_clean
    records, places = (count_rows(folder / name) for name in ("records.csv", "places.csv"))
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
    records, places, stops = (count_rows(DATA / name) for name in ("records.csv", "places.csv", "stops.csv"))
    assert result.stdout.splitlines() == [f"OK: {records} records, {places} places, {stops} stops in {DATA}"]
    assert result.stderr == ""


def test_cli_lists_one_line_per_problem_and_fails(folder, tmp_path):
    personnel_line = set_field(folder / "records.csv", "deployment-deu", "personnel", "14")
    lat_line = set_field(folder / "places.csv", "brussels", "lat", "95")
    result = run_cli(str(folder), cwd=tmp_path)

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"records.csv:{personnel_line}: personnel: 14 is not stated in the quote; quote the sentence that gives the number or leave personnel blank" in lines
    assert any(line.startswith(f"places.csv:{lat_line}: lat: 95 is outside -90 to 90") for line in lines)
    assert lines == [str(problem) for problem in validate(folder).problems]  # one validation for CLI and app
    assert all(PROBLEM_LINE.match(line) for line in lines)
    assert "problem(s)" in result.stderr and "rejected" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_reports_a_broken_file_without_a_traceback(folder, tmp_path):
    (folder / "records.csv").write_bytes((folder / "records.csv").read_text(encoding="utf-8").encode("cp1252"))
    result = run_cli(str(folder), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines()[0].startswith("records.csv: -: not valid UTF-8")


def test_cli_refuses_a_folder_that_does_not_exist(tmp_path):
    result = run_cli(str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 2
    assert "nowhere is not a folder" in result.stderr
    assert result.stdout == ""
