"""Synthetic data folders for the benchmark: N valid records with their sources and claims, made in
code from a fixed seed.

The records are not data: every title says "synthetic", every city is made up, every web source
lives at a `.invalid` address, and the one held document is a synthetic text written beside the
data with its own `.meta.json` sidecar, so the folder passes the same validation as the curated one
(`geo.records.load_dataset`, zero problems: `check_clean`). The folder is always temporary; nothing
here is ever written into `data/` or `seeds/`.

Shape, chosen to look like a larger version of the real situation (records + sources + claims):
- sources: on each of SYNTHETIC_DAYS report days spread evenly over the bundled data's date span,
  one source of each SOURCE_TYPES entry (an official A, a wire B and a reprint of that wire B with
  the same origin, a C paper, a D blog, an E aggregator), plus one held document (F) published on
  the first day. Every claim is known from its source's publication day, so the slider's key dates
  are the report days and every step adds records to the map;
- records: kinds mixed evenly (deployments twice as often, as they carry the most claims), each
  with 1-3 claims: the first from a non-E source on the record's report day, the others from
  sources of the same or later days. Deployments move announced -> dispatched -> arrived -> left
  over their claims (announced and deployed personnel; about a third of repeated numbers disagree),
  visits arrive and sometimes leave, a tenth of the other events are first planned for a range that
  ends the day before the next report day (so their status moves on key dates and adds none) and
  are later reported held or stated; some repeated claims disagree on the day;
- places: most records are at synthetic cities (points, several records per city so markers share
  slots), a few at the bundled territories (areas), a few have no place (listed, not drawn); a tenth
  of the deployments have a departure place, so routes are drawn too;
- rejected.csv: a few logged rejections (validated, never drawn).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import shutil
from pathlib import Path

from geo.dictionary import column_names
from geo.paths import DATA_DIR
from geo.records import CLAIMS_FILE, PLACES_FILE, RECORDS_FILE, REJECTED_FILE, SOURCES_FILE, Dataset, load_dataset

HELD_FILE = "bench_synthetic.txt"
HELD_SOURCE = "bench-held-document"
SYNTHETIC_DAYS = 6
RECORDS_PER_CITY = 4  # on average; cities are picked at random
SHARE_PLANNED = 0.10
SHARE_TERRITORY = 0.05
SHARE_UNPLACED = 0.05
SHARE_DEPLOYMENT_ROUTES = 0.10
SHARE_DISAGREE = 0.30  # of repeated numbers and repeated days
SHARE_HELD_QUOTE = 0.10  # claims resting on the held document (verbatim quotes, checked against it)
QUOTE_COUNT = 40  # a short held text, like the real one: many claims quote the same sentence
REJECTED_PER_1000 = 10
# (type, publisher, origin or None for its own, reliability, language) of the sources on each report day
SOURCE_TYPES = (
    ("ministry", "Synthetic ministry of defence", None, "A", "da"),
    ("wire", "Synthetic Wire", None, "B", "en"),
    ("reprint", "Synthetic Evening Paper", "Synthetic Wire", "B", "de"),
    ("paper", "Synthetic Regional Paper", None, "C", "en"),
    ("blog", "Synthetic Defence Blog", None, "D", "en"),
    ("aggregator", "Synthetic News Aggregator", None, "E", "en"),
)
# The status a source reports for a record of each kind (deployments and visits are presences: below).
REPORTED_STATUS = {
    "meeting": "held",
    "agreement": "agreed",
    "announcement": "announced",
    "statement": "stated",
    "assessment": "stated",
    "threat": "stated",
    "protest": "held",
    "exercise": "launched",
    "mission": "launched",
}
KINDS = ("deployment", *REPORTED_STATUS, "deployment", "visit")
DEPLOYMENT_STAGES = ("announced", "dispatched", "arrived", "left")
COUNTRIES = ("BEL", "CAN", "DEU", "DNK", "FIN", "FRA", "GBR", "GRL", "ISL", "NLD", "NOR", "SWE", "USA")
CITY_WINDOW = (-100.0, 35.0, 35.0, 80.0)  # min lon, min lat, max lon, max lat
ONE_DAY = dt.timedelta(days=1)


def report_days(first: dt.date, last: dt.date, count: int = SYNTHETIC_DAYS) -> list[dt.date]:
    """`count` days spread evenly from `first` to `last`, both included."""
    span = (last - first).days
    return sorted({first + dt.timedelta(days=round(span * i / (count - 1))) for i in range(count)})


def source_sentences() -> list[str]:
    return [
        f"Synthetic benchmark sentence {i:02d}: this text was generated for a speed test and reports nothing."
        for i in range(QUOTE_COUNT)
    ]


def _columns(file: str) -> list[str]:
    return column_names(file)  # the data contract's columns, in its order


def write_synthetic_data(root: Path, count: int, seed: int, span: tuple[dt.date, dt.date]) -> Path:
    """Write `root/data` (places, sources, records, claims, rejected, stops) and `root/seeds` (the
    held text and its sidecar); return the data folder."""
    rng = random.Random(seed)
    data_dir, seeds_dir = root / "data", root / "seeds"
    data_dir.mkdir(parents=True)
    seeds_dir.mkdir()
    days = report_days(*span)
    sentences = source_sentences()
    (seeds_dir / HELD_FILE).write_text("\n".join(sentences) + "\n", encoding="utf-8")
    (seeds_dir / (Path(HELD_FILE).stem + ".meta.json")).write_text(
        json.dumps(
            {
                "file": HELD_FILE,
                "report_date": days[0].isoformat(),
                "document_type": "synthetic text for the benchmark",
                "publisher": "not a publication",
                "language": "en",
                "obtained": f"Generated by benchmarks/synthetic_data.py with random seed {seed}.",
            },
            indent=2,
        ),
        encoding="utf-8",
    )

    # places.csv: the bundled gazetteer plus synthetic cities
    place_columns = _columns(PLACES_FILE)
    with open(DATA_DIR / PLACES_FILE, encoding="utf-8", newline="") as handle:
        places = [{k: row.get(k, "") for k in place_columns} for row in csv.DictReader(handle)]
    territories = [p["place_id"] for p in places if p["geo_precision"] == "territory"]
    cities = [f"bench-city-{i:05d}" for i in range(max(10, count // RECORDS_PER_CITY))]
    min_lon, min_lat, max_lon, max_lat = CITY_WINDOW
    for number, place_id in enumerate(cities):
        places.append(
            {
                "place_id": place_id,
                "name": f"Synthetic city {number:05d}",
                "lat": f"{rng.uniform(min_lat, max_lat):.4f}",
                "lon": f"{rng.uniform(min_lon, max_lon):.4f}",
                "geo_precision": "city",
                "country_iso3": rng.choice(COUNTRIES),
                "outline_iso3": "",
                "coord_source": f"random point drawn by benchmarks/synthetic_data.py (seed {seed})",
                "note": "Synthetic place made by the benchmark; not a real location.",
            }
        )
    _write_csv(data_dir / PLACES_FILE, place_columns, places)
    country_of = {p["place_id"]: p["country_iso3"] for p in places}

    # sources.csv: one of each type per report day, plus the held document on the first day
    sources = [
        {
            "source_id": HELD_SOURCE,
            "publisher": "not a publication",
            "origin": "not a publication",
            "title": "Synthetic text held in seeds/ for the benchmark",
            "url": "",
            "published": days[0].isoformat(),
            "language": "en",
            "reliability": "F",
            "seed_file": HELD_FILE,
            "note": "Synthetic; graded F (cannot be judged).",
        }
    ]
    by_day: list[list[dict]] = []
    for index, day in enumerate(days):
        today = []
        for kind, publisher, origin, reliability, language in SOURCE_TYPES:
            source_id = f"bench-{kind}-{day.isoformat()}"
            today.append(
                {
                    "source_id": source_id,
                    "publisher": publisher,
                    "origin": origin or publisher,
                    "title": f"Synthetic {kind} report of day {index + 1} (benchmark source, not data)",
                    "url": f"https://synthetic.invalid/{source_id}",
                    "published": day.isoformat(),
                    "language": language,
                    "reliability": reliability,
                    "seed_file": "",
                    "note": "Synthetic source made by the benchmark."
                    + (" Reprint of Synthetic Wire." if origin else ""),
                }
            )
        sources += today
        by_day.append(today)
    _write_csv(data_dir / SOURCES_FILE, _columns(SOURCES_FILE), sources)

    # records.csv and claims.csv
    claim_columns = _columns(CLAIMS_FILE)
    records, claims = [], []
    last = len(days) - 1
    for number in range(count):
        kind = KINDS[number % len(KINDS)]
        record_id = f"bench-{number:05d}"
        reported = rng.randrange(len(days))
        where = rng.random()
        if where < SHARE_UNPLACED and kind not in ("deployment", "visit"):
            place = ""
        elif where < SHARE_UNPLACED + SHARE_TERRITORY:
            place = rng.choice(territories)
        else:
            place = rng.choice(cities)
        if kind == "deployment":
            actors = rng.choice(COUNTRIES)
        else:
            actors = ";".join(sorted(rng.sample(COUNTRIES, rng.randint(1, 3))))
        records.append(
            {
                "record_id": record_id,
                "kind": kind,
                "title": f"Synthetic {kind} {number:05d} (benchmark record, not data)",
                "summary": "Synthetic record made by the benchmark." if rng.random() < 0.5 else "",
                "country_iso3": country_of.get(place, ""),
                "actor_iso3": actors,
                "participants": f"Synthetic Person {number:05d} (minister)" if kind in ("meeting", "visit") else "",
                "purpose": "synthetic purpose" if kind in ("deployment", "mission") else "",
                "curation_note": "Synthetic record made by the benchmark.",
            }
        )
        extra = rng.choice((0, 1, 2))  # 1-3 claims
        # (day index of the source, status, date, date_latest) of each claim, in report order
        plan: list[tuple[int, str, dt.date, dt.date | None]] = []
        if kind in ("deployment", "visit"):
            stages = DEPLOYMENT_STAGES if kind == "deployment" else ("arrived", "left")
            stage = rng.randrange(3) if kind == "deployment" else 0
            day_index = reported
            for _ in range(1 + extra):
                status = stages[min(stage, len(stages) - 1)]
                if status == "left" and not any(s == "arrived" for _, s, _, _ in plan):
                    status = "arrived"  # a departure follows an arrival reported first
                plan.append((day_index, status, days[day_index], None))
                if day_index < last and rng.random() < 0.7:  # the next report is later and a stage on
                    day_index = rng.randint(day_index + 1, last)
                    stage += 1
        elif reported < last and rng.random() < SHARE_PLANNED:
            later = rng.randrange(reported, last)  # planned for a report day, up to the next one
            start, end = days[later], days[later + 1] - ONE_DAY
            plan.append((reported, "planned", start, end if end > start else None))
            for _ in range(extra):
                confirm = rng.randint(later, last)
                if confirm > reported and rng.random() < 0.6:
                    plan.append((confirm, REPORTED_STATUS[kind], start, None))
                else:
                    plan.append((rng.randint(reported, later), "planned", start, end if end > start else None))
        else:
            for position in range(1 + extra):
                day_index = reported if position == 0 else rng.randint(reported, last)
                date = days[reported]
                if position and rng.random() < SHARE_DISAGREE / 2:
                    date -= ONE_DAY  # a source that gives the day before: a conflict on the date
                plan.append((day_index, REPORTED_STATUS[kind], date, None))
        origin_place = ""
        if kind == "deployment" and rng.random() < SHARE_DEPLOYMENT_ROUTES:
            origin_place = rng.choice([t for t in territories if t != place])
        numbers: dict[str, int] = {}
        for position, (day_index, status, date, latest) in enumerate(plan):
            day_sources = by_day[day_index]
            source = rng.choice([s for s in day_sources if s["reliability"] != "E"] if position == 0 else day_sources)
            held = rng.random() < SHARE_HELD_QUOTE and day_index == 0
            if held:
                source = sources[0]
            claim = dict.fromkeys(claim_columns, "")
            claim.update(
                claim_id=f"{record_id}-c{position + 1}",
                record_id=record_id,
                source_id=source["source_id"],
                credibility=str(rng.randint(1, 4) if position == 0 else rng.randint(1, 6)),
                status=status,
                date=date.isoformat(),
                date_latest=latest.isoformat() if latest else "",
                date_precision="range" if latest else "day",
                place_id=place,
                origin_place_id=origin_place if position == 0 else "",
                quote=rng.choice(sentences)
                if held
                else f"synthetic locating phrase {rng.randrange(1000):03d} of the benchmark",
            )
            basis = {"announced": "announced", "arrived": "deployed", "dispatched": "deployed"}.get(status)
            if kind == "deployment" and basis and not held and rng.random() < 0.8:
                if basis in numbers and rng.random() >= SHARE_DISAGREE:
                    personnel = numbers[basis]  # a later source repeats the number
                else:
                    personnel = rng.choice((10, 15, 20, 40, 50, 60, 80, 100, 120, 150, 200, 300))
                    numbers.setdefault(basis, personnel)
                claim.update(personnel=str(personnel), personnel_basis=basis)
            elif kind == "deployment" and rng.random() < 0.1:
                claim["personnel_note"] = "a small number of troops"
            claims.append(claim)
    _write_csv(data_dir / RECORDS_FILE, _columns(RECORDS_FILE), records)
    _write_csv(data_dir / CLAIMS_FILE, claim_columns, claims)

    # rejected.csv: the curators' log, validated and never drawn
    rejected = [
        {
            "reject_id": f"bench-rejected-{number:04d}",
            "url": f"https://synthetic.invalid/rejected-{number:04d}",
            "publisher": "Synthetic content farm",
            "published": days[number % len(days)].isoformat(),
            "claim": f"A synthetic claim {number:04d} that the curators did not accept",
            "reason": "synthetic: aggregator only, recycled date",
        }
        for number in range(max(3, count * REJECTED_PER_1000 // 1000))
    ]
    _write_csv(data_dir / REJECTED_FILE, _columns(REJECTED_FILE), rejected)
    if (DATA_DIR / "stops.csv").exists():
        shutil.copyfile(DATA_DIR / "stops.csv", data_dir / "stops.csv")  # same span, so the stops stay valid
    return data_dir


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def check_clean(data_dir: Path) -> Dataset:
    """The folder's dataset; fails loudly if it does not validate: a benchmark of rejected rows measures nothing."""
    dataset = load_dataset(data_dir)
    if dataset.problems:
        listed = "\n".join(str(problem) for problem in dataset.problems[:10])
        raise RuntimeError(f"data in {data_dir} does not validate ({len(dataset.problems)} problems):\n{listed}")
    return dataset
