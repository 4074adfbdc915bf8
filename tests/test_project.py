"""The project as Python people expect it: ruff's lint and format clean, and the command lines
declared in pyproject.toml resolving to real functions."""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib

import pytest

from geo.paths import REPO_ROOT


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["lint", "format"])
def test_ruff_is_clean(command):
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *command], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_console_scripts_point_at_real_commands():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    scripts = project["scripts"]
    assert set(scripts) == {"asm-extract", "asm-snapshot", "asm-validate", "asm-dictionary", "asm-basemap"}
    for target in scripts.values():
        module, function = target.split(":")
        assert callable(getattr(importlib.import_module(module), function)), target


def test_console_script_fails_in_one_sentence_like_python_m():
    done = subprocess.run([sys.executable, "-c", "import sys; from geo.extract import cli; sys.argv = ['asm-extract', '--as-of', 'soon']; raise SystemExit(cli())"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "'soon' is not a date" in done.stderr
