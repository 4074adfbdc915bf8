"""One record, one rendering: geo.display.record_text on hand-made rows, with the exact words expected.

Every expected string here is written out by hand from the rule it checks (a day, a range, a
presence window; a place, a territory, none; numbers stated or not), never computed by a second
implementation. The last tests check that the popup properties and the card say the same words.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from geo.display import display_properties, number_text, record_card_html, record_text
from tests.support.records import row

D = dt.date
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    ("changes", "when", "when_short"),
    [
        pytest.param({}, "14 Jan 2026", "14 Jan", id="exact-day"),
        pytest.param(
            {"date": D(2026, 1, 15), "date_latest": D(2026, 1, 17)},
            "15–17 Jan 2026 (range; day not stated)",
            "15–17 Jan (range)",
            id="range-in-one-month",
        ),
        pytest.param(
            {"date": D(2026, 1, 30), "date_latest": D(2026, 2, 2)},
            "30 Jan – 2 Feb 2026 (range; day not stated)",
            "30 Jan – 2 Feb (range)",
            id="range-across-months",
        ),
        pytest.param(
            {"date": D(2025, 12, 30), "date_latest": D(2026, 1, 2)},
            "30 Dec 2025 – 2 Jan 2026 (range; day not stated)",
            "30 Dec 2025 – 2 Jan 2026 (range)",  # a span across years always names them
            id="range-across-years",
        ),
        pytest.param(
            {"kind": "deployment", "status": "arrived", "presence": "on the ground", "date": D(2026, 1, 16)},
            "arrived 16 Jan 2026, no departure reported",
            "from 16 Jan",
            id="on-the-ground",
        ),
        pytest.param(
            {
                "kind": "deployment",
                "status": "arrived",
                "presence": "on the ground",
                "date": D(2026, 1, 12),
                "date_latest": D(2026, 1, 18),
            },  # fmt: skip
            "arrived 12–18 Jan 2026 (range; day not stated), no departure reported",
            "from 12–18 Jan (range)",
            id="on-the-ground-arrival-day-a-range",
        ),
        pytest.param(
            {
                "kind": "deployment",
                "status": "left",
                "presence": "left",
                "date": D(2026, 1, 16),
                "date_end": D(2026, 1, 18),
            },  # fmt: skip
            "from 16 Jan 2026 until 18 Jan 2026 (left)",
            "16–18 Jan",
            id="left-arrival-not-known-to-be-the-date",
        ),
        pytest.param(
            {
                "kind": "deployment",
                "status": "left",
                "presence": "left",
                "date": D(2026, 1, 16),
                "date_end": D(2026, 1, 18),
                "date_status": "arrived",
            },  # fmt: skip
            "arrived 16 Jan 2026 until 18 Jan 2026 (left)",
            "16–18 Jan",
            id="left-dated-by-its-arrival",
        ),
        pytest.param(
            {"kind": "deployment", "status": "dispatched", "presence": "under way", "date": D(2026, 1, 15)},
            "dispatched 15 Jan 2026",
            "15 Jan",
            id="under-way",
        ),
        pytest.param(
            {"kind": "mission", "status": "held", "date": D(2026, 1, 21), "date_end": D(2026, 2, 3)},
            "21 Jan 2026 until 3 Feb 2026",
            "21 Jan – 3 Feb",
            id="an-event-that-lasted",
        ),
        pytest.param({"date": None}, "not stated", "not stated", id="no-date"),
    ],
)
def test_when(changes, when, when_short):
    shown = record_text(row(**changes))
    assert (shown.when, shown.when_short) == (when, when_short)


def test_the_timeline_days_of_a_range_and_of_a_presence():
    ranged = record_text(row(date=D(2026, 1, 15), date_latest=D(2026, 1, 17)))
    assert (ranged.first_day, ranged.last_day, ranged.end_day, ranged.is_present) == (
        D(2026, 1, 15), D(2026, 1, 17), None, False,
    )  # fmt: skip
    there = record_text(row(kind="deployment", presence="on the ground", status="arrived"))
    assert (there.first_day, there.last_day, there.end_day, there.is_present) == (
        D(2026, 1, 14), D(2026, 1, 14), None, True,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        pytest.param({}, "Nuuk", id="city"),
        pytest.param({"place": None, "geo_precision": None}, "not stated", id="no-place"),
        pytest.param({"place": float("nan"), "geo_precision": float("nan")}, "not stated", id="no-place-nan"),
        pytest.param(
            {"place": "Greenland", "geo_precision": "territory"},
            "Greenland (territory level: the area, not a site)",
            id="territory",
        ),
        pytest.param(
            {"kind": "deployment", "presence": "announced", "status": "announced", "place": "Nuuk"},
            "bound for Nuuk",
            id="deployment-not-there-yet",
        ),
        pytest.param(
            {"kind": "deployment", "presence": "on the ground", "status": "arrived", "place": "Nuuk"},
            "Nuuk",
            id="deployment-there",
        ),
    ],
)
def test_where(changes, where):
    assert record_text(row(**changes)).where == where


@pytest.mark.parametrize(
    ("actors", "who", "who_short"),
    [
        pytest.param("DNK", "Denmark", "Denmark", id="one"),
        pytest.param(
            "DNK;GRL;USA", "Denmark, Greenland, United States", "Denmark, Greenland, United States", id="three"
        ),  # fmt: skip
        pytest.param("DNK;GRL;USA;FRA", "Denmark, Greenland, United States, France", "4 countries", id="four"),
        pytest.param("", "", "", id="none"),
    ],
)
def test_who(actors, who, who_short):
    shown = record_text(row(actor_iso3=actors))
    assert (shown.who, shown.who_short) == (who, who_short)


@pytest.mark.parametrize(
    ("changes", "announced", "deployed", "number"),
    [
        pytest.param({"kind": "deployment"}, "not stated", "not stated", "not stated", id="deployment-no-number"),
        pytest.param(
            {"kind": "deployment", "personnel_announced": 13, "personnel_deployed": 15},
            "13",
            "15",
            "15 deployed; 13 announced",
            id="deployment-both",
        ),  # fmt: skip
        pytest.param(
            {"kind": "deployment", "personnel_announced": 2},
            "2",
            "not stated",
            "2 announced; deployed not stated",
            id="deployment-announced-only",
        ),  # fmt: skip
        pytest.param(
            {"kind": "deployment", "personnel_deployed": 0},
            "not stated",
            "0",
            "0 deployed; announced not stated",
            id="a-stated-zero-stays-zero",
        ),  # fmt: skip
        pytest.param({"kind": "visit", "personnel_deployed": 11}, "not stated", "11", "11 deployed", id="visit"),
        pytest.param({"kind": "visit"}, "not stated", "not stated", "", id="visit-no-number"),
        pytest.param({}, "not stated", "not stated", "", id="meeting"),
    ],
)
def test_numbers_are_digits_or_not_stated_never_zero(changes, announced, deployed, number):
    shown = record_text(row(**changes))
    assert (shown.announced, shown.deployed, shown.number) == (announced, deployed, number)


def test_number_text():
    assert [number_text(value) for value in (pd.NA, None, 0, 15)] == ["not stated", "not stated", "0", "15"]


@pytest.mark.parametrize(
    ("status", "label", "hollow"),
    [
        pytest.param("held", "held", False, id="held"),
        pytest.param("planned", "planned", True, id="planned"),
        pytest.param("pending", "pending (inside its date range)", True, id="pending"),
        pytest.param("unconfirmed", "date passed, not confirmed by the sources", True, id="unconfirmed"),
    ],
)
def test_status(status, label, hollow):
    shown = record_text(row(status=status))
    assert (shown.status, shown.status_label, shown.is_hollow) == (status, label, hollow)


def test_kind_grade_sources_and_conflict():
    shown = record_text(
        row(
            kind="statement", reliability="C1", sources="a;b;c", source_count=2, conflict="date (stated): x [a] / y [b]"
        )
    )
    assert (shown.kind_label, shown.colour, shown.symbol) == ("Statement", "#CC79A7", "triangle")
    assert (shown.grade, shown.grade_text) == ("C1", "C1 (Admiralty: source C, information 1)")
    assert shown.sources == "a; b; c (2 independent origins)"
    assert shown.source_count == 2
    assert shown.conflict == "date (stated): x [a] / y [b]"
    assert record_text(row()).sources == "src-a (1 independent origin)"


def test_popup_and_card_say_what_record_text_says():
    ranged = row(date=D(2026, 1, 15), date_latest=D(2026, 1, 17), place="Greenland", geo_precision="territory")
    shown = display_properties(ranged)
    assert shown["when"] == "15–17 Jan 2026 (range; day not stated)"
    assert shown["where"] == "Greenland (territory level: the area, not a site)"
    assert shown["grade"] == "B2 (Admiralty: source B, information 2)"
    card = record_card_html(ranged)
    assert "<strong>15–17 Jan 2026 (range; day not stated)</strong>" in card
    assert "Where: Greenland (territory level: the area, not a site)" in card


def test_popup_numbers_of_a_deployment():
    shown = display_properties(row(kind="deployment", presence="announced", status="announced", personnel_announced=2))
    assert (shown["personnel_announced"], shown["personnel_deployed"]) == ("2", "not stated")
    card = record_card_html(row(kind="deployment", presence="announced", status="announced", personnel_announced=2))
    assert "Announced: <strong>2</strong> · deployed: <strong>not stated</strong>" in card


def test_card_escapes_what_a_curator_typed():
    card = record_card_html(row(title=HOSTILE, source_quote=HOSTILE, record_id='x" onclick="alert(1)'))
    assert "<img" not in card and "&lt;img src=x onerror=alert(1)&gt;" in card
    assert 'data-record-id="x&quot; onclick=&quot;alert(1)"' in card
