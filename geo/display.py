"""Records as the list below the map shows them: one light HTML block, every text escaped.

Hundreds of separate page elements (a bordered container, a heading, paragraphs, a quote and a
caption per record) made every slider step re-render the whole list; one block of plain HTML is made
once per date and shared (dashboard/support.py), and the browser only swaps it. Record text is
escaped with `html.escape`, so nothing a curator types can become markup, a link or an image.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from geo.asof import CHANGE_NONE, STATUS_LABELS, country_name, format_when

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


def _text(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def display_properties(row, country_names: dict[str, str] | None = None) -> dict:
    """What a popup or tooltip shows of one record (raw text: the browser escapes it).

    `country_names` (ISO3 -> name) saves a pycountry look-up per record when many are shown.
    """
    personnel = None if pd.isna(row.personnel) else int(row.personnel)
    where = _text(row.place) or "not stated"
    if row.kind == "deployment" and row.presence in ("announced", "under way") and where != "not stated":
        where = f"bound for {where}"
    if row.geo_precision == "territory":
        where += " (territory level: the area, not a site)"
    actors = [code for code in _text(row.actor_iso3).split(";") if code]
    name_of = country_names.get if country_names is not None else (lambda code: None)
    return {
        "record_id": row.record_id,
        "kind": row.kind,
        "title": row.title,
        "status": row.status,
        "status_label": STATUS_LABELS.get(row.status, row.status),
        "when": format_when(row.date, row.date_latest)
        + (" (range; day not stated)" if row.date_latest else "")
        + (f", until {row.date_end.isoformat()}" if getattr(row, "date_end", None) else ""),
        "where": where,
        "participants": _text(row.participants),
        "actor": ", ".join(name_of(code) or country_name(code) for code in actors),
        "personnel": personnel,
        "personnel_note": _text(row.personnel_note),
        "purpose": _text(row.purpose),
        "personnel_announced": number_text(row.personnel_announced),
        "personnel_deployed": number_text(row.personnel_deployed),
        "presence": _text(row.presence),
        "source": row.source,
        "source_quote": row.source_quote,
        "sources_label": sources_text(row),
        "grade": f"{row.reliability} (Admiralty: source {row.reliability[0]}, information {row.reliability[1:]})",
        "conflict": _text(row.conflict),
        "curation_note": _text(row.curation_note),
        "change": _text(getattr(row, "change", "")),
    }


NOT_STATED = "not stated"


def number_text(value) -> str:
    """A stated number as digits; an unstated one as 'not stated', never 0."""
    return NOT_STATED if value is None or pd.isna(value) else str(int(value))


def sources_text(row) -> str:
    """The record's sources and how many independent origins they come from."""
    ids = [source for source in _text(row.sources).split(";") if source]
    origins = int(row.source_count)
    return f"{'; '.join(ids)} ({origins} independent origin{'s' if origins != 1 else ''})"


CARD_CLASS = "asm-card"  # each record: <article class="asm-card" data-record-id="…">


def _e(value) -> str:
    return html.escape(
        "" if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else str(value)
    )


def record_card_html(row) -> str:
    """One record: when, kind, status, grade; title; where, who, numbers; disagreements; quote; sources."""
    when = format_when(row.date, row.date_latest) + (" (range)" if row.date_latest else "")
    if row.date_end:
        when += f", until {row.date_end.isoformat()}"
    change = getattr(row, "change", None)
    badge = f' · <strong class="asm-change">{_e(change.upper())}</strong>' if change and change != CHANGE_NONE else ""
    meta = (
        f"<strong>{_e(when)}</strong> · {_e(row.kind)} · status: <em>{_e(STATUS_LABELS.get(row.status, row.status))}</em>"
        f" · grade <strong>{_e(row.reliability)}</strong>{badge}"
    )
    facts = []
    if row.summary:
        facts.append(_e(row.summary))
    place = row.place if isinstance(row.place, str) and row.place else None
    facts.append("Where: " + (_e(place) if place else "<em>not stated (not on the map)</em>"))
    if row.participants:
        facts.append("Who: " + _e("; ".join(row.participants.split(";"))))
    if row.kind == "deployment":
        facts.append(f"Where now: <strong>{_e(row.presence)}</strong>")
        note = f" ({_e(row.personnel_note)})" if row.personnel_note else ""
        facts.append(
            f"Announced: <strong>{_e(number_text(row.personnel_announced))}</strong> · "
            f"deployed: <strong>{_e(number_text(row.personnel_deployed))}</strong>{note}"
        )
    if row.conflict:
        facts.append(f'<span class="asm-differ">⚠ <strong>Sources differ:</strong> {_e(row.conflict)}</span>')
    caption = f"Sources: {_e(sources_text(row))} · quote from {_e(row.source)}"
    if row.curation_note:
        caption += f" · Curation note: {_e(row.curation_note)}"
    return (
        f'<article class="{CARD_CLASS}" data-record-id="{_e(row.record_id)}">'
        f'<p class="asm-card-meta">{meta}</p>'
        f"<h4>{_e(row.title)}</h4>"
        f"<p>{'<br>'.join(facts)}</p>"
        f"<blockquote>{_e(row.source_quote)}</blockquote>"
        f'<p class="asm-card-caption">{caption}</p>'
        "</article>"
    )


def record_cards_html(view: pd.DataFrame) -> str:
    """The records of a view, in its order, as one block."""
    return '<div class="asm-cards">' + "".join(record_card_html(row) for row in view.itertuples()) + "</div>"
