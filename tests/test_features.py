"""The records as map features (geo/features.py) and the frame that holds them (geo/projection.py).

What a reader sees without hovering starts here: each point knows its place and its group at that
place, each route its label and whether its number is stated, routes that share a start are bowed
apart, a date that is only a range is flagged, and both views frame all of Greenland.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, box

from geo.asof import as_of_view, key_dates, placed_frame
from geo.features import (
    ROUTE_CLEARANCE,
    record_features,
    route_label,
    separate_routes,
    short_place_name,
)
from geo.leaflet import CANVAS_POINTS_ABOVE, RecordGeoJson, count_points, point_renderer
from geo.projection import framed_parts, project, to_web_mercator

D0118, D0226 = dt.date(2026, 1, 18), dt.date(2026, 2, 26)
VIEWS = ("mercator", "polar")


def features_of(dataset, outlines, day, view):
    return record_features(as_of_view(dataset, day), outlines, view)["features"]


def by_kind(features):
    points = [f for f in features if f["geometry"] and f["geometry"]["type"] == "Point"]
    routes = [f for f in features if "label" in f["properties"]]
    areas = [f for f in features if f["properties"]["kind"] == "territory"]
    return points, routes, areas


def planar(coords, view) -> np.ndarray:
    """Coordinates in the plane the map is drawn in (Web Mercator metres, or the polar view's units)."""
    coords = np.asarray(coords, dtype=float)
    return to_web_mercator(coords[:, 0], coords[:, 1]) if view == "mercator" else coords


# ---------------------------------------------------------------- framing


@pytest.mark.parametrize("view", VIEWS)
def test_the_frame_holds_all_of_greenland_and_every_place(dataset, outlines, view):
    from geo.projection import frame_bounds

    placed = placed_frame(dataset)
    (south, west), (north, east) = frame_bounds(placed, view, outlines)
    frame = box(west, south, east, north)
    greenland = project(_frame_of([outlines["GRL"]]), view).geometry.iloc[0]
    assert frame.contains(greenland), f"{view}: the frame cuts Greenland: {frame.bounds} vs {greenland.bounds}"
    points = project(
        _frame_of(shapely.points(np.column_stack([placed["lon"], placed["lat"]])[placed["lat"].notna()])), view
    )
    assert all(frame.contains(point) for point in points.geometry), f"{view}: a place lies outside the frame"


def test_the_mercator_frame_ends_where_the_data_end(dataset, outlines):
    """No empty Caribbean or Sahara: the frame's south edge is just below Washington (38.9°N), its
    east edge just past Moscow (37.6°E), its north edge just past Greenland's tip (83.6°N)."""
    from geo.projection import frame_bounds

    (south, west), (north, east) = frame_bounds(placed_frame(dataset), "mercator", outlines)
    assert 33.0 < south < 38.9, south
    assert 37.6 < east < 45.0, east
    assert 83.6 < north < 85.0, north
    assert -90.0 < west < -73.0, west  # Pituffik (68.7°W) and Greenland's west coast (73°W), Washington (77°W)


def test_a_territory_is_framed_by_its_parts_near_its_reference_point(outlines):
    france = framed_parts(outlines["FRA"], 48.8566, 2.3522)
    assert france.bounds[1] > 40.0, "French Guiana or Réunion would stretch the frame to the tropics"
    greenland = framed_parts(outlines["GRL"], 72.0, -40.0)
    assert greenland.bounds[3] > 83.5, "all of Greenland, its northern tip included"


def _frame_of(geometries):
    import geopandas as gpd

    return gpd.GeoDataFrame(geometry=list(geometries), crs=4326)


# ---------------------------------------------------------------- points: places and groups


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("day", [D0118, D0226], ids=str)
def test_each_point_knows_its_place_and_its_slot_in_the_place_group(dataset, outlines, day, view):
    points, _, _ = by_kind(features_of(dataset, outlines, day, view))
    assert points
    groups: dict[str, list[dict]] = {}
    for feature in points:
        groups.setdefault(feature["properties"]["place_id"], []).append(feature["properties"])
    for place, members in groups.items():
        assert place, "a point without a place id cannot be labelled"
        assert sorted(p["slot"] for p in members) == list(range(len(members))), place
        assert {p["slots"] for p in members} == {len(members)}, place
        assert len({p["place_name"] for p in members}) == 1 and members[0]["place_name"], place
        assert len({tuple(f["geometry"]["coordinates"]) for f in points if f["properties"]["place_id"] == place}) == 1


@pytest.mark.parametrize(
    "name, label",
    [
        pytest.param("Nuuk Airport (GOH/BGGH)", "Nuuk Airport", id="airport-codes"),
        pytest.param("Kangerlussuaq (airport)", "Kangerlussuaq", id="note"),
        pytest.param("Kangilinnguit (Grønnedal) naval station", "Kangilinnguit naval station", id="old-name-inside"),
        pytest.param("Washington, D.C.", "Washington, D.C.", id="plain"),
    ],
)
def test_place_labels_drop_bracketed_codes_and_notes(name, label):
    assert short_place_name(name) == label


def test_a_range_date_is_flagged_for_the_map(dataset, outlines):
    view = as_of_view(dataset, D0226)
    ranged = set(view.loc[view["date_latest"].notna() & (view["date_latest"] != ""), "record_id"])
    features = features_of(dataset, outlines, D0226, "mercator")
    flagged = {
        record["record_id"]
        for feature in features
        for record in feature["properties"].get("records", [feature["properties"]])
        if record["is_date_range"]
    }
    drawn = {
        record["record_id"]
        for feature in features
        for record in feature["properties"].get("records", [feature["properties"]])
    }
    assert flagged, "the bundled data has range dates on 26 February (the UK's and Denmark's deployments)"
    assert flagged == ranged & drawn


# ---------------------------------------------------------------- routes


def test_route_labels_name_the_country_and_the_number_or_say_not_stated(dataset, outlines):
    _, routes, _ = by_kind(features_of(dataset, outlines, D0118, "mercator"))
    labels = {f["properties"]["record_id"]: f["properties"]["label"] for f in routes}
    assert labels["deployment-deu"] == "Germany · 15"
    assert labels["deployment-fra"] == "France · 15"
    assert labels["deployment-dnk"] == "Denmark · not stated"
    for feature in routes:
        p = feature["properties"]
        assert p["is_number_stated"] == (p["personnel"] is not None)
        assert ("asm-unstated" in p["style"]["className"]) == (p["personnel"] is None)
        assert p["style"]["weight"] > 3 if p["personnel"] is not None else p["style"]["weight"] < 3


def test_route_label_never_shows_zero_for_an_unknown_number():
    assert route_label({"actor": "Sweden", "personnel": None}) == "Sweden · not stated"
    assert route_label({"actor": "Norway", "personnel": 2}) == "Norway · 2"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("day", [D0118, D0226], ids=str)
def test_routes_that_share_a_start_or_run_together_are_drawn_apart(dataset, outlines, day, view):
    """No route runs along another for more than a quarter of its inner length (within 3% of the
    longer one's length). Drawn as plain great circles, Norway's and the Netherlands' did for half."""
    _, routes, _ = by_kind(features_of(dataset, outlines, day, view))
    lines = {f["properties"]["record_id"]: planar(f["geometry"]["coordinates"], view) for f in routes}
    assert len(lines) >= 2
    for (a, line_a), (b, line_b) in itertools.permutations(lines.items(), 2):
        if len(line_a) < 2 or not np.hypot(*(line_a[-1] - line_a[0])):
            continue  # a route with no length (the departure place is the destination)
        length = max(np.hypot(*(line_a[-1] - line_a[0])), np.hypot(*(line_b[-1] - line_b[0])))
        inner = line_a[len(line_a) // 8 : len(line_a) - len(line_a) // 8]
        distances = shapely.distance(shapely.points(inner), LineString(line_b))
        together = float((distances < 0.03 * length).mean())
        assert together <= 0.25, f"{view} {day}: {a} runs along {b} for {together:.0%} of it"


def test_two_identical_routes_are_bowed_apart_with_their_ends_kept():
    line = LineString([(0.0, 0.0), (5.0, 0.5), (10.0, 0.0)])
    first, second = separate_routes([line, line], "polar")
    assert first.equals(line), "the first route keeps its course"
    assert not second.equals(line)
    assert second.coords[0] == line.coords[0] and second.coords[-1] == line.coords[-1], "ends never move"
    assert first.hausdorff_distance(second) > ROUTE_CLEARANCE * 10


def test_denmarks_and_germanys_routes_no_longer_coincide(dataset, outlines):
    """Issue 9: they left from the same air base and, drawn as great circles, ran together for the
    first quarter of the way (3% of its length apart at one eighth); now they part at once."""
    for view in VIEWS:
        _, routes, _ = by_kind(features_of(dataset, outlines, D0118, view))
        lines = {f["properties"]["record_id"]: planar(f["geometry"]["coordinates"], view) for f in routes}
        dnk, deu = lines["deployment-dnk"], lines["deployment-deu"]
        length = np.hypot(*(dnk[-1] - dnk[0]))
        assert np.hypot(*(dnk[0] - deu[0])) < 0.01 * length, "the premise: they start at the same place"
        eighth = shapely.distance(shapely.Point(dnk[len(dnk) // 8]), LineString(deu))
        assert eighth > 0.06 * length, f"{view}: an eighth of the way they are {eighth / length:.1%} of it apart"


# ---------------------------------------------------------------- areas


@pytest.mark.parametrize("view", VIEWS)
def test_areas_carry_their_name_and_a_label_point_inside_them(dataset, outlines, view):
    _, _, areas = by_kind(features_of(dataset, outlines, D0226, view))
    assert Counter(f["properties"]["place_id"] for f in areas)["greenland"] == 1
    for feature in areas:
        p = feature["properties"]
        lat, lng = p["label_latlng"]
        outline = project(_frame_of([outlines[p["outline_iso3"]]]), view).geometry.iloc[0]
        assert outline.contains(shapely.Point(lng, lat)), f"{p['place_name']}: its label point is outside it"
        assert p["place_name"] and "(" not in p["place_name"]


# ---------------------------------------------------------------- how the points are drawn


def _collection(points: int, others: int = 0) -> dict:
    point = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.0, 60.0]}, "properties": {}}
    line = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 60], [1, 61]]}, "properties": {}}
    area = {"type": "Feature", "geometry": None, "properties": {}}  # a territory with no outline
    return {"type": "FeatureCollection", "features": [point] * points + [line, area] * others}


@pytest.mark.parametrize(
    ("points", "others", "renderer"),
    [
        pytest.param(0, 0, "dom", id="empty"),
        pytest.param(CANVAS_POINTS_ABOVE, 0, "dom", id="at-the-threshold"),
        pytest.param(CANVAS_POINTS_ABOVE + 1, 0, "canvas", id="one-above"),
        pytest.param(CANVAS_POINTS_ABOVE, 500, "dom", id="routes-and-areas-do-not-count"),
    ],
)
def test_points_go_to_a_canvas_only_above_the_threshold(points, others, renderer):
    collection = _collection(points, others)
    assert count_points(collection) == points
    assert point_renderer(collection) == renderer
    layer = RecordGeoJson(collection, name="records")
    assert layer.renderer == renderer
    script = layer.options["point_to_layer"].js_code + layer.on_each_feature.js_code
    assert ('"canvas"' in script) is (renderer == "canvas")


def test_the_bundled_data_keep_their_dom_symbols_on_every_day(dataset, outlines):
    for day in key_dates(dataset):
        for view in VIEWS:
            assert point_renderer(record_features(as_of_view(dataset, day), outlines, view)) == "dom", (day, view)
