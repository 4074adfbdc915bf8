"""The data dictionary (data/dictionary.csv): the contract every data file and extract follows."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from geo.paths import DICTIONARY_PATH


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


def load_dictionary(path: Path = DICTIONARY_PATH) -> dict[str, list[Column]]:
    """Columns per file name, in the order the dictionary lists them."""
    columns: dict[str, list[Column]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            column = Column(
                file=row["file"],
                name=row["column"],
                type=row["type"],
                is_required=row["required"] == "yes",
                allowed=row["allowed"],
                blank_means=row["blank_means"],
                description=row["description"],
            )
            columns.setdefault(column.file, []).append(column)
    return columns


def column_names(file: str, path: Path = DICTIONARY_PATH) -> list[str]:
    """The documented column names of one file, in dictionary order."""
    return [column.name for column in load_dictionary(path)[file]]
