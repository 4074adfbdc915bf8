"""A temporary data folder whose records carry hostile text, for the browser and spreadsheet tests.

`make_hostile_data(root)` copies the bundled `data/` and `seeds/` into `root` and adds records whose
free-text fields (title, summary, participants, personnel note, purpose, curation note, quote) and a
place name carry HTML, script, Markdown, LaTeX and spreadsheet-formula payloads. The quotes are
verbatim in a synthetic seed written beside the real one, with its own sidecar, so the records pass
validation: the tests then check that the payloads are shown as text, run nowhere and fetch nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from geo.paths import DATA_DIR, SEEDS_DIR

IMG = "<img src=x onerror=window.__pwned=1>"
SCRIPT = "</script><script>window.__pwned=1</script>"
SVG = "<svg onload=window.__pwned=1>"
QUOTES = "\"double\" 'single' `back`"
BACKSLASH = "C:\\temp\\x"
MD_IMAGE = "![x](http://evil.example/x.png)"
MD_LINK = "[link](javascript:alert(1))"
LATEX = "$x$"
DIRECTIVE = ":red[x]"
TEMPLATE = "${window.__pwned=1} {{7*7}} {% if 1 %}jinja{% endif %}"
# Every payload that the page must show literally (as text), wherever it appears.
PAYLOADS = (IMG, SCRIPT, SVG, QUOTES, BACKSLASH, MD_IMAGE, MD_LINK, LATEX, DIRECTIVE, TEMPLATE)

SEED_FILE = "900_hostile_fixture.txt"
REPORT_DATE = "2026-01-15"
PLACE_ID = "hostile-city"
PLACE_NAME = f"Reykjavik {IMG} {QUOTES} {MD_IMAGE}"
QUOTE = f"The envoy said {IMG} and {SCRIPT} then {MD_IMAGE} {MD_LINK} {LATEX} {DIRECTIVE} {QUOTES} {BACKSLASH} {SVG} {TEMPLATE}."
# Cells a spreadsheet would run as formulas (a tab or carriage return cannot lead a valid field:
# the validator rejects leading whitespace, so the formula test adds those two itself).
FORMULA_TITLES = {
    "hostile-formula-equals": "=HYPERLINK(\"http://evil.example\",\"click\")",
    "hostile-formula-plus": "+1+1",
    "hostile-formula-minus": "-1+1",
    "hostile-formula-at": "@SUM(1,1)",
}


@dataclass(frozen=True)
class HostileData:
    data_dir: Path
    seeds_dir: Path
    record_ids: tuple[str, ...]  # the hostile records added
    as_of: dt.date  # a date on which all of them are known


def _record(columns: list[str], **values: str) -> dict[str, str]:
    unknown = set(values) - set(columns)
    if unknown:
        raise ValueError(f"not columns of records.csv: {sorted(unknown)}")
    return {column: values.get(column, "") for column in columns}


def make_hostile_data(root: Path) -> HostileData:
    """Copy data/ and seeds/ under `root` and add the hostile records, place and seed."""
    data_dir, seeds_dir = Path(root) / "data", Path(root) / "seeds"
    shutil.copytree(DATA_DIR, data_dir)
    shutil.copytree(SEEDS_DIR, seeds_dir)
    (seeds_dir / SEED_FILE).write_text(f"date {REPORT_DATE}\n\n{QUOTE}\n", encoding="utf-8")
    (seeds_dir / (Path(SEED_FILE).stem + ".meta.json")).write_text(
        json.dumps(
            {
                "file": SEED_FILE,
                "report_date": REPORT_DATE,
                "document_type": "synthetic test fixture",
                "publisher": "not stated (made by tests/support/hostile.py)",
                "language": "en",
                "obtained": "Written by the test suite; not a real source.",
            },
            indent=2,
        ),
        encoding="utf-8",
    )

    with open(data_dir / "places.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [PLACE_ID, PLACE_NAME, "64.1466", "-21.9426", "city", "ISL", "", f"Synthetic place. {SCRIPT} {MD_LINK}"]
        )

    records_path = data_dir / "records.csv"
    with open(records_path, encoding="utf-8", newline="") as handle:
        columns = next(csv.reader(handle))
    common = {"source": SEED_FILE, "source_quote": QUOTE, "reported_on": REPORT_DATE, "date": "2026-01-14", "date_precision": "day"}
    rows = [
        _record(
            columns, record_id="hostile-meeting", kind="meeting", status_reported="held", place_id=PLACE_ID,
            country_iso3="ISL", actor_iso3="ISL;DNK",
            title=f"{IMG} {SCRIPT} {QUOTES} {BACKSLASH}",
            summary=f"{MD_IMAGE} {MD_LINK} {LATEX} {DIRECTIVE} {TEMPLATE}",
            participants=f"{IMG} ({SCRIPT});{QUOTES} {LATEX} ({DIRECTIVE})",
            curation_note=f"{SVG} {MD_IMAGE} {BACKSLASH}",
            **common,
        ),
        _record(
            columns, record_id="hostile-deployment", kind="deployment", status_reported="announced",
            place_id="greenland", country_iso3="GRL", actor_iso3="ISL", origin_place_id=PLACE_ID,
            title=f"Iceland sends {SVG} {DIRECTIVE}",
            personnel_note=f"{IMG} {QUOTES}",
            purpose=f"{SCRIPT} {MD_LINK} {LATEX}",
            curation_note=f"{TEMPLATE} {MD_IMAGE}",
            **common,
        ),
        _record(
            columns, record_id="hostile-statement", kind="statement", status_reported="stated", actor_iso3="ISL",
            title=f"{MD_IMAGE} {MD_LINK} {LATEX} {DIRECTIVE}", summary=f"{IMG} {SCRIPT}",
            **common,
        ),
    ]
    rows += [
        _record(
            columns, record_id=record_id, kind="statement", status_reported="stated", actor_iso3="ISL",
            title=title, summary=title, curation_note=title, **common,
        )
        for record_id, title in FORMULA_TITLES.items()
    ]
    with open(records_path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writerows(rows)
    return HostileData(
        data_dir=data_dir,
        seeds_dir=seeds_dir,
        record_ids=tuple(row["record_id"] for row in rows),
        as_of=dt.date.fromisoformat(REPORT_DATE),
    )
