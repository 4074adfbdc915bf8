"""Load and validate the curated records and the gazetteer.

One function, `load_dataset`, reads `records.csv` and `places.csv`, checks every row against the data
dictionary and the seeds, and returns the valid records together with one `Problem` per defect. A
row with a defect is rejected, never dropped silently: it is listed with its file, line and field.
The curator's validator (`python -m geo.validate`) and the dashboard use this same function.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pycountry

from geo.dictionary import Column, load_dictionary
from geo.paths import DATA_DIR, DICTIONARY_PATH, seeds_dir_for

RECORDS_FILE = "records.csv"
PLACES_FILE = "places.csv"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PARTICIPANT_PATTERN = re.compile(r"^[^;()]+ \([^;()]+\)$")
UTF8_BOM = b"\xef\xbb\xbf"
CHRONOLOGICAL = ["date", "line"]  # by day, then in the curators' order of the file
NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()


@dataclass(frozen=True)
class Problem:
    """One defect: where it is (file, 1-based line, field) and what would be right."""

    file: str
    line: int | None
    field: str | None
    message: str
    record_id: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field or '-'}: {self.message}"


@dataclass
class Dataset:
    """Valid records (one row each, with their place joined) and everything that was rejected."""

    records: pd.DataFrame
    places: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows_in_files: int = 0  # records.csv data rows, valid or not
    rejected_lines: list[int] = field(default_factory=list)  # records.csv lines rejected

    @property
    def is_clean(self) -> bool:
        return not self.problems


@dataclass
class _Table:
    rows: list[tuple[int, dict[str, str]]]  # (line number, values)
    problems: list[Problem]
    bad_lines: set[int]


def _read_table(path: Path, columns: list[Column]) -> _Table:
    """Read a CSV strictly: report encoding, BOM, header and field-count defects with line numbers."""
    name = path.name
    problems: list[Problem] = []
    bad_lines: set[int] = set()
    if not path.exists():
        return _Table([], [Problem(name, None, None, f"file is missing: expected {path}")], set())
    raw = path.read_bytes()
    if raw.startswith(UTF8_BOM):
        problems.append(
            Problem(name, 1, None, "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
        )
        raw = raw[len(UTF8_BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(
            Problem(name, line, None, f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8")
        )
        text = raw.decode("utf-8", errors="replace")
    if not text.strip():
        problems.append(Problem(name, None, None, "file is empty: expected a header line and data rows"))
        return _Table([], problems, bad_lines)

    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    expected = [column.name for column in columns]
    required = {column.name for column in columns if column.is_required}
    for position, column_name in enumerate(header, start=1):
        if column_name not in expected:
            guess = difflib.get_close_matches(column_name, expected, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else f"documented columns: {', '.join(expected)}"
            problems.append(Problem(name, 1, column_name, f"unknown column {position} '{column_name}'; {hint}"))
    missing = [column_name for column_name in expected if column_name not in header]
    for column_name in missing:
        severity = "required column" if column_name in required else "column"
        problems.append(Problem(name, 1, column_name, f"{severity} '{column_name}' is missing from the header"))
    missing_required = [column_name for column_name in missing if column_name in required]

    rows: list[tuple[int, dict[str, str]]] = []
    for values in reader:
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    f"row has {len(values)} fields but the header has {len(header)}"
                    " (a stray or missing delimiter? quote text that contains commas)",
                    record_id=values[0] if values else None,
                )
            )
            bad_lines.add(line)
        row = dict(zip(header, values))
        if "\ufffd" in "".join(values):
            problems.append(Problem(name, line, None, "row holds bytes that are not UTF-8", row.get(expected[0])))
            bad_lines.add(line)
        if missing_required:
            bad_lines.add(line)
        rows.append((line, row))
    if missing_required and rows:
        problems.append(
            Problem(name, None, None, f"all {len(rows)} rows rejected: required columns missing ({', '.join(missing_required)})")
        )
    return _Table(rows, problems, bad_lines)


def _is_iso3(code: str) -> bool:
    return pycountry.countries.get(alpha_3=code) is not None


def _parse_date(value: str) -> dt.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _check_value(column: Column, value: str) -> str | None:
    """What is wrong with one non-blank value of a column, or None."""
    kind = column.type
    if kind == "id" and not ID_PATTERN.match(value):
        return f"'{value}' is not an id: use lowercase letters, digits and single hyphens"
    if kind == "enum" and value not in column.allowed_values():
        guess = difflib.get_close_matches(value, column.allowed_values(), n=1)
        hint = f"did you mean '{guess[0]}'?" if guess else f"allowed: {', '.join(column.allowed_values())}"
        return f"'{value}' is not allowed; {hint}"
    if kind == "date" and _parse_date(value) is None:
        return f"'{value}' is not a calendar date; expected YYYY-MM-DD, e.g. 2026-01-14"
    if kind == "integer" and not re.fullmatch(r"\d+", value):
        return f"'{value}' is not a whole number >= 0; leave it blank when the source states no number"
    if kind == "float":
        try:
            float(value)
        except ValueError:
            return f"'{value}' is not a number"
    if kind == "iso3" and not _is_iso3(value):
        return f"'{value}' is not an ISO 3166-1 alpha-3 country code (e.g. DNK, GRL, USA)"
    if kind == "iso3_list":
        bad = [code for code in value.split(";") if not _is_iso3(code)]
        if bad:
            return f"{', '.join(repr(code) for code in bad)} not ISO 3166-1 alpha-3; separate codes with ';'"
    if kind == "participants":
        bad = [entry for entry in value.split(";") if not PARTICIPANT_PATTERN.match(entry)]
        if bad:
            return f"{bad[0]!r} is not 'Name (role)'; separate participants with ';'"
    return None


def _check_row(file: str, line: int, row: dict[str, str], columns: list[Column]) -> list[Problem]:
    problems = []
    record_id = row.get(columns[0].name) or None
    for column in columns:
        value = row.get(column.name)
        if value is None:
            continue  # reported once for the header
        if value != value.strip():
            problems.append(Problem(file, line, column.name, "has leading or trailing spaces", record_id))
            continue
        if value == "":
            if column.is_required:
                problems.append(Problem(file, line, column.name, "is required but blank", record_id))
            continue
        message = _check_value(column, value)
        if message:
            problems.append(Problem(file, line, column.name, message, record_id))
    return problems


def _normalise_space(text: str) -> str:
    return " ".join(text.split())


def _states_number(quote: str, number: int) -> bool:
    words = re.findall(r"[A-Za-z]+|\d+", quote.lower())
    spelled = NUMBER_WORDS[number] if number < len(NUMBER_WORDS) else None
    return str(number) in words or (spelled is not None and spelled in words)


def _source_report_date(seeds_dir: Path, source: str) -> dt.date | None:
    sidecar = seeds_dir / (Path(source).stem + ".meta.json")
    if not sidecar.exists():
        return None
    return _parse_date(json.loads(sidecar.read_text(encoding="utf-8")).get("report_date", ""))


def _check_places(table: _Table, columns: list[Column]) -> tuple[dict[str, dict], list[Problem], set[int]]:
    problems = list(table.problems)
    bad = set(table.bad_lines)
    places: dict[str, dict] = {}
    for line, row in table.rows:
        row_problems = _check_row(PLACES_FILE, line, row, columns)
        for name, low, high in (("lat", -90, 90), ("lon", -180, 180)):
            try:
                value = float(row.get(name, ""))
            except ValueError:
                continue
            if not low <= value <= high:
                row_problems.append(Problem(PLACES_FILE, line, name, f"{value} is outside {low}…{high}", row.get("place_id")))
        place_id = row.get("place_id", "")
        if place_id in places:
            row_problems.append(Problem(PLACES_FILE, line, "place_id", f"duplicate id '{place_id}' (first on line {places[place_id]['_line']})", place_id))
        if row.get("geo_precision") == "territory" and not row.get("outline_iso3"):
            row_problems.append(Problem(PLACES_FILE, line, "outline_iso3", "a territory needs the outline to draw (an ISO3 code)", place_id))
        problems.extend(row_problems)
        if row_problems or line in bad:
            bad.add(line)
            continue
        places[place_id] = {**row, "lat": float(row["lat"]), "lon": float(row["lon"]), "_line": line}
    return places, problems, bad


def _check_record_links(line: int, row: dict[str, str], places: dict, seeds_dir: Path, seen: dict[str, int]) -> list[Problem]:
    """Checks across fields, files and seeds for one record row whose fields are individually valid."""
    file = RECORDS_FILE
    record_id = row["record_id"]
    problems: list[Problem] = []

    def add(field_name: str, message: str) -> None:
        problems.append(Problem(file, line, field_name, message, record_id))

    if record_id in seen:
        add("record_id", f"duplicate id '{record_id}' (first on line {seen[record_id]})")
    date = _parse_date(row["date"])
    latest = _parse_date(row.get("date_latest", ""))
    if row["date_precision"] == "range" and latest is None:
        add("date_latest", "a range needs date_latest (the latest day the event can have happened)")
    if row["date_precision"] == "day" and latest is not None:
        add("date_latest", "must be blank when date_precision is 'day'; use 'range' for a span")
    if latest is not None and date is not None and latest < date:
        add("date_latest", f"{latest} is before date {date}; date_latest must be on or after date")
    for key in ("place_id", "origin_place_id"):
        if row.get(key) and row[key] not in places:
            guess = difflib.get_close_matches(row[key], list(places), n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else "add it to places.csv"
            add(key, f"'{row[key]}' is not in the gazetteer (places.csv); {hint}")
    source_path = seeds_dir / row["source"]
    if not source_path.is_file():
        add("source", f"'{row['source']}' is not a file in {seeds_dir.name}/")
    else:
        text = source_path.read_text(encoding="utf-8", errors="replace")
        if _normalise_space(row["source_quote"]) not in _normalise_space(text):
            add("source_quote", f"is not verbatim in {row['source']} (only whitespace may differ); copy the sentence exactly")
        reported = _parse_date(row["reported_on"])
        report_date = _source_report_date(seeds_dir, row["source"])
        if report_date and reported and reported > report_date:
            add("reported_on", f"{reported} is after the source's report date {report_date}")
    if row["kind"] == "deployment":
        if len([code for code in row.get("actor_iso3", "").split(";") if code]) != 1:
            add("actor_iso3", "a deployment has exactly one contributing country")
        if row.get("personnel") and row["personnel"].isdigit():
            if not _states_number(row["source_quote"], int(row["personnel"])):
                add("personnel", f"{row['personnel']} is not stated in the quote; quote the sentence that gives the number or leave personnel blank")
    elif row.get("personnel"):
        add("personnel", f"only deployments carry personnel (kind is '{row['kind']}')")
    return problems


JOINED_COLUMNS = ["line", "place", "lat", "lon", "geo_precision", "outline_iso3", "origin_lat", "origin_lon"]


def _record_frame(rows: list[tuple[int, dict[str, str]]], places: dict, columns: list[str]) -> pd.DataFrame:
    """Typed records: dates as `datetime.date`, personnel as nullable Int64, the place joined."""
    if not rows:
        return pd.DataFrame(columns=columns + JOINED_COLUMNS)
    frame = pd.DataFrame([{**row, "line": line} for line, row in rows])
    for key in ("date", "date_latest", "reported_on"):
        frame[key] = frame[key].map(lambda value: _parse_date(value) if value else None)
    frame["personnel"] = pd.array([int(v) if v else pd.NA for v in frame["personnel"]], dtype="Int64")

    def place_value(place_id: str, key: str):
        return places[place_id][key] if place_id else None

    for key in ("name", "lat", "lon", "geo_precision", "outline_iso3"):
        target = "place" if key == "name" else key
        frame[target] = [place_value(place_id, key) for place_id in frame["place_id"]]
    frame["origin_lat"] = [place_value(p, "lat") for p in frame["origin_place_id"]]
    frame["origin_lon"] = [place_value(p, "lon") for p in frame["origin_place_id"]]
    frame["lat"] = pd.to_numeric(frame["lat"])
    frame["lon"] = pd.to_numeric(frame["lon"])
    return frame.sort_values(CHRONOLOGICAL, kind="stable").reset_index(drop=True)


def load_dataset(data_dir: Path = DATA_DIR, seeds_dir: Path | None = None, dictionary_path: Path = DICTIONARY_PATH) -> Dataset:
    """Read, validate and join records and places; rejected rows are listed in `problems`."""
    data_dir = Path(data_dir)
    seeds_dir = Path(seeds_dir) if seeds_dir else seeds_dir_for(data_dir)
    dictionary = load_dictionary(dictionary_path)
    place_table = _read_table(data_dir / PLACES_FILE, dictionary[PLACES_FILE])
    places, problems, _ = _check_places(place_table, dictionary[PLACES_FILE])

    record_columns = dictionary[RECORDS_FILE]
    record_table = _read_table(data_dir / RECORDS_FILE, record_columns)
    problems.extend(record_table.problems)
    valid: list[tuple[int, dict[str, str]]] = []
    rejected: set[int] = set(record_table.bad_lines)
    seen: dict[str, int] = {}
    for line, row in record_table.rows:
        if line in rejected:
            continue
        row_problems = _check_row(RECORDS_FILE, line, row, record_columns)
        if not row_problems:
            row_problems = _check_record_links(line, row, places, seeds_dir, seen)
        seen.setdefault(row.get("record_id", ""), line)
        if row_problems:
            problems.extend(row_problems)
            rejected.add(line)
        else:
            valid.append((line, {column.name: row.get(column.name, "") for column in record_columns}))
    return Dataset(
        records=_record_frame(valid, places, [column.name for column in record_columns]),
        places=pd.DataFrame([{k: v for k, v in place.items() if k != "_line"} for place in places.values()]),
        problems=problems,
        rows_in_files=len(record_table.rows),
        rejected_lines=sorted(rejected),
    )
