"""A temporary data folder whose records carry hostile text, for the browser and spreadsheet tests.

`make_hostile_data(root)` copies the bundled `data/` and `seeds/` into `root` and adds records (each
with one claim of a synthetic held source) whose free-text fields (title, summary, participants,
personnel note, purpose, curation note, quote), a place name and the source's publisher, origin and
title carry HTML, script, Markdown, LaTeX and spreadsheet-formula payloads. The quote is verbatim in
a synthetic seed written beside the real one, with its own sidecar, so everything passes
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
    "hostile-formula-equals": '=HYPERLINK("http://evil.example","click")',
    "hostile-formula-plus": "+1+1",
    "hostile-formula-minus": "-1+1",
    "hostile-formula-at": "@SUM(1,1)",
}


SOURCE_ID = "hostile-held-source"
PUBLISHER = f"Hostile Press {IMG} {MD_LINK}"
ORIGIN = f"{SCRIPT} {LATEX}"


@dataclass(frozen=True)
class HostileData:
    data_dir: Path
    seeds_dir: Path
    record_ids: tuple[str, ...]  # the hostile records added
    as_of: dt.date  # a date on which all of them are known


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    """Append rows to a CSV file under its own header; a key that is not a column fails loudly."""
    with open(path, encoding="utf-8", newline="") as handle:
        columns = next(csv.reader(handle))
    for row in rows:
        unknown = set(row) - set(columns)
        if unknown:
            raise ValueError(f"not columns of {path.name}: {sorted(unknown)}")
    with open(path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writerows({column: row.get(column, "") for column in columns} for row in rows)


def make_hostile_data(root: Path) -> HostileData:
    """Copy data/ and seeds/ under `root` and add the hostile records, their claims, place, source and seed."""
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

    _append(data_dir / "places.csv", [{
        "place_id": PLACE_ID, "name": PLACE_NAME, "lat": "64.1466", "lon": "-21.9426", "geo_precision": "city",
        "country_iso3": "ISL", "coord_source": f"synthetic {TEMPLATE}", "note": f"Synthetic place. {SCRIPT} {MD_LINK}",
    }])  # fmt: skip
    _append(data_dir / "sources.csv", [{
        "source_id": SOURCE_ID, "publisher": PUBLISHER, "origin": ORIGIN, "title": f"{MD_IMAGE} {DIRECTIVE}",
        "published": REPORT_DATE, "language": "en", "reliability": "F", "seed_file": SEED_FILE,
        "note": f"Synthetic, made by tests/support/hostile.py. {SVG}",
    }])  # fmt: skip

    records = [
        dict(record_id="hostile-meeting", kind="meeting", country_iso3="ISL", actor_iso3="ISL;DNK",
             title=f"{IMG} {SCRIPT} {QUOTES} {BACKSLASH}",
             summary=f"{MD_IMAGE} {MD_LINK} {LATEX} {DIRECTIVE} {TEMPLATE}",
             participants=f"{IMG} ({SCRIPT});{QUOTES} {LATEX} ({DIRECTIVE})",
             curation_note=f"{SVG} {MD_IMAGE} {BACKSLASH}"),
        dict(record_id="hostile-deployment", kind="deployment", country_iso3="GRL", actor_iso3="ISL",
             title=f"Iceland sends {SVG} {DIRECTIVE}", purpose=f"{SCRIPT} {MD_LINK} {LATEX}",
             curation_note=f"{TEMPLATE} {MD_IMAGE}"),
        dict(record_id="hostile-statement", kind="statement", actor_iso3="ISL",
             title=f"{MD_IMAGE} {MD_LINK} {LATEX} {DIRECTIVE}", summary=f"{IMG} {SCRIPT}"),
        *(dict(record_id=record_id, kind="statement", actor_iso3="ISL", title=title, summary=title, curation_note=title)
          for record_id, title in FORMULA_TITLES.items()),
    ]  # fmt: skip
    claim = {"source_id": SOURCE_ID, "credibility": "6", "date": "2026-01-14", "date_precision": "day", "quote": QUOTE}
    claims = [
        {**claim, "claim_id": "hostile-meeting-held", "record_id": "hostile-meeting", "status": "held", "place_id": PLACE_ID},
        {**claim, "claim_id": "hostile-deployment-announced", "record_id": "hostile-deployment", "status": "announced",
         "place_id": "greenland", "origin_place_id": PLACE_ID, "personnel_note": f"{IMG} {QUOTES}"},
        *({**claim, "claim_id": f"{row['record_id']}-stated", "record_id": row["record_id"], "status": "stated"}
          for row in records[2:]),
    ]  # fmt: skip
    _append(data_dir / "records.csv", records)
    _append(data_dir / "claims.csv", claims)
    return HostileData(
        data_dir=data_dir,
        seeds_dir=seeds_dir,
        record_ids=tuple(row["record_id"] for row in records),
        as_of=dt.date.fromisoformat(REPORT_DATE),
    )
