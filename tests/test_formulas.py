"""Spreadsheet formulas in the CSV extract, checked by LibreOffice Calc itself (headless).

A cell that starts with =, +, -, @, a tab or a carriage return can run as a formula when an analyst
opens the CSV. `geo.extract.neutralise_formula` prefixes such text with an apostrophe; numbers such
as -77.0364 stay numbers. Here LibreOffice opens the extract of the hostile test data (titles like
=HYPERLINK(...), +1+1, -1+1, @SUM(1,1)) and saves it as a flat ODS document, which says for every
cell whether it holds a formula. A control file without the neutralising shows that LibreOffice does
run formulas from such a CSV, so the check can fail.

LibreOffice runs with a private profile (-env:UserInstallation) so that parallel runs do not clash.
Without LibreOffice the tests skip on a developer machine and fail when CI is set.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from geo.basemap import load_basemap
from geo.extract import EXTRACT_COLUMNS, extract_view, neutralise_formula, to_csv_bytes
from geo.geometry import outlines_by_iso3
from geo.paths import REPO_ROOT
from geo.records import load_dataset
from tests.support.hostile import FORMULA_TITLES, make_hostile_data

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
CSV_FILTER = "CSV:44,34,76,1"  # comma-separated, double-quoted, UTF-8, from line 1: a plain "open"
CONVERT_TIMEOUT = 240  # s; a cold LibreOffice start on a busy machine can take a while
NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
# Two triggers that no valid record can start with (the validator rejects leading whitespace), so
# they are put into a view made in code: (record to change, column, text).
WHITESPACE_TRIGGERS = (("hostile-statement", "curation_note", "\t=1+1"), ("hostile-meeting", "curation_note", "\r=1+1"))


@dataclass(frozen=True)
class Cell:
    formula: str | None
    value_type: str | None  # "string", "float", … or None for an empty cell
    value: str | None  # office:value of a number, office:date-value of a date
    text: str


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _paragraph_text(node) -> str:
    """The text of a text:p, with ODF's encoded spaces, tabs and line breaks put back."""
    parts = [node.text or ""]
    for child in node:
        if child.tag == _q("text", "s"):
            parts.append(" " * int(child.get(_q("text", "c"), "1")))
        elif child.tag == _q("text", "tab"):
            parts.append("\t")
        elif child.tag == _q("text", "line-break"):
            parts.append("\n")
        else:
            parts.append(_paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_fods(path: Path) -> list[list[Cell]]:
    """The first sheet of a flat ODS file as rows of cells (repeated cells expanded)."""
    sheet = ET.parse(path).getroot().find(".//table:table", NS)
    rows = []
    for row in sheet.iter(_q("table", "table-row")):
        cells = []
        for node in row:
            if node.tag not in (_q("table", "table-cell"), _q("table", "covered-table-cell")):
                continue
            cell = Cell(
                formula=node.get(_q("table", "formula")),
                value_type=node.get(_q("office", "value-type")),
                value=node.get(_q("office", "value")) or node.get(_q("office", "date-value")),
                text="\n".join(_paragraph_text(p) for p in node.findall("text:p", NS)),
            )
            repeat = int(node.get(_q("table", "number-columns-repeated"), "1"))
            cells.extend([cell] * min(repeat, 1000))
        rows.append(cells)
    return rows


def convert_with_libreoffice(sources: list[Path], workdir: Path) -> list[list[list[Cell]]]:
    """Open each CSV in LibreOffice Calc as an analyst would and save it as .fods; read them back."""
    if LIBREOFFICE is None:
        reason = (
            "LibreOffice is not installed (bash .ci/setup --with-browser, or apt-get install libreoffice-calc-nogui)"
        )
        if IN_CI:
            pytest.fail(reason + "; CI is set, so the spreadsheet test must run")
        pytest.skip(reason)
    out = workdir / "converted"
    profile = workdir / "libreoffice-profile"
    command = [
        LIBREOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
        f"--infilter={CSV_FILTER}", "--convert-to", "fods", "--outdir", str(out), *map(str, sources),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT)
    results = []
    for source in sources:
        converted = out / (source.stem + ".fods")
        assert converted.exists(), f"LibreOffice did not convert {source.name}: {done.stdout}\n{done.stderr}"
        results.append(read_fods(converted))
    return results


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    made = make_hostile_data(tmp_path_factory.mktemp("hostile"))
    dataset = load_dataset(made.data_dir)
    assert not dataset.problems, f"the hostile records must pass validation: {dataset.problems}"
    return made, dataset


@pytest.fixture(scope="module")
def sheets(hostile, tmp_path_factory):
    """(CSV bytes, LibreOffice's reading) for: the CLI extract, the whitespace-trigger extract, the control."""
    made, dataset = hostile
    workdir = tmp_path_factory.mktemp("formulas")
    cli = workdir / "cli_extract.csv"
    subprocess.run(
        [sys.executable, "-m", "geo.extract", "--as-of", made.as_of.isoformat(), "--format", "csv",
         "--data-dir", str(made.data_dir), "-o", str(cli)],
        cwd=REPO_ROOT, check=True, capture_output=True, timeout=120,
    )  # fmt: skip

    view = extract_view(dataset, outlines_by_iso3(load_basemap()), made.as_of)
    for record_id, column, text in WHITESPACE_TRIGGERS:
        view.loc[view["record_id"] == record_id, column] = text
    whitespace = workdir / "whitespace_extract.csv"
    whitespace.write_bytes(to_csv_bytes(view))

    control = workdir / "control_not_neutralised.csv"
    with open(control, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["record_id", "title"])
        writer.writerows(FORMULA_TITLES.items())
        writer.writerow(["sum", "=1+1"])

    sources = [cli, whitespace, control]
    read = convert_with_libreoffice(sources, workdir)
    return {path.stem: (path.read_bytes(), rows) for path, rows in zip(sources, read)}


def test_libreoffice_runs_formulas_from_a_csv_that_is_not_neutralised(sheets):
    """The control: without the apostrophe, LibreOffice turns =… into a live formula."""
    _, rows = sheets["control_not_neutralised"]
    by_id = {row[0].text: row[1] for row in rows[1:] if row and row[0].text}
    assert by_id["sum"].formula == "of:=1+1" and by_id["sum"].value == "2"
    assert by_id["hostile-formula-equals"].formula is not None, "=HYPERLINK(…) should be live without the rule"


@pytest.mark.parametrize("name", ["cli_extract", "whitespace_extract"])
def test_no_extract_cell_becomes_a_formula_in_libreoffice(sheets, name):
    data, rows = sheets[name]
    written = csv_rows(data)
    assert written[0] == EXTRACT_COLUMNS and [cell.text for cell in rows[0][: len(EXTRACT_COLUMNS)]] == EXTRACT_COLUMNS
    formulas = [(r, c, cell.formula) for r, row in enumerate(rows) for c, cell in enumerate(row) if cell.formula]
    assert formulas == [], f"cells LibreOffice reads as formulas (row, column, formula): {formulas}"
    columns = {name: index for index, name in enumerate(EXTRACT_COLUMNS)}
    numeric = (
        "lat",
        "lon",
        "origin_lat",
        "origin_lon",
        "personnel",
        "personnel_announced",
        "personnel_deployed",
        "source_count",
    )
    dates = ("date", "date_latest", "reported_on", "date_end")
    triggered = 0
    for written_row, read_row in zip(written[1:], rows[1:]):
        record_id = written_row[columns["record_id"]]
        for column, index in columns.items():
            raw, cell = written_row[index], read_row[index]
            where = f"{name}: {record_id}.{column}"
            if not raw:
                assert cell.value_type is None, f"{where} should stay blank"
            elif column in numeric:
                assert cell.value_type == "float" and float(cell.value) == float(raw), (
                    f"{where} should stay the number {raw}"
                )
            elif column in dates:
                assert cell.value_type == "date" and cell.value == raw, f"{where} should stay the day {raw}"
            else:
                assert cell.value_type == "string", f"{where} should be text, is {cell.value_type}"
                assert cell.text.replace("\n", "\r") == raw.replace("\n", "\r"), f"{where}: {cell.text!r} != {raw!r}"
                if raw.startswith("'") and raw[1:2] in ("=", "+", "-", "@", "\t", "\r"):
                    triggered += 1
    assert triggered >= len(FORMULA_TITLES), "the extract should hold the hostile formula cells, neutralised"


def test_the_hostile_cells_and_negative_numbers_are_written_as_the_rule_says(sheets):
    data, _ = sheets["cli_extract"]
    written = {row[0]: dict(zip(EXTRACT_COLUMNS, row)) for row in csv_rows(data)[1:]}
    for record_id, title in FORMULA_TITLES.items():
        assert written[record_id]["title"] == "'" + title == neutralise_formula(title)
    assert written["washington-meeting"]["lon"] == "-77.0364", "a negative longitude is a number, not a formula"
    assert written["hostile-meeting"]["lon"] == "-21.9426"
    assert written["hostile-deployment"]["origin_lon"] == "-21.9426", "a departure's longitude too"
    whitespace, _ = sheets["whitespace_extract"]
    whitespace_rows = {row[0]: dict(zip(EXTRACT_COLUMNS, row)) for row in csv_rows(whitespace)[1:]}
    for record_id, column, text in WHITESPACE_TRIGGERS:
        assert whitespace_rows[record_id][column] == "'" + text
