"""Presenter controls and the Arctic view, run headless with AppTest: stepping, play, stops, deep links.

The app runs on the fixed picture of tests/support/situation.py (ASM_DATA_DIR), whose key dates,
stops and changes are known; the bundled data grows and is tested through `geo` in test_app.py.
"""

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from geo.asof import key_dates
from geo.paths import REPO_ROOT
from geo.records import load_dataset
from tests.support import situation as fixed
from tests.support.situation import make_situation_data

APP = str(REPO_ROOT / "dashboard" / "app.py")
DAYS = fixed.KEY_DATES


@pytest.fixture(scope="module")
def fixed_data_dir(tmp_path_factory):
    made = make_situation_data(tmp_path_factory.mktemp("situation"))
    assert key_dates(load_dataset(made.data_dir)) == DAYS
    return made.data_dir


@pytest.fixture(autouse=True)
def on_fixed_data(monkeypatch, fixed_data_dir):
    monkeypatch.setenv("ASM_DATA_DIR", str(fixed_data_dir))


def run_app(**query) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=90)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def test_next_and_previous_walk_every_key_date_and_stop_at_the_ends():
    app = run_app(date=DAYS[0].isoformat())
    assert button(app, "◀ Previous").disabled
    seen = [app.select_slider(key="as_of").value]
    while not button(app, "Next ▶").disabled:
        button(app, "Next ▶").click().run()
        seen.append(app.select_slider(key="as_of").value)
    assert seen == DAYS
    button(app, "◀ Previous").click().run()
    assert app.select_slider(key="as_of").value == DAYS[-2]


def test_stepping_updates_the_url():
    app = run_app(date=DAYS[0].isoformat())
    button(app, "Next ▶").click().run()
    assert app.query_params["date"] == DAYS[1].isoformat()


def test_back_and_forward_restore_the_view_the_address_names():
    """The browser's Back reruns the page with the earlier address and no control changed: the app
    follows the address."""
    app = run_app(date=DAYS[0].isoformat())
    button(app, "Next ▶").click().run()
    button(app, "Next ▶").click().run()
    assert app.query_params["date"] == DAYS[2].isoformat()
    app.query_params["date"] = DAYS[1].isoformat()  # Back
    app.run()
    assert app.select_slider(key="as_of").value == DAYS[1]
    app.query_params["date"] = DAYS[2].isoformat()  # Forward
    app.run()
    assert app.select_slider(key="as_of").value == DAYS[2]


def test_a_fast_step_wins_over_an_address_the_browser_has_not_updated_yet():
    """A presenter's click can reach the server before the browser shows the address the last run
    wrote: the click's rerun then carries the older address. The step must not bounce back to it."""
    app = run_app(date=DAYS[0].isoformat())
    button(app, "Next ▶").click().run()
    app.query_params["date"] = DAYS[0].isoformat()  # the address as the browser still shows it
    button(app, "Next ▶").click().run()
    assert app.select_slider(key="as_of").value == DAYS[2]
    assert app.query_params["date"] == DAYS[2].isoformat()


def event_boxes(app: AppTest) -> list[str]:
    """The event tables on the page: the markup each block's script puts in its box."""
    found = []
    for block in app.get("html"):
        if block.proto.body.startswith('<div class="asm-events-box"></div><script>'):
            (literal,) = re.findall(r"innerHTML = (.*);</script>$", block.proto.body, flags=re.S)
            found.append(json.loads(literal))
    return found


def event_table_ids(app: AppTest) -> list[str]:
    (box,) = event_boxes(app)
    return re.findall(r'<tr[^>]*data-record-id="([^"]+)"', box)


def open_events(app: AppTest) -> AppTest:
    """The Events tab and its filter popover open (each made only while open)."""
    app.session_state["panel_tab"] = "Events"
    app.session_state["filters_open"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_only_the_open_tab_and_the_open_sections_are_made():
    """A step builds what is on the screen: the tab shown beside the map, and below it only the
    sections the reader has opened (each made again, at the new date, while it stays open)."""
    app = run_app(date=DAYS[1].isoformat())
    assert [tab.label for tab in app.tabs] == ["Contributions by country", "Events"]
    assert app.table, "the contributions table, in the tab open by default"
    assert not event_boxes(app), "the event list is not made while its tab is closed"
    sections = {e.label: e for e in app.expander}
    for label in ("Sources behind this view", "The records in full: quotes, sources and curation notes"):
        assert label in sections and not sections[label].children, f"{label}: made while closed"
    assert not [h for h in app.get("html") if 'class="asm-card"' in h.proto.body]

    open_events(app)
    assert event_table_ids(app) and not app.table, "the Events tab made; the contributions not"
    app.session_state["cards_open"] = True
    button(app, "Next ▶").click().run()
    assert app.session_state["panel_tab"] == "Events", "the open tab stays open through a step"
    cards = " ".join(h.proto.body for h in app.get("html") if "asm-card" in h.proto.body)
    assert cards.count('class="asm-card"') == len(event_table_ids(app)), "the cards of the new date"


def test_the_event_table_filters_by_kind_and_the_choice_survives_a_step(fixed_data_dir):
    app = open_events(run_app(date=DAYS[-1].isoformat()))
    everything = event_table_ids(app)
    kinds = app.multiselect(key="filter_kinds")
    assert "Deployment" in kinds.options, "the filter names kinds by their labels"
    kinds.select("deployment").run()
    deployments = event_table_ids(app)
    records = load_dataset(fixed_data_dir).records.set_index("record_id")
    assert deployments and set(deployments) < set(everything)
    assert set(records.loc[deployments, "kind"]) == {"deployment"}
    assert any(c.value.startswith(f"{len(deployments)} of {len(everything)} events") for c in app.caption)
    button(app, "◀ Previous").click().run()
    assert app.multiselect(key="filter_kinds").value == ["deployment"], "the filter survives a step"
    assert set(records.loc[event_table_ids(app), "kind"]) <= {"deployment"}
    app.session_state["panel_tab"] = "Contributions by country"
    button(app, "Next ▶").click().run()
    assert not event_boxes(app)
    open_events(app)
    assert app.multiselect(key="filter_kinds").value == ["deployment"], "and closing the tab"
    assert set(records.loc[event_table_ids(app), "kind"]) <= {"deployment"}


def record_pauses(monkeypatch) -> list[float]:
    """The app's play pauses, recorded instead of slept, so the test takes no real time. Only the
    app script's own sleeps are recorded: AppTest's millisecond polling still sleeps for real."""
    import sys
    import time

    real_sleep, pauses = time.sleep, []

    def sleep(seconds):
        if sys._getframe(1).f_code.co_filename.endswith("dashboard/app.py"):
            pauses.append(seconds)
        else:
            real_sleep(seconds)

    monkeypatch.setattr("time.sleep", sleep)
    return pauses


@pytest.mark.parametrize(
    ("pace", "run", "pause"),
    [(2.0, 0.0, 2.0), (2.0, 0.25, 1.75), (1.0, 0.75, 0.25), (1.0, 1.5, 0.0)],
)
def test_play_waits_what_is_left_of_the_pace_after_the_run(pace, run, pause):
    from dashboard.app import play_pause

    assert play_pause(pace, run) == pause


def test_play_steps_to_the_end_and_stops(monkeypatch):
    waits = record_pauses(monkeypatch)
    app = run_app(date=DAYS[-2].isoformat())
    app.selectbox(key="pace").set_value("1 s")
    app.toggle(key="playing").set_value(True).run()
    assert not app.exception
    assert app.select_slider(key="as_of").value == DAYS[-1]
    assert button(app, "Next ▶").disabled
    assert len(waits) == 1 and 0 < waits[0] <= 1.0, "one pause within the chosen pace, then play stops at the end"


def test_play_pace_is_the_one_chosen(monkeypatch):
    waits = record_pauses(monkeypatch)
    app = run_app(date=DAYS[0].isoformat())
    app.selectbox(key="pace").set_value("4 s")
    app.toggle(key="playing").set_value(True).run()
    assert len(waits) == len(DAYS) - 1 and all(0 < wait <= 4.0 for wait in waits), waits
    assert app.select_slider(key="as_of").value == DAYS[-1]  # it played through every date


def test_play_from_the_last_date_starts_again_from_the_first(monkeypatch):
    waits = record_pauses(monkeypatch)
    app = run_app(date=DAYS[-1].isoformat())
    app.toggle(key="playing").set_value(True).run()
    assert not app.exception
    assert app.select_slider(key="as_of").value == DAYS[-1]  # played through again
    assert len(waits) == len(DAYS) - 1


@pytest.mark.parametrize(
    ("raw", "notice"),
    [
        pytest.param("2026-13-45", "is not a date", id="malformed"),
        pytest.param("2025-06-01", "outside the records", id="out-of-range"),
        pytest.param("yesterday", "is not a date", id="words"),
    ],
)
def test_bad_deep_link_date_warns_and_falls_back_to_default(raw, notice):
    app = run_app(date=raw)
    assert any(notice in warning.value for warning in app.warning)
    assert app.select_slider(key="as_of").value == fixed.DEFAULT_DATE


def test_deep_link_between_changes_snaps_back_with_a_notice():
    app = run_app(date="2026-01-18")
    assert app.select_slider(key="as_of").value == fixed.ARRIVALS
    assert any("Nothing changed on 2026-01-18" in warning.value for warning in app.warning)


def test_deep_link_reproduces_view_and_date():
    app = run_app(date="2026-01-19", view="polar")
    assert app.select_slider(key="as_of").value == fixed.NATO
    assert app.radio(key="view").value == "polar"


def test_unknown_view_in_link_falls_back_with_notice():
    app = run_app(view="globe")
    assert app.radio(key="view").value == "mercator"
    assert any("`?view=` value `globe` is unknown" in warning.value for warning in app.warning)


def test_briefing_stop_sets_date_view_and_caption():
    app = run_app()
    app.button(key="stop-2").click().run()  # the fixture's third stop: 2026-01-17 in the polar view
    assert app.select_slider(key="as_of").value == fixed.ARRIVALS
    assert app.radio(key="view").value == "polar"
    assert any("Arctic view" in caption.value for caption in app.caption)
    assert "Arctic view" in app.button(key="stop-2").label, "a stop's button is labelled by its caption"
    (signal,) = [h.proto.body for h in app.get("html") if 'class="asm-signal"' in h.proto.body]
    assert 'data-frame="release"' in signal, "a stop with no centre releases the map to the whole situation"
    app.button(key="stop-3").click().run()
    assert app.select_slider(key="as_of").value == fixed.NATO
    assert any("NATO" in caption.value for caption in app.caption)


def test_changes_since_marks_new_and_changed_records():
    app = run_app(date=fixed.NATO_AFTER.isoformat())
    app.session_state["cards_open"] = True
    app.selectbox(key="since").set_value(fixed.FIRST).run()
    text = " ".join(m.value for m in app.markdown)
    cards = " ".join(h.proto.body for h in app.get("html") if "asm-card" in h.proto.body)
    # Since the 15th: Germany and France arrived, the NATO meeting (planned) went unconfirmed, and the
    # Danish remark of the 17th is new.
    assert "**4 change(s) since 2026-01-15**" in text
    assert cards.count('<strong class="asm-change">STATUS CHANGED</strong>') == 3
    assert cards.count('<strong class="asm-change">NEW</strong>') == 1
    app.selectbox(key="since").set_value(fixed.ARRIVALS).run()
    text = " ".join(m.value for m in app.markdown)
    assert "**1 change(s) since 2026-01-17**" in text  # only the NATO meeting: pending, then unconfirmed


def type_size(app: AppTest) -> str | None:
    """The root font size the page's style sets, if any (the presentation layout's larger type)."""
    import re

    for element in app.get("html"):
        found = re.search(r"html, body[^{]*\{\s*font-size:\s*([0-9.]+px)", element.proto.body)
        if found:
            return found.group(1)
    return None


def test_presentation_layout_from_link():
    assert type_size(run_app()) is None  # the normal layout keeps Streamlit's type
    app = run_app(present="1")
    assert type_size(app) == "19px"
    assert app.toggle(key="present").value is True
