"""The records as map features: territory areas, deployment routes and point markers, as GeoJSON.

What each feature says comes from `geo.display.display_properties`; how it is drawn (symbols,
popups, labels) is `static/asm_map.js`, which reads these properties.
"""

from __future__ import annotations

import functools
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, mapping

from geo.asof import (
    CHANGE_NONE,
    PRESENCE_ANNOUNCED,
    PRESENCE_LEFT,
    PRESENCE_THERE,
    PRESENCE_UNDER_WAY,
    country_name,
)  # fmt: skip
from geo.display import KIND_COLOURS, NOT_STATED, display_properties, view_rows
from geo.geometry import great_circle, is_routed
from geo.leaflet import RecordGeoJson
from geo.projection import framed_parts, from_web_mercator, project, project_points, to_web_mercator

ROUTE_STYLES = {  # what a deployment's route says by its dashes: announced, under way, there (solid), left (faint)
    PRESENCE_ANNOUNCED: {"opacity": 0.95, "dashArray": "1 7", "lineCap": "round"},
    PRESENCE_UNDER_WAY: {"opacity": 0.95, "dashArray": "10 6"},
    PRESENCE_THERE: {"opacity": 0.95},
    PRESENCE_LEFT: {"opacity": 0.45, "dashArray": "1 7", "lineCap": "round"},
}
ROUTE_WEIGHT = {True: 4.5, False: 2.0}  # by whether the contingent's number is stated: thick, or thin

# Routes that share a start or run together are bowed apart: each gets a sideways bow (a share of its
# own length, peaking half-way) chosen so that little of it runs within ROUTE_CLEARANCE of a route
# already placed. Schematic anyway (the legend says so): the bow never moves either end.
ROUTE_BOWS = (0.0, 0.08, -0.08, 0.16, -0.16, 0.24, -0.24)
ROUTE_CLEARANCE = 0.05  # share of the longer route's length
ROUTE_OVERLAP_OK = 0.1  # share of a route's inner points allowed within the clearance of another


def short_place_name(name: str) -> str:
    """A place's name as its map label: without the bracketed codes and notes (airport codes, old names)."""
    return re.sub(r"\s+", " ", re.sub(r"\s*\([^)]*\)", "", name or "")).strip() or (name or "")


def route_label(props: dict) -> str:
    """'Germany · 15', 'Denmark · not stated': who, and how many where a source states it."""
    number = NOT_STATED if props["personnel"] is None else str(props["personnel"])
    return f"{props['actor'] or 'Country not stated'} · {number}"


def _bowed(coords: np.ndarray, bow: float) -> np.ndarray:
    """The line bent sideways by `bow` times its chord length, most at the middle, ends fixed."""
    chord = coords[-1] - coords[0]
    length = float(np.hypot(*chord))
    if bow == 0 or length == 0:
        return coords
    normal = np.array([-chord[1], chord[0]]) / length
    along = np.linspace(0.0, 1.0, len(coords))
    bend = np.sin(np.pi * along)
    bend[[0, -1]] = 0.0  # the ends exactly where they were
    return coords + np.outer(bend * bow * length, normal)


class _PlacedRoutes:
    """The routes placed so far, as lines and their bounding boxes (one row each), for `_overlap`."""

    def __init__(self):
        self.lines: list = []
        self.bounds = np.empty((0, 4))

    def add(self, coords: np.ndarray) -> None:
        if len(coords) > 1:  # a line of one point has no distance to measure (as before)
            line = LineString(coords)
            shapely.prepare(line)  # GEOS then answers dwithin from an index of the line's segments
            self.lines.append(line)
            box = [*coords.min(axis=0), *coords.max(axis=0)]
            self.bounds = np.vstack([self.bounds, box])

    def near(self, coords: np.ndarray, clearance: float) -> list:
        """The placed lines whose box comes within `clearance` of the box around `coords`."""
        if not self.lines:
            return []
        low, high = coords.min(axis=0) - clearance, coords.max(axis=0) + clearance
        b = self.bounds
        hits = (b[:, 0] <= high[0]) & (b[:, 2] >= low[0]) & (b[:, 1] <= high[1]) & (b[:, 3] >= low[1])
        return [self.lines[i] for i in np.flatnonzero(hits)]


def _overlap(candidate: np.ndarray, placed: _PlacedRoutes, clearance: float) -> float:
    """Share of the candidate's inner points lying within `clearance` of any placed line.

    Only lines whose box comes that close can be that close; their distances are one vectorised call
    (thousands of routes at 10,000 synthetic records: 4 s a date with a call per line, the same result)."""
    inner = candidate[len(candidate) // 10 : len(candidate) - len(candidate) // 10]
    if len(inner) == 0:
        return 0.0
    lines = placed.near(inner, clearance)
    if not lines:
        return 0.0
    near = shapely.dwithin(
        shapely.points(inner)[:, np.newaxis], np.array(lines, dtype=object)[np.newaxis, :], clearance
    )
    return float(near.any(axis=1).mean())


def separate_routes(lines: list, view: str) -> list:
    """The routes bowed apart where they share a start or run together (see ROUTE_BOWS), in the order given.

    Worked out in the plane the map is drawn in (Web Mercator metres, or the polar view's units), so
    the separation is what a reader sees."""
    planar = []
    for line in lines:
        coords = np.asarray(line.coords, dtype=float) if line is not None and not line.is_empty else None
        if coords is not None and view == "mercator":
            coords = to_web_mercator(coords[:, 0], coords[:, 1])
        planar.append(coords)
    placed, out = _PlacedRoutes(), []
    for line, coords in zip(lines, planar):
        if coords is None or len(coords) < 2 or not np.hypot(*(coords[-1] - coords[0])):
            out.append(line)
            continue
        length = float(np.hypot(*(coords[-1] - coords[0])))
        best, best_overlap = coords, None
        for bow in ROUTE_BOWS:
            candidate = _bowed(coords, bow)
            overlap = _overlap(candidate, placed, ROUTE_CLEARANCE * length)
            if best_overlap is None or overlap < best_overlap - 1e-9:
                best, best_overlap = candidate, overlap
            if overlap <= ROUTE_OVERLAP_OK:
                break
        placed.add(best)
        drawn = from_web_mercator(best[:, 0], best[:, 1]) if view == "mercator" else best
        out.append(LineString(drawn))
    return out


@functools.lru_cache(maxsize=2048)
def drawn_routes(ends: tuple[tuple[float, float, float, float], ...], view: str) -> tuple[dict | None, ...]:
    """The GeoJSON lines of routes given by (origin lon, origin lat, lon, lat), in order: great circles in
    the view's coordinates, bowed apart (`separate_routes`).

    Kept per set of routes: a date's routes are usually another date's too, and the bowing compares
    every pair. The result is shared; do not modify it."""
    if not ends:
        return ()
    lines = gpd.GeoDataFrame(geometry=[great_circle(*end) for end in ends], crs=4326)
    return tuple(_geometry(line) for line in separate_routes(list(project(lines, view).geometry.values), view))


def _label_point(outline, lat: float, lon: float, view: str) -> list[float] | None:
    """Where an area's name goes, as Leaflet [lat, lng]: a point inside the largest of its framed parts
    (mainland Norway, not Svalbard)."""
    parts = framed_parts(outline, lat, lon) if outline is not None else None
    if parts is None or parts.is_empty:
        return None
    largest = max(getattr(parts, "geoms", [parts]), key=lambda part: part.area)
    point = project(gpd_points([largest.representative_point()]), view).geometry.iloc[0]
    return [float(point.y), float(point.x)]


class _AreaDrawings:
    """An area's drawn outline (GeoJSON) and label point, worked out once per outline, place and view.

    They do not depend on the date, and an outline is costly to project and to label (~8 ms for
    Greenland): computed for every area on every date, they were most of a new date's record layer.
    Kept by the outline object itself, which the basemap loads once; a new basemap brings new objects."""

    def __init__(self, limit: int = 4096):
        self.limit = limit
        self.kept: dict[tuple, tuple] = {}

    def get(self, outline, lat: float, lon: float, view: str) -> tuple[dict | None, list[float] | None]:
        key = (id(outline), lat, lon, view)
        kept = self.kept.get(key)
        if kept is not None and kept[0] is outline:  # the same object, not one that reused a freed id
            return kept[1], kept[2]
        if outline is None or outline.is_empty:
            drawn, label = None, None
        else:
            drawn = _geometry(project(gpd.GeoDataFrame(geometry=[outline], crs=4326), view).geometry.iloc[0])
            label = _label_point(outline, lat, lon, view)
        if len(self.kept) >= self.limit:
            self.kept.clear()
        self.kept[key] = (outline, drawn, label)
        return drawn, label


_AREAS = _AreaDrawings()


def gpd_points(points) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=points, crs=4326)


def feature_properties(row, names: dict[str, str]) -> dict:
    """display_properties, and what the map marks without text: a date that is only a range."""
    props = display_properties(row, names)
    props["is_date_range"] = bool(row.date_latest)
    return props


def _changed_class(properties: list[dict]) -> str:
    return " asm-changed" if any(p["change"] not in ("", CHANGE_NONE) for p in properties) else ""


def _geometry(geom) -> dict | None:
    return None if geom is None or geom.is_empty else mapping(geom)


DISPLAY_COLUMNS = [  # what display_properties reads, and what record_geometries needs to place a record
    "record_id", "kind", "title", "status", "date", "date_latest", "place", "place_id", "geo_precision",
    "outline_iso3", "lat", "lon", "actor_iso3", "participants", "personnel", "personnel_note", "purpose",
    "source", "source_quote", "curation_note", "change", "presence", "personnel_announced",
    "personnel_deployed", "sources", "source_count", "reliability", "conflict", "date_end", "date_end_latest",
    "date_status",
]  # fmt: skip


def display_rows(frame: pd.DataFrame) -> list:
    """The rows of `frame` as named tuples of DISPLAY_COLUMNS (`geo.display.view_rows` of those columns)."""
    return view_rows(frame[[column for column in DISPLAY_COLUMNS if column in frame.columns]])


def _missing(value) -> bool:
    """None, NaN or NA: what pandas' groupby leaves out of its groups."""
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _point_geometries(points: list, view: str) -> list[dict | None]:
    """The points' GeoJSON geometries in the view's coordinates; None where a point has no coordinates."""
    placed = [index for index, row in enumerate(points) if not (_missing(row.lat) or _missing(row.lon))]
    out: list[dict | None] = [None] * len(points)
    if view == "mercator":  # Leaflet's own projection: the data stay longitude, latitude
        xy = [(points[index].lon, points[index].lat) for index in placed]
    else:
        xy = (
            project_points([points[i].lon for i in placed], [points[i].lat for i in placed], view).tolist()
            if placed
            else []
        )
    for index, (x, y) in zip(placed, xy):
        out[index] = {"type": "Point", "coordinates": (x, y)}
    return out


def record_features(view_records: pd.DataFrame, outlines: dict, view: str) -> dict:
    """The as-of records as one FeatureCollection: territory areas, routes, then point markers.

    Worked on plain rows (`display_rows`: pandas' per-group and per-column costs were most of a new
    date's layer), with geometry made only where it is drawn: an area's outline and label once per
    place and view (`_AREAS`), a set of routes once (`drawn_routes`)."""
    rows = display_rows(view_records)
    codes = {code for value in view_records["actor_iso3"].dropna() for code in str(value).split(";") if code}
    names = {code: country_name(code) for code in codes}
    features = []
    # A deployment is drawn at its site only while it is there; before and after, only its route.
    shown = [row for row in rows if not (row.kind == "deployment" and row.presence != PRESENCE_THERE)]
    areas: dict[str, list] = {}  # by place, in the order places first appear
    for row in shown:
        if row.geo_precision == "territory" and not _missing(row.place_id):
            areas.setdefault(row.place_id, []).append(row)
    for place_id, group in areas.items():
        first = group[0]
        colour = KIND_COLOURS["deployment" if any(row.kind == "deployment" for row in group) else first.kind]
        ids = [row.record_id for row in group]
        described = [feature_properties(row, names) for row in group]
        geometry, label = _AREAS.get(outlines.get(first.outline_iso3), first.lat, first.lon, view)
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "record_id": ";".join(ids),
                    "kind": "territory",
                    "place_id": place_id,
                    "place_name": short_place_name(first.place),
                    "outline_iso3": first.outline_iso3,
                    "label_latlng": label,
                    "is_date_range": any(bool(p["is_date_range"]) for p in described),
                    "records": described,
                    "style": {
                        "color": colour,
                        "weight": 1.5,
                        "fillColor": colour,
                        "fillOpacity": 0.12,
                        "className": "asm-area " + " ".join(f"asm-rec-{i}" for i in ids) + _changed_class(described),
                    },
                },
            }
        )
    routed = is_routed(view_records).tolist()
    routes = [row for row, is_route in zip(rows, routed) if is_route]
    ends = tuple(
        end
        for end, is_route in zip(
            zip(*(view_records[column].tolist() for column in ("origin_lon", "origin_lat", "lon", "lat"))), routed
        )
        if is_route
    )
    for row, geometry in zip(routes, drawn_routes(ends, view)):
        props = feature_properties(row, names)
        stated = props["personnel"] is not None
        props["label"] = route_label(props)
        props["is_number_stated"] = stated
        props["is_destination_territory"] = row.geo_precision == "territory"
        props["style"] = {
            "color": KIND_COLOURS["deployment"],
            "weight": ROUTE_WEIGHT[stated],
            **ROUTE_STYLES.get(row.presence, ROUTE_STYLES[PRESENCE_ANNOUNCED]),
            "className": f"asm-route asm-{row.presence.replace(' ', '-')} asm-rec-{row.record_id}"
            + ("" if stated else " asm-unstated")
            + _changed_class([props]),
        }
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    points = [row for row in shown if row.geo_precision in ("site", "city")]
    # The records at one place form one group, drawn at it and labelled once: its slots in order.
    keys = [row.place if _missing(row.place_id) or row.place_id == "" else row.place_id for row in points]
    sizes: dict = {}
    for key in keys:
        sizes[key] = sizes.get(key, 0) + 1
    taken: dict = {}
    for row, geometry, key in zip(points, _point_geometries(points, view), keys):
        props = feature_properties(row, names)
        props["place_id"] = key
        props["place_name"] = short_place_name(row.place)
        props["slot"], props["slots"] = taken.get(key, 0), sizes[key]
        taken[key] = props["slot"] + 1
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def build_record_layer(view_records: pd.DataFrame, outlines: dict, view: str = "mercator") -> folium.FeatureGroup:
    """The layer that changes with the date: one GeoJSON layer holding every drawn record."""
    group = folium.FeatureGroup(name="Records as of the date", control=False)
    RecordGeoJson(record_features(view_records, outlines, view), name="records").add_to(group)
    return group


def drawn_record_ids(view_records: pd.DataFrame) -> set[str]:
    """The records of a view that the map draws: those with a place, a deployment at it only while on
    the ground and otherwise by its route (so one with no departure place is not drawn until it arrives)."""
    placed = view_records["geo_precision"].notna() & (view_records["geo_precision"] != "")
    away = (view_records["kind"] == "deployment") & (view_records["presence"] != PRESENCE_THERE)
    return set(view_records.loc[placed & (~away | is_routed(view_records)), "record_id"])
