"""The as-of view: what was known on a given day, with each record's status on that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import pycountry

# Statuses the source reports that do not change with time.
FIXED_STATUSES = ("held", "agreed", "announced", "dispatched", "stated")
STATUS_LABELS = {
    "held": "held",
    "agreed": "agreed",
    "announced": "announced",
    "dispatched": "dispatched",
    "stated": "stated",
    "planned": "planned",
    "pending": "pending (inside its date range)",
    "unconfirmed": "date passed, not confirmed by the source",
}
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


def as_of_view(records: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The records reported on or before `as_of`, with a `status` column for that day."""
    view = records[records["reported_on"] <= as_of].copy()
    view["status"] = [
        status_as_of(row.status_reported, row.date, row.date_latest, as_of) for row in view.itertuples()
    ]
    return view.reset_index(drop=True)


def key_dates(records: pd.DataFrame) -> list[dt.date]:
    """The days on which the as-of view changes: a report arrives or a planned event's status moves."""
    days = set(records["reported_on"])
    planned = records[records["status_reported"] == "planned"]
    for row in planned.itertuples():
        days.add(row.date)
        days.add((row.date_latest or row.date) + ONE_DAY)
    return sorted(days)


def date_span(records: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """First and last day worth showing on the slider."""
    days = key_dates(records)
    return days[0], days[-1]


def default_date(records: pd.DataFrame) -> dt.date:
    """The situation as last reported: the latest `reported_on`."""
    return max(records["reported_on"])


def format_when(date: dt.date, date_latest: dt.date | None) -> str:
    """A day as YYYY-MM-DD, a range as 'YYYY-MM-DD to YYYY-MM-DD'."""
    return date.isoformat() if not date_latest else f"{date.isoformat()} to {date_latest.isoformat()}"


def country_name(iso3: str) -> str:
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return iso3
    return getattr(country, "common_name", None) or country.name


@dataclass(frozen=True)
class Contributions:
    """Contributions by country as of a day; unstated numbers stay NA and are counted apart."""

    table: pd.DataFrame
    stated_total: int
    stated_countries: int
    unstated_countries: int

    @property
    def summary(self) -> str:
        if self.table.empty:
            return "No contributions reported as of this date."
        parts = []
        if self.stated_countries:
            by = "country" if self.stated_countries == 1 else "countries"
            parts.append(f"{self.stated_total} personnel stated by {self.stated_countries} {by}")
        else:
            parts.append("no personnel numbers stated")
        if self.unstated_countries:
            verb = "country did" if self.unstated_countries == 1 else "countries did"
            parts.append(f"{self.unstated_countries} {verb} not state numbers")
        text = "; ".join(parts)
        return text[0].upper() + text[1:]


CONTRIBUTION_COLUMNS = ["country_iso3", "country", "personnel", "personnel_note", "purpose", "announced", "status", "record_ids"]


def contributions(view: pd.DataFrame) -> Contributions:
    """One row per contributing country; `personnel` is NA unless every one of its records states a number."""
    deployments = view[view["kind"] == "deployment"]
    rows = []
    for iso3, group in deployments.groupby("actor_iso3", sort=False):
        stated = group["personnel"].dropna()
        rows.append(
            {
                "country_iso3": iso3,
                "country": country_name(iso3),
                "personnel": int(stated.sum()) if len(stated) == len(group) else pd.NA,
                "personnel_note": "; ".join(note for note in group["personnel_note"] if note),
                "purpose": "; ".join(purpose for purpose in group["purpose"] if purpose),
                "announced": "; ".join(dict.fromkeys(format_when(r.date, r.date_latest) for r in group.itertuples())),
                "status": "; ".join(dict.fromkeys(group["status"])),
                "record_ids": ";".join(group["record_id"]),
            }
        )
    table = pd.DataFrame(rows, columns=CONTRIBUTION_COLUMNS)
    table["personnel"] = pd.array(table["personnel"], dtype="Int64")
    table = table.sort_values(["personnel", "country"], ascending=[False, True], na_position="last").reset_index(drop=True)
    stated = table["personnel"].dropna()
    return Contributions(
        table=table,
        stated_total=int(stated.sum()),
        stated_countries=len(stated),
        unstated_countries=int(table["personnel"].isna().sum()),
    )


def view_as_of(records: pd.DataFrame, as_of: dt.date, since: dt.date | None = None) -> pd.DataFrame:
    """What is shown for a day: the as-of view, with `change` columns when `since` is given."""
    return changes_since(records, since, as_of) if since else as_of_view(records, as_of)


CHANGE_NEW = "new"
CHANGE_STATUS = "status changed"
CHANGE_CONTRIBUTION = "contribution changed"
CHANGE_NONE = "unchanged"


def changes_since(records: pd.DataFrame, since: dt.date, as_of: dt.date) -> pd.DataFrame:
    """The as-of view of `as_of` with `change` and `status_before` columns relative to `since`."""
    now = as_of_view(records, as_of)
    before = as_of_view(records, since).set_index("record_id")
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
        elif row.kind == "deployment" and (
            str(old["personnel"]) != str(row.personnel) or old["personnel_note"] != row.personnel_note
        ):
            change.append(CHANGE_CONTRIBUTION)
        else:
            change.append(CHANGE_NONE)
    now["change"] = change
    now["status_before"] = status_before
    return now
