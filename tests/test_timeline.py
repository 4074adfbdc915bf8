"""The timeline is a true time axis: positions proportional to time, spans as bars, the as-of line,
lanes that never overlap, and every text escaped.

Positions are worked out by hand: on an axis from 1 Jan to 11 Jan 2026 (10 days) a day d sits at
(d - 1 Jan) / 10 of the width, so 3 Jan is at 20 %, 8 Jan at 70 %.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from geo.asof import as_of_view, key_dates
from geo.display import record_text
from geo.timeline import MAX_POINT_LANES, MIN_GAP, assign_lanes, position, timeline_html
from tests.support.records import frame

D = dt.date
START, END = D(2026, 1, 1), D(2026, 1, 11)  # 10 days: one day is 10 % of the width
HOSTILE = "<img src=x onerror=alert(1)>"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # the timeline is well-formed XML: every tag closed, every text escaped


def draw(*rows, start=START, end=END, as_of=D(2026, 1, 8), selected=None) -> ET.Element:
    return parse(timeline_html(frame(*rows), start=start, end=end, as_of=as_of, selected=selected))


def marks(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-record-id"): g for g in root.iter("g") if "asm-tl-mark" in (g.get("class") or "").split()}


def point_x(mark: ET.Element) -> str:
    (nested,) = [node for node in mark if node.tag == "svg"]
    return nested.get("x")


def bars(mark: ET.Element) -> list[tuple[str, str, str]]:
    """(x, width, style) of each bar of a mark."""
    return [
        (rect.get("x"), rect.get("width"), rect.get("class").split()[-1])
        for rect in mark.iter("rect")
        if "asm-tl-bar" in rect.get("class", "")
    ]


def test_position_is_the_share_of_the_span():
    assert position(D(2026, 1, 3), START, END) == 0.2
    assert position(START, START, END) == 0.0 and position(END, START, END) == 1.0


def test_a_day_sits_at_its_share_of_the_width():
    root = draw({"record_id": "a", "date": D(2026, 1, 3)}, {"record_id": "b", "date": D(2026, 1, 11)})
    found = marks(root)
    assert point_x(found["a"]) == "20.00%"
    assert point_x(found["b"]) == "100.00%"


def test_a_one_day_gap_and_a_37_day_gap_look_different():
    # 1 Jan to 8 Feb is 38 days: 2 Jan is at 1/38 = 2.63 %, 8 Feb at 38/38, 1 Jan at 0.
    root = draw(
        {"record_id": "first", "date": D(2026, 1, 1)},
        {"record_id": "next-day", "date": D(2026, 1, 2)},
        {"record_id": "weeks-later", "date": D(2026, 2, 8)},
        start=D(2026, 1, 1), end=D(2026, 2, 8), as_of=D(2026, 2, 8),
    )  # fmt: skip
    found = marks(root)
    assert [point_x(found[key]) for key in ("first", "next-day", "weeks-later")] == ["0.00%", "2.63%", "100.00%"]


def test_a_date_range_is_a_pale_bar_over_its_days():
    root = draw({"record_id": "r", "date": D(2026, 1, 3), "date_latest": D(2026, 1, 6)})
    assert bars(marks(root)["r"]) == [("20.00%", "30.00%", "asm-tl-range")]


def test_a_presence_runs_from_arrival_to_the_as_of_date_while_still_there():
    there = {"record_id": "p", "kind": "deployment", "status": "arrived", "presence": "on the ground",
             "date": D(2026, 1, 3)}  # fmt: skip
    assert bars(marks(draw(there, as_of=D(2026, 1, 8)))["p"]) == [("20.00%", "50.00%", "asm-tl-solid")]


def test_a_presence_that_left_runs_from_arrival_to_departure():
    left = {"record_id": "p", "kind": "deployment", "status": "left", "presence": "left",
            "date": D(2026, 1, 3), "date_end": D(2026, 1, 5)}  # fmt: skip
    assert bars(marks(draw(left))["p"]) == [("20.00%", "20.00%", "asm-tl-solid")]


def test_a_departure_day_given_as_a_range_ends_the_presence_in_a_pale_part():
    left = {"record_id": "p", "kind": "deployment", "status": "left", "presence": "left",
            "date": D(2026, 1, 3), "date_end": D(2026, 1, 5), "date_end_latest": D(2026, 1, 7)}  # fmt: skip
    assert bars(marks(draw(left))["p"]) == [("20.00%", "20.00%", "asm-tl-solid"), ("40.00%", "20.00%", "asm-tl-range")]


def test_an_event_that_ended_on_a_day_not_stated_says_so():
    (row,) = frame({"record_id": "m", "kind": "mission", "status": "left", "date": D(2026, 1, 19),
                         "date_end": D(2026, 2, 10), "date_end_latest": D(2026, 2, 14)}).itertuples()  # fmt: skip
    text = record_text(row)
    assert (text.when, text.when_short) == (
        "19 Jan 2026 until 10–14 Feb 2026 (end day not stated)",
        "19 Jan – 14 Feb (range)",
    )


def test_an_arrival_day_given_as_a_range_stays_pale_then_the_presence_is_solid():
    there = {"record_id": "p", "kind": "deployment", "status": "arrived", "presence": "on the ground",
             "date": D(2026, 1, 2), "date_latest": D(2026, 1, 4)}  # fmt: skip
    assert bars(marks(draw(there, as_of=D(2026, 1, 8)))["p"]) == [
        ("10.00%", "20.00%", "asm-tl-range"),
        ("30.00%", "40.00%", "asm-tl-solid"),
    ]


def test_the_as_of_date_is_a_line_and_what_follows_is_shaded():
    root = draw({"record_id": "a", "date": D(2026, 1, 3)}, as_of=D(2026, 1, 8))
    (line,) = [node for node in root.iter("line") if node.get("class") == "asm-tl-asof"]
    assert line.get("x1") == line.get("x2") == "70.00%"
    (future,) = [node for node in root.iter("rect") if node.get("class") == "asm-tl-future"]
    assert (future.get("x"), future.get("width")) == ("70.00%", "30.00%")
    (label,) = [node for node in root.iter("text") if node.get("class") == "asm-tl-asof-label"]
    assert label.text == "as of 8 Jan 2026"


def test_ticks_label_mondays_on_a_month_long_axis():
    root = draw({"record_id": "a", "date": D(2026, 1, 1)}, start=D(2026, 1, 1), end=D(2026, 2, 8), as_of=D(2026, 2, 8))
    labels = [(node.text, node.get("x")) for node in root.iter("text") if node.get("class") == "asm-tl-tick-label"]
    # The Mondays of 1 Jan - 8 Feb 2026: 5, 12, 19, 26 Jan and 2 Feb; 5 Jan is 4/38 = 10.53 %.
    assert [text for text, _ in labels] == ["5 Jan", "12 Jan", "19 Jan", "26 Jan", "2 Feb"]
    assert labels[0][1] == "10.53%"
    ticks = [node for node in root.iter("line") if "asm-tl-tick" in (node.get("class") or "")]
    assert len(ticks) == 39, "one tick a day, 1 Jan to 8 Feb"


def test_ticks_label_every_day_on_a_short_axis():
    root = draw({"record_id": "a", "date": D(2026, 1, 3)})
    labels = [node.text for node in root.iter("text") if node.get("class") == "asm-tl-tick-label"]
    assert labels == [f"{day} Jan" for day in range(1, 12)]


def test_the_axis_widens_to_hold_a_record_before_its_start():
    root = draw({"record_id": "early", "date": D(2025, 12, 30)}, {"record_id": "a", "date": D(2026, 1, 3)})
    assert root.get("data-start") == "2025-12-30" and root.get("data-end") == "2026-01-11"
    # 12 days from 30 Dec to 11 Jan: 3 Jan is 4/12 = 33.33 %
    assert point_x(marks(root)["a"]) == "33.33%"


def test_hollow_for_what_is_not_known_to_have_happened_and_kind_colours():
    root = draw(
        {"record_id": "held", "kind": "statement", "status": "stated"},
        {"record_id": "planned", "kind": "statement", "status": "planned"},
    )
    shapes = {
        key: next(g for g in mark.iter("g") if g.get("class") == "asm-tl-shape") for key, mark in marks(root).items()
    }
    assert (shapes["held"].get("fill"), shapes["held"].get("stroke")) == ("#CC79A7", "#1a1a1a")
    assert (shapes["planned"].get("fill"), shapes["planned"].get("stroke")) == ("#ffffff", "#CC79A7")


def test_each_mark_has_a_title_with_what_and_when():
    root = draw({"record_id": "a", "title": "Talks", "date": D(2026, 1, 3), "date_latest": D(2026, 1, 5)})
    assert marks(root)["a"].find("title").text == "Talks — Meeting, held — 3–5 Jan 2026 (range; day not stated)"


def test_the_selected_record_is_outlined_and_only_it():
    root = draw({"record_id": "a"}, {"record_id": "b"}, selected="b")
    classes = {key: mark.get("class") for key, mark in marks(root).items()}
    assert classes == {"a": "asm-tl-mark", "b": "asm-tl-mark asm-tl-selected"}


@pytest.mark.parametrize(
    ("spans", "lanes"),
    [
        pytest.param([(0.0, 0.0), (0.0, 0.0), (0.0, 0.0)], [0, 1, 2], id="same-day-stacks"),
        pytest.param([(0.0, 0.0), (0.5, 0.5)], [0, 0], id="far-apart-share-a-lane"),
        pytest.param([(0.0, 0.0), (MIN_GAP / 2, MIN_GAP / 2)], [0, 1], id="too-close-to-share"),
        # the bar takes lane 0; 0.2 cannot follow it there (lane 1); 0.6 can (0.6 >= 0.5 + gap); the bar
        # from 0.3 clears neither lane 0 (ends 0.6) but follows 0.2 in lane 1
        pytest.param([(0.0, 0.5), (0.2, 0.2), (0.6, 0.6), (0.3, 0.9)], [0, 1, 0, 1], id="bar-then-points"),
        pytest.param([(0.0, 0.5), (0.1, 0.6), (0.2, 0.7)], [0, 1, 2], id="overlapping-bars"),
    ],
)
def test_assign_lanes(spans, lanes):
    assert assign_lanes(spans) == lanes


def _lanes_of(root: ET.Element) -> dict[float, list[tuple[float, float]]]:
    """Each lane (by its centre y) with the spans (percent) drawn in it."""
    lanes: dict[float, list[tuple[float, float]]] = {}
    for mark in marks(root).values():
        nested = [node for node in mark if node.tag == "svg"]
        if nested:
            x = float(nested[0].get("x").rstrip("%"))
            lanes.setdefault(round(float(nested[0].get("y")), 1), []).append((x, x))
            continue
        rects = [rect for rect in mark.iter("rect")]
        first = float(rects[0].get("x").rstrip("%"))
        last = float(rects[-1].get("x").rstrip("%")) + float(rects[-1].get("width").rstrip("%"))
        centre = round(float(rects[0].get("y")) + float(rects[0].get("height")) / 2, 1)
        lanes.setdefault(centre, []).append((first, last))
    return lanes


def test_marks_in_a_lane_never_overlap_on_the_bundled_data(dataset):
    days = key_dates(dataset)
    for as_of in (days[0], days[len(days) // 2], days[-1]):
        root = parse(timeline_html(as_of_view(dataset, as_of), start=days[0], end=days[-1], as_of=as_of))
        lanes = _lanes_of(root)
        assert len(lanes) > 1
        for centre, spans in lanes.items():
            spans.sort()
            for (_, end), (start, _) in zip(spans, spans[1:]):
                assert start - end >= 100 * MIN_GAP - 0.01, (as_of, centre, spans)


def test_a_crowded_day_is_counted_not_dropped():
    crowd = [{"record_id": f"r{i}", "date": D(2026, 1, 3)} for i in range(MAX_POINT_LANES + 6)]
    markup = timeline_html(frame(*crowd), start=START, end=END, as_of=D(2026, 1, 8))
    root = parse(markup)
    assert len(marks(root)) == MAX_POINT_LANES
    (more,) = [node for node in root.iter("text") if node.get("class") == "asm-tl-more"]
    assert (more.text, more.get("x")) == ("+6", "20.00%")
    listed = [item.get("data-record-id") for item in root.iter("li")]
    assert listed == [f"r{i}" for i in range(MAX_POINT_LANES + 6)], "every record is in the list screen readers read"


def test_an_undated_record_is_listed_and_said_not_drawn():
    root = draw({"record_id": "a"}, {"record_id": "undated", "date": None})
    assert list(marks(root)) == ["a"]
    (axis,) = [node for node in root.iter("svg") if node.get("role") == "img"]
    assert "1 with no date stated are not drawn" in axis.get("aria-label")
    assert [item.get("data-record-id") for item in root.iter("li")] == ["a", "undated"]


def test_text_is_not_stretched():
    root = draw({"record_id": "a", "date": D(2026, 1, 3)})
    (axis,) = [node for node in root.iter("svg") if node.get("role") == "img"]
    assert axis.get("viewBox") is None and axis.get("width") == "100%", "percent positions, no scaling of text"
    assert axis.get("aria-label") == (
        "Timeline of 1 records from 1 Jan 2026 to 11 Jan 2026, as of 8 Jan 2026. "
        "The list that follows names each record and its date."
    )


def test_hostile_text_is_escaped():
    markup = timeline_html(
        frame({"record_id": 'x"><script>alert(1)</script>', "title": HOSTILE}),
        start=START, end=END, as_of=D(2026, 1, 8),
    )  # fmt: skip
    assert "<img" not in markup and "<script" not in markup
    assert not re.search(r"\son\w+\s*=", markup.replace("onerror=alert", "")), "no event attribute"
    root = parse(markup)
    (mark,) = marks(root).values()
    assert mark.get("data-record-id") == 'x"><script>alert(1)</script>'
    assert mark.find("title").text.startswith(HOSTILE)


def test_bars_sit_in_a_thin_lane_above_the_points():
    # One bar lane 6 px high under the 16 px top: centre 16 + 3 = 19. The point lane shares the rest of
    # the 88 px (82 px) but is at most 12 px high: centre 16 + 6 + 6 = 28.
    there = {"record_id": "bar", "kind": "deployment", "status": "arrived", "presence": "on the ground",
             "date": D(2026, 1, 3)}  # fmt: skip
    found = marks(draw(there, {"record_id": "point", "date": D(2026, 1, 3)}))
    (bar,) = [rect for rect in found["bar"].iter("rect") if "asm-tl-bar" in rect.get("class")]
    assert float(bar.get("y")) + float(bar.get("height")) / 2 == 19.0
    (nested,) = [node for node in found["point"] if node.tag == "svg"]
    assert nested.get("y") == "28.0"
