"""The as-of view: what was known on a given day, with each record's status on that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pycountry

from geo.records import CHRONOLOGICAL

# The statuses a claim may report, in the order a record moves through them: the record takes the
# most advanced one its visible claims report (a planned meeting becomes held when a report says so).
STATUS_ORDER = {
    "planned": 0, "postponed": 1, "announced": 2, "dispatched": 3,  # "stated" ranks as "announced"
    "stated": 2, "arrived": 4, "held": 4, "agreed": 4, "launched": 4,
    "cancelled": 5, "left": 5,
}  # fmt: skip
# Statuses that report a fact on their own date: a report of one that lies ahead is a plan until then.
DATED_FACTS = ("held", "arrived", "left", "launched")
STATUS_LABELS = {
    "held": "held",
    "agreed": "agreed",
    "announced": "announced",
    "dispatched": "dispatched",
    "arrived": "arrived",
    "left": "left",
    "stated": "stated",
    "launched": "launched",
    "cancelled": "cancelled",
    "postponed": "postponed",
    "planned": "planned",
    "pending": "pending (inside its date range)",
    "unconfirmed": "date passed, not confirmed by the sources",
}
PRESENCE_ANNOUNCED = "announced"
PRESENCE_UNDER_WAY = "under way"
PRESENCE_THERE = "on the ground"
PRESENCE_LEFT = "left"
ONE_DAY = dt.timedelta(days=1)


def status_as_of(status_reported: str, date: dt.date, date_latest: dt.date | None, as_of: dt.date) -> str:
    """A planned event is planned before its date, pending inside its dates, unconfirmed after."""
    if status_reported != "planned":
        return status_reported
    if as_of < date:
        return "planned"
    if as_of <= (date_latest or date):
        return "pending"
    return "unconfirmed"


def claim_known_from(claim) -> dt.date:
    """The day a claim becomes part of the picture: its publication, or, for a fact reported ahead
    of its day (a landing announced for tomorrow), that day."""
    if claim.status in DATED_FACTS and claim.date > claim.published:
        return claim.date
    return claim.published


def grade(claim) -> str:
    """The Admiralty code of a claim: its source's reliability and its own credibility, e.g. B2."""
    return f"{claim.reliability}{claim.credibility}"


def source_label(claim) -> str:
    """How the `source` column names a claim's source: the held file in seeds/, else the source id."""
    return claim.seed_file or claim.source_id


def _best_first(claims: list) -> list:
    """Claims by grade (A before F, 1 before 6), then the later report first, then file order."""
    return sorted(claims, key=lambda c: (c.reliability, c.credibility, -c.known_from.toordinal(), c.line))


def _first(claims: list, attribute: str):
    """The best claim's value of `attribute` among those that state one."""
    for claim in claims:
        value = getattr(claim, attribute)
        if value is not None and value is not pd.NA and value != "":
            return claim
    return None


def _value_text(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _conflicts(claims: list) -> str:
    """Every value on which the claims disagree, each with its sources: 'what: A [s1; s2] / B [s3]'.

    Claims are compared within one status (two arrival days disagree; an announcement day and an
    arrival day do not) and personnel within one basis (announced and deployed are two facts).
    """
    parts = []
    for status in dict.fromkeys(c.status for c in claims):  # days: a range that holds a day agrees with it
        dated = [c for c in claims if c.status == status]
        spans = [(c.date, c.date_latest or c.date) for c in dated]
        if any(a[1] < b[0] or b[1] < a[0] for a in spans for b in spans):
            values: dict[str, list[str]] = {}
            for claim in dated:
                values.setdefault(format_when(claim.date, claim.date_latest), []).append(claim.source_id)
            listed = " / ".join(f"{value} [{'; '.join(dict.fromkeys(ids))}]" for value, ids in values.items())
            parts.append(f"date ({status}): {listed}")
    checks = (
        ("place", lambda c: c.status, lambda c: c.place_id),
        ("personnel", lambda c: c.personnel_basis, lambda c: c.personnel),
    )
    for name, group_of, value_of in checks:
        groups: dict[str, dict] = {}
        for claim in claims:
            value = value_of(claim)
            if value is None or value is pd.NA or value == "":
                continue
            groups.setdefault(group_of(claim), {}).setdefault(_value_text(value), []).append(claim.source_id)
        for group, values in groups.items():
            if len(values) > 1:
                listed = " / ".join(f"{value} [{'; '.join(dict.fromkeys(ids))}]" for value, ids in values.items())
                parts.append(f"{name} ({group}): {listed}")
    return " | ".join(parts)


VIEW_COLUMNS = [
    "record_id", "kind", "title", "summary", "date", "date_latest", "date_precision", "date_end",
    "date_end_latest", "date_status", "reported_on", "status_reported", "status", "presence", "place_id",
    "place", "lat", "lon", "geo_precision", "outline_iso3", "country_iso3", "actor_iso3", "participants", "personnel",
    "personnel_announced", "personnel_deployed", "personnel_note", "purpose", "origin_place_id", "origin_place",
    "origin_lat", "origin_lon", "source", "source_quote", "sources", "source_count", "reliability",
    "conflict", "curation_note", "line",
]  # fmt: skip


def _resolve(record: dict, claims: list, places: dict, as_of: dt.date) -> dict:
    """One record as known on `as_of`, from its visible claims (best first)."""
    status_reported = max(claims, key=lambda c: STATUS_ORDER[c.status]).status
    deciding = [c for c in claims if c.status == status_reported]
    is_presence = any(c.status in ("arrived", "left") for c in claims) or record["kind"] == "deployment"
    if is_presence:
        dating = next(([c for c in claims if c.status == s] for s in ("arrived", "dispatched", "announced", "planned")
                       if any(c.status == s for c in claims)), claims)  # fmt: skip
    else:
        kept = [c for c in claims if c.status not in ("cancelled", "postponed", "left")]
        top = max((STATUS_ORDER[c.status] for c in kept), default=None)
        dating = [c for c in kept if STATUS_ORDER[c.status] == top] or claims
    when = dating[0]
    left = [c for c in claims if c.status == "left"]
    arrived = [c for c in claims if c.status == "arrived"]
    presence = ""
    if record["kind"] == "deployment":
        dispatched = any(c.status == "dispatched" for c in claims)
        presence = (PRESENCE_LEFT if left else PRESENCE_THERE if arrived
                    else PRESENCE_UNDER_WAY if dispatched else PRESENCE_ANNOUNCED)  # fmt: skip
    placed = _first(arrived + dating + claims if is_presence else dating + claims, "place_id")
    # A departure from the place itself is a leg inside it, not a route to it (a claim of the Danish
    # plane that landed at Nuuk before flying on): the next claim's departure place counts instead.
    origin = _first([c for c in claims if not placed or c.origin_place_id != placed.place_id], "origin_place_id")
    announced = _first([c for c in claims if c.personnel_basis == "announced"], "personnel")
    deployed = _first([c for c in claims if c.personnel_basis == "deployed"], "personnel")
    note = _first(claims, "personnel_note")
    place = places.get(placed.place_id) if placed else None
    origin_place = places.get(origin.origin_place_id) if origin else None
    best = deciding[0]
    personnel_announced = announced.personnel if announced else pd.NA
    personnel_deployed = deployed.personnel if deployed else pd.NA
    date_end = left[0].date if left else when.date_end
    date_end_latest = left[0].date_latest if left else None  # a departure known only as a range
    return {
        **record,
        "date": when.date,
        "date_latest": when.date_latest,
        "date_precision": when.date_precision,
        "date_end": date_end,
        "date_end_latest": date_end_latest,
        "date_status": when.status,  # the status of the claims that date the record (arrived dates a presence)
        "reported_on": min(c.known_from for c in claims),
        "status_reported": status_reported,
        "status": status_as_of(status_reported, when.date, when.date_latest, as_of),
        "presence": presence,
        "place_id": placed.place_id if placed else "",
        "place": place["name"] if place else None,
        "lat": place["lat"] if place else np.nan,
        "lon": place["lon"] if place else np.nan,
        "geo_precision": place["geo_precision"] if place else None,
        "outline_iso3": place["outline_iso3"] if place else None,
        "personnel": personnel_deployed if deployed else personnel_announced,
        "personnel_announced": personnel_announced,
        "personnel_deployed": personnel_deployed,
        "personnel_note": note.personnel_note if note else "",
        "origin_place_id": origin.origin_place_id if origin else "",
        "origin_place": origin_place["name"] if origin_place else None,
        "origin_lat": origin_place["lat"] if origin_place else np.nan,
        "origin_lon": origin_place["lon"] if origin_place else np.nan,
        "source": source_label(best),
        "source_quote": best.quote,
        "sources": ";".join(dict.fromkeys(c.source_id for c in claims)),
        "source_count": len({c.origin for c in claims}),
        "reliability": grade(claims[0]),
        "conflict": _conflicts(claims),
    }


def as_of_view(situation, as_of: dt.date, source: str | None = None) -> pd.DataFrame:
    """The records known on `as_of`: each resolved from the claims published by then.

    `situation` is a `geo.records.Dataset` (records, claims, places). With `source` (a source id or
    the file name of a held document) only that source's claims count: its own picture of events.
    """
    claims = _claims_by_record(situation, source)
    places = _places(situation)
    rows = []
    for record in _memo(situation, "record_dicts", lambda s: s.records.to_dict("records")):
        visible = [c for c in claims.get(record["record_id"], ()) if c.known_from <= as_of]
        if visible:
            rows.append(_resolve(record, visible, places, as_of))
    view = pd.DataFrame(rows, columns=VIEW_COLUMNS)
    for key in ("personnel", "personnel_announced", "personnel_deployed"):
        view[key] = pd.array(view[key], dtype="Int64")
    view["lat"] = pd.to_numeric(view["lat"])
    view["lon"] = pd.to_numeric(view["lon"])
    view["source_count"] = view["source_count"].astype(int)
    return view.sort_values(CHRONOLOGICAL, kind="stable").reset_index(drop=True)


def _places(situation) -> dict[str, dict]:
    """The places by id, worked out once per dataset (do not modify them)."""
    return _memo(situation, "places_by_id", _places_by_id)


def _places_by_id(situation) -> dict[str, dict]:
    places = situation.places
    return {} if places.empty else {row["place_id"]: row for row in places.to_dict("records")}


def _claims_by_record(situation, source: str | None = None) -> dict[str, list]:
    """Each record's claims, best first, each with `known_from`; only `source`'s when given.

    Worked out once per dataset and source (kept in `situation.derived` when it has one): every
    step of the slider reuses it."""
    return _memo(situation, ("claims_by_record", source), lambda s: _group_claims(s.claims, source))


def _group_claims(frame: pd.DataFrame, source: str | None) -> dict[str, list]:
    if source is not None and not frame.empty:
        frame = frame[(frame["source_id"] == source) | (frame["seed_file"] == source)]
    grouped: dict[str, list] = {}
    for claim in frame.to_dict("records"):
        claim = SimpleNamespace(**claim)
        claim.known_from = claim_known_from(claim)
        grouped.setdefault(claim.record_id, []).append(claim)
    return {record_id: _best_first(found) for record_id, found in grouped.items()}


def _memo(situation, key: str, make):
    """`make(situation)`, worked out once per dataset when it keeps a `derived` memo."""
    memo = getattr(situation, "derived", None)
    if memo is None:
        return make(situation)
    if key not in memo:
        memo[key] = make(situation)
    return memo[key]


def known_days(situation) -> list[dt.date]:
    """The days on which something was reported (a claim became part of the picture)."""
    return _memo(situation, "known_days", _known_days)


def _known_days(situation) -> list[dt.date]:
    return sorted({claim_known_from(c) for c in situation.claims.itertuples(index=False)})


def key_dates(situation) -> list[dt.date]:
    """The days on which the as-of view changes: a claim becomes known or a planned event's status moves."""
    return list(_memo(situation, "key_dates", _key_dates))


def _key_dates(situation) -> list[dt.date]:
    days = set(known_days(situation))
    for claims in _claims_by_record(situation).values():
        for claim in claims:
            if claim.status != "planned":
                continue
            for turn in (claim.date, (claim.date_latest or claim.date) + ONE_DAY):
                # the plan's status moves that day unless a report of what happened is known by then
                if not any(STATUS_ORDER[c.status] > STATUS_ORDER["planned"] and c.known_from <= turn for c in claims):
                    days.add(turn)
    return sorted(days)


def date_span(situation) -> tuple[dt.date, dt.date]:
    """First and last day worth showing on the slider."""
    days = key_dates(situation)
    return days[0], days[-1]


def default_date(situation) -> dt.date:
    """The situation as last reported: the last day a claim became known."""
    return known_days(situation)[-1]


def format_when(date: dt.date, date_latest: dt.date | None) -> str:
    """A day as YYYY-MM-DD, a range as 'YYYY-MM-DD to YYYY-MM-DD'."""
    return date.isoformat() if not date_latest else f"{date.isoformat()} to {date_latest.isoformat()}"


def country_name(iso3: str) -> str:
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return iso3
    return getattr(country, "common_name", None) or country.name


PRESENCES = (PRESENCE_UNDER_WAY, PRESENCE_THERE, PRESENCE_LEFT)


@dataclass(frozen=True)
class Tally:
    """Personnel in one state (say, on the ground) over the countries that have a contingent in it."""

    stated_total: int
    stated_countries: int
    unstated_countries: int

    def describe(self) -> str:
        parts = []
        if self.stated_countries:
            by = "country" if self.stated_countries == 1 else "countries"
            parts.append(f"{self.stated_total} personnel stated by {self.stated_countries} {by}")
        if self.unstated_countries:
            verb = "country did" if self.unstated_countries == 1 else "countries did"
            parts.append(f"{self.unstated_countries} {verb} not state numbers")
        return "; ".join(parts)


@dataclass(frozen=True)
class Contributions:
    """Contributions by country as of a day. Each contingent counts once, in the state it is in
    (under way, on the ground, left); the announced number is a separate fact beside it. Unstated
    numbers stay NA and are counted apart, never as 0."""

    table: pd.DataFrame
    tallies: dict[str, Tally]

    @property
    def summary(self) -> str:
        if self.table.empty:
            return "No contributions reported as of this date."
        parts = [
            f"{state.capitalize()}: {tally.describe()}" for state, tally in self.tallies.items() if tally.describe()
        ]
        if not parts:
            return f"{len(self.table)} countries announced contributions; none reported under way yet."
        return ". ".join(parts) + "."


CONTRIBUTION_COLUMNS = [
    "country_iso3", "country", "announced", *PRESENCES, "personnel_note", "purpose", "status",
    "conflict", "record_ids",
]  # fmt: skip


def _sum_or_na(numbers: list):
    """The sum when every number is stated; NA when one is not; None when there is nothing to count."""
    if not numbers:
        return None
    return pd.NA if any(n is pd.NA or pd.isna(n) for n in numbers) else int(sum(int(n) for n in numbers))


_CONTRIBUTION_INPUTS = (
    "actor_iso3", "personnel_announced", "personnel_deployed", "presence", "personnel_note", "purpose", "status",
    "conflict", "record_id",
)  # fmt: skip


def contributions(view: pd.DataFrame) -> Contributions:
    """One row per contributing country: the announced number and personnel under way, on the
    ground and left (None: no contingent in that state; NA: a contingent whose number is not stated).

    Grouped over plain lists, in the order countries first appear (as `groupby(sort=False)`, which
    cost ~10 ms a date in pandas' per-group overhead)."""
    deployments = view[view["kind"] == "deployment"]
    groups: dict[str, list[dict]] = {}
    for values in zip(*(deployments[column].tolist() for column in _CONTRIBUTION_INPUTS)):
        record = dict(zip(_CONTRIBUTION_INPUTS, values))
        if not pd.isna(record["actor_iso3"]):  # as groupby: a deployment with no country is no country's
            groups.setdefault(record["actor_iso3"], []).append(record)
    rows = []
    for iso3, group in groups.items():
        row = {
            "country_iso3": iso3,
            "country": country_name(iso3),
            "announced": _sum_or_na([record["personnel_announced"] for record in group]),
            "personnel_note": "; ".join(record["personnel_note"] for record in group if record["personnel_note"]),
            "purpose": "; ".join(record["purpose"] for record in group if record["purpose"]),
            "status": "; ".join(dict.fromkeys(STATUS_LABELS.get(r["status"], r["status"]) for r in group)),
            "conflict": " | ".join(record["conflict"] for record in group if record["conflict"]),
            "record_ids": ";".join(record["record_id"] for record in group),
        }
        for state in PRESENCES:
            row[state] = _sum_or_na([r["personnel_deployed"] for r in group if r["presence"] == state])
        rows.append(row)
    table = pd.DataFrame(rows, columns=CONTRIBUTION_COLUMNS)
    for key in ("announced", *PRESENCES):  # None: nothing in that state; NA: not stated; never 0
        table[key] = pd.Series([row[key] for row in rows], dtype=object)
    order = [-(row[PRESENCE_THERE] if isinstance(row[PRESENCE_THERE], int) else -1) for row in rows]
    table = table.assign(_order=order).sort_values(["_order", "country"], kind="stable").drop(columns="_order")
    tallies = {}
    for state in PRESENCES:
        values = [v for v in table[state] if v is not None]
        stated = [int(v) for v in values if v is not pd.NA]
        tallies[state] = Tally(sum(stated), len(stated), len(values) - len(stated))
    return Contributions(table=table.reset_index(drop=True), tallies=tallies)


def view_as_of(situation, as_of: dt.date, since: dt.date | None = None, source: str | None = None) -> pd.DataFrame:
    """What is shown for a day: the as-of view, with `change` columns when `since` is given."""
    return changes_since(situation, since, as_of, source) if since else as_of_view(situation, as_of, source)


CHANGE_NEW = "new"
CHANGE_STATUS = "status changed"
CHANGE_CONTRIBUTION = "contribution changed"
CHANGE_NONE = "unchanged"


def changes_since(situation, since: dt.date, as_of: dt.date, source: str | None = None) -> pd.DataFrame:
    """The as-of view of `as_of` with `change` and `status_before` columns relative to `since`."""
    now = as_of_view(situation, as_of, source)
    before = as_of_view(situation, since, source).set_index("record_id")
    change, status_before = [], []
    for row in now.itertuples():
        if row.record_id not in before.index:
            change.append(CHANGE_NEW)
            status_before.append("")
            continue
        old = before.loc[row.record_id]
        status_before.append(old["status"])
        if old["status"] != row.status:
            change.append(CHANGE_STATUS)
        elif row.kind == "deployment" and any(
            str(old[key]) != str(getattr(row, key))
            for key in ("personnel_announced", "personnel_deployed", "personnel_note", "presence", "conflict")
        ):
            change.append(CHANGE_CONTRIBUTION)
        else:
            change.append(CHANGE_NONE)
    now["change"] = change
    now["status_before"] = status_before
    return now


def placed_frame(situation) -> pd.DataFrame:
    """Every place any claim names, with its departure point: what the map frame must hold on any day.

    Columns as the as-of view's (lat, lon, geo_precision, outline_iso3, origin_lat, origin_lon).
    """
    places = _places(situation)
    rows = []
    for claim in situation.claims.itertuples(index=False):
        place = places.get(claim.place_id) if claim.place_id else None
        origin = places.get(claim.origin_place_id) if claim.origin_place_id else None
        rows.append({
            "lat": place["lat"] if place else np.nan,
            "lon": place["lon"] if place else np.nan,
            "geo_precision": place["geo_precision"] if place else None,
            "outline_iso3": place["outline_iso3"] if place else None,
            "origin_lat": origin["lat"] if origin else np.nan,
            "origin_lon": origin["lon"] if origin else np.nan,
        })  # fmt: skip
    columns = ["lat", "lon", "geo_precision", "outline_iso3", "origin_lat", "origin_lon"]
    return pd.DataFrame(rows, columns=columns).astype({k: float for k in ("lat", "lon", "origin_lat", "origin_lon")})
