"""Where things go on the map: the two views' coordinates and the frame that holds the records.

- `mercator`: Leaflet's usual Web Mercator (EPSG:3857) with longitude/latitude data;
- `polar`: NSIDC Arctic polar stereographic (EPSG:3413). Leaflet cannot project it, so the data are
  projected here with geopandas and drawn on Leaflet's `Simple` CRS, in units of POLAR_UNIT metres.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString

from geo.views import POLAR_CRS

POLAR_UNIT = 10_000.0  # metres per Leaflet unit in the polar view


def project(gdf: gpd.GeoDataFrame, view: str) -> gpd.GeoDataFrame:
    """Geometries in the coordinates Leaflet draws: lon/lat for mercator, scaled EPSG:3413 for polar."""
    if view == "mercator":
        return gdf
    has_geometry = gdf.geometry.notna()
    projected = gdf.copy()
    projected.loc[has_geometry, "geometry"] = gdf[has_geometry].to_crs(POLAR_CRS).geometry.values
    projected = projected.set_crs(None, allow_override=True)
    projected["geometry"] = shapely.transform(projected.geometry.values, lambda xy: xy / POLAR_UNIT)
    return projected


def project_points(lons, lats, view: str) -> np.ndarray:
    """(x, y) pairs as Leaflet draws them."""
    points = gpd.GeoSeries(gpd.points_from_xy(lons, lats), crs=4326)
    return shapely.get_coordinates(project(gpd.GeoDataFrame(geometry=points), view).geometry.values)


def to_leaflet_bounds(bounds) -> list[list[float]]:
    min_x, min_y, max_x, max_y = bounds
    return [[float(min_y), float(min_x)], [float(max_y), float(max_x)]]


FRAME_NEAR_DEG = (20.0, 40.0)  # a territory's parts within (lat, lon) degrees of its reference point are framed


def framed_parts(outline, lat: float, lon: float):
    """The parts of a territory's outline near its reference point: metropolitan France, not French
    Guiana or Réunion; all of Greenland (it reaches 83.6°N, 11.6° from its reference point)."""
    near_lat, near_lon = FRAME_NEAR_DEG
    box = shapely.box(lon - near_lon, lat - near_lat, lon + near_lon, lat + near_lat)
    parts = [part for part in getattr(outline, "geoms", [outline]) if part.intersects(box)]
    return shapely.union_all(parts) if parts else None


def frame_bounds(
    records: pd.DataFrame, view: str, outlines: dict | None = None, pad: float = 0.04
) -> list[list[float]]:
    """Bounds that hold every placed record and departure point, whatever the date, in either view.

    A territory-level place is framed by its outline (its parts near its reference point), so both
    views show all of Greenland, tip included, and the frame ends where the data end: no empty
    ocean or desert around them beyond a small margin (`pad`, a share of each side).
    """
    placed = records[records["lat"].notna()]
    lons = list(placed["lon"]) + list(records["origin_lon"].dropna())
    lats = list(placed["lat"]) + list(records["origin_lat"].dropna())
    if not lons:  # nothing placed: the North Atlantic
        lons, lats = [-80.0, 25.0], [35.0, 80.0]
    xy = project_points(lons, lats, view)
    (min_x, min_y), (max_x, max_y) = xy.min(axis=0), xy.max(axis=0)
    territories = placed[placed["geo_precision"] == "territory"].drop_duplicates("outline_iso3")
    shapes = [
        framed_parts(outlines[row.outline_iso3], row.lat, row.lon)
        for row in territories.itertuples()
        if outlines and row.outline_iso3 in outlines and outlines[row.outline_iso3] is not None
    ]
    shapes = [shape for shape in shapes if shape is not None and not shape.is_empty]
    if shapes:
        areas = gpd.GeoDataFrame(geometry=shapes, crs=4326)
        a_min_x, a_min_y, a_max_x, a_max_y = project(areas, view).total_bounds
        min_x, min_y, max_x, max_y = min(min_x, a_min_x), min(min_y, a_min_y), max(max_x, a_max_x), max(max_y, a_max_y)
    if view == "mercator":  # pad in Web Mercator metres, where Leaflet fits the frame, not in degrees
        (min_x, min_y), (max_x, max_y) = to_web_mercator([min_x, max_x], [min_y, max_y])
    dx, dy = (max_x - min_x) * pad + 1e-6, (max_y - min_y) * pad + 1e-6
    min_x, min_y, max_x, max_y = min_x - dx, min_y - dy, max_x + dx, max_y + dy
    if view == "mercator":
        (min_x, min_y), (max_x, max_y) = from_web_mercator([min_x, max_x], [min_y, max_y])
        min_y, max_y = max(min_y, -85.0), min(max_y, 85.0)
    return to_leaflet_bounds((min_x, min_y, max_x, max_y))


def to_web_mercator(lons, lats) -> np.ndarray:
    """(x, y) in EPSG:3857 metres."""
    points = gpd.GeoSeries(gpd.points_from_xy(lons, lats), crs=4326).to_crs(3857)
    return shapely.get_coordinates(points.values)


def from_web_mercator(xs, ys) -> np.ndarray:
    """(lon, lat) of EPSG:3857 points."""
    points = gpd.GeoSeries(gpd.points_from_xy(xs, ys), crs=3857).to_crs(4326)
    return shapely.get_coordinates(points.values)


def graticule(view: str) -> gpd.GeoDataFrame:
    """Parallels every 10° from 40°N and meridians every 30°, for the polar view's bearings."""
    lines = []
    for lat in range(40, 90, 10):
        lines.append(LineString([(lon, lat) for lon in np.arange(-180, 180.1, 2.0)]))
    for lon in range(-180, 180, 30):
        lines.append(LineString([(lon, lat) for lat in np.arange(30, 90.1, 2.0)]))
    return project(gpd.GeoDataFrame(geometry=lines, crs=4326), view)
