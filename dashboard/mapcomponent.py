"""The map on the page, its costly parts made once and shared by every session.

`streamlit_folium.st_folium` renders the whole folium map, base and records, on every rerun of every
session: on this data about 50 ms of server time per slider step, the same for every viewer. Here
the base map (outlines, legend, framing) is rendered once per data version and view, and the record
layer once per date, view and 'changes since', both by streamlit-folium's own functions; each step
then only hands the prepared strings to streamlit-folium's component, with the same arguments
`st_folium` passes it (streamlit-folium is pinned in requirements.txt).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import folium
import streamlit_folium as sf
from folium.template import Environment
from jinja2.utils import htmlsafe_json_dumps

_JSON_KWARGS = Environment().policies["json.dumps_kwargs"]  # what folium's `tojson` passes to json.dumps


@dataclass(frozen=True)
class MapBase:
    """The base map as the component takes it: rendered once."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def _assets(fmap: folium.Map) -> tuple[list[str], list[str]]:
    """The CSS and JS links of the map's elements, as st_folium collects them (here: local only)."""

    def walk(element):
        if isinstance(element, folium.elements.JSCSSMixin):
            yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    css, js = [], []
    for element in walk(fmap):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return list(dict.fromkeys(css)), list(dict.fromkeys(js))


def prepare_base(fmap: folium.Map) -> MapBase:
    """Render the base map once (what st_folium does on every call)."""
    fmap.get_root().render()
    fmap.render()
    html, header = sf._get_html(fmap), sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    css, js = _assets(fmap)
    return MapBase(script, header, html, sf.get_full_id(fmap), tuple(css), tuple(js))


_DATA_MARK = "asm-layer-data-goes-here"


def prepare_layer(layer: folium.FeatureGroup) -> str:
    """The record layer as the component's `feature_group` script, made once per date and view.

    streamlit-folium renders the script around a stand-in for each GeoJSON layer's data, which goes
    in afterwards, encoded as folium's template would (jinja's `tojson`): rendering, dedenting and
    renaming then run over a few hundred characters instead of a date's ~200 KB of features, the
    same script (tests/test_mapview_static.py)."""
    holder = folium.Map(tiles=None)  # the layer's own parent; its name is replaced by the page's map
    layers = [child for child in layer._children.values() if isinstance(child, folium.GeoJson) and child.embed]
    data = [child.data for child in layers]
    for index, child in enumerate(layers):
        child.data = f"{_DATA_MARK}-{index}"
    try:
        script = sf._get_feature_group_string(layer, map=holder)
    finally:
        for child, value in zip(layers, data):
            child.data = value
    for index, value in enumerate(data):
        mark = htmlsafe_json_dumps(f"{_DATA_MARK}-{index}")
        if script.count(mark) != 1:  # never expected: the template would have changed under us
            raise RuntimeError(f"the record layer's script holds its data stand-in {script.count(mark)} times")
        script = script.replace(mark, htmlsafe_json_dumps(value, **_JSON_KWARGS))
    return script


def show_map(base: MapBase, layer_script: str, *, key: str, height: int, center=None, zoom=None,
             on_change: Callable | None = None) -> None:  # fmt: skip
    """Put the map on the page: the same component and arguments as `st_folium(..., returned_objects=[])`.

    The component's key depends only on the base script, so a new date updates the map in place
    (its zoom and centre kept) instead of remounting it."""
    hash_key = sf.generate_js_hash(base.script, key, False)
    sf._component_func(
        script=base.script,
        header=base.header,
        html=base.html,
        id=base.map_id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=[],
        default={},
        zoom=zoom,
        center=center,
        feature_group=layer_script,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(base.css_links),
        js_links=list(base.js_links),
        on_change=on_change or (lambda: None),
        wrap_longitude=False,
    )


__all__ = ["MapBase", "prepare_base", "prepare_layer", "show_map"]
