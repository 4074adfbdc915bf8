"""A small data folder with a fixed picture, for tests that need known dates, numbers and grades.

The bundled data grows as curators add sources; a test that needs to say "on this day the panel
reads exactly this" builds this folder instead and points the app at it (ASM_DATA_DIR) or the
commands at it (--data-dir).

`make_situation_data(root)` writes `root/data` and `root/seeds`:

- the seed: the 14 seed records and their seed claims (source `seed-2026-01-15`, the held file
  000_2867a99da07c248b.txt), copied from the bundled files, with the places they name;
- three synthetic web sources (example.org, graded A to C) whose claims move the picture later:
  on 2026-01-17 a wire and its reprint report Germany's contingent on the ground with 15 personnel
  (the seed says 13 were dispatched: the sources differ) and France's on the ground with no number;
  on 2026-01-22 a ministry reports France's contingent gone; the wire also carries a new record, a
  Danish statement with no place;
- the four briefing stops as they were shipped with the seed.

The picture, day by day (what the tests in this folder expect, worked out by hand from the above):

- 2026-01-15 (first day, seed only): Germany under way, 13 personnel; five other countries announced.
- 2026-01-17: a 15th record, a statement with no place; Germany on the ground, 15 (grade B2, ⚠ sources differ: 15 / 13); France on the ground,
  number not stated.
- 2026-01-19, 2026-01-20: the NATO meeting in Brussels turns pending, then unconfirmed.
- 2026-01-22 (last report): France left.
- 2026-02-26: the working group's first meeting turns unconfirmed.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from geo.paths import DATA_DIR, SEEDS_DIR

SEED_SOURCE = "seed-2026-01-15"
SEED_FILE = "000_2867a99da07c248b.txt"
NOTE = "Synthetic, written by tests/support/situation.py; not a real source."

WIRE = {
    "source_id": "test-wire-2026-01-17", "publisher": "Example Wire (synthetic)", "origin": "Example Wire",
    "title": "Synthetic wire report: contingents land in Greenland", "url": "https://example.org/wire/2026-01-17",
    "published": "2026-01-17", "language": "en", "reliability": "B", "seed_file": "", "note": NOTE,
}  # fmt: skip
REPRINT = {
    "source_id": "test-daily-2026-01-17", "publisher": "Example Daily (synthetic)", "origin": "Example Wire",
    "title": "Synthetic reprint of the wire report", "url": "https://example.org/daily/2026-01-17",
    "published": "2026-01-17", "language": "en", "reliability": "C", "seed_file": "", "note": NOTE,
}  # fmt: skip
MINISTRY = {
    "source_id": "test-ministry-2026-01-22", "publisher": "Example Ministry of Defence (synthetic)",
    "origin": "Example Ministry of Defence", "title": "Synthetic statement: French team home",
    "url": "https://example.org/ministry/2026-01-22", "published": "2026-01-22", "language": "fr",
    "reliability": "A", "seed_file": "", "note": NOTE,
}  # fmt: skip
SOURCES = (WIRE, REPRINT, MINISTRY)


def _claim(claim_id, record_id, source, credibility, status, date, **more) -> dict:
    return {
        "claim_id": claim_id, "record_id": record_id, "source_id": source["source_id"], "credibility": str(credibility),
        "status": status, "date": date, "date_precision": "day", "place_id": "greenland", "note": NOTE, **more,
    }  # fmt: skip


CLAIMS = (
    _claim("test-deu-arrived-wire", "deployment-deu", WIRE, 2, "arrived", "2026-01-17", personnel="15",
           personnel_basis="deployed", quote="fifteen German soldiers landed on Saturday"),
    _claim("test-deu-arrived-daily", "deployment-deu", REPRINT, 3, "arrived", "2026-01-17", personnel="15",
           personnel_basis="deployed", quote="fifteen German soldiers landed"),
    _claim("test-fra-arrived-wire", "deployment-fra", WIRE, 3, "arrived", "2026-01-17",
           quote="a French team also arrived"),
    _claim("test-fra-left-ministry", "deployment-fra", MINISTRY, 1, "left", "2026-01-22",
           quote="the French reconnaissance team has returned"),
    _claim("test-arrivals-remark-wire", "test-arrivals-remark", WIRE, 3, "stated", "2026-01-17", place_id="",
           quote="Copenhagen welcomed the first allied soldiers"),
)  # fmt: skip
# A record first reported on 2026-01-17 (the list grows that day); no place, so listed, not drawn.
RECORDS = (
    {"record_id": "test-arrivals-remark", "kind": "statement", "title": "Denmark welcomes the first allied soldiers (synthetic)",
     "summary": "A synthetic statement for the tests.", "actor_iso3": "DNK", "curation_note": NOTE},
)  # fmt: skip

STOPS = [
    ["stop", "date", "view", "center_lat", "center_lon", "zoom", "caption"],
    ["1", "2026-01-15", "mercator", "", "", "", "Thursday 15 January: the seed's picture, six countries' contributions announced."],
    ["2", "2026-01-17", "mercator", "", "", "", "Saturday 17 January: German and French contingents on the ground."],
    ["3", "2026-01-17", "polar", "", "", "", "The same day in the Arctic view: routes as the crow flies over the pole."],
    ["4", "2026-01-19", "mercator", "50.85", "4.35", "5", "Monday 19 January: the planned meeting with NATO's Secretary General in Brussels."],
]  # fmt: skip

FIRST, ARRIVALS, NATO, NATO_AFTER, LEFT, LAST = (
    dt.date(2026, 1, 15), dt.date(2026, 1, 17), dt.date(2026, 1, 19), dt.date(2026, 1, 20), dt.date(2026, 1, 22),
    dt.date(2026, 2, 26),
)  # fmt: skip
KEY_DATES = [FIRST, ARRIVALS, NATO, NATO_AFTER, LEFT, LAST]
DEFAULT_DATE = LEFT  # the last day a claim became known


@dataclass(frozen=True)
class SituationData:
    data_dir: Path
    seeds_dir: Path


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def _write(path: Path, fields: list[str], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: row.get(key, "") for key in fields} for row in rows)


def make_situation_data(root: Path, synthetic: bool = True) -> SituationData:
    """Write the seed (and, unless `synthetic` is False, the synthetic sources) under `root`."""
    data_dir, seeds_dir = Path(root) / "data", Path(root) / "seeds"
    data_dir.mkdir(parents=True)
    seeds_dir.mkdir()
    for name in (SEED_FILE, Path(SEED_FILE).stem + ".meta.json"):
        shutil.copy(SEEDS_DIR / name, seeds_dir / name)

    fields, sources = _read(DATA_DIR / "sources.csv")
    _write(
        data_dir / "sources.csv",
        fields,
        [s for s in sources if s["source_id"] == SEED_SOURCE] + list(SOURCES if synthetic else ()),
    )
    fields, claims = _read(DATA_DIR / "claims.csv")
    seed_claims = [c for c in claims if c["source_id"] == SEED_SOURCE]
    _write(data_dir / "claims.csv", fields, seed_claims + list(CLAIMS if synthetic else ()))
    record_ids = {c["record_id"] for c in seed_claims}
    fields, records = _read(DATA_DIR / "records.csv")
    _write(
        data_dir / "records.csv",
        fields,
        [r for r in records if r["record_id"] in record_ids] + list(RECORDS if synthetic else ()),
    )
    named = {c[key] for c in seed_claims for key in ("place_id", "origin_place_id") if c[key]}
    fields, places = _read(DATA_DIR / "places.csv")
    _write(data_dir / "places.csv", fields, [p for p in places if p["place_id"] in named])
    fields, _ = _read(DATA_DIR / "rejected.csv")
    _write(data_dir / "rejected.csv", fields, [])
    with open(data_dir / "stops.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(STOPS)
    return SituationData(data_dir=data_dir, seeds_dir=seeds_dir)
