"""Records as the list below the map shows them: one light HTML block, every text escaped.

Hundreds of separate page elements (a bordered container, a heading, paragraphs, a quote and a
caption per record) made every slider step re-render the whole list; one block of plain HTML is made
once per date and shared (dashboard/support.py), and the browser only swaps it. Record text is
escaped with `html.escape`, so nothing a curator types can become markup, a link or an image.
"""

from __future__ import annotations

import html

import pandas as pd

from geo.asof import CHANGE_NONE, STATUS_LABELS, format_when
from geo.mapview import number_text, sources_text

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
