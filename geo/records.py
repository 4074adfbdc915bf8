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
from geo.paths import BASEMAP_PATH, DATA_DIR, DATAPACKAGE_PATH, seeds_dir_for

RECORDS_FILE = "records.csv"
PLACES_FILE = "places.csv"
SOURCES_FILE = "sources.csv"
CLAIMS_FILE = "claims.csv"
REJECTED_FILE = "rejected.csv"
# Every file load_dataset reads, in the order it reads them (a data version fingerprints these).
CHAINED_FILES = (PLACES_FILE, SOURCES_FILE, RECORDS_FILE, CLAIMS_FILE, REJECTED_FILE)
# The story's period: a source published outside it is not part of this situation map.
PERIOD = (dt.date(2026, 1, 14), dt.date(2026, 2, 28))
# A web source may be quoted only by a locating phrase this long (the project holds facts, not prose).
LOCATING_PHRASE_MAX_WORDS = 12
# Claims that describe a presence: arrival at and departure from a place.
PRESENCE_STATUSES = ("arrived", "left")
PRESENCE_KINDS = ("deployment", "visit", "mission")
# Sources that may support a record but never be its only basis (aggregators, rewrites, propaganda).
UNRELIABLE = {"E"}
ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")  # a letter first: never read as a number or date
PARTICIPANT_PATTERN = re.compile(r"^[^;()]+ \([^;()]+\)$")
UTF8_BOM = b"\xef\xbb\xbf"
SIDECAR_SUFFIX = ".meta.json"
DICTIONARY_FILE = "dictionary.csv"
# Every column type the dictionary may use for records.csv and places.csv; each is checked below
# (place_ref, source_file and quote across files). A type outside this list fails loudly.
KNOWN_TYPES = (
    "id",
    "enum",
    "text",
    "date",
    "integer",
    "float",
    "iso3",
    "iso3_list",
    "participants",
    "place_ref",
    "source_file",
    "quote",
    "url",
    "source_ref",
    "record_ref",
    "language",
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
class FileCount:
    """What one file holds: the data rows read, the lines of those that were rejected, and the data
    lines that could not be read as rows at all.

    `unread_lines` are lines that hold data but were not read as a row of their own: a row the csv
    module cannot parse (a field over its 128 KiB limit), and the lines an unclosed double quote
    swallowed into the row above. `unreadable` says why the whole file could not be read (missing, a
    folder, no permission, not a text file), or is None. Blank lines (and lines of only delimiters)
    hold nothing and are not counted.
    """

    rows: int = 0
    rejected_lines: list[int] = field(default_factory=list)
    unread_lines: list[int] = field(default_factory=list)
    unreadable: str | None = None

    @property
    def shown(self) -> int:
        return self.rows - len(self.rejected_lines)

    @property
    def in_file(self) -> int:
        """The data rows the file holds as written: those read, and the lines that could not be."""
        return self.rows + len(self.unread_lines)

    @property
    def lost(self) -> int:
        """The file's data rows that are not shown: rejected, or never read."""
        return len(self.rejected_lines) + len(self.unread_lines)

    def describe(self, file: str) -> str | None:
        """What is lost from `file`, in a phrase for the banner and the validator (None: nothing)."""
        if self.unreadable:
            return f"{file} could not be read ({self.unreadable})"
        if not self.lost:
            return None
        unread = f" ({len(self.unread_lines)} could not be read)" if self.unread_lines else ""
        return f"{self.lost} of {self.in_file} rows of {file}{unread}"


@dataclass
class Dataset:
    """Valid records, their claims, sources and places, and everything that was rejected.

    `records` holds what an event is (one row each); `claims` what each source states about it (one
    row per record and source, its source's grade and dates joined). `geo.asof` resolves the two into
    what was known on a day. `rejected` is the curators' log of claims not accepted: never drawn.
    """

    records: pd.DataFrame
    places: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    claims: pd.DataFrame = field(default_factory=pd.DataFrame)
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame)
    counts: dict[str, FileCount] = field(default_factory=dict)
    # What geo.asof derives from the claims once per dataset (claims grouped by record, per source).
    derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # new with every copy

    @property
    def is_clean(self) -> bool:
        return not self.problems

    def count(self, file: str) -> FileCount:
        return self.counts.get(file, FileCount())

    def losses(self) -> str:
        """What the data files lost, for the banner and the validator: one phrase per file that has
        rejected or unread rows or could not be read (FileCount.describe), or 'no rows'."""
        return "; ".join(text for file in CHAINED_FILES if (text := self.count(file).describe(file))) or "no rows"

    def shown_text(self) -> str:
        """'showing 11 of 14 records': the valid records of all the records.csv rows holding data."""
        records = self.count(RECORDS_FILE)
        if records.unreadable:
            return f"showing {len(self.records)} records ({RECORDS_FILE} could not be read)"
        return f"showing {len(self.records)} of {records.in_file} records"

    @property
    def rows_in_files(self) -> int:  # records.csv data rows as the csv module reads them, valid or not
        return self.count(RECORDS_FILE).rows

    @property
    def rejected_lines(self) -> list[int]:  # records.csv lines rejected
        return self.count(RECORDS_FILE).rejected_lines

    @property
    def place_rows_in_file(self) -> int:
        return self.count(PLACES_FILE).rows

    @property
    def rejected_place_lines(self) -> list[int]:
        return self.count(PLACES_FILE).rejected_lines


@dataclass
class _Table:
    rows: list[tuple[int, dict[str, str]]]  # (line number, values)
    problems: list[Problem]
    bad_lines: set[int]
    unread_lines: list[int] = field(default_factory=list)  # lines of data not read as a row (FileCount)
    unreadable: str | None = None  # why the whole file could not be read

    def count(self, bad: set[int]) -> FileCount:
        return FileCount(len(self.rows), sorted(bad), sorted(self.unread_lines), self.unreadable)


def _unreadable(name: str, why: str, message: str) -> _Table:
    return _Table([], [Problem(name, None, None, message)], set(), unreadable=why)


def _lines_holding_data(lines: list[str], first: int, last: int) -> list[int]:
    """The 1-based lines from `first` to `last` that hold more than blanks and delimiters."""
    return [number for number in range(first, last + 1) if lines[number - 1].replace(",", "").strip()]


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
    if not path.exists():
        return _unreadable(name, "it is missing", f"file is missing: expected {path}")
    if not path.is_file():
        return _unreadable(name, "it is a folder", f"is a folder, not a file: expected the CSV file {path}")
    try:
        raw = path.read_bytes()
    except OSError as error:
        why = (error.strerror or type(error).__name__).lower()
        return _unreadable(
            name, why, f"cannot be read ({why}); make it readable by the user who runs the dashboard and the validator"
        )
    if b"\0" in raw:
        line = raw[: raw.index(b"\0")].count(b"\n") + 1
        return _unreadable(
            name,
            "not a text file",
            f"is not a CSV text file: it holds NUL bytes (first on line {line}), as a spreadsheet, an archive or"
            " UTF-16 text does; save it as CSV in UTF-8",
        )
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

    lines = io.StringIO(text, newline="").readlines()  # as the csv reader counts them
    unread: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as error:
        return _unreadable(
            name, "its header cannot be read", f"its header cannot be read as CSV ({error}); give a header line"
        )
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
        except csv.Error as error:  # the reader starts afresh on the next line
            lost = _lines_holding_data(lines, line, reader.line_num)
            unread.extend(lost)
            span = f"line {line}" if reader.line_num == line else f"lines {line} to {reader.line_num}"
            why = (
                f"a value is longer than the csv module's limit of {csv.field_size_limit():,} characters"
                " (text pasted by mistake, or a double quote left open?)"
                if "field limit" in str(error)
                else str(error)
            )
            problems.append(
                Problem(name, line, None, f"cannot be read as CSV: {why}; {span} not read, fix the row and reload")
            )
            continue
        if not any(value.strip() for value in values):
            continue
        record_id = values[0] if values else None
        # A row that runs on over several lines and takes in a line that is a row of its own: a
        # double quote was left open, and the rows it swallowed would be lost without a word.
        swallowed = [
            number
            for number in _lines_holding_data(lines, line + 1, reader.line_num)
            if len(next(csv.reader([lines[number - 1]]), [])) == len(header)
        ]
        if len(values) != len(header) or swallowed:
            cause = (
                f"it runs on to line {reader.line_num}: an unclosed double quote?"
                f" lines {line + 1} to {reader.line_num} are read as part of it, not as rows"
                if reader.line_num > line
                else "a stray or missing delimiter? put text that contains commas in double quotes"
            )
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    f"row has {len(values)} fields but the header has {len(header)} ({cause})"
                    if len(values) != len(header)
                    else f"row runs on to line {reader.line_num} and takes in line {swallowed[0]}, which reads as a"
                    f" row of its own: close the double quote left open on line {line} (lines {line + 1} to"
                    f" {reader.line_num} are read as part of it, not as rows)",
                    record_id=record_id,
                )
            )
            bad_lines.add(line)
            unread.extend(_lines_holding_data(lines, line + 1, reader.line_num))
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
                    Problem(
                        name,
                        line,
                        column_name,
                        f"holds bytes that are not UTF-8 ('{value}'); save the file as UTF-8",
                        record_id,
                    )
                )
                bad_lines.add(line)
        if missing_required:
            bad_lines.add(line)
        rows.append((line, row))
    if missing_required and rows:
        problems.append(
            Problem(
                name,
                None,
                None,
                f"all {len(rows)} rows rejected: required columns missing ({', '.join(missing_required)})",
            )
        )
    return _Table(rows, problems, bad_lines, unread)


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
        return (
            f"'{value}' is not an id: start with a lowercase letter, then lowercase letters, digits and single hyphens"
        )
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
    if kind == "language" and (not value.islower() or pycountry.languages.get(alpha_2=value) is None):
        return f"'{value}' is not an ISO 639-1 language code; use two lowercase letters, e.g. en, da, de, kl"
    if kind == "url" and not re.fullmatch(r"https?://[^\s]+", value):
        return f"'{value}' is not a web address; expected http:// or https:// and no spaces"
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
            problems.append(
                Problem(file, line, column.name, f"'{value}' has leading or trailing spaces; remove them", record_id)
            )
            continue
        if value == "":
            if column.is_required:
                problems.append(
                    Problem(file, line, column.name, f"is required but blank; expected {column.allowed}", record_id)
                )
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
        fix = f'add seeds/{name} with "report_date": "YYYY-MM-DD"'
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


def _basemap_outlines(path: Path) -> dict | None:
    """The outlines of the bundled basemap by iso3 (shapely geometries, no GDAL), or None when it
    cannot be read."""
    from shapely.geometry import shape

    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        return {f["properties"]["iso3"]: shape(f["geometry"]) for f in features if f["properties"]["iso3"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _check_places(
    table: _Table, columns: list[Column], outlines: dict | None
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

        def add(field_name: str, message: str, line=line, place_id=place_id, found=row_problems) -> None:
            found.append(Problem(PLACES_FILE, line, field_name, message, place_id or None))

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
        elif outline and _is_iso3(outline) and outlines is not None and outline not in outlines:
            add(
                "outline_iso3",
                f"'{outline}' has no outline in the basemap ({BASEMAP_PATH.name}); use a code it has or geo_precision site/city",
            )
        elif outline and outlines is not None and not row_problems:
            from shapely.geometry import Point

            if not outlines[outline].contains(Point(float(row["lon"]), float(row["lat"]))):
                add("lat", f"the reference point ({row['lat']}, {row['lon']}) lies outside the outline of {outline}, so a"
                    " spatial join would place it in no country; give a point inside the outline")  # fmt: skip
        problems.extend(row_problems)
        if row_problems:
            bad.add(line)
            continue
        places[place_id] = {**row, "lat": float(row["lat"]), "lon": float(row["lon"]), "_line": line}
    return places, problems, bad


def _unknown_ref(kind: str, value: str, valid: dict, rejected: dict[str, int], file: str) -> str:
    """Why a reference to another file's id does not resolve, with the fix."""
    if value in rejected:
        return f"'{value}' is rejected in {file} (line {rejected[value]}); fix that row"
    guess = difflib.get_close_matches(value, list(valid), n=1)
    hint = f"did you mean '{guess[0]}'?" if guess else f"add it to {file} first"
    return f"'{value}' is not a {kind} in {file}; {hint}"


def _rejected_ids(table: _Table, bad: set[int], valid: dict, key: str) -> dict[str, int]:
    """Ids of rows that were rejected (and have no valid row of the same id), with their line."""
    found: dict[str, int] = {}
    for line, row in table.rows:
        if line in bad and row.get(key) not in valid:
            found.setdefault(row.get(key, ""), line)
    return found


def _check_rows(
    file: str, table: _Table, columns: list[Column], key: str, check: callable
) -> tuple[dict[str, dict], list[Problem], set[int]]:
    """Field checks, a unique id, then `check(line, row, add)` for the rules across fields and files."""
    problems = list(table.problems)
    bad = set(table.bad_lines)
    valid: dict[str, dict] = {}
    seen: dict[str, int] = {}
    for line, row in table.rows:
        row_id = row.get(key, "")
        if line in bad:
            seen.setdefault(row_id, line)
            continue
        row_problems = _check_row(file, line, row, columns)

        def add(field_name: str, message: str, line=line, row_id=row_id, found=row_problems) -> None:
            found.append(Problem(file, line, field_name, message, row_id or None))

        if row_id in seen:
            add(key, f"duplicate id '{row_id}' (first on line {seen[row_id]}); give each row its own id")
        seen.setdefault(row_id, line)
        if not row_problems:
            check(line, row, add)
        problems.extend(row_problems)
        if row_problems:
            bad.add(line)
        else:
            valid[row_id] = {**{column.name: row.get(column.name, "") for column in columns}, "line": line}
    return valid, problems, bad


def _date_pair_problems(row: dict[str, str], add) -> None:
    """date / date_latest / date_precision / date_end agree with each other."""
    date = _parse_date(row["date"])
    latest = _parse_date(row.get("date_latest", ""))
    end = _parse_date(row.get("date_end", ""))
    if row["date_precision"] == "range" and latest is None:
        add("date_latest", "a range needs date_latest (the latest day the event can have happened)")
    if row["date_precision"] == "day" and latest is not None:
        add("date_latest", "must be blank when date_precision is 'day'; use 'range' for a span")
    if latest is not None and date is not None and latest < date:
        add("date_latest", f"{latest} is before date {date}; date_latest must be on or after date")
    elif latest is not None and latest == date and row["date_precision"] == "range":
        add(
            "date_latest",
            f"{latest} equals date; for a single day use date_precision 'day' and leave date_latest blank",
        )
    if end is not None and date is not None and end <= date:
        add("date_end", f"{end} is not after date {date}; date_end is the last day of a multi-day event")


def _word_count(text: str) -> int:
    return len(text.split())


def load_dataset(
    data_dir: Path = DATA_DIR,
    seeds_dir: Path | None = None,
    dictionary_path: Path = DATAPACKAGE_PATH,
    basemap_path: Path = BASEMAP_PATH,
) -> Dataset:
    """Read and validate places, sources, records, claims and the rejected log; join them.

    A row with a defect is rejected with one `Problem` per defect, and rows that lean on it (a claim
    of a rejected record or source) are rejected with it: nothing is dropped without a word.
    """
    data_dir = Path(data_dir)
    seeds = _Seeds(Path(seeds_dir) if seeds_dir else seeds_dir_for(data_dir))
    dictionary = load_dictionary(dictionary_path)
    problems = _dictionary_problems(dictionary, Path(dictionary_path).name)
    counts: dict[str, FileCount] = {}
    outlines = _basemap_outlines(Path(basemap_path))
    if outlines is None:
        problems.append(
            Problem(
                Path(basemap_path).name,
                None,
                None,
                "cannot be read, so outlines are not checked; rebuild it: python -m geo.basemap",
            )
        )

    def read(file: str) -> _Table:
        return _read_table(data_dir / file, dictionary[file])

    place_table = read(PLACES_FILE)
    places, place_problems, bad_places = _check_places(place_table, dictionary[PLACES_FILE], outlines)
    problems.extend(place_problems)
    counts[PLACES_FILE] = place_table.count(bad_places)
    rejected_places = _rejected_ids(place_table, bad_places, places, "place_id")

    def check_place_ref(row: dict[str, str], key: str, add) -> None:
        value = row.get(key)
        if value and value not in places:
            add(
                key,
                _unknown_ref("place", value, places, rejected_places, PLACES_FILE).replace(
                    "is not a place in places.csv", "is not in the gazetteer (places.csv)"
                ),
            )

    # sources.csv
    def check_source(line: int, row: dict[str, str], add) -> None:
        published = _parse_date(row["published"])
        if published and not PERIOD[0] <= published <= PERIOD[1]:
            add(
                "published",
                f"{published} is outside the story's period {PERIOD[0]} to {PERIOD[1]}; give the article's own dateline",
            )
        seed_file = row.get("seed_file", "")
        if not seed_file and not row.get("url"):
            add("url", "is blank and no seed_file is given; give the address of the document, or hold it in seeds/")
        if seed_file:
            why = seeds.source_problem(seed_file)
            if why:
                add("seed_file", why)
                return
            report_date, why_not = seeds.report_date(seed_file)
            if why_not:
                add("published", f"cannot be checked against the held document: {why_not}")
            elif published and published != report_date:
                add(
                    "published",
                    f"{published} differs from the held document's report date {report_date}; use {report_date}",
                )

    source_table = read(SOURCES_FILE)
    sources, source_problems, bad_sources = _check_rows(
        SOURCES_FILE, source_table, dictionary[SOURCES_FILE], "source_id", check_source
    )
    problems.extend(source_problems)
    counts[SOURCES_FILE] = source_table.count(bad_sources)
    rejected_sources = _rejected_ids(source_table, bad_sources, sources, "source_id")

    # records.csv (what an event is); claims come next and a record needs at least one.
    def check_record(line: int, row: dict[str, str], add) -> None:
        if row["kind"] == "deployment":
            actors = [code for code in row.get("actor_iso3", "").split(";") if code]
            if len(actors) != 1:
                add(
                    "actor_iso3",
                    f"a deployment has exactly one contributing country, not {len(actors)}; make one record per country",
                )

    record_table = read(RECORDS_FILE)
    records, record_problems, bad_records = _check_rows(
        RECORDS_FILE, record_table, dictionary[RECORDS_FILE], "record_id", check_record
    )
    problems.extend(record_problems)
    rejected_records = _rejected_ids(record_table, bad_records, records, "record_id")

    # claims.csv (what one source states about one record)
    def check_claim(line: int, row: dict[str, str], add) -> None:
        record = records.get(row["record_id"])
        if record is None:
            add("record_id", _unknown_ref("record", row["record_id"], records, rejected_records, RECORDS_FILE))
        source = sources.get(row["source_id"])
        if source is None:
            add("source_id", _unknown_ref("source", row["source_id"], sources, rejected_sources, SOURCES_FILE))
        _date_pair_problems(row, add)
        check_place_ref(row, "place_id", add)
        check_place_ref(row, "origin_place_id", add)
        if bool(row.get("personnel")) != bool(row.get("personnel_basis")):
            missing = "personnel_basis" if row.get("personnel") else "personnel"
            add(missing, "personnel and personnel_basis go together: a number and whether it was announced or deployed")
        if record is not None:
            if row.get("personnel") and record["kind"] not in PRESENCE_KINDS:
                add(
                    "personnel",
                    f"only a presence ({', '.join(PRESENCE_KINDS)}) carries personnel (record {record['record_id']} is a {record['kind']}); leave it blank",
                )
            if row["status"] in PRESENCE_STATUSES and record["kind"] not in PRESENCE_KINDS:
                add(
                    "status",
                    f"'{row['status']}' is for a presence ({', '.join(PRESENCE_KINDS)}); record {record['record_id']} is a {record['kind']}",
                )
        if source is None:
            return
        quote = row["quote"]
        if source["seed_file"]:
            held = source["seed_file"]
            if _normalise_space(quote) not in _normalise_space(seeds.text(held)):
                add("quote", f"is not verbatim in {held} (only whitespace may differ); copy the sentence exactly")
            elif row.get("personnel", "").isdigit() and not _states_number(quote, int(row["personnel"])):
                add(
                    "personnel",
                    f"{row['personnel']} is not stated in the quote; quote the sentence that gives the number or leave personnel blank",
                )
        elif _word_count(quote) > LOCATING_PHRASE_MAX_WORDS:
            add(
                "quote",
                f"has {_word_count(quote)} words; a web source may be quoted only by a locating phrase of at most {LOCATING_PHRASE_MAX_WORDS} words",
            )

    claim_table = read(CLAIMS_FILE)
    claims, claim_problems, bad_claims = _check_rows(
        CLAIMS_FILE, claim_table, dictionary[CLAIMS_FILE], "claim_id", check_claim
    )
    problems.extend(claim_problems)
    # A departure before its arrival, within one record (checked once every claim is read).
    arrivals: dict[str, list[tuple[dt.date, dict]]] = {}
    for claim in claims.values():
        if claim["status"] == "arrived":
            arrivals.setdefault(claim["record_id"], []).append((_parse_date(claim["date"]), claim))
    for claim in [c for c in claims.values() if c["status"] == "left"]:
        left = _parse_date(claim["date"])
        later = [(arrived, other) for arrived, other in arrivals.get(claim["record_id"], ()) if arrived > left]
        if later:
            arrived, other = later[0]
            problems.append(Problem(CLAIMS_FILE, claim["line"], "date",
                f"departure {left} is before the arrival {arrived} of claim {other['claim_id']} (line {other['line']});"
                " a departure follows its arrival", claim["claim_id"]))  # fmt: skip
            bad_claims.add(claim["line"])
            del claims[claim["claim_id"]]
    grades: dict[str, set[str]] = {}
    for claim in claims.values():
        grades.setdefault(claim["record_id"], set()).add(sources[claim["source_id"]]["reliability"])
    for record_id, record in list(records.items()):
        if record_id not in grades:
            why = "has no valid claim in claims.csv; every record rests on at least one source's claim"
        elif grades[record_id] <= UNRELIABLE:
            why = ("rests only on sources graded E (unreliable); find a better source for it, or log the claim"
                   " in rejected.csv")  # fmt: skip
        else:
            continue
        problems.append(Problem(RECORDS_FILE, record["line"], "record_id", why, record_id))
        bad_records.add(record["line"])
        del records[record_id]
        for claim_id in [c for c, claim in claims.items() if claim["record_id"] == record_id]:
            claim = claims.pop(claim_id)  # it leans on a rejected record: say so on its own line
            bad_claims.add(claim["line"])
            problems.append(Problem(CLAIMS_FILE, claim["line"], "record_id",
                f"'{record_id}' is rejected in {RECORDS_FILE} (line {record['line']}); fix that row", claim_id))  # fmt: skip
    counts[CLAIMS_FILE] = claim_table.count(bad_claims)
    counts[RECORDS_FILE] = record_table.count(bad_records)

    # rejected.csv: the curators' log; checked for shape and values, never drawn.
    rejected_table = read(REJECTED_FILE) if (data_dir / REJECTED_FILE).exists() else _Table([], [], set())
    rejected_log, rejected_problems, bad_log = _check_rows(
        REJECTED_FILE, rejected_table, dictionary[REJECTED_FILE], "reject_id", lambda line, row, add: None
    )
    problems.extend(rejected_problems)
    counts[REJECTED_FILE] = rejected_table.count(bad_log)

    place_frame = pd.DataFrame([{k: v for k, v in place.items() if k != "_line"} for place in places.values()])
    return Dataset(
        records=_record_frame(records, [column.name for column in dictionary[RECORDS_FILE]]),
        places=place_frame,
        problems=problems,
        claims=_claim_frame(claims, sources, [column.name for column in dictionary[CLAIMS_FILE]]),
        sources=_source_frame(sources, claims, [column.name for column in dictionary[SOURCES_FILE]]),
        rejected=pd.DataFrame(
            list(rejected_log.values()), columns=[c.name for c in dictionary[REJECTED_FILE]] + ["line"]
        ),
        counts=counts,
    )


def _dates(frame: pd.DataFrame, keys: tuple[str, ...]) -> None:
    for key in keys:
        frame[key] = frame[key].map(lambda value: _parse_date(value) if value else None)


def _record_frame(records: dict[str, dict], columns: list[str]) -> pd.DataFrame:
    """What each event is, in the curators' file order."""
    return pd.DataFrame(list(records.values()), columns=[*columns, "line"])


# What each claim carries of its source.
SOURCE_JOIN = ("published", "reliability", "origin", "publisher", "seed_file", "url")


def _claim_frame(claims: dict[str, dict], sources: dict[str, dict], columns: list[str]) -> pd.DataFrame:
    """Typed claims: dates as `datetime.date`, personnel as nullable Int64, their source's grade joined."""
    frame = pd.DataFrame(list(claims.values()), columns=[*columns, "line"])
    for key in SOURCE_JOIN:
        frame[key] = [sources[source_id][key] for source_id in frame["source_id"]]
    _dates(frame, ("date", "date_latest", "date_end", "published"))
    frame["personnel"] = pd.array([int(v) if v else pd.NA for v in frame["personnel"]], dtype="Int64")
    frame["credibility"] = frame["credibility"].astype(int)
    return frame


def _source_frame(sources: dict[str, dict], claims: dict[str, dict], columns: list[str]) -> pd.DataFrame:
    """The sources, typed, with how many valid claims and which records rest on each."""
    frame = pd.DataFrame(list(sources.values()), columns=[*columns, "line"])
    _dates(frame, ("published",))
    by_source: dict[str, list[str]] = {}
    for claim in claims.values():
        by_source.setdefault(claim["source_id"], []).append(claim["record_id"])
    frame["claim_count"] = [len(by_source.get(source_id, [])) for source_id in frame["source_id"]]
    frame["record_ids"] = [";".join(dict.fromkeys(by_source.get(source_id, []))) for source_id in frame["source_id"]]
    return frame


def _dictionary_problems(dictionary: dict[str, list[Column]], contract: str = DICTIONARY_FILE) -> list[Problem]:
    """A column type the validator does not know would let any value through: say so loudly, naming
    the contract file where the type is defined (data/dictionary.csv is generated from it)."""
    return [
        Problem(
            contract,
            None,
            f"{column.file} {column.name}",
            f"unknown type '{column.type}'; use one of: {', '.join(KNOWN_TYPES)}",
        )
        for file in (RECORDS_FILE, PLACES_FILE, SOURCES_FILE, CLAIMS_FILE, REJECTED_FILE)
        for column in dictionary.get(file, [])
        if column.type not in KNOWN_TYPES
    ]
