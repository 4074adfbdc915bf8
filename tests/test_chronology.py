"""The event table: its filter options, filters, sorts (unknowns last, ties stable), and the table's
cells, with "not stated" never 0, an empty state, and every text escaped."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest

from geo.chronology import EMPTY_TEXT, EVENTS_CSS, event_table_html, filter_view, sort_view, table_options
from geo.display import KINDS
from tests.support.records import frame

D = dt.date
HOSTILE = "<img src=x onerror=alert(1)>"


class _Table(HTMLParser):
    """The header labels and each body row's attributes and cell texts of an event table."""

    def __init__(self):
        super().__init__()
        self.header: list[str] = []
        self.rows: list[tuple[dict, list[str]]] = []
        self._cell: list[str] | None = None
        self._section = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "tr" and self._section == "tbody":
            self.rows.append((dict(attrs), []))
        elif tag in ("th", "td"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" / ")

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell).strip()
            (self.header if self._section == "thead" else self.rows[-1][1]).append(text)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table(markup: str) -> _Table:
    parsed = _Table()
    parsed.feed(markup)
    return parsed


VIEW = frame(
    {"record_id": "talks", "kind": "meeting", "title": "Talks", "status": "held", "actor_iso3": "DNK;GRL;USA",
     "date": D(2026, 1, 14)},
    {"record_id": "dk-troops", "kind": "deployment", "title": "Denmark sends troops", "status": "arrived",
     "presence": "on the ground", "actor_iso3": "DNK", "date": D(2026, 1, 14), "conflict": "date (arrived): a / b"},
    {"record_id": "no-troops", "kind": "deployment", "title": "Norway sends troops", "status": "announced",
     "presence": "announced", "actor_iso3": "NOR", "date": D(2026, 1, 15), "personnel_announced": 2},
    {"record_id": "eu", "kind": "statement", "title": "an EU statement", "status": "stated", "actor_iso3": "",
     "date": D(2026, 1, 15), "date_latest": D(2026, 1, 17)},
    {"record_id": "plan", "kind": "meeting", "title": "Berlin meeting", "status": "planned", "actor_iso3": "DEU;DNK",
     "date": D(2026, 1, 27)},
)  # fmt: skip


def ids(view) -> list[str]:
    return list(view["record_id"])


def test_table_options_name_what_the_view_holds():
    options = table_options(VIEW)
    assert options["countries"] == {"DNK": "Denmark", "DEU": "Germany", "GRL": "Greenland", "NOR": "Norway",
                                    "USA": "United States"}  # fmt: skip
    assert list(options["countries"]) == ["DNK", "DEU", "GRL", "NOR", "USA"], "by name"
    assert options["kinds"] == {"meeting": "Meeting", "statement": "Statement", "deployment": "Deployment"}
    # as a record moves (planned, then announced/stated, then arrived/held), same step by name
    assert list(options["statuses"]) == ["planned", "announced", "stated", "arrived", "held"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param({}, ["talks", "dk-troops", "no-troops", "eu", "plan"], id="empty-keeps-all"),
        pytest.param({"countries": ["GRL"]}, ["talks"], id="a-country-among-several"),
        pytest.param({"countries": ["DNK"]}, ["talks", "dk-troops", "plan"], id="every-record-naming-it"),
        pytest.param({"countries": ["NOR", "DEU"]}, ["no-troops", "plan"], id="either-country"),
        pytest.param({"kinds": ["deployment"]}, ["dk-troops", "no-troops"], id="kind"),
        pytest.param({"statuses": ["planned", "stated"]}, ["eu", "plan"], id="statuses"),
        pytest.param({"countries": ["DNK"], "kinds": ["meeting"], "statuses": ["held"]}, ["talks"], id="all-three"),
        pytest.param({"countries": ["FRA"]}, [], id="nothing-matches"),
    ],
)
def test_filter_view(filters, expected):
    assert ids(filter_view(VIEW, **filters)) == expected


UNSORTED = frame(
    {"record_id": "b1", "title": "bravo", "date": D(2026, 1, 20), "actor_iso3": "NOR", "status": "held"},
    {"record_id": "undated", "title": "Alpha", "date": None, "actor_iso3": "", "status": "planned"},
    {"record_id": "a1", "title": "charlie", "date": D(2026, 1, 14), "actor_iso3": "DNK", "status": "held"},
    {"record_id": "b2", "title": "Bravo", "date": D(2026, 1, 20), "actor_iso3": "DNK", "status": "announced"},
    {"record_id": "c1", "title": "delta", "date": D(2026, 2, 1), "actor_iso3": "DEU;FRA", "status": "planned"},
)


@pytest.mark.parametrize(
    ("by", "descending", "expected"),
    [
        pytest.param("date", False, ["a1", "b1", "b2", "c1", "undated"], id="date-unknown-last-ties-stable"),
        pytest.param("date", True, ["c1", "b1", "b2", "a1", "undated"], id="date-descending-unknown-still-last"),
        # by the first country named: Denmark (a1, b2), Germany (c1), Norway (b1); no country last
        pytest.param("country", False, ["a1", "b2", "c1", "b1", "undated"], id="country"),
        pytest.param("country", True, ["b1", "c1", "a1", "b2", "undated"], id="country-descending"),
        # planned (undated, c1) before announced (b2) before held (b1, a1 in the view's order)
        pytest.param("status", False, ["undated", "c1", "b2", "b1", "a1"], id="status-as-a-record-moves"),
        pytest.param("title", False, ["undated", "b1", "b2", "a1", "c1"], id="title-ignores-case-ties-stable"),
        pytest.param("kind", False, ["b1", "undated", "a1", "b2", "c1"], id="kind-all-tied-keeps-order"),
    ],
)
def test_sort_view(by, descending, expected):
    assert ids(sort_view(UNSORTED, by, descending)) == expected


def test_sort_view_refuses_an_unknown_key():
    with pytest.raises(ValueError, match="unknown sort 'place'"):
        sort_view(UNSORTED, "place")


def test_event_table_cells():
    parsed = table(event_table_html(VIEW))
    assert parsed.header == ["Date (2026)", "Country", "Kind · event", "Status", "Number", "Grade", "⚠ sources differ"]
    assert [attrs["data-record-id"] for attrs, _ in parsed.rows] == ids(VIEW)
    assert all(attrs["tabindex"] == "0" for attrs, _ in parsed.rows)
    cells = {attrs["data-record-id"]: cells for attrs, cells in parsed.rows}
    assert cells["talks"] == ["14 Jan", "Denmark / Greenland / United States", "MeetingTalks", "held", "", "B2", ""]
    assert cells["dk-troops"] == [
        "from 14 Jan", "Denmark", "DeploymentDenmark sends troops", "arrived", "not stated", "B2",
        "⚠ sources differ",
    ]  # fmt: skip
    assert cells["no-troops"][4] == "2 announced / deployed not stated"
    assert cells["eu"][:2] == ["15–17 Jan (range)", "—"]
    assert cells["plan"][3] == "planned"


def test_not_stated_is_never_zero():
    deployments = frame(
        {"record_id": "none", "kind": "deployment", "presence": "announced", "status": "announced"},
        {"record_id": "zero", "kind": "deployment", "presence": "left", "status": "left", "personnel_deployed": 0,
         "date_end": D(2026, 1, 20)},
    )  # fmt: skip
    cells = {attrs["data-record-id"]: cells for attrs, cells in table(event_table_html(deployments)).rows}
    assert cells["none"][4] == "not stated"
    assert cells["zero"][4] == "announced not stated / 0 deployed", "a stated 0 stays 0; an unstated number never is"


def test_the_selected_row_is_marked():
    rows = table(event_table_html(VIEW, selected="eu")).rows
    marked = [attrs["data-record-id"] for attrs, _ in rows if attrs.get("class") == "asm-selected"]
    assert marked == ["eu"]
    assert dict(rows[3][0])["aria-current"] == "true"


def test_an_empty_view_says_so():
    parsed = table(event_table_html(filter_view(VIEW, countries=["FRA"])))
    assert parsed.header[0] == "Date"
    assert parsed.rows == [({}, [EMPTY_TEXT])]


def test_dates_name_the_year_when_records_span_years():
    parsed = table(event_table_html(frame({"record_id": "a", "date": D(2025, 12, 30)}, {"record_id": "b"})))
    assert parsed.header[0] == "Date"
    assert [cells[0] for _, cells in parsed.rows] == ["30 Dec 2025", "14 Jan 2026"]


def test_hostile_text_is_escaped():
    markup = event_table_html(
        frame({"record_id": 'x" onfocus="alert(1)', "title": HOSTILE, "conflict": HOSTILE, "actor_iso3": "DNK"})
    )
    assert "<img" not in markup
    assert 'data-record-id="x&quot; onfocus=&quot;alert(1)"' in markup
    (row,) = table(markup).rows
    assert row[1][2] == "Meeting" + HOSTILE


def test_a_change_since_a_date_is_named_in_the_row():
    view = frame({"record_id": "new", "change": "new"}, {"record_id": "same", "change": "unchanged"})
    cells = {attrs["data-record-id"]: cells for attrs, cells in table(event_table_html(view)).rows}
    assert cells["new"][2] == "Meeting newA meeting"
    assert cells["same"][2] == "MeetingA meeting"


def test_every_kind_has_its_swatch_in_the_css():
    for kind, (_, colour, shape) in KINDS.items():
        assert f".asm-sw-kind-{kind} {{ --asm-sw-colour: {colour}; }}" in EVENTS_CSS
        assert f".asm-sw-{shape} {{ clip-path: " in EVENTS_CSS
    # the triangle's points 11,2 20.5,19.5 1.5,19.5 of 22 are 50% 9%, 93% 89%, 7% 89%
    assert ".asm-sw-triangle { clip-path: polygon(50% 9%, 93% 89%, 7% 89%); }" in EVENTS_CSS
    markup = event_table_html(VIEW)
    assert '<span class="asm-sw asm-sw-circle asm-sw-kind-meeting asm-sw-hollow" aria-hidden="true"></span>' in markup
    assert "<svg" not in markup, "st.html keeps HTML only"
