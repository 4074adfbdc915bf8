"""Degrade, don't die: without a usable basemap the dashboard still draws every record, on a plain
background, with a notice saying why; a restored basemap is picked up without a restart.

Each test runs the app on a copy of data/ (ASM_DATA_DIR), whose basemap/ folder is the one the
dashboard reads (geo.paths.basemap_path_for).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

from geo.asof import as_of_view
from geo.features import drawn_record_ids
from geo.paths import BASEMAP_PATH, DATA_DIR, REPO_ROOT
from geo.records import load_dataset
from geo.snapshot import render_briefing
from tests.test_app import metric_count

APP = str(REPO_ROOT / "dashboard" / "app.py")
TIMEOUT = 60
NOTICE = "The map has no country outlines, so the records are drawn on a plain background"


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def break_missing(path):
    path.unlink()


def break_truncated(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def break_not_countries(path):
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None, "properties": {}}]})
    )


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def notices(at: AppTest) -> list[str]:
    return [unescape(w.value) for w in at.warning if NOTICE in unescape(w.value)]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        pytest.param(break_missing, ".geojson is missing; restore it", id="missing"),
        pytest.param(break_truncated, "is not valid GeoJSON (truncated or damaged", id="truncated"),
        pytest.param(
            break_not_countries, "is not a FeatureCollection of countries with iso3 and name", id="not-countries"
        ),
    ],
)
def test_a_broken_basemap_leaves_the_records_on_a_plain_background_with_a_notice(data_copy, damage, reason):
    damage(data_copy / "basemap" / BASEMAP_PATH.name)
    at = run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    (notice,) = notices(at)
    assert reason in notice, notice
    assert "python -m geo.basemap" in notice, "the notice should say how to restore it"
    assert not [e.value for e in at.error if "could not draw this view" in e.value], "the page must not fail"

    dataset = load_dataset(data_copy)
    as_of = at.select_slider(key="as_of").value
    view = as_of_view(dataset, as_of)
    territory = int((view["geo_precision"] == "territory").sum())
    assert f"{territory} record(s) placed only at territory level" in notice
    args = map_args(at)
    assert "Natural Earth" not in args["script"], "no land layer without a basemap"
    points = drawn_record_ids(view[view["geo_precision"] != "territory"])
    assert points and all(f'"{record_id}"' in args["feature_group"] for record_id in points)
    assert metric_count(at) == len(view)


def test_a_restored_basemap_is_picked_up_without_a_restart(data_copy):
    path = data_copy / "basemap" / BASEMAP_PATH.name
    break_truncated(path)
    at = run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    assert notices(at), "the truncated basemap should give the notice"
    assert "Natural Earth" not in map_args(at)["script"]

    shutil.copyfile(BASEMAP_PATH, path)
    run(at)
    assert notices(at) == []
    assert "Natural Earth" in map_args(at)["script"], "the outlines are back"


def test_a_good_basemap_gives_no_notice(data_copy):
    at = run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    assert notices(at) == []
    assert "Natural Earth" in map_args(at)["script"]


@pytest.mark.parametrize("view", ["mercator", "polar"])
def test_the_briefing_download_builds_without_a_basemap(view):
    dataset = load_dataset(DATA_DIR)
    no_outlines = gpd.GeoDataFrame({"iso3": [], "name": []}, geometry=[], crs=4326)
    page = render_briefing(dataset, no_outlines, dt.date(2026, 1, 15), view)
    assert "washington-meeting" in page and '"attribution": "Outlines: Natural Earth' not in page
