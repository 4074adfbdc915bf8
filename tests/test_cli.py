"""The command lines fail in one sentence: python -m geo.extract, geo.snapshot and geo.validate.

Each case runs the command as a user does (a subprocess, from another folder) and checks: a
non-zero exit, exactly one line on stderr that names the problem, no traceback, and no output file
left behind (`geo.cli` writes through a temporary file and renames it).
"""

from __future__ import annotations

import csv
import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo import cli
from geo.paths import BASEMAP_PATH, DATA_DIR, REPO_ROOT, SEEDS_DIR

AS_OF = "2026-01-15"
OVERSIZE_FIELD = 140_000  # characters: over the csv module's 128 KiB field limit
TIMEOUT = 120


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    """Data folders made in code, each broken in one way, and places to write to."""
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(SEEDS_DIR, root / "seeds")

    made = {"root": root, "empty": root / "empty"}

    def data_copy(name: str) -> Path:
        made[name] = root / name
        shutil.copytree(DATA_DIR, made[name])
        return made[name]

    data_copy("good")
    made["empty"].mkdir()
    truncated = data_copy("truncated-basemap") / "basemap" / BASEMAP_PATH.name
    truncated.write_bytes(BASEMAP_PATH.read_bytes()[:1000])
    (data_copy("missing-basemap") / "basemap" / BASEMAP_PATH.name).unlink()
    oversize = data_copy("oversize") / "records.csv"
    with open(oversize, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("title")] = "x" * OVERSIZE_FIELD
    with open(oversize, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    # A header field over the limit: the whole file cannot be read (a data row over it is one row
    # lost, and the others are read: tests/test_validate.py counts them).
    header_oversize = data_copy("oversize-header") / "records.csv"
    rows[0][0] = "x" * OVERSIZE_FIELD
    rows[1][rows[0].index("title")] = "A title"
    with open(header_oversize, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    records_folder = data_copy("records-is-a-folder") / "records.csv"
    records_folder.unlink()
    records_folder.mkdir()
    return made


def run_cli(module: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )


def fill(args: list[str], folders: dict[str, Path]) -> list[str]:
    return [arg.format(**{name: str(path) for name, path in folders.items()}) for arg in args]


EXTRACT, SNAPSHOT, VALIDATE = "geo.extract", "geo.snapshot", "geo.validate"
CASES = [
    # --- geo.extract
    pytest.param(EXTRACT, ["--as-of", "2026-13-45"], 2, "'2026-13-45' is not a date; expected YYYY-MM-DD", id="extract-bad-date"),
    pytest.param(EXTRACT, ["--as-of", AS_OF, "--format", "kml"], 2, "invalid choice: 'kml'", id="extract-unknown-format"),
    pytest.param(EXTRACT, ["--as-of", "2026-01-14", "--since", AS_OF], 2, "is after --as-of", id="extract-since-after-as-of"),
    pytest.param(EXTRACT, ["--as-of", AS_OF, "--bogus"], 2, "unrecognized arguments: --bogus", id="extract-unknown-option"),
    pytest.param(EXTRACT, [], 2, "the following arguments are required: --as-of", id="extract-no-date"),
    pytest.param(EXTRACT, ["--as-of", AS_OF, "--data-dir", "/nonexistent"], 2, "/nonexistent is not a folder", id="extract-data-dir-missing"),
    pytest.param(EXTRACT, ["--as-of", AS_OF, "--data-dir", "{good}/records.csv"], 2, "records.csv is not a folder", id="extract-data-dir-is-a-file"),
    pytest.param(EXTRACT, ["--as-of", AS_OF, "--data-dir", "{empty}"], 1, "no valid records in", id="extract-data-dir-empty"),
    pytest.param(EXTRACT, ["--as-of", AS_OF, "--data-dir", "{oversize-header}"], 1, "no valid records in", id="extract-oversize-header-field"),
    pytest.param(EXTRACT, ["--as-of", AS_OF, "--data-dir", "{records-is-a-folder}"], 1, "no valid records in", id="extract-records-is-a-folder"),
    pytest.param(EXTRACT, ["--as-of", "2025-01-01"], 1, "nothing was known as of 2025-01-01", id="extract-before-the-first-record"),
    pytest.param(EXTRACT, ["--as-of", AS_OF, "-o", "{root}/missing/extract.csv"], 1, "missing does not exist", id="extract-output-folder-missing"),
    pytest.param(EXTRACT, ["--as-of", AS_OF, "-o", "{root}"], 1, "is a folder; give a file name", id="extract-output-is-a-folder"),
    pytest.param(EXTRACT, ["--as-of", AS_OF, "-o", "/sys/extract.csv"], 1, "cannot write /sys/extract.csv: permission denied", id="extract-output-read-only"),
    pytest.param(EXTRACT, ["--as-of", AS_OF, "-o", "/dev/full"], 1, "cannot write /dev/full: the disk is full", id="extract-disk-full"),
    # The map formats need the outlines; the CSV does not, and is written without them.
    pytest.param(EXTRACT, ["--as-of", AS_OF, "--format", "geojson", "--data-dir", "{truncated-basemap}"], 1, "is not valid GeoJSON (truncated", id="extract-truncated-basemap"),
    pytest.param(EXTRACT, ["--as-of", AS_OF, "--format", "gpkg", "--data-dir", "{missing-basemap}"], 1, ".geojson is missing; restore it", id="extract-missing-basemap"),
    # --- geo.snapshot
    pytest.param(SNAPSHOT, ["--as-of", "15/01/2026"], 2, "'15/01/2026' is not a date", id="snapshot-bad-date"),
    pytest.param(SNAPSHOT, ["--as-of", AS_OF, "--view", "globe"], 2, "invalid choice: 'globe'", id="snapshot-unknown-view"),
    pytest.param(SNAPSHOT, ["--as-of", AS_OF, "--data-dir", "/nonexistent"], 2, "/nonexistent is not a folder", id="snapshot-data-dir-missing"),
    pytest.param(SNAPSHOT, ["--as-of", AS_OF, "--data-dir", "{empty}"], 1, "no valid records in", id="snapshot-data-dir-empty"),
    pytest.param(SNAPSHOT, ["--as-of", "2025-01-01"], 1, "nothing was known as of 2025-01-01", id="snapshot-before-the-first-record"),
    pytest.param(SNAPSHOT, ["--as-of", AS_OF, "-o", "{root}/missing/b.html"], 1, "missing does not exist", id="snapshot-output-folder-missing"),
    pytest.param(SNAPSHOT, ["--as-of", AS_OF, "-o", "{root}"], 1, "is a folder; give a file name", id="snapshot-output-is-a-folder"),
    pytest.param(SNAPSHOT, ["--as-of", AS_OF, "-o", "/sys/b.html"], 1, "cannot write /sys/b.html: permission denied", id="snapshot-output-read-only"),
    pytest.param(SNAPSHOT, ["--as-of", AS_OF, "-o", "/dev/full"], 1, "cannot write /dev/full: the disk is full", id="snapshot-disk-full"),
    pytest.param(SNAPSHOT, ["--as-of", AS_OF, "--data-dir", "{truncated-basemap}"], 1, "is not valid GeoJSON (truncated", id="snapshot-truncated-basemap"),
    pytest.param(SNAPSHOT, ["--as-of", AS_OF, "--data-dir", "{missing-basemap}"], 1, ".geojson is missing; restore it", id="snapshot-missing-basemap"),
    # --- geo.validate (problems go to stdout, one per line; stderr has the one-line summary)
    pytest.param(VALIDATE, ["/nonexistent"], 2, "/nonexistent is not a folder", id="validate-folder-missing"),
    pytest.param(VALIDATE, ["{good}/records.csv"], 2, "records.csv is not a folder", id="validate-folder-is-a-file"),
    pytest.param(VALIDATE, ["{good}", "{good}"], 2, "unrecognized arguments", id="validate-two-folders"),
    pytest.param(VALIDATE, ["{empty}"], 1, "problem(s) in", id="validate-empty-folder"),
    pytest.param(VALIDATE, ["{oversize}"], 1, "problem(s) in", id="validate-oversize-field"),
    pytest.param(VALIDATE, ["{oversize-header}"], 1, "records.csv could not be read (its header cannot be read)", id="validate-oversize-header-field"),
    pytest.param(VALIDATE, ["{records-is-a-folder}"], 1, "problem(s) in", id="validate-records-is-a-folder"),
]  # fmt: skip


@pytest.mark.parametrize(("module", "args", "code", "wording"), CASES)
def test_a_bad_argument_path_or_file_fails_in_one_sentence(folders, tmp_path, module, args, code, wording):
    done = run_cli(module, fill(args, folders), cwd=tmp_path)
    assert done.returncode == code, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{done.stderr}"
    assert "Traceback" not in done.stderr
    assert wording in lines[0], lines[0]
    assert list(tmp_path.iterdir()) == [], "nothing is written on failure"
    assert [p.name for p in folders["root"].iterdir() if p.name.startswith(".")] == [], "no temporary file is left"


@pytest.mark.parametrize(
    ("module", "name"),
    [pytest.param(EXTRACT, "extract.csv", id="extract"), pytest.param(SNAPSHOT, "briefing.html", id="snapshot")],
)
def test_output_is_written_whole_with_ordinary_permissions(tmp_path, module, name):
    target = tmp_path / name
    target.write_text("an older file")
    done = run_cli(module, ["--as-of", AS_OF, "-o", str(target)], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert target.stat().st_size > 1000
    assert target.stat().st_mode & 0o777 == 0o666 & ~current_umask()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name], "no temporary file is left"


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "extract.csv"
    target.write_text("the previous extract")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cli.os, "fsync", full_disk)
    with pytest.raises(cli.CommandError, match=r"cannot write .*extract\.csv: the disk is full; .*nothing was written"):
        cli.write_output(b"new bytes", target)
    assert target.read_text() == "the previous extract"
    assert [p.name for p in tmp_path.iterdir()] == ["extract.csv"]


def test_a_closed_pipe_is_one_sentence(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = f"{sys.executable} -m geo.extract --as-of {AS_OF} --format geojson | head -c 10 > /dev/null"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    lines = done.stderr.splitlines()
    assert "Traceback" not in done.stderr
    assert len(lines) <= 1, done.stderr  # the GeoJSON may fit the pipe's buffer: then no error at all
    if lines:
        assert done.returncode != 0 and "output pipe was closed" in lines[0]


def test_unexpected_errors_become_one_line(capsys):
    def broken(argv):
        raise ZeroDivisionError("division by zero")

    assert cli.run(broken, "python -m geo.example") == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "python -m geo.example: error: unexpected ZeroDivisionError: division by zero; check the input files with python -m geo.validate"
    ]
