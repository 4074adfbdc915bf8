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


def frame_bounds(
    records: pd.DataFrame, view: str, outlines: dict | None = None, pad: float = 0.08
) -> list[list[float]]:
    """Bounds that hold every placed record and departure point, whatever the date.

    In the polar view they also hold the territory outlines (all of Greenland). Mercator frames on
    the territory's reference point instead: Greenland reaches 83.6°N, and framing its tip would
    shrink everything else to a corner of the map.
    """
    placed = records[records["lat"].notna()]
    lons = list(placed["lon"]) + list(records["origin_lon"].dropna())
    lats = list(placed["lat"]) + list(records["origin_lat"].dropna())
    if not lons:  # nothing placed: the North Atlantic
        lons, lats = [-80.0, 25.0], [35.0, 80.0]
    xy = project_points(lons, lats, view)
    (min_x, min_y), (max_x, max_y) = xy.min(axis=0), xy.max(axis=0)
    territories = placed.loc[placed["geo_precision"] == "territory", "outline_iso3"].dropna().unique()
    shapes = [outlines[code] for code in territories if outlines and code in outlines]
    if shapes and view == "polar":
        areas = gpd.GeoDataFrame(geometry=shapes, crs=4326)
        a_min_x, a_min_y, a_max_x, a_max_y = project(areas, view).total_bounds
        min_x, min_y, max_x, max_y = min(min_x, a_min_x), min(min_y, a_min_y), max(max_x, a_max_x), max(max_y, a_max_y)
    dx, dy = (max_x - min_x) * pad + 1e-6, (max_y - min_y) * pad + 1e-6
    return to_leaflet_bounds((min_x - dx, min_y - dy, max_x + dx, max_y + dy))


def graticule(view: str) -> gpd.GeoDataFrame:
    """Parallels every 10° from 40°N and meridians every 30°, for the polar view's bearings."""
    lines = []
    for lat in range(40, 90, 10):
        lines.append(LineString([(lon, lat) for lon in np.arange(-180, 180.1, 2.0)]))
    for lon in range(-180, 180, 30):
        lines.append(LineString([(lon, lat) for lat in np.arange(30, 90.1, 2.0)]))
    return project(gpd.GeoDataFrame(geometry=lines, crs=4326), view)
