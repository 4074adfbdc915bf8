"""The records as map features: territory areas, deployment routes and point markers, as GeoJSON.

What each feature says comes from `geo.display.display_properties`; how it is drawn (symbols,
popups, labels) is `static/asm_map.js`, which reads these properties.
"""

from __future__ import annotations

from collections import namedtuple

import folium
import pandas as pd
from shapely.geometry import mapping

from geo.asof import (
    CHANGE_NONE,
    PRESENCE_ANNOUNCED,
    PRESENCE_LEFT,
    PRESENCE_THERE,
    PRESENCE_UNDER_WAY,
    country_name,
)  # fmt: skip
from geo.display import KIND_COLOURS, display_properties
from geo.geometry import deployment_routes, record_geometries
from geo.leaflet import RecordGeoJson
from geo.projection import project

ROUTE_STYLES = {  # what a deployment's route says: announced, under way, there (solid), left (faint)
    PRESENCE_ANNOUNCED: {"weight": 2, "opacity": 0.9, "dashArray": "2 6"},
    PRESENCE_UNDER_WAY: {"weight": 3, "opacity": 0.9, "dashArray": "8 6"},
    PRESENCE_THERE: {"weight": 3, "opacity": 0.9},
    PRESENCE_LEFT: {"weight": 2, "opacity": 0.4, "dashArray": "1 5"},
}


def _changed_class(properties: list[dict]) -> str:
    return " asm-changed" if any(p["change"] not in ("", CHANGE_NONE) for p in properties) else ""


def _geometry(geom) -> dict | None:
    return None if geom is None or geom.is_empty else mapping(geom)


DISPLAY_COLUMNS = [  # what display_properties reads, and what record_geometries needs to place a record
    "record_id", "kind", "title", "status", "date", "date_latest", "place", "place_id", "geo_precision",
    "outline_iso3", "lat", "lon", "actor_iso3", "participants", "personnel", "personnel_note", "purpose",
    "source", "source_quote", "curation_note", "change", "presence", "personnel_announced",
    "personnel_deployed", "sources", "source_count", "reliability", "conflict", "date_end",
]  # fmt: skip


def display_rows(frame: pd.DataFrame) -> list:
    """The rows of `frame` as named tuples of DISPLAY_COLUMNS.

    Column lists zipped together: ~10x faster than `itertuples` on the wide records frame (pandas
    iterates every string column element by element there), which counts at 10,000 records.
    """
    columns = [column for column in DISPLAY_COLUMNS if column in frame.columns]
    row = namedtuple("Row", columns)
    return [row(*values) for values in zip(*(frame[column].tolist() for column in columns))]


def record_features(view_records: pd.DataFrame, outlines: dict, view: str) -> dict:
    """The as-of records as one FeatureCollection: territory areas, routes, then point markers."""
    narrow = view_records[[column for column in DISPLAY_COLUMNS if column in view_records.columns]]
    shaped = project(record_geometries(narrow, outlines), view)
    codes = {code for value in view_records["actor_iso3"].dropna() for code in str(value).split(";") if code}
    names = {code: country_name(code) for code in codes}
    features = []
    # A deployment is drawn at its site only while it is there; before and after, only its route.
    away = (shaped["kind"] == "deployment") & (shaped["presence"] != PRESENCE_THERE)
    shaped = shaped[~away]
    territories = shaped[shaped["geo_precision"] == "territory"]
    for place_id, group in territories.groupby("place_id", sort=False):
        colour = KIND_COLOURS["deployment" if (group["kind"] == "deployment").any() else group["kind"].iloc[0]]
        ids = list(group["record_id"])
        shown = [display_properties(row, names) for row in display_rows(group)]
        features.append(
            {
                "type": "Feature",
                "geometry": _geometry(group.geometry.iloc[0]),
                "properties": {
                    "record_id": ";".join(ids),
                    "kind": "territory",
                    "place_id": place_id,
                    "records": shown,
                    "style": {
                        "color": colour,
                        "weight": 1.5,
                        "fillColor": colour,
                        "fillOpacity": 0.12,
                        "className": "asm-area " + " ".join(f"asm-rec-{i}" for i in ids) + _changed_class(shown),
                    },
                },
            }
        )
    routes = project(deployment_routes(view_records), view)
    for row, geometry in zip(display_rows(routes), routes.geometry.values):
        props = display_properties(row, names)
        props["style"] = {
            "color": KIND_COLOURS["deployment"],
            **ROUTE_STYLES.get(row.presence, ROUTE_STYLES[PRESENCE_ANNOUNCED]),
            "className": f"asm-route asm-{row.presence.replace(' ', '-')} asm-rec-{row.record_id}"
            + _changed_class([props]),
        }
        features.append({"type": "Feature", "geometry": _geometry(geometry), "properties": props})
    points = shaped[shaped["geo_precision"].isin(["site", "city"])]
    slots = points.groupby(["lat", "lon"]).cumcount()
    for row, geometry, slot in zip(display_rows(points), points.geometry.values, slots):
        props = display_properties(row, names)
        props["slot"] = int(slot)
        features.append({"type": "Feature", "geometry": _geometry(geometry), "properties": props})
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
    routed = view_records["origin_lat"].notna() & view_records["lat"].notna()
    return set(view_records.loc[placed & (~away | routed), "record_id"])
