"""Hand-made rows of the as-of view for the display, timeline and table tests: only what they read."""

from __future__ import annotations

import datetime as dt

import pandas as pd

D = dt.date

BASE = {
    "record_id": "r1",
    "kind": "meeting",
    "title": "A meeting",
    "summary": "",
    "status": "held",
    "date": D(2026, 1, 14),
    "date_latest": None,
    "date_end": None,
    "presence": "",
    "place": "Nuuk",
    "geo_precision": "city",
    "actor_iso3": "DNK",
    "participants": "",
    "personnel": pd.NA,
    "personnel_announced": pd.NA,
    "personnel_deployed": pd.NA,
    "personnel_note": "",
    "purpose": "",
    "source": "src-a",
    "source_quote": "a quote",
    "sources": "src-a",
    "source_count": 1,
    "reliability": "B2",
    "conflict": "",
    "curation_note": "",
    "change": "",
}


def frame(*rows: dict) -> pd.DataFrame:
    """A view of the given rows (each a dict of what differs from BASE), typed as geo.asof types it."""
    extra = [key for row in rows for key in row if key not in BASE]
    view = pd.DataFrame([{**BASE, **row} for row in rows], columns=list(dict.fromkeys([*BASE, *extra])))
    for key in ("personnel", "personnel_announced", "personnel_deployed"):
        view[key] = pd.array(view[key], dtype="Int64")
    view["source_count"] = view["source_count"].astype(int)
    return view


def row(**changes):
    """One row as the surfaces receive it (a named tuple from itertuples)."""
    return next(frame(changes).itertuples())
