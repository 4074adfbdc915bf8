"""Where a script run of the dashboard spends its time: cProfile of one slider step, no browser.

    .venv/bin/python benchmarks/profile_app.py [--size bundled|N] [--top 25] [--sort cumulative|tottime]

Runs dashboard/app.py headless with streamlit.testing.v1.AppTest: a first run (fills the caches,
timed; profiled instead of the step with --first), then one slider step under cProfile, and prints
the functions that took longest. The server-side part only; bench_dashboard.py measures what the
reader sees. Modules already imported by AppTest itself are not counted in the first run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from streamlit.runtime.scriptrunner import script_runner  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from synthetic_data import check_clean, write_synthetic_data  # noqa: E402

from geo.asof import date_span, key_dates  # noqa: E402
from geo.records import load_dataset  # noqa: E402

APP = REPO_ROOT / "dashboard" / "app.py"
PROFILER: cProfile.Profile | None = None  # set while a run is profiled
_exec = script_runner.exec_func_with_error_handling


def _profiled_exec(func, ctx):
    """The script runs in its own thread: profile it there, around the script's code."""
    if PROFILER is None:
        return _exec(func, ctx)
    PROFILER.enable()
    try:
        return _exec(func, ctx)
    finally:
        PROFILER.disable()


script_runner.exec_func_with_error_handling = _profiled_exec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="bundled", help="bundled, or a number of synthetic records")
    parser.add_argument("--seed", type=int, default=20260114)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    parser.add_argument("--callers", help="also list the callers of functions matching this pattern")
    parser.add_argument("--first", action="store_true", help="profile the first run (cold caches) instead of a step")
    parser.add_argument("--steps", type=int, default=3, help="slider steps timed after the profiled one")
    args = parser.parse_args(argv)
    global PROFILER
    with tempfile.TemporaryDirectory(prefix="asm-profile-") as scratch:
        if args.size != "bundled":
            data_dir = write_synthetic_data(Path(scratch), int(args.size), args.seed, date_span(load_dataset()))
            os.environ["ASM_DATA_DIR"] = str(data_dir)
        situation = check_clean(Path(os.environ.get("ASM_DATA_DIR", REPO_ROOT / "data")))
        app = AppTest.from_file(str(APP), default_timeout=600)
        first_profiler = PROFILER = cProfile.Profile() if args.first else None
        started = time.perf_counter()
        app.run()
        PROFILER = None
        print(f"first run (caches filled): {time.perf_counter() - started:.2f} s")
        if first_profiler:
            out = io.StringIO()
            pstats.Stats(first_profiler, stream=out).strip_dirs().sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())
            return 0
        if app.exception:
            print(app.exception)
            return 1
        days = key_dates(situation)
        index = max(days.index(app.session_state["as_of"]) - 1, 0)  # one key date back
        app.session_state["as_of"] = days[index]
        profiler = PROFILER = cProfile.Profile()
        started = time.perf_counter()
        app.run()
        PROFILER = None
        print(f"profiled step: {time.perf_counter() - started:.2f} s (with the profiler's overhead)")
        timings = []
        for step in range(args.steps):
            app.session_state["as_of"] = days[(index + step + 1) % len(days)]
            started = time.perf_counter()
            app.run()
            timings.append(time.perf_counter() - started)
        if timings:
            print("unprofiled steps: " + ", ".join(f"{t * 1000:.0f} ms" for t in timings))
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort).print_stats(args.top)
        if args.callers:
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort).print_callers(args.callers)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
