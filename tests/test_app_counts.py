"""The banner's counts equal what the files hold: rows rejected, rows that could not be read at all
(a field over the csv module's limit, the lines an unclosed quote swallowed), and files that could
not be read (no permission, not a text file).

Each case breaks a copy of data/ in code (ASM_DATA_DIR) and counts what to expect from the raw text
of the broken file, not through geo.records.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.paths import REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "app.py")
TIMEOUT = 90
OVERSIZE_FIELD = 140_000  # characters: over the csv module's 128 KiB field limit


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def data_lines(path: Path) -> int:
    """Lines after the header that hold data, from the raw text (the curated files have no
    multi-line rows)."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    return sum(1 for line in io.StringIO(text, newline="").readlines()[1:] if line.replace(",", "").strip())


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def index_of(lines: list[str], key: str) -> int:
    return next(index for index, line in enumerate(lines) if line.split(",", 1)[0] == key)


def break_kind(path: Path, key: str) -> None:
    """One record's kind misspelt: a row read and rejected."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    (row,) = [row for row in rows if row[0] == key]
    row[rows[0].index("kind")] = "meating"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def open_a_quote(path: Path) -> str:
    """Drop the closing quote of the last value of a row in the middle whose next row holds one
    quoted value: the open quote swallows exactly that next row. Returns the swallowed row's key."""
    lines = lines_of(path)
    middle = len(lines) // 2
    index = next(
        index
        for index in range(middle, len(lines) - 1)
        if lines[index].endswith('"') and lines[index + 1].count('"') == 2
    )
    head, _, tail = lines[index].rpartition('"')
    lines[index] = head + tail
    path.write_text("\n".join(lines), encoding="utf-8")
    return lines[index + 1].split(",", 1)[0]


def banner(at: AppTest) -> tuple[str, str]:
    assert not at.exception, [e.value for e in at.exception]
    (box,) = [error for error in at.error if "Rejected:" in error.value]
    return unescape(box.value), "\n".join(code.value for code in at.code)


def test_an_unclosed_quote_and_a_bad_row_are_three_rows_lost(data_copy):
    """The issue's case: the banner said '2 of 13 rejected' when 3 of 14 rows were lost."""
    records = data_copy / "records.csv"
    total = data_lines(records)
    break_kind(records, "washington-meeting")
    swallowed = open_a_quote(records)
    assert data_lines(records) == total

    text, problems = banner(AppTest.from_file(APP, default_timeout=TIMEOUT).run())
    assert f"Rejected: 3 of {total} rows of records.csv (1 could not be read)" in text, text
    assert f"showing {total - 3} of {total} records" in text, text
    assert "meating" in problems and "an unclosed double quote?" in problems
    assert f"'{swallowed}' is not a record in records.csv" in problems  # its claims say where it went


def test_a_field_over_the_csv_limit_loses_one_row_not_the_file(data_copy):
    """Was: 'cannot be read as CSV; the rest of the file is not read', and the banner said 0 of 0."""
    records = data_copy / "records.csv"
    total = data_lines(records)
    lines = lines_of(records)
    key = lines[1].split(",", 1)[0]
    lines[1] = f"{key},statement,{'x' * OVERSIZE_FIELD},,,,,,"
    records.write_text("\n".join(lines), encoding="utf-8")

    text, problems = banner(AppTest.from_file(APP, default_timeout=TIMEOUT).run())
    assert f"1 of {total} rows of records.csv (1 could not be read)" in text, text
    assert f"showing {total - 1} of {total} records" in text, text
    assert "records.csv:2: -: cannot be read as CSV: a value is longer than the csv module's limit" in problems


def test_blank_rows_lose_nothing(data_copy):
    """Blank lines and emptied rows (bare delimiters) between the rows: no banner, every record."""
    records = data_copy / "records.csv"
    total = data_lines(records)
    lines = lines_of(records)
    width = lines[0].count(",")
    lines[len(lines) // 2 : len(lines) // 2] = ["", "," * width, "   "]
    records.write_text("\n".join(lines), encoding="utf-8")
    assert data_lines(records) == total

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception and not at.error, [e.value for e in at.error]


def as_a_spreadsheet(path: Path, monkeypatch) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", path.read_text(encoding="utf-8"))
    path.write_bytes(buffer.getvalue())
    return "not a text file"


def without_permission(path: Path, monkeypatch) -> str:
    """No read permission; as root (who reads anything) the read fails as it would for another user."""
    path.chmod(0)
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return "permission denied"


@pytest.mark.parametrize("file", ["records.csv", "claims.csv"])
@pytest.mark.parametrize(
    "make_unreadable", [as_a_spreadsheet, without_permission], ids=["spreadsheet", "no-permission"]
)
def test_an_unreadable_file_is_named_in_the_banner(data_copy, monkeypatch, file, make_unreadable):
    total = data_lines(data_copy / "records.csv")
    why = make_unreadable(data_copy / file, monkeypatch)

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    text, problems = banner(at)
    assert f"{file} could not be read ({why})" in text, text
    if file == "records.csv":
        assert "showing 0 records (records.csv could not be read)" in text, text
    else:  # every record rests on a claim: all are rejected, and counted
        assert f"{total} of {total} rows of records.csv" in text and f"showing 0 of {total} records" in text, text
    assert f"{file}: -: " in problems
    assert any("No valid records to show" in warning.value for warning in at.warning)
