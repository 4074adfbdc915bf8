"""A record as text: one rendering for the map popups, the event table, the timeline and the cards.

`record_text(row)` turns one row of the as-of view into the words every surface shows — title,
when, where, who, numbers, status, grade, sources, disagreements — so the same record reads the same
everywhere. Unknown stays "not stated" (never 0), an approximate date says it is a range, a place
known only at country level says so.

The record list below the map is one light HTML block (`record_cards_html`): hundreds of separate
page elements made every slider step re-render the whole list; one block of plain HTML is made once
per date and shared (dashboard/support.py), and the browser only swaps it. Record text is escaped
with `html.escape`, so nothing a curator types can become markup, a link or an image.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.asof import (
    CHANGE_NONE,
    PRESENCE_ANNOUNCED,
    PRESENCE_LEFT,
    PRESENCE_THERE,
    PRESENCE_UNDER_WAY,
    STATUS_LABELS,
    country_name,
)  # fmt: skip

KINDS = {  # kind: (label, colour, symbol). The one definition: the map's script, legend, table and snapshot read it.
    # Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
    "meeting": ("Meeting", "#0072B2", "circle"),
    "agreement": ("Agreement", "#009E73", "diamond"),
    "announcement": ("Announcement", "#E69F00", "square"),
    "statement": ("Statement", "#CC79A7", "triangle"),
    "assessment": ("Assessment", "#56B4E9", "star"),
    "threat": ("Threat", "#000000", "down"),
    "visit": ("Visit", "#0072B2", "hexagon"),
    "mission": ("Mission", "#D55E00", "pentagon"),
    "exercise": ("Exercise", "#D55E00", "bowtie"),
    "protest": ("Protest", "#CC79A7", "cross"),
    "deployment": ("Deployment", "#D55E00", "route"),
}
KIND_COLOURS = {kind: colour for kind, (_, colour, _) in KINDS.items()}
# The symbols' outlines in a 22×22 box, as geo/static/asm_map.js draws them on the map.
SYMBOL_SHAPES = {
    "circle": '<circle cx="11" cy="11" r="8"/>',
    "diamond": '<polygon points="11,1.5 20.5,11 11,20.5 1.5,11"/>',
    "square": '<rect x="3" y="3" width="16" height="16"/>',
    "triangle": '<polygon points="11,2 20.5,19.5 1.5,19.5"/>',
    "star": '<polygon points="11,1.5 13.6,8 20.5,8.3 15.1,12.6 17,19.5 11,15.6 5,19.5 6.9,12.6 1.5,8.3 8.4,8"/>',
    "down": '<polygon points="1.5,2.5 20.5,2.5 11,20"/>',
    "hexagon": '<polygon points="6,2 16,2 21,11 16,20 6,20 1,11"/>',
    "cross": '<polygon points="8,1.5 14,1.5 14,8 20.5,8 20.5,14 14,14 14,20.5 8,20.5 8,14 1.5,14 1.5,8 8,8"/>',
    "pentagon": '<polygon points="11,1.5 20.5,8.4 16.9,19.8 5.1,19.8 1.5,8.4"/>',
    "bowtie": '<polygon points="1.5,2.5 11,8.5 20.5,2.5 20.5,19.5 11,13.5 1.5,19.5"/>',
    "route": '<line x1="1" y1="11" x2="21" y2="11" stroke-dasharray="5 3" stroke-width="3.5"/>',
}
HOLLOW_STATUSES = ("planned", "pending", "unconfirmed")  # not (yet) known to have happened: drawn hollow
NUMBER_KINDS = ("deployment", "visit", "mission")  # the kinds that can carry personnel
NOT_STATED = "not stated"
RANGE_NOTE = "(range; day not stated)"
TERRITORY_NOTE = "(territory level: the area, not a site)"
COUNTRIES_LISTED = 3  # more actors than this read "27 countries" in short text


def _text(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _day(value) -> dt.date | None:
    """A date from the view (a date, a timestamp, or None/NaT/NA) as a `datetime.date` or None."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def day_text(day: dt.date, *, year: bool = True) -> str:
    """'14 Jan 2026' (or '14 Jan')."""
    return f"{day.day} {day:%b}" + (f" {day.year}" if year else "")


def span_text(first: dt.date, last: dt.date, *, year: bool = True) -> str:
    """Two days as one span, shortest first: '15–17 Jan 2026', '30 Jan – 2 Feb 2026', '30 Dec 2025 – 2 Jan 2026'."""
    if first == last:
        return day_text(first, year=year)
    tail = f" {last.year}" if year else ""
    if first.year != last.year:
        return f"{day_text(first, year=True)} – {day_text(last, year=True)}"
    if first.month == last.month:
        return f"{first.day}–{last.day} {last:%b}{tail}"
    return f"{first.day} {first:%b} – {last.day} {last:%b}{tail}"


def number_text(value) -> str:
    """A stated number as digits; an unstated one as 'not stated', never 0."""
    return NOT_STATED if value is None or pd.isna(value) else str(int(value))


def sources_text(row) -> str:
    """The record's sources and how many independent origins they come from."""
    ids = [source for source in _text(row.sources).split(";") if source]
    origins = int(row.source_count)
    return f"{'; '.join(ids)} ({origins} independent origin{'s' if origins != 1 else ''})"


def actor_codes(row) -> list[str]:
    """The ISO3 codes of a record's actor countries, in the data's order."""
    return [code for code in _text(getattr(row, "actor_iso3", "")).split(";") if code]


@dataclass(frozen=True)
class RecordText:
    """What every surface says about one record, worked out once (`record_text`).

    The day fields are what the timeline draws: `first_day`..`last_day` is the day, or the range
    inside which the unstated day lies; `end_day` is a departure or the end of an event that lasted,
    and `end_latest_day` the last day of a departure known only as a range (None when its day is
    stated); `is_present` marks a contingent still on the ground (its window runs on to the as-of date).
    """

    record_id: str
    kind: str
    kind_label: str
    colour: str
    symbol: str
    title: str
    when: str  # '14 Jan 2026', '15–17 Jan 2026 (range; day not stated)', 'arrived 16 Jan 2026 until 18 Jan 2026'
    when_short: str  # the table's: '14 Jan', '15–17 Jan (range)', 'from 14 Jan', '16–18 Jan'
    first_day: dt.date | None
    last_day: dt.date | None
    end_day: dt.date | None
    end_latest_day: dt.date | None
    is_present: bool
    where: str  # the place, 'not stated', or with the territory-level note
    who: str  # actor country names, ', '-separated; '' when the record names none
    who_short: str  # up to three names, else 'N countries'
    countries: tuple[str, ...]  # the actor country names, in the data's order
    participants: str  # the curators' list, '; '-separated
    presence: str
    announced: str  # digits or 'not stated'
    deployed: str
    number: str  # '15 deployed; 13 announced', 'not stated', or '' for a kind that carries no number
    status: str
    status_label: str
    is_hollow: bool  # planned, pending or unconfirmed: not (yet) known to have happened
    grade: str  # the Admiralty code, e.g. 'B2'
    grade_text: str  # 'B2 (Admiralty: source B, information 2)'
    sources: str  # 'id1; id2 (2 independent origins)'
    source_count: int
    conflict: str  # '' when the sources agree
    change: str


def _when(row, first, latest, end, end_latest=None) -> tuple[str, str, bool]:
    """(when, when_short, is_present) of a record; see RecordText."""
    if first is None:
        return NOT_STATED, NOT_STATED, False
    presence = _text(getattr(row, "presence", ""))
    day = span_text(first, latest or first) + (f" {RANGE_NOTE}" if latest else "")
    short = span_text(first, latest or first, year=False) + (" (range)" if latest else "")
    if presence == PRESENCE_THERE:  # dated by its arrival (geo.asof: arrived claims date a presence)
        return f"arrived {day}, no departure reported", f"from {short}", True
    if end is not None:  # the end, or the range of days it lies in when only that is known (a `left` claim)
        until = span_text(end, end_latest) if end_latest else day_text(end)
        span = span_text(first, end_latest or end, year=False) + (" (range)" if end_latest else "")
    if presence == PRESENCE_LEFT and end is not None:
        # Only an `arrived` claim dates an arrival; a contingent reported only as announced or
        # dispatched and then as left is dated by that earlier report, so it reads "from".
        verb = "arrived" if _text(getattr(row, "date_status", "")) == "arrived" else "from"
        return f"{verb} {day} until {until} (left{'; day not stated' if end_latest else ''})", span, False
    if presence == PRESENCE_UNDER_WAY:
        return f"dispatched {day}", short, False
    if end is not None and end > (latest or first):  # an event that lasted, e.g. an operation
        return f"{day} until {until}" + (" (end day not stated)" if end_latest else ""), span, False
    return day, short, False


def _number(row, kind: str) -> tuple[str, str, str]:
    """(announced, deployed, number) texts: digits or 'not stated'; number '' for a kind without one."""
    announced_value = getattr(row, "personnel_announced", None)
    deployed_value = getattr(row, "personnel_deployed", None)
    announced, deployed = number_text(announced_value), number_text(deployed_value)
    stated = [
        f"{text} {label}" for text, label in ((deployed, "deployed"), (announced, "announced")) if text != NOT_STATED
    ]
    if not stated:
        return announced, deployed, (NOT_STATED if kind == "deployment" else "")
    if kind not in NUMBER_KINDS:  # the validator keeps numbers off these; never show one that slipped in as a fact
        return announced, deployed, ""
    unstated = [f"{label} {NOT_STATED}" for text, label in ((deployed, "deployed"), (announced, "announced"))
                if text == NOT_STATED]  # fmt: skip
    return announced, deployed, "; ".join(stated + (unstated if kind == "deployment" else []))


def view_rows(view: pd.DataFrame) -> list:
    """The rows of a view as named tuples of its columns (no index), what `record_text` and the cards read.

    Column lists zipped together: ~10x faster than `itertuples` on the wide view, where pandas iterates
    every string column element by element (a few ms a date, on every slider step)."""
    row = namedtuple("Row", list(view.columns), rename=True)
    return [row(*values) for values in zip(*(view[column].tolist() for column in view.columns))]


def record_text(row, country_names: dict[str, str] | None = None) -> RecordText:
    """One row of the as-of view (a named tuple or a pandas row) as the words every surface shows.

    `country_names` (ISO3 -> name) saves a pycountry look-up per record when many are shown.
    """
    kind = _text(row.kind)
    label, colour, symbol = KINDS.get(kind, (kind.capitalize(), "#555555", "circle"))
    first, latest, end = _day(row.date), _day(getattr(row, "date_latest", None)), _day(getattr(row, "date_end", None))
    if latest is not None and first is not None and latest <= first:
        latest = None
    end_latest = _day(getattr(row, "date_end_latest", None))
    if end_latest is not None and (end is None or end_latest <= end):
        end_latest = None
    when, when_short, is_present = _when(row, first, latest, end, end_latest)
    where = _text(row.place) or NOT_STATED
    presence = _text(getattr(row, "presence", ""))
    if kind == "deployment" and presence in (PRESENCE_ANNOUNCED, PRESENCE_UNDER_WAY) and where != NOT_STATED:
        where = f"bound for {where}"
    if _text(getattr(row, "geo_precision", "")) == "territory":
        where += f" {TERRITORY_NOTE}"
    codes = actor_codes(row)
    names = [(country_names or {}).get(code) or country_name(code) for code in codes]
    who_short = ", ".join(names) if len(names) <= COUNTRIES_LISTED else f"{len(names)} countries"
    announced, deployed, number = _number(row, kind)
    status = _text(row.status)
    reliability = _text(row.reliability)
    grade_text = (
        f"{reliability} (Admiralty: source {reliability[0]}, information {reliability[1:]})" if reliability else ""
    )
    return RecordText(
        record_id=_text(row.record_id),
        kind=kind,
        kind_label=label,
        colour=colour,
        symbol=symbol,
        title=_text(row.title),
        when=when,
        when_short=when_short,
        first_day=first,
        last_day=latest or first,
        end_day=end,
        end_latest_day=end_latest,
        is_present=is_present,
        where=where,
        who=", ".join(names),
        who_short=who_short,
        countries=tuple(names),
        participants="; ".join(p for p in _text(getattr(row, "participants", "")).split(";") if p),
        presence=presence,
        announced=announced,
        deployed=deployed,
        number=number,
        status=status,
        status_label=STATUS_LABELS.get(status, status),
        is_hollow=status in HOLLOW_STATUSES,
        grade=reliability,
        grade_text=grade_text,
        sources=sources_text(row),
        source_count=int(row.source_count),
        conflict=_text(getattr(row, "conflict", "")),
        change=_text(getattr(row, "change", "")),
    )


def display_properties(row, country_names: dict[str, str] | None = None) -> dict:
    """What a popup or tooltip shows of one record (raw text: the browser escapes it), from `record_text`.

    `country_names` (ISO3 -> name) saves a pycountry look-up per record when many are shown.
    """
    shown = record_text(row, country_names)
    personnel = getattr(row, "personnel", None)
    return {
        "record_id": shown.record_id,
        "kind": shown.kind,
        "kind_label": shown.kind_label,
        "title": shown.title,
        "status": shown.status,
        "status_label": shown.status_label,
        "when": shown.when,
        "where": shown.where,
        "participants": _text(getattr(row, "participants", "")),
        "actor": shown.who,
        "personnel": None if personnel is None or pd.isna(personnel) else int(personnel),
        "personnel_note": _text(getattr(row, "personnel_note", "")),
        "purpose": _text(getattr(row, "purpose", "")),
        "personnel_announced": shown.announced,
        "personnel_deployed": shown.deployed,
        "number": shown.number,
        "presence": shown.presence,
        "source": _text(getattr(row, "source", "")),
        "source_quote": _text(getattr(row, "source_quote", "")),
        "sources_label": shown.sources,
        "grade": shown.grade_text,
        "conflict": shown.conflict,
        "curation_note": _text(getattr(row, "curation_note", "")),
        "change": shown.change,
    }


CARD_CLASS = "asm-card"  # each record: <article class="asm-card" data-record-id="…">


def _e(value) -> str:
    return html.escape(
        "" if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else str(value)
    )


def record_card_html(row) -> str:
    """One record: when, kind, status, grade; title; where, who, numbers; disagreements; quote; sources."""
    shown = record_text(row)
    change = shown.change
    badge = f' · <strong class="asm-change">{_e(change.upper())}</strong>' if change and change != CHANGE_NONE else ""
    meta = (
        f"<strong>{_e(shown.when)}</strong> · {_e(shown.kind_label)} · status: <em>{_e(shown.status_label)}</em>"
        f" · grade <strong>{_e(shown.grade)}</strong>{badge}"
    )
    facts = []
    summary = _text(getattr(row, "summary", ""))
    if summary:
        facts.append(_e(summary))
    facts.append("Where: " + (_e(shown.where) if _text(row.place) else f"<em>{_e(NOT_STATED)} (not on the map)</em>"))
    if shown.who:
        facts.append("Countries: " + _e(shown.who))
    if shown.participants:
        facts.append("Who: " + _e(shown.participants))
    if shown.kind == "deployment":
        note = _text(getattr(row, "personnel_note", ""))
        facts.append(f"Where now: <strong>{_e(shown.presence)}</strong>")
        facts.append(
            f"Announced: <strong>{_e(shown.announced)}</strong> · "
            f"deployed: <strong>{_e(shown.deployed)}</strong>" + (f" ({_e(note)})" if note else "")
        )
    elif shown.number:
        facts.append(f"Personnel: <strong>{_e(shown.number)}</strong>")
    if shown.conflict:
        facts.append(f'<span class="asm-differ">⚠ <strong>Sources differ:</strong> {_e(shown.conflict)}</span>')
    caption = f"Sources: {_e(shown.sources)} · quote from {_e(getattr(row, 'source', ''))}"
    curation_note = _text(getattr(row, "curation_note", ""))
    if curation_note:
        caption += f" · Curation note: {_e(curation_note)}"
    return (
        f'<article class="{CARD_CLASS}" data-record-id="{_e(shown.record_id)}">'
        f'<p class="asm-card-meta">{meta}</p>'
        f"<h4>{_e(shown.title)}</h4>"
        f"<p>{'<br>'.join(facts)}</p>"
        f"<blockquote>{_e(getattr(row, 'source_quote', ''))}</blockquote>"
        f'<p class="asm-card-caption">{caption}</p>'
        "</article>"
    )


def record_cards_html(view: pd.DataFrame) -> str:
    """The records of a view, in its order, as one block."""
    return '<div class="asm-cards">' + "".join(record_card_html(row) for row in view_rows(view)) + "</div>"
