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
from geo.paths import BASEMAP_PATH, DATA_DIR, DICTIONARY_PATH, seeds_dir_for

RECORDS_FILE = "records.csv"
PLACES_FILE = "places.csv"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PARTICIPANT_PATTERN = re.compile(r"^[^;()]+ \([^;()]+\)$")
UTF8_BOM = b"\xef\xbb\xbf"
SIDECAR_SUFFIX = ".meta.json"
DICTIONARY_FILE = "dictionary.csv"
# Every column type the dictionary may use for records.csv and places.csv; each is checked below
# (place_ref, source_file and quote across files). A type outside this list fails loudly.
KNOWN_TYPES = (
    "id", "enum", "text", "date", "integer", "float", "iso3", "iso3_list", "participants",
    "place_ref", "source_file", "quote",
)
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
        text = f"{where}: {self.field or '-'}: {self.message}"
        return text.replace("\r", "\\r").replace("\n", "\\n")  # always one line


@dataclass
class Dataset:
    """Valid records (one row each, with their place joined) and everything that was rejected."""

    records: pd.DataFrame
    places: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows_in_files: int = 0  # records.csv data rows, valid or not
    rejected_lines: list[int] = field(default_factory=list)  # records.csv lines rejected
    place_rows_in_file: int = 0  # places.csv data rows, valid or not
    rejected_place_lines: list[int] = field(default_factory=list)  # places.csv lines rejected

    @property
    def is_clean(self) -> bool:
        return not self.problems


@dataclass
class _Table:
    rows: list[tuple[int, dict[str, str]]]  # (line number, values)
    problems: list[Problem]
    bad_lines: set[int]


def _describe_bad_bytes(raw: bytes, start: int) -> str:
    """The first non-UTF-8 bytes, and what they say if the file was saved as Windows-1252."""
    chunk = raw[start : start + 1]
    try:
        guess = f" (Windows-1252 for '{chunk.decode('cp1252')}'?)"
    except UnicodeDecodeError:
        guess = ""
    return f"byte 0x{chunk[0]:02x}{guess}"


def _read_table(path: Path, columns: list[Column]) -> _Table:
    """Read a CSV strictly: report encoding, BOM, header and field-count defects with line numbers.

    Each row carries the line it starts on. A row is marked bad (rejected) when its fields do not
    line up with the header, when it holds bytes that are not UTF-8, when a required column is
    missing from the header, or when it has a value in a column the dictionary does not know (that
    value would otherwise be lost without a word).
    """
    name = path.name
    problems: list[Problem] = []
    bad_lines: set[int] = set()
    if not path.is_file():
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
            Problem(
                name,
                None,
                None,
                f"not valid UTF-8 ({_describe_bad_bytes(raw, error.start)} first on line {line});"
                " save the file as UTF-8",
            )
        )
        text = raw.decode("utf-8", errors="replace")
    if not text.strip():
        problems.append(Problem(name, None, None, "file is empty: expected a header line and data rows"))
        return _Table([], problems, bad_lines)

    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    expected = [column.name for column in columns]
    required = {column.name for column in columns if column.is_required}
    unknown: set[int] = set()  # 0-based positions of header columns whose values have no home
    for position, column_name in enumerate(header, start=1):
        if column_name in header[: position - 1]:
            problems.append(
                Problem(name, 1, column_name, f"column {position} '{column_name}' repeats an earlier column; keep one")
            )
            unknown.add(position - 1)
        elif column_name not in expected:
            guess = difflib.get_close_matches(column_name, expected, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else f"documented columns: {', '.join(expected)}"
            problems.append(Problem(name, 1, column_name, f"unknown column {position} '{column_name}'; {hint}"))
            unknown.add(position - 1)
    missing = [column_name for column_name in expected if column_name not in header]
    for column_name in missing:
        severity = "required column" if column_name in required else "column"
        problems.append(Problem(name, 1, column_name, f"{severity} '{column_name}' is missing from the header"))
    missing_required = [column_name for column_name in missing if column_name in required]

    rows: list[tuple[int, dict[str, str]]] = []
    while True:
        line = reader.line_num + 1  # the line the next row starts on
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(
                Problem(name, line, None, f"cannot be read as CSV ({error}); the rest of the file is not read")
            )
            break
        if not any(value.strip() for value in values):
            continue
        record_id = values[0] if values else None
        if len(values) != len(header):
            cause = (
                f"it runs on to line {reader.line_num}: an unclosed double quote?"
                if reader.line_num > line
                else "a stray or missing delimiter? put text that contains commas in double quotes"
            )
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    f"row has {len(values)} fields but the header has {len(header)} ({cause})",
                    record_id=record_id,
                )
            )
            bad_lines.add(line)
        row: dict[str, str] = {}
        for index, (column_name, value) in enumerate(zip(header, values)):
            if index not in unknown:
                row[column_name] = value
            elif value.strip() and len(values) == len(header):
                problems.append(
                    Problem(
                        name,
                        line,
                        column_name,
                        f"'{value}' is in column {index + 1}, which is not documented, and would be lost;"
                        " fix the header (see the problem on line 1)",
                        record_id,
                    )
                )
                bad_lines.add(line)
        for column_name, value in row.items():
            if "\ufffd" in value:
                problems.append(
                    Problem(name, line, column_name, f"holds bytes that are not UTF-8 ('{value}'); save the file as UTF-8", record_id)
                )
                bad_lines.add(line)
        if missing_required:
            bad_lines.add(line)
        rows.append((line, row))
    if missing_required and rows:
        problems.append(
            Problem(name, None, None, f"all {len(rows)} rows rejected: required columns missing ({', '.join(missing_required)})")
        )
    return _Table(rows, problems, bad_lines)


def check_table_shape(path: Path, columns: list[Column]) -> list[Problem]:
    """The problems of a CSV file's shape against its dictionary columns: presence, encoding, BOM,
    header and field counts (the values themselves are not checked). Used for stops.csv."""
    return _read_table(path, columns).problems


def _is_iso3(code: str) -> bool:
    """An ISO 3166-1 alpha-3 code as pycountry knows it, in capitals (pycountry itself ignores case)."""
    return code.isupper() and pycountry.countries.get(alpha_3=code) is not None


def _iso3_hint(code: str) -> str:
    """What the right code might be: the code in capitals, or the alpha-3 of an alpha-2 code."""
    for guess in (pycountry.countries.get(alpha_3=code), pycountry.countries.get(alpha_2=code)):
        if guess is not None:
            return f"did you mean '{guess.alpha_3}' ({guess.name})?"
    return "use an ISO 3166-1 alpha-3 code in capitals, e.g. DNK, GRL, USA"


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
    if kind == "integer" and not re.fullmatch(r"0|[1-9]\d*", value):
        if re.fullmatch(r"\d+", value):
            return f"'{value}' has leading zeros; write {int(value)}"
        return f"'{value}' is not a whole number >= 0 (digits only); leave it blank when the source states no number"
    if kind == "float":
        try:
            float(value)
        except ValueError:
            return f"'{value}' is not a number; expected decimal degrees with a point, e.g. 72.5"
    if kind == "iso3" and not _is_iso3(value):
        return f"'{value}' is not an ISO 3166-1 alpha-3 country code; {_iso3_hint(value)}"
    if kind == "iso3_list":
        bad = [code for code in value.split(";") if not _is_iso3(code)]
        if bad:
            return (
                f"'{bad[0]}' is not an ISO 3166-1 alpha-3 country code; {_iso3_hint(bad[0])}"
                " (separate codes with ';', no spaces)"
            )
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
            problems.append(Problem(file, line, column.name, f"'{value}' has leading or trailing spaces; remove them", record_id))
            continue
        if value == "":
            if column.is_required:
                problems.append(Problem(file, line, column.name, f"is required but blank; expected {column.allowed}", record_id))
            continue
        message = _check_value(column, value)
        if message:
            problems.append(Problem(file, line, column.name, message, record_id))
    return problems


def _normalise_space(text: str) -> str:
    return " ".join(text.split())


def _states_number(quote: str, number: int) -> bool:
    """Whether the quote gives the number in digits (1,200 or 1200) or, up to twenty, in words."""
    words = [word.replace(",", "") for word in re.findall(r"[a-z]+|\d{1,3}(?:,\d{3})+|\d+", quote.lower())]
    spelled = NUMBER_WORDS[number] if number < len(NUMBER_WORDS) else None
    return str(number) in words or (spelled is not None and spelled in words)


class _Seeds:
    """The source documents and their sidecars in one seeds folder, each read at most once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._texts: dict[str, str] = {}
        self._report_dates: dict[str, tuple[dt.date | None, str | None]] = {}

    def documents(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(
            path.name for path in self.folder.iterdir() if path.is_file() and not path.name.endswith(SIDECAR_SUFFIX)
        )

    def source_problem(self, source: str) -> str | None:
        """What is wrong with a record's `source` (a bare file name of a document in seeds/), or None."""
        documents = self.documents()
        listing = f"one of: {', '.join(documents)}" if documents else f"the folder {self.folder} holds no documents"
        if source != Path(source).name or source.endswith(SIDECAR_SUFFIX) or source not in documents:
            guess = difflib.get_close_matches(Path(source).name, documents, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else f"give the file name of a source document, {listing}"
            return f"'{source}' is not a source document in seeds/; {hint}"
        return None

    def text(self, source: str) -> str:
        if source not in self._texts:
            self._texts[source] = (self.folder / source).read_text(encoding="utf-8", errors="replace")
        return self._texts[source]

    def report_date(self, source: str) -> tuple[dt.date | None, str | None]:
        """The source's report date from its sidecar seeds/<stem>.meta.json, or why there is none."""
        if source not in self._report_dates:
            self._report_dates[source] = self._read_report_date(source)
        return self._report_dates[source]

    def _read_report_date(self, source: str) -> tuple[dt.date | None, str | None]:
        name = Path(source).stem + SIDECAR_SUFFIX
        sidecar = self.folder / name
        fix = f"add seeds/{name} with \"report_date\": \"YYYY-MM-DD\""
        if not sidecar.is_file():
            return None, f"the source has no sidecar seeds/{name}; {fix}"
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return None, f"seeds/{name} is not valid UTF-8 JSON ({error}); {fix}"
        value = meta.get("report_date") if isinstance(meta, dict) else None
        date = _parse_date(value) if isinstance(value, str) else None
        if date is None:
            return None, f"seeds/{name} has no valid report_date (found {value!r}); {fix}"
        return date, None


def _basemap_codes(path: Path) -> set[str] | None:
    """The iso3 codes that have an outline in the bundled basemap, or None when it cannot be read."""
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        return {feature["properties"]["iso3"] for feature in features}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _check_places(
    table: _Table, columns: list[Column], outline_codes: set[str] | None
) -> tuple[dict[str, dict], list[Problem], set[int]]:
    problems = list(table.problems)
    bad = set(table.bad_lines)
    places: dict[str, dict] = {}
    seen: dict[str, int] = {}
    for line, row in table.rows:
        place_id = row.get("place_id", "")
        if line in bad:
            seen.setdefault(place_id, line)
            continue
        row_problems = _check_row(PLACES_FILE, line, row, columns)

        def add(field_name: str, message: str) -> None:
            row_problems.append(Problem(PLACES_FILE, line, field_name, message, place_id or None))

        for name, low, high, unit in (("lat", -90, 90, "degrees north"), ("lon", -180, 180, "degrees east")):
            try:
                value = float(row.get(name, ""))
            except ValueError:
                continue
            if not low <= value <= high:
                add(name, f"{row[name]} is outside {low} to {high}; give {unit} in WGS 84 (EPSG:4326)")
        if place_id in seen:
            add("place_id", f"duplicate id '{place_id}' (first on line {seen[place_id]}); give each place its own id")
        seen.setdefault(place_id, line)
        outline = row.get("outline_iso3", "")
        if row.get("geo_precision") == "territory" and not outline:
            add("outline_iso3", "a territory needs the ISO3 code of the outline to draw, e.g. GRL")
        elif outline and row.get("geo_precision") in ("site", "city"):
            add("outline_iso3", f"only a territory is drawn as an outline; leave it blank for a {row['geo_precision']}")
        elif outline and _is_iso3(outline) and outline_codes is not None and outline not in outline_codes:
            add("outline_iso3", f"'{outline}' has no outline in the basemap ({BASEMAP_PATH.name}); use a code it has or geo_precision site/city")
        problems.extend(row_problems)
        if row_problems:
            bad.add(line)
            continue
        places[place_id] = {**row, "lat": float(row["lat"]), "lon": float(row["lon"]), "_line": line}
    return places, problems, bad


def _check_record_links(
    line: int,
    row: dict[str, str],
    places: dict,
    rejected_places: dict[str, int],
    seeds: _Seeds,
    seen: dict[str, int],
) -> list[Problem]:
    """Checks across fields, files and seeds for one record row whose fields are individually valid."""
    file = RECORDS_FILE
    record_id = row["record_id"]
    problems: list[Problem] = []

    def add(field_name: str, message: str) -> None:
        problems.append(Problem(file, line, field_name, message, record_id))

    if record_id in seen:
        add("record_id", f"duplicate id '{record_id}' (first on line {seen[record_id]}); give each record its own id")
    date = _parse_date(row["date"])
    latest = _parse_date(row.get("date_latest", ""))
    if row["date_precision"] == "range" and latest is None:
        add("date_latest", "a range needs date_latest (the latest day the event can have happened)")
    if row["date_precision"] == "day" and latest is not None:
        add("date_latest", "must be blank when date_precision is 'day'; use 'range' for a span")
    if latest is not None and date is not None and latest < date:
        add("date_latest", f"{latest} is before date {date}; date_latest must be on or after date")
    elif latest is not None and latest == date and row["date_precision"] == "range":
        add("date_latest", f"{latest} equals date; for a single day use date_precision 'day' and leave date_latest blank")
    for key in ("place_id", "origin_place_id"):
        value = row.get(key)
        if not value or value in places:
            continue
        if value in rejected_places:
            add(key, f"'{value}' is rejected in places.csv (line {rejected_places[value]}); fix that row")
        else:
            guess = difflib.get_close_matches(value, list(places), n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else "add it to places.csv or leave it blank"
            add(key, f"'{value}' is not in the gazetteer (places.csv); {hint}")
    source_problem = seeds.source_problem(row["source"])
    if source_problem:
        add("source", source_problem)
    else:
        if _normalise_space(row["source_quote"]) not in _normalise_space(seeds.text(row["source"])):
            add("source_quote", f"is not verbatim in {row['source']} (only whitespace may differ); copy the sentence exactly")
        reported = _parse_date(row["reported_on"])
        report_date, why_not = seeds.report_date(row["source"])
        if why_not:
            add("reported_on", f"cannot be checked against the source's report date: {why_not}")
        elif reported and reported > report_date:
            add("reported_on", f"{reported} is after the source's report date {report_date}; it can be {report_date} at the latest")
    if row["kind"] == "deployment":
        actors = [code for code in row.get("actor_iso3", "").split(";") if code]
        if len(actors) != 1:
            add("actor_iso3", f"a deployment has exactly one contributing country, not {len(actors)}; make one record per country")
        if row.get("personnel") and row["personnel"].isdigit():
            if not _states_number(row["source_quote"], int(row["personnel"])):
                add("personnel", f"{row['personnel']} is not stated in the quote; quote the sentence that gives the number or leave personnel blank")
    elif row.get("personnel"):
        add("personnel", f"only deployments carry personnel (kind is '{row['kind']}'); leave it blank")
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


def _dictionary_problems(dictionary: dict[str, list[Column]]) -> list[Problem]:
    """A column type the validator does not know would let any value through: say so loudly."""
    return [
        Problem(DICTIONARY_FILE, None, f"{column.file} {column.name}", f"unknown type '{column.type}'; use one of: {', '.join(KNOWN_TYPES)}")
        for file in (RECORDS_FILE, PLACES_FILE)
        for column in dictionary.get(file, [])
        if column.type not in KNOWN_TYPES
    ]


def load_dataset(
    data_dir: Path = DATA_DIR,
    seeds_dir: Path | None = None,
    dictionary_path: Path = DICTIONARY_PATH,
    basemap_path: Path = BASEMAP_PATH,
) -> Dataset:
    """Read, validate and join records and places; rejected rows are listed in `problems`."""
    data_dir = Path(data_dir)
    seeds = _Seeds(Path(seeds_dir) if seeds_dir else seeds_dir_for(data_dir))
    dictionary = load_dictionary(dictionary_path)
    problems = _dictionary_problems(dictionary)
    outline_codes = _basemap_codes(Path(basemap_path))
    if outline_codes is None:
        problems.append(
            Problem(Path(basemap_path).name, None, None, "cannot be read, so outlines are not checked; rebuild it: python -m geo.basemap")
        )
    place_table = _read_table(data_dir / PLACES_FILE, dictionary[PLACES_FILE])
    places, place_problems, rejected_place_lines = _check_places(place_table, dictionary[PLACES_FILE], outline_codes)
    problems.extend(place_problems)
    rejected_places: dict[str, int] = {}
    for line, row in place_table.rows:
        if line in rejected_place_lines and row.get("place_id") not in places:
            rejected_places.setdefault(row.get("place_id", ""), line)

    record_columns = dictionary[RECORDS_FILE]
    record_table = _read_table(data_dir / RECORDS_FILE, record_columns)
    problems.extend(record_table.problems)
    valid: list[tuple[int, dict[str, str]]] = []
    rejected: set[int] = set(record_table.bad_lines)
    seen: dict[str, int] = {}
    for line, row in record_table.rows:
        if line in rejected:
            seen.setdefault(row.get("record_id", ""), line)
            continue
        row_problems = _check_row(RECORDS_FILE, line, row, record_columns)
        if not row_problems:
            row_problems = _check_record_links(line, row, places, rejected_places, seeds, seen)
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
        place_rows_in_file=len(place_table.rows),
        rejected_place_lines=sorted(rejected_place_lines),
    )
