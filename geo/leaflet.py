"""Leaflet plumbing: the folium elements and the base map that the dashboard and the snapshot share.

The map loads no asset from the network: `MapAssets` says where Leaflet is served from, and the
basemap is the bundled Natural Earth outline file, not a tile server. Record text reaches the page
only as GeoJSON properties that `static/asm_map.js` writes with `textContent`, so it is never
interpreted as HTML.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from folium.elements import ElementAddToElement
from folium.utilities import get_obj_in_upper_tree
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps

from geo.display import KINDS
from geo.geometry import outlines_by_iso3
from geo.projection import frame_bounds, graticule, project, to_leaflet_bounds
from geo.views import VIEWS

STATIC_DIR = Path(__file__).parent / "static"


LAND_STYLE = {"fillColor": "#f3f0e8", "color": "#8d9aa3", "weight": 0.7, "fillOpacity": 1.0}


GREENLAND_STYLE = {"fillColor": "#fdf1e6", "color": "#b5651d", "weight": 1.0, "fillOpacity": 1.0}


GRATICULE_STYLE = {"color": "#9fb6c8", "weight": 0.6, "opacity": 0.8, "dashArray": "2 4"}


MAP_HEIGHT = 620


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
    """Our CSS and JavaScript helpers, the legend control, and `window.asmMap` for tests.

    The kinds reach the script from geo.display.KINDS (`window.asm.setKinds`), so labels, colours and
    symbol names are defined once; the script keeps only each symbol's SVG geometry."""

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
        window.asm.setKinds({{ this.kinds | tojson }});
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
        self.kinds = [  # a list: the legend keeps KINDS' order (tojson sorts an object's keys)
            {"kind": kind, "label": label, "colour": colour, "shape": shape}
            for kind, (label, colour, shape) in KINDS.items()
        ]

    def render(self, **kwargs) -> None:
        render_as_text(self, **kwargs)


# More point features than this and the map draws its points on one canvas (Leaflet's canvas renderer,
# a small shape per record in its kind's legend shape, popups and tooltips made only when asked for), not as one DOM element
# each. Leaflet's per-marker cost (an element, its icon, events, the label layout's reads) made a date
# step at 10,000 synthetic records (about 7,300 points) slower than a minimal folium app; below this,
# the symbols, their shapes and their accessible names stay as they are (the bundled data: about 60).
CANVAS_POINTS_ABOVE = 1_500


def count_points(collection: dict) -> int:
    """The point features of a FeatureCollection: the records drawn as symbols."""
    return sum(1 for f in collection["features"] if (f.get("geometry") or {}).get("type") == "Point")


def point_renderer(collection: dict, canvas_above: int = CANVAS_POINTS_ABOVE) -> str:
    """How the map draws the collection's points: "dom" (a symbol element each) or "canvas"."""
    return "canvas" if count_points(collection) > canvas_above else "dom"


class RecordGeoJson(folium.GeoJson):
    """A GeoJSON layer whose features are styled, iconed and given popups by `window.asm`.

    Its points are DOM symbols, or above CANVAS_POINTS_ABOVE (`point_renderer`) shapes on one canvas,
    the routes and areas drawn on the same canvas beneath them."""

    def __init__(self, data: dict, name: str):
        self.renderer = point_renderer(data)
        canvas = "" if self.renderer == "dom" else ', "canvas"'
        super().__init__(
            data,
            name=name,
            on_each_feature=folium.JsCode(f"function (f, l) {{ window.asm.onEachFeature(f, l{canvas}); }}"),
            point_to_layer=folium.JsCode(
                f"function (f, latlng) {{ return window.asm.pointToLayer(f, latlng{canvas}); }}"
            ),
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
            labels.append({"lat": point.y, "lon": point.x, "text": text, "iso3": iso3})
    return labels


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
