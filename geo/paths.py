"""Locations of the bundled data, found from the package, never from the working directory."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
SEEDS_DIR = REPO_ROOT / "seeds"
DICTIONARY_PATH = DATA_DIR / "dictionary.csv"  # generated from the contract below
DATAPACKAGE_PATH = DATA_DIR / "datapackage.json"
SCHEMAS_DIR = DATA_DIR / "schemas"
BASEMAP_PATH = DATA_DIR / "basemap" / "ne_10m_countries_north_atlantic.geojson"
STOPS_PATH = DATA_DIR / "stops.csv"


def seeds_dir_for(data_dir: Path) -> Path:
    """The seeds folder that belongs to a data folder: its sibling `seeds/`."""
    return Path(data_dir).resolve().parent / "seeds"


def basemap_path_for(data_dir: Path) -> Path:
    """The basemap that goes with a data folder: its own `basemap/` when it has one (a full copy of
    data/), else the bundled one (a folder holding only the CSV files)."""
    own = Path(data_dir) / BASEMAP_PATH.parent.name
    return own / BASEMAP_PATH.name if own.is_dir() else BASEMAP_PATH
