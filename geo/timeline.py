"""A true time axis of the records: where a 1-day gap and a 37-day gap look different.

`timeline_html(view, start=, end=, as_of=)` draws every record of an as-of view as inline SVG:

- a **point** (the kind's map symbol) for a record of one stated day;
- a **bar** for a span: pale with a dashed rim for a date range whose day is not stated (the
  unknown day lies somewhere inside it), solid for a deployment's presence window (arrival →
  departure, or → the as-of date while it is still there) and for an event that lasted; a departure
  known only as a range ends in a pale range part;
- the as-of date as a vertical line, and what lies after it shaded as the future;
- day ticks, with a label each Monday (each day on a short axis, each month on a long one).

x positions are percentages of the width, with no viewBox scaling, so the axis stretches to any
width and its text and symbols keep their shape. Marks go in **lanes by greedy packing**: bars in
thin lanes on top (so the few long presence windows sit in steady lanes while the slider moves), then
points below, each mark in the first lane of its band where it clears the previous mark by MIN_GAP of
the width. Packing, rather than a
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

from geo.display import SYMBOL_SHAPES, RecordText, day_text, record_text, view_rows

TIMELINE_CLASS = "asm-timeline"
MARK_CLASS = "asm-tl-mark"  # each record: <g class="asm-tl-mark" data-record-id="…">
MIN_GAP = 0.012  # marks in one lane stay this share of the width apart (about 11 px at 900 px)
TOP = 16  # px above the lanes: the as-of label
LANES_HEIGHT = 88  # px for all lanes: bar lanes BAR_PITCH high on top, point lanes share the rest
BAR_PITCH = 6  # a bar lane: a 4 px bar and a gap
MAX_BAR_LANES = 7  # bars take at most about half the height
MIN_POINT_PITCH = 6  # a point lane is 6 to 12 px high
MAX_PITCH = 12
MAX_POINT_LANES = LANES_HEIGHT // MIN_POINT_PITCH  # with no bars: 14
AXIS = 22  # px below the lanes: the axis line, ticks and their labels
HEIGHT = TOP + LANES_HEIGHT + 4 + AXIS  # at most 130 px
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
  .asm-tl-selected { filter: drop-shadow(0 0 1.5px #ff9d00) drop-shadow(0 0 1.5px #ff9d00); }
  .asm-tl-selected .asm-tl-hit { fill: #ffd400; }
  .asm-tl-selected .asm-tl-shape, .asm-tl-selected .asm-tl-bar { stroke: #000; stroke-width: 1.5; }
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
        days += [day for day in (text.first_day, text.last_day, text.end_day, text.end_latest_day) if day is not None]
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
    if text.end_latest_day is not None:  # set only after end_day (display.record_text)
        segments.append((at(text.end_day), at(text.end_latest_day), "range"))  # left on a day not stated
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


def layout(marks: list[Mark]) -> tuple[list[tuple[float, float] | None], float]:
    """Each mark's lane centre y and lane height in px (None: no room left, counted as "+N"), and the
    height the lanes use. Bars are packed into thin lanes on top, in order of start (longer first);
    points below, in order of day, in lanes that share the rest of the height."""
    bars = sorted(
        (i for i, mark in enumerate(marks) if not mark.is_point), key=lambda i: (marks[i].start, -marks[i].end)
    )
    points = [i for i in sorted(range(len(marks)), key=lambda i: marks[i].start) if marks[i].is_point]
    placed: list[tuple[float, float] | None] = [None] * len(marks)
    bar_lanes = dict(zip(bars, assign_lanes([(marks[i].start, marks[i].end) for i in bars])))
    bar_band = min(max(bar_lanes.values(), default=-1) + 1, MAX_BAR_LANES) * BAR_PITCH
    for i, lane in bar_lanes.items():
        if lane < MAX_BAR_LANES:
            placed[i] = (TOP + (lane + 0.5) * BAR_PITCH, BAR_PITCH)
    point_lanes = dict(zip(points, assign_lanes([(marks[i].start, marks[i].end) for i in points])))
    room = int((LANES_HEIGHT - bar_band) // MIN_POINT_PITCH)
    needed = min(max(point_lanes.values(), default=-1) + 1, room)
    pitch = min(MAX_PITCH, (LANES_HEIGHT - bar_band) / needed) if needed else 0.0
    for i, lane in point_lanes.items():
        if lane < needed:
            placed[i] = (TOP + bar_band + (lane + 0.5) * pitch, pitch)
    return placed, bar_band + needed * pitch


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


def _shape(text: RecordText, at: str, y: float, size: float, pitch: float) -> str:
    """The kind's symbol centred on (at, y): a nested SVG placed in percent, drawn in pixels, with a
    transparent target a lane high around it (a small symbol is easy to miss with the pointer)."""
    shape = SYMBOL_SHAPES[text.symbol if text.symbol in SYMBOL_SHAPES and text.symbol != "route" else "circle"]
    shape = shape.replace("/>", ' vector-effect="non-scaling-stroke"/>')  # strokes in pixels, not scaled down
    fill = "#ffffff" if text.is_hollow else text.colour
    stroke = text.colour if text.is_hollow else "#1a1a1a"
    half = max(size, 10) / 2
    return (
        f'<svg x="{at}" y="{y:.1f}" width="1" height="1" overflow="visible">'
        f'<rect class="asm-tl-hit" x="{-half:.1f}" y="{-pitch / 2:.1f}" width="{2 * half:.1f}" height="{pitch:.1f}" '
        'fill="transparent"/>'
        f'<g class="asm-tl-shape" transform="translate({-size / 2:.2f} {-size / 2:.2f}) scale({size / 22:.3f})" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{1.6 if text.is_hollow else 1}">{shape}</g></svg>'
    )


def _bars(mark: Mark, y: float, height: float, pitch: float) -> str:
    """The mark's bars (a pale range, a solid window) over a transparent target a lane high."""
    text = mark.text
    parts = [
        f'<rect class="asm-tl-hit" x="{_pct(mark.start)}" y="{y - pitch / 2:.1f}" width="{_pct(mark.end - mark.start)}" '
        f'height="{pitch:.1f}" fill="transparent"/>'
    ]
    for first, last, style in mark.segments:
        fill = "#ffffff" if text.is_hollow else text.colour
        stroke = text.colour if text.is_hollow or style == "range" else "#1a1a1a"
        parts.append(
            f'<rect class="asm-tl-bar asm-tl-{style}" x="{_pct(first)}" y="{y - height / 2:.1f}" '
            f'width="{_pct(last - first)}" height="{height:.1f}" rx="{height / 2:.1f}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1"/>'
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
    texts = [record_text(row) for row in view_rows(view)]
    start, end = axis_span(texts, start, end, as_of)
    marks = [mark for mark in (record_mark(text, start, end, as_of) for text in texts) if mark is not None]
    undated = len(texts) - len(marks)
    placed, used = layout(marks)
    bottom = TOP + used + 4
    height = bottom + AXIS

    asof_at = _pct(position(as_of, start, end))
    parts = [
        f'<rect class="asm-tl-future" x="{asof_at}" y="0" width="{_pct(1 - position(as_of, start, end))}" '
        f'height="{bottom:.1f}"/>',
        f'<line class="asm-tl-baseline" x1="0%" x2="100%" y1="{bottom:.1f}" y2="{bottom:.1f}"/>',
        *_ticks(start, end, bottom),
    ]
    hidden: dict[float, int] = {}
    for mark, place in zip(marks, placed):
        if place is None:
            hidden[mark.start] = hidden.get(mark.start, 0) + 1
            continue
        y, pitch = place
        text = mark.text
        classes = MARK_CLASS + (" asm-tl-selected" if selected is not None and text.record_id == selected else "")
        if mark.is_point:
            body = _shape(text, _pct(mark.start), y, max(5.0, min(11.0, pitch - 1.5)), pitch)
        else:
            body = _bars(mark, y, pitch - 2, pitch)
        parts.append(
            f'<g class="{classes}" data-record-id="{_e(text.record_id)}" data-kind="{_e(text.kind)}">'
            f"<title>{_e(_label(text))}</title>{body}</g>"
        )
    for share, count in hidden.items():
        parts.append(f'<text class="asm-tl-more" x="{_pct(share)}" y="{bottom - 5:.1f}" dx="6">+{count}</text>')
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
