"""Geometry of the records: points for sites and cities, outlines for territories, great-circle routes."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from pyproj import Geod
from shapely.geometry import LineString, Point

WGS84 = "EPSG:4326"
ROUTE_SEGMENTS = 64  # enough vertices for a great circle to curve smoothly on a Mercator map
_GEOD = Geod(ellps="WGS84")


def outlines_by_iso3(basemap: gpd.GeoDataFrame) -> dict[str, object]:
    """Country and territory outlines keyed by ISO3, from the basemap."""
    return dict(zip(basemap["iso3"], basemap.geometry))


def record_geometries(records: pd.DataFrame, outlines: dict[str, object]) -> gpd.GeoDataFrame:
    """Records as a GeoDataFrame: Point for sites and cities, the outline for territories, None without a place."""
    geometries = []
    for row in records.itertuples():
        if row.geo_precision == "territory":
            geometries.append(outlines.get(row.outline_iso3))
        elif row.geo_precision in ("site", "city"):
            geometries.append(Point(row.lon, row.lat))
        else:
            geometries.append(None)
    return gpd.GeoDataFrame(records.copy(), geometry=geometries, crs=WGS84)


def great_circle(lon1: float, lat1: float, lon2: float, lat2: float, segments: int = ROUTE_SEGMENTS) -> LineString:
    """The shortest path on the WGS 84 ellipsoid, densified so it curves correctly when projected."""
    inner = _GEOD.npts(lon1, lat1, lon2, lat2, segments - 1)
    return LineString([(lon1, lat1), *inner, (lon2, lat2)])


def is_routed(records: pd.DataFrame) -> pd.Series:
    """The deployments drawn as a route: those with a departure place and a place."""
    return (records["kind"] == "deployment") & records["origin_lat"].notna() & records["lat"].notna()


def deployment_routes(records: pd.DataFrame) -> gpd.GeoDataFrame:
    """One schematic great-circle line per deployment that has a departure place."""
    routes = records[is_routed(records)]
    lines = [great_circle(r.origin_lon, r.origin_lat, r.lon, r.lat) for r in routes.itertuples()]
    return gpd.GeoDataFrame(routes.copy(), geometry=lines, crs=WGS84)
