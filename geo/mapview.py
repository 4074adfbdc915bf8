"""Build the folium map: a base map made once, and a record layer made for each as-of view.

Two views share every function here:
- `mercator`: Leaflet's usual Web Mercator (EPSG:3857) with longitude/latitude data;
- `polar`: NSIDC Arctic polar stereographic (EPSG:3413). Leaflet cannot project it, so the data are
  projected here with geopandas and drawn on Leaflet's `Simple` CRS, in units of POLAR_UNIT metres.

The map loads no asset from the network: `MapAssets` says where Leaflet is served from, and the
basemap is the bundled Natural Earth outline file, not a tile server. Record text reaches the page
only as GeoJSON properties that `static/asm_map.js` writes with `textContent`, so it is never
interpreted as HTML.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import namedtuple
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.elements import ElementAddToElement
from folium.utilities import get_obj_in_upper_tree
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps
from shapely.geometry import LineString, mapping

from geo.asof import (
    CHANGE_NONE,
    PRESENCE_ANNOUNCED,
    PRESENCE_LEFT,
    PRESENCE_THERE,
    PRESENCE_UNDER_WAY,
    STATUS_LABELS,
    country_name,
    format_when,
)  # fmt: skip
from geo.geometry import deployment_routes, outlines_by_iso3, record_geometries
from geo.views import POLAR_CRS, VIEWS

POLAR_UNIT = 10_000.0  # metres per Leaflet unit in the polar view
STATIC_DIR = Path(__file__).parent / "static"
KIND_COLOURS = {  # Okabe–Ito palette: distinguishable with the common colour-vision deficiencies
    "meeting": "#0072B2",
    "agreement": "#009E73",
    "announcement": "#E69F00",
    "statement": "#CC79A7",
    "assessment": "#56B4E9",
    "deployment": "#D55E00",
    "threat": "#000000",
    "visit": "#0072B2",
    "mission": "#D55E00",
    "exercise": "#D55E00",
    "protest": "#CC79A7",
}
LAND_STYLE = {"fillColor": "#f3f0e8", "color": "#8d9aa3", "weight": 0.7, "fillOpacity": 1.0}
GREENLAND_STYLE = {"fillColor": "#fdf1e6", "color": "#b5651d", "weight": 1.0, "fillOpacity": 1.0}
GRATICULE_STYLE = {"color": "#9fb6c8", "weight": 0.6, "opacity": 0.8, "dashArray": "2 4"}
MAP_HEIGHT = 620
ROUTE_STYLES = {  # what a deployment's route says: announced, under way, there (solid), left (faint)
    PRESENCE_ANNOUNCED: {"weight": 2, "opacity": 0.9, "dashArray": "2 6"},
    PRESENCE_UNDER_WAY: {"weight": 3, "opacity": 0.9, "dashArray": "8 6"},
    PRESENCE_THERE: {"weight": 3, "opacity": 0.9},
    PRESENCE_LEFT: {"weight": 2, "opacity": 0.4, "dashArray": "1 5"},
}


@dataclass(frozen=True)
class MapAssets:
    """Where the page loads Leaflet from: served URLs, or inline text for a self-contained file."""

    js_urls: tuple[str, ...] = ()
    css_urls: tuple[str, ...] = ()
    js_inline: tuple[str, ...] = ()  # script text written into the page head (geo.snapshot)
    css_inline: tuple[str, ...] = ()  # style text written into the page head


LOCAL_ASSETS = MapAssets(
    js_urls=("/app/static/leaflet/leaflet.js",),
    css_urls=("/app/static/leaflet/leaflet.css",),
)


class InlineAsset(Element):
    """A <script> or <style> element holding its text verbatim (not a Jinja template)."""

    def __init__(self, tag: str, text: str):
        super().__init__()
        if f"</{tag}" in text.lower():
            raise ValueError(f"inline {tag} text contains a closing </{tag}> tag")
        self.tag = tag
        self.text = text

    def render(self, **kwargs) -> str:
        return f"<{self.tag}>{self.text}</{self.tag}>"


def read_static(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- projection


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


# ---------------------------------------------------------------- elements


class ScriptText(Element):
    """Script text that goes into the page as it is, never compiled as a Jinja template.

    branca's MacroElement.render wraps each element's script in `Element(text)`, which compiles the
    text as a template: for the outlines and the records that is hundreds of KB to MB lexed on every
    slider step, and a record whose text holds `{%` stops the map with a template error. The
    elements below render through `render_as_text` instead.
    """

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def render_as_text(element: MacroElement, **kwargs) -> None:
    """MacroElement.render for an element with only a script macro, the script added as ScriptText."""
    script = element._template.module.script(element, kwargs)
    element.get_root().script.add_child(ScriptText(script), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


def render_layer_as_text(layer: folium.map.Layer, **kwargs) -> None:
    """folium's Layer.render (add the layer to its parent), then `render_as_text`."""
    if layer.show:
        add = ElementAddToElement(element_name=layer.get_name(), element_parent_name=layer._parent.get_name())
        layer.add_child(add, name=layer.get_name() + "_add")
    render_as_text(layer, **kwargs)


@dataclass(frozen=True)
class OutlineData:
    """A fixed GeoJSON layer serialised once: the text the page gets, and its Leaflet bounds."""

    text: str
    bounds: list[list[float]]

    @classmethod
    def from_frame(cls, gdf: gpd.GeoDataFrame) -> OutlineData:
        return cls(htmlsafe_json_dumps(json.loads(gdf.to_json()), sort_keys=True), to_leaflet_bounds(gdf.total_bounds))


class OutlineLayer(folium.map.Layer):
    """Land, Greenland or the graticule: drawn, never clicked; the GeoJSON text is made once."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.data.text }}, {{ this.options | tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self, data: OutlineData, name: str, style: dict, class_name: str | None = None, attribution: str | None = None
    ):
        super().__init__(name=name, overlay=True, control=False)
        self._name = "OutlineLayer"
        self.data = data
        self.options = {"style": style, "interactive": False}
        if class_name:
            self.options["className"] = class_name
        if attribution:
            self.options["attribution"] = attribution

    def _get_self_bounds(self) -> list[list[float]]:
        return self.data.bounds  # folium would walk every vertex on every step

    def render(self, **kwargs) -> None:
        render_layer_as_text(self, **kwargs)


class MapSupport(MacroElement):
    """Our CSS and JavaScript helpers, the legend control, and `window.asmMap` for tests."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          if (!document.getElementById("asm-style")) {
            var style = document.createElement("style");
            style.id = "asm-style";
            style.textContent = {{ this.css | tojson }};
            document.head.appendChild(style);
          }
        })();
        {{ this.js }}
        window.asmMap = {{ this._parent.get_name() }};
        window.asmView = {{ this.view | tojson }};
        window.asmFrame = {{ this.bounds | tojson }};
        window.asm.keepFramed(window.asmMap, window.asmFrame);
        window.asm.describeMap(window.asmMap);
        window.asm.addLabels(window.asmMap, {{ this.labels | tojson }});
        var asmLegend = L.control({position: "bottomleft"});
        asmLegend.onAdd = function () { return window.asm.legend(); };
        asmLegend.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, view: str, bounds: list[list[float]], labels: list[dict]):
        super().__init__()
        self._name = "MapSupport"
        self.bounds = bounds
        self.labels = labels
        self.css = read_static("asm_map.css")
        self.js = read_static("asm_map.js")
        self.view = view

    def render(self, **kwargs) -> None:
        render_as_text(self, **kwargs)


class RecordGeoJson(folium.GeoJson):
    """A GeoJSON layer whose features are styled, iconed and given popups by `window.asm`."""

    def __init__(self, data: dict, name: str):
        super().__init__(
            data,
            name=name,
            on_each_feature=folium.JsCode("function (f, l) { window.asm.onEachFeature(f, l); }"),
            point_to_layer=folium.JsCode("function (f, latlng) { return window.asm.pointToLayer(f, latlng); }"),
            control=False,
        )

    def render(self, **kwargs) -> None:
        self.parent_map = get_obj_in_upper_tree(self, folium.Map)  # as folium.GeoJson.render; no style maps here
        render_layer_as_text(self, **kwargs)


def label_points(land: gpd.GeoDataFrame, names: dict[str, str]) -> list[dict]:
    """Where to write the names of a few territories (a point inside each outline)."""
    labels = []
    for iso3, text in names.items():
        row = land[land["iso3"] == iso3]
        if not row.empty:
            point = row.geometry.iloc[0].representative_point()
            labels.append({"lat": point.y, "lon": point.x, "text": text})
    return labels


def graticule(view: str) -> gpd.GeoDataFrame:
    """Parallels every 10° from 40°N and meridians every 30°, for the polar view's bearings."""
    lines = []
    for lat in range(40, 90, 10):
        lines.append(LineString([(lon, lat) for lon in np.arange(-180, 180.1, 2.0)]))
    for lon in range(-180, 180, 30):
        lines.append(LineString([(lon, lat) for lat in np.arange(30, 90.1, 2.0)]))
    return project(gpd.GeoDataFrame(geometry=lines, crs=4326), view)


@dataclass(frozen=True)
class BaseLayers:
    """The fixed layers of one view, projected and serialised once: outlines and label points."""

    view: str
    land: OutlineData | None  # None without a usable basemap: the records on a plain background
    greenland: OutlineData | None
    graticule: OutlineData | None
    labels: list[dict]
    script_urls: tuple[str, ...] = ()  # scripts that define the outlines when they are served apart


def serve_base_layers(layers: BaseLayers, folder: Path, url_prefix: str) -> BaseLayers:
    """The same layers with their GeoJSON moved into one static script the map loads once.

    Written as `<folder>/outlines-<view>-<digest>.js`, it sets `window.asmOutlines[name]`; the layers
    then refer to it by name, so the map script that goes to the page on every slider step shrinks
    from hundreds of KB to a few. The digest changes with the content, so a browser never keeps a
    stale copy.
    """
    named = {
        name: data
        for name, data in (("land", layers.land), ("greenland", layers.greenland), ("graticule", layers.graticule))
        if data
    }
    body = "window.asmOutlines = window.asmOutlines || {};\n" + "".join(
        f"window.asmOutlines[{json.dumps(layers.view + '-' + name)}] = {data.text};\n" for name, data in named.items()
    )
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]
    file_name = f"outlines-{layers.view}-{digest}.js"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / file_name).exists():
        temporary = folder / (file_name + ".tmp")
        temporary.write_text(body, encoding="utf-8")
        temporary.replace(folder / file_name)

    def reference(name: str) -> OutlineData | None:
        data = named.get(name)
        return (
            None
            if data is None
            else OutlineData(f"window.asmOutlines[{json.dumps(layers.view + '-' + name)}]", data.bounds)
        )

    return dataclasses.replace(
        layers,
        land=reference("land"),
        greenland=reference("greenland"),
        graticule=reference("graticule"),
        script_urls=(*layers.script_urls, f"{url_prefix.rstrip('/')}/{file_name}"),
    )


def prepare_base_layers(basemap: gpd.GeoDataFrame, view: str) -> BaseLayers:
    land = project(basemap, view)
    greenland = land[land["iso3"] == "GRL"]
    return BaseLayers(
        view=view,
        land=None if land.empty else OutlineData.from_frame(land[["name", "geometry"]]),
        greenland=None if greenland.empty else OutlineData.from_frame(greenland[["name", "geometry"]]),
        graticule=OutlineData.from_frame(graticule(view)) if view == "polar" else None,
        labels=label_points(land, {"GRL": "Greenland"}),
    )


def build_base_map(
    basemap: gpd.GeoDataFrame,
    records: pd.DataFrame,
    view: str = "mercator",
    assets: MapAssets = LOCAL_ASSETS,
    height: int = MAP_HEIGHT,
    layers: BaseLayers | None = None,
    bounds: list[list[float]] | None = None,
) -> folium.Map:
    """The map that does not change between steps: land outlines, Greenland, legend, framing.

    `layers` are the view's outlines prepared by `prepare_base_layers` (the dashboard caches them);
    without them they are prepared here; likewise `bounds` from `frame_bounds`.
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; expected one of {', '.join(VIEWS)}")
    layers = layers or prepare_base_layers(basemap, view)
    if layers.view != view:
        raise ValueError(f"base layers prepared for the {layers.view!r} view, not {view!r}")
    bounds = bounds or frame_bounds(records, view, outlines_by_iso3(basemap))
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    fmap = folium.Map(
        location=centre,
        zoom_start=3,
        tiles=None,
        crs="Simple" if view == "polar" else "EPSG3857",
        height=height,
        control_scale=view == "mercator",
        zoom_snap=0.25,
        zoom_delta=0.5,
        world_copy_jump=False,
        attribution_control=True,
    )
    # folium hands min/max zoom only to tile layers; without tiles they go on the map itself.
    fmap.options.update(minZoom=-4 if view == "polar" else 1, maxZoom=8 if view == "polar" else 10)
    fmap.default_js = [(f"asset_js_{i}", url) for i, url in enumerate((*assets.js_urls, *layers.script_urls))]
    fmap.default_css = [(f"asset_css_{i}", url) for i, url in enumerate(assets.css_urls)]
    for i, text in enumerate(assets.css_inline):
        fmap.get_root().header.add_child(InlineAsset("style", text), name=f"asset_css_inline_{i}")
    for i, text in enumerate(assets.js_inline):
        fmap.get_root().header.add_child(InlineAsset("script", text), name=f"asset_js_inline_{i}")
    if layers.land is not None:
        OutlineLayer(
            layers.land, "Land (Natural Earth)", LAND_STYLE, attribution="Outlines: Natural Earth (public domain)"
        ).add_to(fmap)
    if layers.greenland is not None:
        OutlineLayer(layers.greenland, "Greenland", GREENLAND_STYLE, class_name="asm-greenland").add_to(fmap)
    if layers.graticule is not None:
        OutlineLayer(layers.graticule, "Graticule", GRATICULE_STYLE).add_to(fmap)
    MapSupport(view, bounds, layers.labels).add_to(fmap)  # frames the records once the map has its final size
    return fmap


# ---------------------------------------------------------------- record layer


def _text(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def display_properties(row, country_names: dict[str, str] | None = None) -> dict:
    """What a popup or tooltip shows of one record (raw text: the browser escapes it).

    `country_names` (ISO3 -> name) saves a pycountry look-up per record when many are shown.
    """
    personnel = None if pd.isna(row.personnel) else int(row.personnel)
    where = _text(row.place) or "not stated"
    if row.kind == "deployment" and row.presence in ("announced", "under way") and where != "not stated":
        where = f"bound for {where}"
    if row.geo_precision == "territory":
        where += " (territory level: the area, not a site)"
    actors = [code for code in _text(row.actor_iso3).split(";") if code]
    name_of = country_names.get if country_names is not None else (lambda code: None)
    return {
        "record_id": row.record_id,
        "kind": row.kind,
        "title": row.title,
        "status": row.status,
        "status_label": STATUS_LABELS.get(row.status, row.status),
        "when": format_when(row.date, row.date_latest)
        + (" (range; day not stated)" if row.date_latest else "")
        + (f", until {row.date_end.isoformat()}" if getattr(row, "date_end", None) else ""),
        "where": where,
        "participants": _text(row.participants),
        "actor": ", ".join(name_of(code) or country_name(code) for code in actors),
        "personnel": personnel,
        "personnel_note": _text(row.personnel_note),
        "purpose": _text(row.purpose),
        "personnel_announced": number_text(row.personnel_announced),
        "personnel_deployed": number_text(row.personnel_deployed),
        "presence": _text(row.presence),
        "source": row.source,
        "source_quote": row.source_quote,
        "sources_label": sources_text(row),
        "grade": f"{row.reliability} (Admiralty: source {row.reliability[0]}, information {row.reliability[1:]})",
        "conflict": _text(row.conflict),
        "curation_note": _text(row.curation_note),
        "change": _text(getattr(row, "change", "")),
    }


NOT_STATED = "not stated"


def number_text(value) -> str:
    """A stated number as digits; an unstated one as 'not stated', never 0."""
    return NOT_STATED if value is None or pd.isna(value) else str(int(value))


def sources_text(row) -> str:
    """The record's sources and how many independent origins they come from."""
    ids = [source for source in _text(row.sources).split(";") if source]
    origins = int(row.source_count)
    return f"{'; '.join(ids)} ({origins} independent origin{'s' if origins != 1 else ''})"


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
