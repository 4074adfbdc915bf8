"""Fixtures shared by the test modules: the bundled dataset, loaded once, and the raw CSV rows.

The raw rows are read with the `csv` module only, so tests can build expectations from the curated
files without going through the code under test.

The bundled data grows as curators add sources. The seed's own picture stays fixed: its 14 records
keep their ids and their claims (source `SEED_SOURCE`, held as `SEED_FILE`), so a test about what
the seed says filters on it (`as_of_view(dataset, day, source=SEED_FILE)`); a test of the bundled
data as a whole checks invariants, not today's counts.
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from geo.basemap import load_basemap
from geo.geometry import outlines_by_iso3
from geo.paths import DATA_DIR, SEEDS_DIR
from geo.records import load_dataset
from tests.support.browser import chromium_executable, launch_chromium

SEED_SOURCE = "seed-2026-01-15"  # sources.csv source_id of the held seed
SEED_FILE = "000_2867a99da07c248b.txt"  # its file in seeds/


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """The data rows of a CSV file as dicts of text, each with the 1-based `_line` it starts on."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = []
        start = 2  # the line after the header
        for row in reader:
            rows.append({**row, "_line": start})
            start = reader.line_num + 1
        return rows


@pytest.fixture(scope="session")
def dataset():
    return load_dataset(DATA_DIR)


@pytest.fixture(scope="session")
def basemap():
    return load_basemap()


@pytest.fixture(scope="session")
def outlines(basemap):
    return outlines_by_iso3(basemap)


@pytest.fixture(scope="session")
def raw_records() -> list[dict[str, str]]:
    return read_csv_rows(DATA_DIR / "records.csv")


@pytest.fixture(scope="session")
def raw_places() -> dict[str, dict[str, str]]:
    return {row["place_id"]: row for row in read_csv_rows(DATA_DIR / "places.csv")}


@pytest.fixture(scope="session")
def raw_sources() -> dict[str, dict[str, str]]:
    return {row["source_id"]: row for row in read_csv_rows(DATA_DIR / "sources.csv")}


@pytest.fixture(scope="session")
def raw_claims() -> list[dict[str, str]]:
    return read_csv_rows(DATA_DIR / "claims.csv")


@pytest.fixture(scope="session")
def raw_rejected() -> list[dict[str, str]]:
    return read_csv_rows(DATA_DIR / "rejected.csv")


# ---------------------------------------------------------------- a real browser

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
BROWSER_HELP = "bash .ci/setup --with-browser (Debian's chromium), or .venv/bin/python -m playwright install chromium"


def require_tool(reason: str) -> None:
    """Skip locally with the reason; under CI a missing tool is a failure, never a skip."""
    if IN_CI:
        pytest.fail(f"{reason}; CI is set, so the browser tests must run, not skip. Install: {BROWSER_HELP}")
    pytest.skip(f"{reason}. Install: {BROWSER_HELP}")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (tests/support/browser.py picks the executable).

    Module scope, not session: Playwright's sync API allows one driver at a time in a process.
    """
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:
        require_tool(f"the playwright package is missing ({error})")
    with sync_playwright() as driver:
        try:
            chromium = launch_chromium(driver)
        except Error as error:
            which = chromium_executable() or "Playwright's own Chromium"
            require_tool(f"no headless Chromium could start ({which}: {str(error).splitlines()[0]})")
        yield chromium
        chromium.close()


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of the bundled data and seeds the app reads (ASM_DATA_DIR), free to break."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    shutil.copytree(SEEDS_DIR, tmp_path / "seeds")
    monkeypatch.setenv("ASM_DATA_DIR", str(data))
    return data
