"""The map views the dashboard, the snapshot and the briefing stops know: a light module, so that
the curator's validator checks stops without loading the map stack (folium, geopandas)."""

VIEWS = {"mercator": "Web Mercator", "polar": "Arctic polar stereographic (EPSG:3413)"}
POLAR_CRS = "EPSG:3413"
