"""Briefing stops: a small, human-edited CSV of dates (and optional map views) with one-line captions.

    stop,date,view,center_lat,center_lon,zoom,caption
    1,2026-01-14,mercator,,,,"Washington: the talks."

`view` is `mercator`, `polar` or blank (keep the current view); the centre and zoom go together or
stay blank (keep the framing; centre in degrees, also in the polar view). A bad stop is reported by
its number and field and skipped; the good ones still load.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from geo.dictionary import load_dictionary
from geo.records import Problem, check_table_shape
from geo.views import VIEWS

ZOOM_RANGE = (-4, 18)  # the polar view zooms out below 0 (Leaflet's Simple CRS, 10 km units)
STOP_COLUMNS = ["stop", "date", "view", "center_lat", "center_lon", "zoom", "caption"]


@dataclass(frozen=True)
class Stop:
    number: str
    date: dt.date
    view: str | None
    center: tuple[float, float] | None
    zoom: float | None
    caption: str

    @property
    def label(self) -> str:
        return f"Stop {self.number} · {self.date.isoformat()}"


def _stop_problems(row: dict[str, str], span: tuple[dt.date, dt.date]) -> list[tuple[str, str]]:
    problems = []
    try:
        day = dt.date.fromisoformat(row.get("date", ""))
        if not span[0] <= day <= span[1]:
            problems.append(("date", f"{day} is outside the records' dates {span[0]} to {span[1]}"))
    except ValueError:
        problems.append(("date", f"'{row.get('date', '')}' is not a date; expected YYYY-MM-DD"))
    view = row.get("view", "")
    if view and view not in VIEWS:
        problems.append(("view", f"'{view}' is not a view; use {' or '.join(VIEWS)} or leave blank"))
    lat, lon, zoom = (row.get(key, "") for key in ("center_lat", "center_lon", "zoom"))
    if any((lat, lon, zoom)) and not all((lat, lon, zoom)):
        problems.append(("center_lat", "center_lat, center_lon and zoom go together: give all three or none"))
    elif lat:
        try:
            low, high = ZOOM_RANGE
            if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180 and low <= float(zoom) <= high):
                problems.append(
                    (
                        "center_lat",
                        f"view {lat}, {lon} zoom {zoom} is out of range (lat ±90, lon ±180, zoom {low}–{high})",
                    )
                )
        except ValueError:
            problems.append(("center_lat", f"view '{lat}', '{lon}', '{zoom}' is not three numbers"))
    if not row.get("caption", "").strip():
        problems.append(("caption", "a stop needs a one-line caption"))
    return problems


def load_stops(path: Path, span: tuple[dt.date, dt.date]) -> tuple[list[Stop], list[Problem]]:
    """The valid stops in file order, and a Problem naming each bad stop: the one check that the
    dashboard and the validator both run, against the data contract's columns."""
    if not path.exists():
        return [], []
    columns = load_dictionary()["stops.csv"]
    # File-level defects (encoding, byte-order mark, an undocumented column) are named; rows are
    # then read one by one, and a row that does not line up is named and skipped, the rest kept.
    file_problems = [
        p for p in check_table_shape(path, columns)
        if p.line is None or (p.line == 1 and "missing from the header" not in p.message)
    ]  # fmt: skip
    try:
        stops, problems = _read_stops(path, span)
        return stops, file_problems + problems
    except UnicodeDecodeError as error:
        return [], file_problems or [
            Problem(
                path.name,
                None,
                None,
                f"not valid UTF-8 (byte 0x{error.object[error.start]:02x}); save the file as UTF-8",
            )
        ]
    except csv.Error as error:
        return [], [Problem(path.name, None, None, f"cannot be read as CSV ({error})")]


def _read_stops(path: Path, span: tuple[dt.date, dt.date]) -> tuple[list[Stop], list[Problem]]:
    name = path.name
    stops: list[Stop] = []
    problems: list[Problem] = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in STOP_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            return [], [Problem(name, 1, missing[0], f"missing columns: {', '.join(missing)}")]
        for raw in reader:
            extra = raw.pop(None, None)  # fields beyond the header
            row = {key: (value or "").strip() if key != "caption" else (value or "") for key, value in raw.items()}
            number = row["stop"] or f"on line {reader.line_num}"
            row_problems = _stop_problems(row, span)
            if extra or None in raw.values():
                count = len(raw) + len(extra or []) - sum(value is None for value in raw.values())
                row_problems.insert(
                    0,
                    (
                        "stop",
                        f"row has {count} fields but the header has {len(STOP_COLUMNS)}; quote captions that contain commas",
                    ),
                )
            for field, message in row_problems:
                problems.append(Problem(name, reader.line_num, field, f"stop {number}: {message}"))
            if row_problems:
                continue
            has_view = bool(row["center_lat"])
            stops.append(
                Stop(
                    number=number,
                    date=dt.date.fromisoformat(row["date"]),
                    view=row["view"] or None,
                    center=(float(row["center_lat"]), float(row["center_lon"])) if has_view else None,
                    zoom=float(row["zoom"]) if has_view else None,
                    caption=row["caption"].strip(),
                )
            )
    return stops, problems
