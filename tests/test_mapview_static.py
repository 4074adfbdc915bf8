"""The base map's outlines can be served as one static script instead of travelling with every step."""

from geo.asof import placed_frame
from geo.basemap import load_basemap
from geo.leaflet import build_base_map, prepare_base_layers, serve_base_layers
from geo.records import load_dataset


def test_served_outlines_leave_the_map_script_and_load_from_one_static_file(tmp_path):
    placed = placed_frame(load_dataset())  # every place any claim names: what the frame must hold
    inline = prepare_base_layers(load_basemap(), "polar")
    served = serve_base_layers(inline, tmp_path, "/app/static/outlines")

    (script,) = tmp_path.glob("outlines-polar-*.js")
    body = script.read_text(encoding="utf-8")
    for name, data in (("land", inline.land), ("greenland", inline.greenland), ("graticule", inline.graticule)):
        assert f'window.asmOutlines["polar-{name}"] = {data.text};' in body
    assert served.script_urls == (f"/app/static/outlines/{script.name}",)
    assert served.land.bounds == inline.land.bounds

    page = build_base_map(load_basemap(), placed, "polar", layers=served).get_root().render()
    assert inline.land.text not in page
    assert 'L.geoJson(window.asmOutlines["polar-land"]' in page
    assert f"/app/static/outlines/{script.name}" in page  # loaded as one of the map's scripts

    again = serve_base_layers(inline, tmp_path, "/app/static/outlines")
    assert again == served and len(list(tmp_path.iterdir())) == 1, "same content, same file: written once"


def test_the_map_script_gets_the_kinds_from_python_and_defines_none_itself():
    """Kinds are defined once (geo.display.KINDS): the base map hands them to the script, in their
    order, and the script holds only the symbols' geometry, no label or colour of its own."""
    import json
    import re

    from geo.display import KINDS
    from geo.leaflet import read_static

    page = build_base_map(load_basemap(), placed_frame(load_dataset()), "mercator").get_root().render()
    handed = json.loads(re.search(r"window\.asm\.setKinds\((\[.*?\])\);", page).group(1))
    assert [k["kind"] for k in handed] == list(KINDS)
    assert {k["kind"]: (k["label"], k["colour"], k["shape"]) for k in handed} == KINDS
    script = read_static("asm_map.js")
    own = [value for label, colour, _ in KINDS.values() for value in (f'"{label}"', colour) if value in script]
    assert not own, f"asm_map.js still defines kinds of its own: {own}"
    shapes = set(re.findall(r"^\s{4}(\w+): '<", script, re.MULTILINE))
    assert {shape for _, _, shape in KINDS.values()} <= shapes, "a kind's symbol has no geometry in the script"
