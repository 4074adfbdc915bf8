"""The data dictionary (data/dictionary.csv) as a contract.

Every column of every data file (records, places, sources, claims, the rejected log, stops) and of
every extract (records as CSV and GeoJSON, sources as CSV) has an entry, every entry is used by its
file, and every entry says its type, allowed values and what a blank means. Values in the files and
the extracts keep to what the dictionary allows.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from geo.asof import key_dates
from geo.extract import ExtractRequest, extract_view, main, render_extract, to_csv_bytes, to_sources_csv_bytes
from geo.paths import DATA_DIR, DICTIONARY_PATH
from geo.records import KNOWN_TYPES, Dataset
from tests.conftest import SEED_FILE, read_csv_rows

DATA_FILES = ("records.csv", "places.csv", "sources.csv", "claims.csv", "rejected.csv", "stops.csv")
EXTRACT_FILES = ("extract.csv", "extract.geojson")
SOURCES_EXTRACT = "extract_sources.csv"
NOT_DOCUMENTED = ("dictionary.csv",)  # the dictionary describes itself through its header
# Files the curators may leave without data rows (the log of claims not accepted may be empty).
MAY_BE_EMPTY = ("rejected.csv",)
# The column types the dictionary may use; a new type needs a check in geo.records (or a reason).
DOCUMENTED_TYPES = {
    "id", "enum", "text", "date", "integer", "float", "iso3", "iso3_list", "participants",
    "place_ref", "source_file", "quote", "url", "source_ref", "record_ref", "language", "geometry",
}  # fmt: skip
# Files geo.records validates value by value (stops.csv has its own checks in geo.stops).
VALIDATED_FILES = ("records.csv", "places.csv", "sources.csv", "claims.csv", "rejected.csv")
NEVER_BLANK = "never blank"
CSV_FORMULA_NOTE = (
    " CSV: text that would start with =, +, -, @, a tab or a carriage return gets a leading ' so"
    " spreadsheets show it as text, not a formula."
)
CSV_NUMBER_NOTE = " CSV: numbers, negative ones included, are written as numbers and never get the formula guard."


@pytest.fixture(scope="module")
def entries() -> list[dict[str, str]]:
    return read_csv_rows(DICTIONARY_PATH)


def documented(entries, file: str) -> list[str]:
    return [entry["column"] for entry in entries if entry["file"] == file]


def entry_of(entries, file: str, column: str) -> dict[str, str]:
    (entry,) = [e for e in entries if e["file"] == file and e["column"] == column]
    return entry


def compare(actual: list[str], expected: list[str], where: str) -> None:
    undocumented = [name for name in actual if name not in expected]
    unused = [name for name in expected if name not in actual]
    assert not undocumented, f"{where}: columns without a dictionary entry: {undocumented}"
    assert not unused, f"{where}: dictionary entries the file does not have: {unused}"
    assert actual == expected, f"{where}: the dictionary should list the columns in the file's order"


def _geojson(view, dataset, outlines, request: ExtractRequest) -> bytes:
    return render_extract(view, "geojson", request, outlines=outlines, sources=dataset.sources, version="test")


def _walk(dataset, outlines, days, source, prefix: str) -> list[tuple[str, bytes, bytes]]:
    made = []
    for index, as_of in enumerate(days):
        view = extract_view(dataset, outlines, as_of, source=source)
        # every other day with the territory outlines, so both kinds of geometry are checked
        request = ExtractRequest(as_of, source=source, with_outlines=bool(index % 2))
        made.append((f"{prefix}{as_of}", to_csv_bytes(view), _geojson(view, dataset, outlines, request)))
        if index:
            since = days[index - 1]
            changed = extract_view(dataset, outlines, as_of, since=since, source=source)
            label = f"{prefix}{as_of} since {since}"
            geojson = _geojson(changed, dataset, outlines, ExtractRequest(as_of, since, source))
            made.append((label, to_csv_bytes(changed, with_change=True), geojson))
    return made


@pytest.fixture(scope="module")
def extracts(dataset, outlines) -> list[tuple[str, bytes, bytes]]:
    """(label, CSV, GeoJSON) for every key date, plain and with changes since the key date before:
    of the whole data, and of the seed's own picture (its claims only), whose planned events pass
    through planned, pending and unconfirmed whatever later sources report."""
    seed_only = dataset_of_source(dataset, SEED_FILE)
    return _walk(dataset, outlines, key_dates(dataset), None, "") + _walk(
        dataset, outlines, key_dates(seed_only), SEED_FILE, "seed "
    )


def dataset_of_source(dataset, seed_file: str) -> Dataset:
    """The dataset with one held source's claims only (for its key dates); a new Dataset, so that
    nothing geo.asof works out for the whole dataset is shared with it."""
    claims = dataset.claims[dataset.claims["seed_file"] == seed_file]
    return Dataset(records=dataset.records, places=dataset.places, claims=claims, sources=dataset.sources)


@pytest.fixture(scope="module")
def sources_extract(dataset) -> bytes:
    return to_sources_csv_bytes(dataset.sources)


def csv_rows(payload: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"), newline="")))


# ---------------------------------------------------------------- coverage both ways


def test_every_data_file_is_documented_and_every_documented_file_exists(entries):
    files = {entry["file"] for entry in entries}
    on_disk = {path.name for path in DATA_DIR.glob("*.csv")} - set(NOT_DOCUMENTED)
    assert on_disk - files == set(), "data files without dictionary entries"
    assert on_disk == set(DATA_FILES), "a data file this test does not know"
    assert files == set(DATA_FILES) | set(EXTRACT_FILES) | {SOURCES_EXTRACT}


def test_the_validator_knows_every_type_the_data_files_use(entries):
    used = {entry["type"] for entry in entries if entry["file"] in VALIDATED_FILES}
    assert used <= set(KNOWN_TYPES), f"types geo.records does not check: {sorted(used - set(KNOWN_TYPES))}"


@pytest.mark.parametrize("file", DATA_FILES)
def test_data_file_columns_match_the_dictionary(entries, file):
    with open(DATA_DIR / file, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    compare(header, documented(entries, file), file)


def test_csv_extract_columns_match_the_dictionary(entries, extracts):
    expected = documented(entries, "extract.csv")
    assert expected[-1] == "change", "the change column comes last: it exists only with --since"
    for label, payload, _ in extracts:
        header = next(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))
        compare(header, expected if "since" in label else expected[:-1], f"extract.csv {label}")


def test_sources_extract_columns_match_the_dictionary(entries, sources_extract, tmp_path):
    header = next(csv.reader(io.StringIO(sources_extract.decode("utf-8-sig"))))
    compare(header, documented(entries, SOURCES_EXTRACT), SOURCES_EXTRACT)
    target = tmp_path / "sources.csv"
    assert main(["--as-of", "2026-01-15", "--format", "sources", "-o", str(target)]) == 0
    header = next(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    compare(header, documented(entries, SOURCES_EXTRACT), f"{SOURCES_EXTRACT} (command line)")


def test_geojson_extract_properties_and_geometry_match_the_dictionary(entries, extracts):
    expected = documented(entries, "extract.geojson")
    assert "geometry" in expected
    properties_expected = [name for name in expected if name != "geometry"]
    assert properties_expected[-1] == "change"
    for label, _, payload in extracts:
        collection = json.loads(payload)
        assert collection["type"] == "FeatureCollection"
        assert collection["features"], label
        for feature in collection["features"]:
            assert set(feature) == {"type", "id", "properties", "geometry"}
            assert feature["id"] == feature["properties"]["record_id"]
            geometry = feature["geometry"]
            assert geometry is None or geometry["type"] in ("Point", "Polygon", "MultiPolygon"), label
            wanted = properties_expected if "since" in label else properties_expected[:-1]
            compare(list(feature["properties"]), wanted, f"extract.geojson {label} {feature['id']}")


def test_both_extracts_document_their_shared_columns_alike(entries):
    for column in documented(entries, "extract.csv"):
        in_csv = entry_of(entries, "extract.csv", column)
        in_geojson = entry_of(entries, "extract.geojson", column)
        for key in ("type", "required", "allowed", "blank_means"):
            assert in_csv[key] == in_geojson[key], f"{column}: {key} differs between extract.csv and extract.geojson"
        # The CSV may add one note of its own: the spreadsheet-formula guard.
        csv_only = in_csv["description"].removeprefix(in_geojson["description"])
        assert csv_only in ("", CSV_FORMULA_NOTE, CSV_NUMBER_NOTE), f"{column}: descriptions differ beyond the CSV note"


def test_csv_extract_documents_the_formula_guard_on_every_text_column(entries):
    for column in documented(entries, "extract.csv"):
        entry = entry_of(entries, "extract.csv", column)
        if entry["type"] in ("text", "participants", "quote", "iso3_list", "source_file"):
            assert entry["description"].endswith(CSV_FORMULA_NOTE), column


def test_extract_columns_said_to_be_as_records_csv_are_documented_alike(entries):
    for file in EXTRACT_FILES:
        for entry in (e for e in entries if e["file"] == file and e["description"] == "As records.csv."):
            source = entry_of(entries, "records.csv", entry["column"])
            assert entry["type"] == source["type"], f"{file} {entry['column']}"
            if entry["type"] == "enum":
                assert entry["allowed"] == source["allowed"], f"{file} {entry['column']}"


# ---------------------------------------------------------------- entries complete


def test_no_column_is_documented_twice(entries):
    keys = [(entry["file"], entry["column"]) for entry in entries]
    assert len(keys) == len(set(keys))


def test_every_entry_says_type_allowed_blank_and_meaning(entries):
    for entry in entries:
        where = f"dictionary.csv:{entry['_line']} ({entry['file']} {entry['column']})"
        for key in ("type", "allowed", "blank_means", "description"):
            assert entry[key].strip(), f"{where}: '{key}' is empty"
        assert entry["type"] in DOCUMENTED_TYPES, f"{where}: unknown type '{entry['type']}'"
        assert entry["required"] in ("yes", "no"), where
        assert (entry["required"] == "yes") == (entry["blank_means"] == NEVER_BLANK), (
            f"{where}: a required column is '{NEVER_BLANK}', an optional one says what a blank means"
        )
        if entry["type"] == "enum":
            values = entry["allowed"].split("|")
            assert len(values) >= 2 and all(value.strip() == value and value for value in values), where


# ---------------------------------------------------------------- values keep to the contract


def _check_values(entries, file: str, rows: list[dict[str, str]], where: str) -> None:
    for entry in (e for e in entries if e["file"] == file and e["column"] in (rows[0] if rows else {})):
        values = [row[entry["column"]] for row in rows]
        if entry["required"] == "yes":
            assert "" not in values, f"{where}: required column '{entry['column']}' has a blank"
        if entry["type"] == "enum":
            allowed = entry["allowed"].split("|")
            used = {value for value in values if value}
            assert used <= set(allowed), f"{where}: {entry['column']} uses {sorted(used - set(allowed))}"


@pytest.mark.parametrize("file", DATA_FILES)
def test_data_file_values_keep_to_the_dictionary(entries, file):
    rows = read_csv_rows(DATA_DIR / file)
    assert rows or file in MAY_BE_EMPTY, f"{file} has no rows"
    _check_values(entries, file, rows, file)


def test_sources_extract_values_keep_to_the_dictionary(entries, sources_extract, dataset):
    rows = csv_rows(sources_extract)
    assert len(rows) == len(dataset.sources)
    _check_values(entries, SOURCES_EXTRACT, rows, SOURCES_EXTRACT)


def test_extract_values_keep_to_the_dictionary(entries, extracts):
    statuses, changes = set(), set()
    for label, csv_payload, geojson_payload in extracts:
        rows = csv_rows(csv_payload)
        _check_values(entries, "extract.csv", rows, f"extract.csv {label}")
        properties = [
            {key: "" if value is None else str(value) for key, value in feature["properties"].items()}
            for feature in json.loads(geojson_payload)["features"]
        ]
        _check_values(entries, "extract.geojson", properties, f"extract.geojson {label}")
        statuses |= {row["status"] for row in rows}
        changes |= {row.get("change") for row in rows} - {None}
    # the walk over every key date reaches the statuses that move with time, so the check above saw them
    assert {"planned", "pending", "unconfirmed"} <= statuses
    assert {"new", "status changed", "unchanged"} <= changes
