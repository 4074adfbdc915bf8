"""A minimal Streamlit + folium app, the yardstick for the dashboard's slider step (benchmarks only).

A date slider and one GeoJSON layer of points (the records known as of the date, resolved from
their claims by geo.asof.as_of_view, each a small div marker with its record id) handed to st_folium as `feature_group_to_add` on a bare map. No basemap,
no panel, no extract. bench_dashboard.py --reference runs it from a temporary folder whose
`static/` links to dashboard/static (Leaflet served locally), with ASM_DATA_DIR set.
"""

import os
from pathlib import Path

import folium
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from geo.asof import as_of_view, default_date, key_dates
from geo.paths import DATA_DIR
from geo.records import load_dataset

POINT = folium.JsCode(
    "function (f, latlng) { var d = document.createElement('div'); d.className = 'asm-marker';"
    " d.setAttribute('data-record-id', f.properties.record_id);"
    " d.style.cssText = 'width:10px;height:10px;border-radius:5px;background:' +"
    " (f.properties.status === 'planned' ? '#fff' : '#0072B2');"
    " return L.marker(latlng, {icon: L.divIcon({className: '', html: d, iconSize: [10, 10]})}); }"
)


class ExposeMap(MacroElement):
    """`window.asmMap`, as the dashboard sets it, so the benchmark can read zoom and centre."""

    _template = Template("{% macro script(this, kwargs) %}window.asmMap = {{ this._parent.get_name() }};{% endmacro %}")


@st.cache_resource
def dataset(folder: str):
    return load_dataset(Path(folder))


situation = dataset(os.environ.get("ASM_DATA_DIR", str(DATA_DIR)))
days = key_dates(situation)
as_of = st.select_slider("As of", options=days, value=default_date(situation))
view = as_of_view(situation, as_of)  # records resolved from the claims known by then
placed = view[view["lat"].notna() & view["geo_precision"].notna()]
features = [
    {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
        "properties": {"record_id": row.record_id, "status": row.status},
    }
    for row in placed.itertuples()
]
fmap = folium.Map(location=[60, -30], zoom_start=3, tiles=None)
fmap.default_js = [("leaflet", "/app/static/leaflet/leaflet.js")]
fmap.default_css = [("leaflet", "/app/static/leaflet/leaflet.css")]
ExposeMap().add_to(fmap)
group = folium.FeatureGroup(name="records")
folium.GeoJson({"type": "FeatureCollection", "features": features}, point_to_layer=POINT).add_to(group)
st_folium(
    fmap, key="reference-map", feature_group_to_add=group, returned_objects=[], height=560, use_container_width=True
)
