"""A true time axis of the records: where a 1-day gap and a 37-day gap look different.

`timeline_html(view, start=, end=, as_of=)` draws every record of an as-of view as inline SVG:

- a **point** (the kind's map symbol) for a record of one stated day;
- a **bar** for a span: pale with a dashed rim for a date range whose day is not stated (the
  unknown day lies somewhere inside it), solid for a deployment's presence window (arrival →
  departure, or → the as-of date while it is still there) and for an event that lasted;
- the as-of date as a vertical line, and what lies after it shaded as the future;
- day ticks, with a label each Monday (each day on a short axis, each month on a long one).

x positions are percentages of the width, with no viewBox scaling, so the axis stretches to any
width and its text and symbols keep their shape. Marks go in **lanes by greedy packing**: bars first
(so the few long presence windows sit in steady top lanes while the slider moves), then points, each
in the first lane where it clears the previous mark by MIN_GAP of the width. Packing, rather than a
lane per kind, keeps the axis short (eleven kinds would need eleven lanes even on a quiet day) and
still never lets two marks overlap; the colour and symbol say the kind. When more lanes would be
needed than fit, the rest of a day's marks are counted as "+N" at that day, never silently dropped,
and every record is in the visually hidden list that screen readers read.

The text of each record (title, when) comes from `geo.display.record_text`, so the timeline says
what the table, the cards and the map say. Everything is escaped with `html.escape`; the markup has
no script, no event attribute and no style element (the CSS is TIMELINE_CSS, for the page).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import pandas as pd

from geo.display import SYMBOL_SHAPES, RecordText, day_text, record_text

TIMELINE_CLASS = "asm-timeline"
MARK_CLASS = "asm-tl-mark"  # each record: <g class="asm-tl-mark" data-record-id="…">
MIN_GAP = 0.012  # marks in one lane stay this share of the width apart (about 11 px at 900 px)
MAX_LANES = 14
TOP = 16  # px above the lanes: the as-of label
LANES_HEIGHT = 84  # px for all lanes; a lane is at most MAX_PITCH high
MAX_PITCH = 12
AXIS = 22  # px below the lanes: the axis line, ticks and their labels
HEIGHT = TOP + LANES_HEIGHT + AXIS  # 122 px
LABEL_EVERY_DAY = 14  # an axis of at most this many days labels every day
LABEL_MONTHS = 120  # an axis of more days than this labels months only

TIMELINE_CSS = """
<style>
  .asm-timeline { position: relative; padding: 0 16px; box-sizing: border-box; width: 100%; }
  .asm-timeline svg.asm-tl-axis { display: block; width: 100%; overflow: visible;
    font: 11px/1 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  .asm-tl-future { fill: #000; fill-opacity: 0.06; }
  .asm-tl-future-label { fill: #555; font-style: italic; }
  .asm-tl-asof { stroke: #b00020; stroke-width: 2; }
  .asm-tl-asof-label { fill: #b00020; font-weight: 600; }
  .asm-tl-baseline { stroke: #666; stroke-width: 1; }
  .asm-tl-tick { stroke: #999; stroke-width: 1; }
  .asm-tl-tick-major { stroke: #444; }
  .asm-tl-tick-label { fill: #333; }
  .asm-tl-mark { cursor: pointer; }
  .asm-tl-mark:hover .asm-tl-shape, .asm-tl-mark:hover .asm-tl-bar { stroke: #000; stroke-width: 2; }
  .asm-tl-range { fill-opacity: 0.35; stroke-dasharray: 3 2; }
  .asm-tl-selected .asm-tl-shape, .asm-tl-selected .asm-tl-bar { stroke: #000; stroke-width: 2.5; }
  .asm-tl-more { fill: #333; font-weight: 600; }
  .asm-visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0;
    overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
</style>
"""


@dataclass(frozen=True)
class Mark:
    """One record on the axis: from `start` to `end` as shares of the width (equal for a point)."""

    text: RecordText
    start: float
    end: float
    segments: tuple  # (start, end, style): style 'range' (day not stated inside) or 'solid'

    @property
    def is_point(self) -> bool:
        return not self.segments


def position(day: dt.date, start: dt.date, end: dt.date) -> float:
    """Where a day sits on the axis, as a share of its width: (day - start) / (end - start)."""
    span = (end - start).days
    return (day - start).days / span if span > 0 else 0.5


def axis_span(texts: list[RecordText], start: dt.date, end: dt.date, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The axis runs from `start` to `end`, widened to hold every mark (a record dated before the first
    key date is drawn where it belongs, not pinned to the edge)."""
    days = [start, end, as_of]
    for text in texts:
        days += [day for day in (text.first_day, text.last_day, text.end_day) if day is not None]
    return min(days), max(days)


def record_mark(text: RecordText, start: dt.date, end: dt.date, as_of: dt.date) -> Mark | None:
    """A record's mark, or None when the record states no date."""
    if text.first_day is None:
        return None
    at = lambda day: position(day, start, end)  # noqa: E731
    first, last = text.first_day, text.last_day or text.first_day
    segments = []
    if last > first:
        segments.append((at(first), at(last), "range"))
    if text.is_present and as_of > last:  # still on the ground: the window runs on to the as-of date
        segments.append((at(last), at(as_of), "solid"))
    elif text.end_day is not None and text.end_day > last:  # a departure, or the end of an event that lasted
        segments.append((at(last), at(text.end_day), "solid"))
    if not segments:
        return Mark(text, at(first), at(first), ())
    return Mark(text, segments[0][0], segments[-1][1], tuple(segments))


def assign_lanes(spans: list[tuple[float, float]], gap: float = MIN_GAP) -> list[int]:
    """Greedy lane packing: each span, in the order given, takes the first lane whose last span ends
    at least `gap` before it starts. Spans in one lane therefore never overlap or touch."""
    lane_ends: list[float] = []
    lanes = []
    for first, last in spans:
        for lane, lane_end in enumerate(lane_ends):
            if first >= lane_end + gap:
                lane_ends[lane] = last
                lanes.append(lane)
                break
        else:
            lane_ends.append(last)
            lanes.append(len(lane_ends) - 1)
    return lanes


def _pct(share: float) -> str:
    return f"{100 * share:.2f}%"


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _ticks(start: dt.date, end: dt.date, bottom: float) -> list[str]:
    """Day ticks, labelled each Monday (each day on a short axis); months only on a long one."""
    days = (end - start).days
    parts = []
    for offset in range(days + 1):
        day = start + dt.timedelta(days=offset)
        at = _pct(position(day, start, end))
        if days > LABEL_MONTHS:
            if day.day != 1:
                continue
            label = f"{day:%b %Y}"
        else:
            labelled = days <= LABEL_EVERY_DAY or day.weekday() == 0
            label = day_text(day, year=False) if labelled else ""
            if day.day == 1 and labelled:
                label = f"{day.day} {day:%b}"
        major = bool(label)
        parts.append(
            f'<line class="asm-tl-tick{" asm-tl-tick-major" if major else ""}" x1="{at}" x2="{at}" '
            f'y1="{bottom}" y2="{bottom + (6 if major else 3)}"/>'
        )
        if label:
            parts.append(
                f'<text class="asm-tl-tick-label" x="{at}" y="{bottom + 17}" text-anchor="middle">{_e(label)}</text>'
            )
    return parts


def _shape(text: RecordText, at: str, y: float, size: float) -> str:
    """The kind's symbol centred on (at, y): a nested SVG placed in percent, drawn in pixels."""
    shape = SYMBOL_SHAPES[text.symbol if text.symbol in SYMBOL_SHAPES and text.symbol != "route" else "circle"]
    fill = "#ffffff" if text.is_hollow else text.colour
    stroke = text.colour if text.is_hollow else "#1a1a1a"
    scale = size / 22
    return (
        f'<svg x="{at}" y="{y:.1f}" width="1" height="1" overflow="visible">'
        f'<g class="asm-tl-shape" transform="translate({-size / 2:.2f} {-size / 2:.2f}) scale({scale:.3f})" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{(3 if text.is_hollow else 1.5) / scale:.2f}">{shape}</g></svg>'
    )


def _bars(mark: Mark, y: float, height: float) -> str:
    text = mark.text
    parts = []
    for first, last, style in mark.segments:
        hollow = text.is_hollow and style == "solid"
        fill = "#ffffff" if hollow else text.colour
        parts.append(
            f'<rect class="asm-tl-bar asm-tl-{style}" x="{_pct(first)}" y="{y - height / 2:.1f}" '
            f'width="{_pct(last - first)}" height="{height:.1f}" rx="{height / 2:.1f}" '
            f'fill="{fill}" stroke="{text.colour if hollow or style == "range" else "#1a1a1a"}" stroke-width="1"/>'
        )
    return "".join(parts)


def _label(text: RecordText) -> str:
    return f"{text.title} — {text.kind_label}, {text.status_label} — {text.when}"


def timeline_html(
    view: pd.DataFrame, *, start: dt.date, end: dt.date, as_of: dt.date, selected: str | None = None
) -> str:
    """The records of an as-of view on a true time axis, as one escaped HTML block (see the module
    docstring). `start`..`end` is the axis (widened to hold every record); `selected` is a record id
    to outline."""
    texts = [record_text(row) for row in view.itertuples()]
    start, end = axis_span(texts, start, end, as_of)
    marks = [mark for mark in (record_mark(text, start, end, as_of) for text in texts) if mark is not None]
    undated = len(texts) - len(marks)
    order = sorted(range(len(marks)), key=lambda i: (marks[i].is_point, marks[i].start, -marks[i].end, i))
    lanes_in_order = assign_lanes([(marks[i].start, marks[i].end) for i in order])
    lane_of = dict(zip(order, lanes_in_order))
    lanes = min(max(lanes_in_order, default=0) + 1, MAX_LANES)
    pitch = min(MAX_PITCH, LANES_HEIGHT / lanes)
    bottom = TOP + lanes * pitch + 4
    height = bottom + AXIS

    asof_at = _pct(position(as_of, start, end))
    parts = [
        f'<rect class="asm-tl-future" x="{asof_at}" y="0" width="{_pct(1 - position(as_of, start, end))}" '
        f'height="{bottom:.1f}"/>',
        f'<line class="asm-tl-baseline" x1="0%" x2="100%" y1="{bottom:.1f}" y2="{bottom:.1f}"/>',
        *_ticks(start, end, bottom),
    ]
    hidden: dict[float, int] = {}
    for index, mark in enumerate(marks):
        lane = lane_of[index]
        if lane >= MAX_LANES:
            hidden[mark.start] = hidden.get(mark.start, 0) + 1
            continue
        text = mark.text
        y = TOP + (lane + 0.5) * pitch
        size = max(5.0, min(11.0, pitch - 1.5))
        classes = MARK_CLASS + (" asm-tl-selected" if selected is not None and text.record_id == selected else "")
        body = _shape(text, _pct(mark.start), y, size) if mark.is_point else _bars(mark, y, max(4.0, size - 3))
        parts.append(
            f'<g class="{classes}" data-record-id="{_e(text.record_id)}" data-kind="{_e(text.kind)}">'
            f"<title>{_e(_label(text))}</title>{body}</g>"
        )
    for share, count in hidden.items():
        parts.append(
            f'<text class="asm-tl-more" x="{_pct(share)}" y="{TOP + lanes * pitch:.1f}" dx="6">+{count}</text>'
        )
    parts += [
        f'<line class="asm-tl-asof" x1="{asof_at}" x2="{asof_at}" y1="{TOP - 4}" y2="{bottom:.1f}"/>',
        f'<text class="asm-tl-asof-label" x="{asof_at}" y="{TOP - 6}" '
        f'text-anchor="{"end" if position(as_of, start, end) > 0.5 else "start"}">as of {_e(day_text(as_of))}</text>',
    ]
    summary = (
        f"Timeline of {len(texts)} records from {day_text(start)} to {day_text(end)}, as of {day_text(as_of)}"
        + (f"; {undated} with no date stated are not drawn" if undated else "")
        + ". The list that follows names each record and its date."
    )
    items = "".join(f'<li data-record-id="{_e(t.record_id)}">{_e(_label(t))}</li>' for t in texts)
    return (
        f'<div class="{TIMELINE_CLASS}" data-start="{start.isoformat()}" data-end="{end.isoformat()}" '
        f'data-as-of="{as_of.isoformat()}">'
        f'<svg class="asm-tl-axis" width="100%" height="{height:.0f}" role="img" aria-label="{_e(summary)}">'
        + "".join(parts)
        + f'</svg><ul class="asm-visually-hidden" aria-label="Records on the timeline">{items}</ul></div>'
    )
