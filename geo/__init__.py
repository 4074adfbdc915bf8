"""Domain core of the Arctic Situation Map: records, places, geometry, as-of views, extracts.

Nothing in this package imports Streamlit; the dashboard wires widgets to these functions.
"""
