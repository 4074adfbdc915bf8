"""The curator's validator: check every data file against the data dictionary and the seeds.

    python -m geo.validate [DATA_DIR]

DATA_DIR defaults to the bundled data/; its seeds are the sibling folder seeds/. The checks are the
ones the dashboard runs (`geo.records.load_dataset`, and `geo.stops.load_stops` for stops.csv), so
the validator and the app never disagree. Prints one line per problem, `file:line: field: what is
wrong; what would be right`, and exits 1; exits 0 with a one-line summary when everything is clean,
and 2 when the data folder does not exist.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

from geo.asof import date_span
from geo.cli import ArgumentParser, run
from geo.paths import DATA_DIR, STOPS_PATH
from geo.records import Dataset, Problem, load_dataset
from geo.stops import Stop, load_stops

PROG = "python -m geo.validate"
STOPS_FILE = STOPS_PATH.name
ANY_DAY = (dt.date.min, dt.date.max)  # stops are checked against this span when no record is valid


@dataclass
class Report:
    """What the validator found in one data folder."""

    data_dir: Path
    dataset: Dataset
    stops: list[Stop] = field(default_factory=list)
    stop_problems: list[Problem] = field(default_factory=list)
    has_stops_file: bool = False

    @property
    def problems(self) -> list[Problem]:
        """Every problem, file by file (in the order the files were checked), then by line."""
        found = [*self.dataset.problems, *self.stop_problems]
        file_order = {file: index for index, file in enumerate(dict.fromkeys(p.file for p in found))}
        return sorted(found, key=lambda p: (file_order[p.file], -1 if p.line is None else p.line))

    @property
    def is_clean(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line: the counts when clean, else how much was rejected."""
        data = self.dataset
        stops = f", {len(self.stops)} stops" if self.has_stops_file else ""
        if self.is_clean:
            return f"OK: {len(data.records)} records, {len(data.places)} places{stops} in {self.data_dir}"
        skipped = f"; {len(self.stop_problems)} stop problem(s)" if self.stop_problems else ""
        # The same counts as the dashboard's banner: rejected rows, and rows that could not be read.
        return f"{len(self.problems)} problem(s) in {self.data_dir}: rejected {data.losses()}; {data.shown_text()}{skipped}"


def check_stops(path: Path, dataset: Dataset) -> tuple[list[Stop], list[Problem]]:
    """The stops file, checked as the dashboard checks it, against the valid records' dates."""
    return load_stops(path, date_span(dataset) if not dataset.records.empty else ANY_DAY)


def validate(data_dir: Path = DATA_DIR) -> Report:
    """Check records.csv and places.csv (with the seeds), and stops.csv if the folder has one."""
    data_dir = Path(data_dir)
    dataset = load_dataset(data_dir)
    report = Report(data_dir=data_dir, dataset=dataset)
    stops_path = data_dir / STOPS_FILE
    if stops_path.exists():
        report.has_stops_file = True
        report.stops, report.stop_problems = check_stops(stops_path, dataset)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(
        prog=PROG,
        description="Check the data files against data/dictionary.csv and the seeds.",
    )
    parser.add_argument(
        "data_dir", nargs="?", type=Path, default=DATA_DIR, help=f"the data folder (default: {DATA_DIR})"
    )
    args = parser.parse_args(argv)
    if not args.data_dir.is_dir():
        parser.error(f"{args.data_dir} is not a folder; give the folder that holds records.csv and places.csv")
    report = validate(args.data_dir)
    for problem in report.problems:
        print(problem)
    if report.is_clean:
        print(report.summary())
        return 0
    print(report.summary(), file=sys.stderr)
    return 1


def cli() -> int:
    """The console script's entry point (see pyproject.toml): `main` with one-line failures."""
    return run(main, PROG)


if __name__ == "__main__":
    raise SystemExit(cli())
