"""The data contract: `data/datapackage.json` and `data/schemas/*.schema.json` (Frictionless Data
Package and Table Schemas) describe every data file and every extract. They are the one definition:

- the loader's structural checks (`geo.records`) read their columns, types, allowed values and
  required flags from here;
- `frictionless validate data/datapackage.json` checks the data files, foreign keys included, with
  no project code;
- `data/dictionary.csv`, the table a person reads, is generated from them:

    python -m geo.dictionary          # rewrite data/dictionary.csv
    python -m geo.dictionary --check  # exit 1 when it is out of date

Each field carries the project's own type (`asm:type`: id, enum, iso3, place_ref, quote, …), the
allowed values in words (`asm:allowed`) and what a blank means (`asm:blankMeans`) beside the Table
Schema type and constraints.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from geo.paths import DATAPACKAGE_PATH, DICTIONARY_PATH, SCHEMAS_DIR

DICTIONARY_HEADER = ["file", "column", "type", "required", "allowed", "blank_means", "description"]
SINCE_MARK = "_since."  # data/schemas/extract_since.csv.schema.json: the extract written with --since


@dataclass(frozen=True)
class Column:
    file: str
    name: str
    type: str
    is_required: bool
    allowed: str
    blank_means: str
    description: str

    def allowed_values(self) -> tuple[str, ...]:
        """The values an `enum` column may take (empty for other types)."""
        return tuple(self.allowed.split("|")) if self.type == "enum" else ()


def _column(file: str, spec: dict) -> Column:
    return Column(
        file=file,
        name=spec["name"],
        type=spec["asm:type"],
        is_required=bool(spec.get("constraints", {}).get("required")),
        allowed=spec["asm:allowed"],
        blank_means=spec["asm:blankMeans"],
        description=spec.get("description", ""),
    )


def _schemas(package_path: Path) -> list[tuple[str, dict]]:
    """(file name, Table Schema) of every data file and extract, in dictionary order."""
    package = json.loads(Path(package_path).read_text(encoding="utf-8"))
    found = [(resource["path"], resource["schema"]) for resource in package["resources"]]
    for path in sorted(Path(package_path).parent.joinpath(SCHEMAS_DIR.name).glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        found.append((schema["asm:file"] + (" --since" if SINCE_MARK in path.name else ""), schema))
    return found


def load_dictionary(path: Path = DATAPACKAGE_PATH) -> dict[str, list[Column]]:
    """Columns per file name, in schema order. An extract written with --since adds its extra
    columns (`change`) to the extract's own list."""
    columns: dict[str, list[Column]] = {}
    for file, schema in _schemas(path):
        base = file.removesuffix(" --since")
        known = {column.name for column in columns.get(base, [])}
        for spec in schema["fields"]:
            if spec["name"] not in known:
                columns.setdefault(base, []).append(_column(base, spec))
    return columns


def column_names(file: str, path: Path = DATAPACKAGE_PATH) -> list[str]:
    """The documented column names of one file, in schema order."""
    return [column.name for column in load_dictionary(path)[file]]


def render_dictionary(path: Path = DATAPACKAGE_PATH) -> str:
    """data/dictionary.csv as generated from the contract."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DICTIONARY_HEADER)
    for columns in load_dictionary(path).values():
        for c in columns:
            writer.writerow(
                [c.file, c.name, c.type, "yes" if c.is_required else "no", c.allowed, c.blank_means, c.description]
            )
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m geo.dictionary", description="Generate data/dictionary.csv from data/datapackage.json."
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when data/dictionary.csv is out of date")
    args = parser.parse_args(argv)
    text = render_dictionary()
    if args.check:
        current = DICTIONARY_PATH.read_text(encoding="utf-8") if DICTIONARY_PATH.is_file() else ""
        if current != text:
            print(f"{DICTIONARY_PATH} is out of date; run: python -m geo.dictionary", file=sys.stderr)
            return 1
        print(f"{DICTIONARY_PATH} is up to date")
        return 0
    DICTIONARY_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {DICTIONARY_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
