"""The chronology as a compact event table beside the map: filter, sort, and one escaped HTML table.

One row per record: date, country, kind, event, status, number, grade, and ⚠ where the sources
differ. Every cell's words come from `geo.display.record_text`, so a record reads the same here as
on the map, in the timeline and in the cards. The table fits a ~450 px column with wrapped text (no
horizontal scroll); its CSS is EVENTS_CSS, for the page. Each row is
`<tr data-record-id="…" tabindex="0">`, so the page script can link it to the map.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from geo.asof import CHANGE_NONE, STATUS_LABELS, STATUS_ORDER, country_name
from geo.display import (
    COUNTRIES_LISTED,
    KINDS,
    NOT_STATED,
    SYMBOL_SHAPES,
    RecordText,
    actor_codes,
    record_text,
    view_rows,
)

TABLE_CLASS = "asm-events"
SORT_KEYS = ("date", "country", "kind", "status", "title")
EMPTY_TEXT = "No event matches the filters."
# Statuses in the order a record moves through them; a plan's own turns sit beside it.
STATUS_SEQUENCE = {"planned": 0.0, "pending": 0.1, "unconfirmed": 0.2, **STATUS_ORDER}
COLUMNS = ("Date", "Country", "Kind · event", "Status", "Number", "Grade", "⚠")
COLUMN_CLASSES = ("date", "country", "event", "status", "number", "grade", "differ")


def _swatch_css() -> str:
    """Each kind's map symbol as a small CSS shape (st.html keeps HTML only, so no SVG here): the
    outline from geo.display.SYMBOL_SHAPES as a clip-path, the colour from KINDS; a hollow one is the
    same shape with a white inner copy."""
    rules = [
        "table.asm-events .asm-sw { position: relative; display: inline-block; flex: none; width: 11px; height: 11px;"
        " background: #1a1a1a; }",
        'table.asm-events .asm-sw::after { content: ""; position: absolute; inset: 1px; clip-path: inherit;'
        " background: var(--asm-sw-colour); }",
        "table.asm-events .asm-sw-hollow::after { inset: 2.5px; background: #fff; }",
        "table.asm-events .asm-sw-hollow { background: var(--asm-sw-colour); }",
    ]
    for shape, markup in SYMBOL_SHAPES.items():
        points = re.search(r'points="([^"]+)"', markup)
        if points:
            pairs = [pair.split(",") for pair in points.group(1).split()]
            clip = "polygon(" + ", ".join(f"{float(x) / 22:.0%} {float(y) / 22:.0%}" for x, y in pairs) + ")"
        elif shape == "circle":
            clip = "circle(37% at 50% 50%)"
        elif shape == "route":
            clip = "polygon(0 38%, 100% 38%, 100% 62%, 0 62%)"
        else:  # the square
            clip = "inset(14%)"
        rules.append(f"table.asm-events .asm-sw-{shape} {{ clip-path: {clip}; }}")
    for kind, (_, colour, _) in KINDS.items():
        rules.append(f"table.asm-events .asm-sw-kind-{kind} {{ --asm-sw-colour: {colour}; }}")
    return "\n  ".join(rules)


def _swatch(text: RecordText) -> str:
    shape = text.symbol if text.symbol in SYMBOL_SHAPES else "circle"
    hollow = " asm-sw-hollow" if text.is_hollow else ""
    return f'<span class="asm-sw asm-sw-{shape} asm-sw-kind-{_e(text.kind)}{hollow}" aria-hidden="true"></span>'


EVENTS_CSS = """
<style>
  table.asm-events { width: 100%; table-layout: fixed; border-collapse: collapse;
    font: 11px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  table.asm-events th, table.asm-events td { padding: 3px 2px; vertical-align: top; text-align: left;
    overflow-wrap: break-word; border-bottom: 1px solid #e3e3e3; }
  table.asm-events thead th { position: sticky; top: 0; z-index: 1; background: #f4f4f4; font-weight: 600;
    border-bottom: 1px solid #bbb; }
  table.asm-events col.asm-c-date { width: 50px; }
  table.asm-events col.asm-c-country { width: 64px; }
  table.asm-events col.asm-c-event { width: auto; }
  table.asm-events col.asm-c-status { width: 72px; }
  table.asm-events col.asm-c-number { width: 66px; }
  table.asm-events col.asm-c-grade { width: 44px; }
  table.asm-events col.asm-c-differ { width: 14px; }
  table.asm-events th { font-size: 11px; }
  table.asm-events tbody tr { cursor: pointer; }
  table.asm-events tbody tr:hover { background: #f2f7fc; }
  table.asm-events tbody tr:focus { outline: 2px solid #0b57d0; outline-offset: -2px; }
  table.asm-events tr.asm-selected { background: #fff3c4; }
  table.asm-events .asm-kind { display: flex; align-items: center; gap: 3px; font-size: 10.5px; color: #444; }
  __SWATCHES__
  table.asm-events .asm-change { color: #8a1c00; font-size: 10px; text-transform: uppercase; }
  table.asm-events .asm-unknown { color: #555; font-style: italic; }
  table.asm-events .asm-differ-mark { color: #8a4b00; font-weight: 700; }
  table.asm-events td.asm-events-empty { padding: 12px 6px; color: #444; font-style: italic; cursor: default; }
  .asm-visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0;
    overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
</style>
""".replace("__SWATCHES__", _swatch_css())


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def table_options(view: pd.DataFrame) -> dict[str, dict[str, str]]:
    """What the filter widgets offer, each as {value: label}: the countries (ISO3: name, by name), the
    kinds (in KINDS order) and the statuses (in the order a record moves through them) in the view."""
    codes = {code for row in view_rows(view) for code in actor_codes(row)}
    countries = dict(sorted(((code, country_name(code)) for code in codes), key=lambda item: item[1].casefold()))
    present_kinds = set(view["kind"])
    kinds = {kind: label for kind, (label, _, _) in KINDS.items() if kind in present_kinds}
    kinds.update({kind: kind.capitalize() for kind in sorted(present_kinds - set(KINDS))})
    statuses = sorted(set(view["status"]), key=lambda status: (STATUS_SEQUENCE.get(status, 99), status))
    return {
        "countries": countries,
        "kinds": kinds,
        "statuses": {status: STATUS_LABELS.get(status, status) for status in statuses},
    }


def filter_view(view: pd.DataFrame, countries=(), kinds=(), statuses=()) -> pd.DataFrame:
    """The records matching every filter given: one of `countries` (ISO3) among its actors, its kind
    in `kinds`, its status in `statuses`. An empty filter keeps all; the view's order is kept."""
    keep = pd.Series(True, index=view.index)
    if countries:
        wanted = set(countries)
        keep &= pd.Series([bool(wanted.intersection(actor_codes(row))) for row in view_rows(view)], index=view.index)
    if kinds:
        keep &= view["kind"].isin(list(kinds))
    if statuses:
        keep &= view["status"].isin(list(statuses))
    return view[keep]


def _sort_key(text: RecordText, by: str):
    """A record's sort key, or None when the record has no value to sort by (it goes last)."""
    if by == "date":
        return None if text.first_day is None else (text.first_day, text.last_day or text.first_day)
    if by == "country":
        return text.who.casefold() or None
    if by == "kind":
        return text.kind_label.casefold()
    if by == "status":
        return (STATUS_SEQUENCE.get(text.status, 99), text.status)
    return text.title.casefold()


def sort_view(view: pd.DataFrame, by: str = "date", descending: bool = False) -> pd.DataFrame:
    """The view sorted by date, country (the first named), kind (its label), status (in the order a
    record moves through them) or title. Stable: ties keep the view's order, in either direction.
    Records with nothing to sort by (no date stated, no country) go last, in either direction."""
    if by not in SORT_KEYS:
        raise ValueError(f"unknown sort {by!r}; expected one of {', '.join(SORT_KEYS)}")
    keys = [_sort_key(record_text(row), by) for row in view_rows(view)]
    known = [i for i, key in enumerate(keys) if key is not None]
    unknown = [i for i, key in enumerate(keys) if key is None]
    known = sorted(known, key=lambda i: keys[i], reverse=descending)  # sorted() keeps ties stable reversed too
    return view.iloc[known + unknown]


def _number_cell(text: RecordText) -> str:
    """The number column: blank for a kind without numbers; otherwise each number on its line, with
    'not stated' (never 0) where a deployment's number is unknown."""
    if not text.number:
        return ""
    unknown = '<span class="asm-unknown">{}</span>'
    if text.kind != "deployment":  # a visit or a mission, shown only when a number is stated
        return _e(text.number)
    if text.announced == text.deployed == NOT_STATED:
        return unknown.format(_e(NOT_STATED))
    lines = []
    for value, label in ((text.announced, "announced"), (text.deployed, "deployed")):
        lines.append(_e(f"{value} {label}") if value != NOT_STATED else unknown.format(_e(f"{label} {NOT_STATED}")))
    return "<br>".join(lines)


def _row(text: RecordText, *, year: bool, selected: str | None) -> str:
    when = text.when_short if not year or text.first_day is None else text.when
    date_cell = _e(when) if text.first_day is not None else f'<span class="asm-unknown">{_e(NOT_STATED)}</span>'
    if not text.countries:  # an EU or NATO body, an analyst: no country to name
        country = '<span class="asm-unknown">—</span>'
    elif len(text.countries) <= COUNTRIES_LISTED:
        country = "<br>".join(_e(name) for name in text.countries)
    else:
        country = _e(text.who_short)
    number_cell = _number_cell(text)
    differ = (
        f'<span class="asm-differ-mark" title="Sources differ: {_e(text.conflict)}">⚠'
        '<span class="asm-visually-hidden"> sources differ</span></span>'
        if text.conflict
        else ""
    )
    changed = text.change not in ("", CHANGE_NONE)  # with a "since" date: new, status or contribution changed
    change = f' <strong class="asm-change">{_e(text.change)}</strong>' if changed else ""
    is_selected = selected is not None and text.record_id == selected
    attributes = ' class="asm-selected" aria-current="true"' if is_selected else ""
    return (
        f'<tr data-record-id="{_e(text.record_id)}" tabindex="0"{attributes}>'
        f'<td title="{_e(text.when)}">{date_cell}</td>'
        f'<td title="{_e(text.who)}">{country}</td>'
        f'<td><span class="asm-kind">{_swatch(text)}{_e(text.kind_label)}'
        f"{change}</span>"
        f"{_e(text.title)}</td>"
        f'<td title="{_e(text.status_label)}">{_e(text.status)}</td>'
        f"<td>{number_cell}</td>"
        f'<td title="{_e(text.grade_text)}">{_e(text.grade)}</td>'
        f"<td>{differ}</td>"
        "</tr>"
    )


def event_table_html(view: pd.DataFrame, *, selected: str | None = None) -> str:
    """The records of a view, in its order, as one compact table (see the module docstring), with an
    empty-state row when no record is left. Dates leave out the year when every record is in one year
    (the header then names it). `selected` is a record id to highlight."""
    texts = [record_text(row) for row in view_rows(view)]
    years = {day.year for text in texts for day in (text.first_day, text.end_day) if day is not None}
    one_year = len(years) == 1
    header = list(COLUMNS)
    if one_year:
        header[0] = f"Date ({next(iter(years))})"
    head = "".join(
        f'<th scope="col">{_e(label)}</th>'
        if label != "⚠"
        else '<th scope="col" title="Sources differ">⚠<span class="asm-visually-hidden"> sources differ</span></th>'
        for label in header
    )
    cols = "".join(f'<col class="asm-c-{name}">' for name in COLUMN_CLASSES)
    if texts:
        body = "".join(_row(text, year=not one_year, selected=selected) for text in texts)
    else:
        body = f'<tr><td class="asm-events-empty" colspan="{len(COLUMNS)}">{_e(EMPTY_TEXT)}</td></tr>'
    return (
        f'<table class="{TABLE_CLASS}"><caption class="asm-visually-hidden">Events as of the date</caption>'
        f"<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
