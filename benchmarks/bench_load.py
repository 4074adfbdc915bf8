"""A room at once: N browser sessions stepping the date slider together against one dashboard server.

    .venv/bin/python benchmarks/bench_load.py [--sessions 1,5,10,20] [--steps 10] [--max-minutes 12]

For each N in --sessions this starts a fresh `streamlit run dashboard/app.py` on a free 127.0.0.1
port (tests/support/browser.py: headless, run from the repository root so the committed
.streamlit/config.toml applies, bundled data) and opens N pages in one headless Chromium (one
browser context each, 1400x1000, every request that would leave 127.0.0.1 aborted). Once every page
shows its map, all N start together: each presses ArrowLeft on the date slider ceil(K/2) times from
the default date, then ArrowRight floor(K/2) times (K = --steps), one step after another, as fast as
its own steps finish. A step is timed exactly as in bench_dashboard.py (its page helpers and plan are
imported, not copied): from the keydown to the frame painted after the map iframe shows the expected
as-of set for the new date with nothing of the previous layer left (or, when the record layer does
not change, to the end of the script run); the next step starts once the page's script run has
ended.

Reported per N: step median and p90 over every session's steps, the median's ratio to the N=1
median (when 1 is in --sessions), the server's CPU seconds per step (utime+stime of the streamlit
process and its children from /proc, over the stepping phase, divided by the steps taken), the same
for the harness (the Playwright driver and Chromium: they share the machine's 2 cores with the
server, so read both), the server's resident memory after the stepping with the N pages open (total,
per session, and the increase per extra session over the N=1 run), errors (uncaught exceptions in
pages, error boxes on screen, websocket errors or closes while a session is open, steps that did not
finish or left the slider elsewhere, tracebacks in the server log, requests that tried to leave the
machine) and the 1-minute load average sampled during the stepping. The issue's target (issue 11,
part 7): with 20 sessions the median step within 2x the single-session median, with 0 errors.

Bounded: at most --steps steps per session, a step gives up after ASM_BENCH_STEP_TIMEOUT_MS
(bench_dashboard.py, 180 s by default) and counts as an error, and each N stops stepping once
--max-minutes have passed since the run began (the rest are reported as not taken). Prints a table
and writes JSON to benchmarks/results/ (git-ignored). A benchmark, not a test: asserts no time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_dashboard import (  # noqa: E402
    COLD_TIMEOUT_MS,
    IDLE,
    PAGE_HELPERS,
    REPO_ROOT,
    RESULTS_DIR,
    SLIDER,
    STEP_TIMEOUT_MS,
    VIEWPORT,
    Plan,
    child_pids,
    git_commit,
    memory_mib,
    percentile,
    plan_for,
)
from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from geo.records import load_dataset  # noqa: E402
from tests.support.browser import CHROMIUM_FLAGS, LOCAL_PREFIXES, chromium_executable, streamlit_server  # noqa: E402

TARGET_SESSIONS = 20
TARGET_RATIO = 2.0
ERROR_BOXES = '[data-testid="stException"], [data-testid="stAlertContentError"]'
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# After a step: what the page shows (error boxes, the slider's index, whether the map iframe is the same window).
AFTER_STEP = """([tag, boxes, slider]) => {
  const frame = window.__asmBench.mapFrame();
  const input = document.querySelector(slider);
  return {
    step: window.__asmBench.step,
    boxes: [...document.querySelectorAll(boxes)].map((el) => el.innerText.slice(0, 200)),
    value: input ? Number(input.getAttribute('value')) : null,
    kept: !!(frame && frame.contentWindow && frame.contentWindow.__benchTag === tag),
  };
}"""


@dataclass
class SessionResult:
    index: int
    cold_s: float | None = None  # page open -> first marker painted (all N pages open at once)
    steps_ms: list[float] = field(default_factory=list)  # map-changing steps
    same_map_ms: list[float] = field(default_factory=list)  # steps whose record layer does not change
    not_taken: int = 0  # steps skipped at the time limit or after a failed step
    reloads: int = 0
    errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the given processes, in seconds (a process that is gone counts 0)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5), after pid and comm
    return total / CLOCK_TICKS


def server_pids(server) -> list[int]:
    return [server.process.pid, *child_pids(server.process.pid)]


def harness_pids(exclude: set[int]) -> list[int]:
    """Everything this process started except the server: the Playwright driver and Chromium's processes."""
    return [pid for pid in child_pids(os.getpid()) if pid not in exclude]


def step_route(plan: Plan, steps: int) -> list[tuple[int, str]]:
    """ceil(K/2) steps back from the default date, then floor(K/2) forward (bounded by the key dates)."""
    index = plan.days.index(plan.default)
    back = math.ceil(steps / 2)
    if index - back < 0:  # the default is near the start: go forward first
        forward_first = [(index + i, "ArrowRight") for i in range(1, back + 1) if index + i < len(plan.days)]
        end = forward_first[-1][0] if forward_first else index
        return forward_first + [(end - i, "ArrowLeft") for i in range(1, steps - len(forward_first) + 1)]
    route = [(index - i, "ArrowLeft") for i in range(1, back + 1)]
    return route + [(index - back + i, "ArrowRight") for i in range(1, steps - back + 1)]


async def open_session(browser, server, result: SessionResult, tag: str):
    """A watched page on the server, once its map is painted; returns (context, page, closed-flag holder)."""
    context = await browser.new_context(viewport=VIEWPORT, service_workers="block")
    state = {"open": True}

    async def offline(route):
        if route.request.url.startswith(LOCAL_PREFIXES):
            await route.continue_()
        else:
            result.errors.append(f"request left the machine: {route.request.url[:120]}")
            await route.abort()

    def on_socket(socket):
        socket.on("socketerror", lambda error: result.errors.append(f"websocket error: {error}"))
        socket.on("close", lambda _: state["open"] and result.errors.append(f"websocket closed: {socket.url}"))

    def on_console(message):
        if message.type == "error":
            result.console_errors.append(message.text[:200])

    await context.route("**/*", offline)
    page = await context.new_page()
    page.on("pageerror", lambda error: result.errors.append(f"uncaught exception: {str(error)[:200]}"))
    page.on("websocket", on_socket)
    page.on("console", on_console)
    await page.add_init_script(PAGE_HELPERS)
    opened = time.perf_counter()
    await page.goto(server.url, wait_until="commit", timeout=COLD_TIMEOUT_MS)
    await page.evaluate("(ms) => window.__asmBench.coldStart(ms)", COLD_TIMEOUT_MS)
    result.cold_s = time.perf_counter() - opened
    await page.wait_for_function(
        "() => window.__asmBench.mapFrame().contentWindow.asmMap !== undefined", timeout=COLD_TIMEOUT_MS
    )
    await page.wait_for_function(IDLE, timeout=COLD_TIMEOUT_MS, polling=100)
    await page.evaluate("(tag) => { window.__asmBench.mapFrame().contentWindow.__benchTag = tag; }", tag)
    return context, page, state


async def step_session(page, plan: Plan, route, result: SessionResult, tag: str, deadline: float) -> None:
    slider = page.locator(SLIDER)
    index = plan.days.index(plan.default)
    for taken, (target, key) in enumerate(route):
        if time.monotonic() > deadline:
            result.not_taken += len(route) - taken
            return
        day, previous = plan.days[target], plan.days[index]
        changes = plan.layer[day] != plan.layer[previous]
        try:
            await page.wait_for_function(IDLE, timeout=STEP_TIMEOUT_MS, polling=50)
            await slider.focus()
            await page.evaluate("([ids, changes]) => window.__asmBench.arm(ids, changes)", [plan.drawn[day], changes])
            await page.keyboard.press(key)
            await page.wait_for_function(
                "() => window.__asmBench.step.end !== null", timeout=STEP_TIMEOUT_MS, polling=50
            )
        except PlaywrightTimeout:
            result.errors.append(f"step {previous} -> {day} did not finish within {STEP_TIMEOUT_MS} ms")
            result.not_taken += len(route) - taken - 1
            return
        after = await page.evaluate(AFTER_STEP, [tag, ERROR_BOXES, SLIDER])
        (result.steps_ms if changes else result.same_map_ms).append(after["step"]["end"] - after["step"]["start"])
        result.reloads += not after["kept"]
        for box in after["boxes"]:
            result.errors.append(f"error box after {previous} -> {day}: {box}")
        if after["value"] != target:
            result.errors.append(f"slider at index {after['value']} after {key}, expected {target}")
            result.not_taken += len(route) - taken - 1
            return
        index = target
    with contextlib.suppress(PlaywrightTimeout):  # the last script run ends before the CPU is read
        await page.wait_for_function(IDLE, timeout=STEP_TIMEOUT_MS, polling=100)


async def sample_load(samples: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append(os.getloadavg()[0])
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=2.0)
    samples.append(os.getloadavg()[0])


async def run_n(browser, n: int, plan: Plan, steps: int, deadline: float, log_dir: Path) -> dict:
    """One fresh server, N pages opened together, then all stepping together."""
    route = step_route(plan, steps)
    results = [SessionResult(index=i) for i in range(n)]
    tags = [secrets.token_hex(8) for _ in range(n)]
    with streamlit_server(log_dir=log_dir) as server:
        pids = set(server_pids(server))
        _, idle_rss = memory_mib(server.process.pid)
        opening = time.perf_counter()
        opened = await asyncio.gather(
            *(open_session(browser, server, results[i], tags[i]) for i in range(n)), return_exceptions=True
        )
        all_open_s = time.perf_counter() - opening
        pages = []
        for result, item in zip(results, opened):
            if isinstance(item, BaseException):
                result.errors.append(f"page did not open: {type(item).__name__}: {str(item)[:200]}")
                result.not_taken = len(route)
            else:
                pages.append((result, *item))
        await asyncio.sleep(1.0)  # let every page settle before the clocks start
        pids |= set(server_pids(server))
        server_cpu0, harness_cpu0 = cpu_seconds(sorted(pids)), cpu_seconds(harness_pids(pids))
        load0 = os.getloadavg()
        loads: list[float] = []
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_load(loads, stop))
        began = time.perf_counter()
        await asyncio.gather(
            *(step_session(page, plan, route, result, tags[result.index], deadline) for result, _, page, _ in pages)
        )
        stepping_s = time.perf_counter() - began
        pids |= set(server_pids(server))
        server_cpu = cpu_seconds(sorted(pids)) - server_cpu0
        harness_cpu = cpu_seconds(harness_pids(pids)) - harness_cpu0
        stop.set()
        await sampler
        peak_rss, rss = memory_mib(server.process.pid)
        for _, context, _, state in pages:
            state["open"] = False
            await context.close()
        tracebacks = server.log().count("Traceback (most recent call last)")
    steps_ms = [ms for r in results for ms in r.steps_ms]
    same_map = [ms for r in results for ms in r.same_map_ms]
    taken = len(steps_ms) + len(same_map)
    errors = [e for r in results for e in r.errors] + [f"{tracebacks} traceback(s) in the server log"] * bool(
        tracebacks
    )
    return {
        "sessions": n,
        "steps_per_session": len(route),
        "steps_taken": taken,
        "steps_not_taken": sum(r.not_taken for r in results),
        "step_ms_median": statistics.median(steps_ms) if steps_ms else None,
        "step_ms_p90": percentile(steps_ms, 0.9),
        "step_ms_max": max(steps_ms) if steps_ms else None,
        "steps_measured": len(steps_ms),
        "same_map_step_ms_median": statistics.median(same_map) if same_map else None,
        "stepping_s": stepping_s,
        "all_pages_open_s": all_open_s,
        "cold_s_median": statistics.median([r.cold_s for r in results if r.cold_s is not None] or [math.nan]),
        "server_cpu_s": server_cpu,
        "server_cpu_s_per_step": server_cpu / taken if taken else None,
        "harness_cpu_s_per_step": harness_cpu / taken if taken else None,
        "server_cores_busy": server_cpu / stepping_s if stepping_s else None,  # 1.0 = one core all the time
        "harness_cores_busy": harness_cpu / stepping_s if stepping_s else None,
        "server_rss_idle_mib": idle_rss,
        "server_rss_mib": rss,
        "server_peak_rss_mib": peak_rss,
        "rss_per_session_mib": rss / n if rss else None,
        "errors": len(errors),
        "error_samples": errors[:20],
        "iframe_reloads": sum(r.reloads for r in results),
        "console_errors": sum(len(r.console_errors) for r in results),
        "console_error_samples": [c for r in results for c in r.console_errors][:10],
        "load_avg_at_start": load0,
        "load_avg_1min_min": min(loads),
        "load_avg_1min_max": max(loads),
        "load_avg_1min_mean": statistics.fmean(loads),
        "sessions_raw": [asdict(r) for r in results],
    }


def add_ratios(summaries: list[dict]) -> None:
    one = next((s for s in summaries if s["sessions"] == 1 and s["step_ms_median"]), None)
    for s in summaries:
        s["median_vs_1"] = s["step_ms_median"] / one["step_ms_median"] if one and s["step_ms_median"] else None
        s["rss_per_extra_session_mib"] = (
            (s["server_rss_mib"] - one["server_rss_mib"]) / (s["sessions"] - 1)
            if one and s["sessions"] > 1 and s["server_rss_mib"] and one["server_rss_mib"]
            else None
        )


def format_table(summaries: list[dict]) -> str:
    def num(value, pattern="{:.0f}"):
        return "—" if value is None else pattern.format(value)

    header = (
        f"{'N':>3} {'steps':>6} {'median ms':>9} {'p90 ms':>7} {'×N=1':>5} {'srv CPU s/step':>14} "
        f"{'srv cores':>9} {'browser CPU s/step':>18} {'browser cores':>13} {'RSS MiB':>7} {'MiB/session':>11} "
        f"{'+MiB/extra':>10} {'errors':>6} {'reloads':>7} {'load 1-min':>10}"
    )
    lines = [header, "-" * len(header)]
    for s in summaries:
        steps = f"{s['steps_taken']}" + (f"+{s['steps_not_taken']}!" if s["steps_not_taken"] else "")
        lines.append(
            f"{s['sessions']:>3} {steps:>6} {num(s['step_ms_median']):>9} {num(s['step_ms_p90']):>7} "
            f"{num(s['median_vs_1'], '{:.2f}'):>5} {num(s['server_cpu_s_per_step'], '{:.3f}'):>14} "
            f"{num(s['server_cores_busy'], '{:.2f}'):>9} {num(s['harness_cpu_s_per_step'], '{:.3f}'):>18} "
            f"{num(s['harness_cores_busy'], '{:.2f}'):>13} {num(s['server_rss_mib']):>7} "
            f"{num(s['rss_per_session_mib'], '{:.1f}'):>11} {num(s['rss_per_extra_session_mib'], '{:.1f}'):>10} "
            f"{s['errors']:>6} {s['iframe_reloads']:>7} "
            f"{s['load_avg_1min_min']:>4.1f}–{s['load_avg_1min_max']:<4.1f}"
        )
    lines.append(
        "Step = key press -> new as-of set painted on the map (map-changing steps of every session); ×N=1 = median "
        "÷ the N=1 median; CPU = utime+stime over the stepping ÷ steps taken (browser = Playwright + Chromium, "
        "same machine); RSS = the server's resident memory after stepping with N pages open; +MiB/extra = "
        "(RSS − RSS at N=1) ÷ (N − 1); '+k!' = k steps not taken (time limit or a failed step)."
    )
    target = next((s for s in summaries if s["sessions"] == TARGET_SESSIONS), None)
    if target and target["median_vs_1"] is not None:
        met = target["median_vs_1"] <= TARGET_RATIO and target["errors"] == 0
        lines.append(
            f"Issue 11 target, {TARGET_SESSIONS} sessions: median within {TARGET_RATIO:g}× the single-session "
            f"median with 0 errors — {'met' if met else 'missed'} ({target['median_vs_1']:.2f}×, "
            f"{target['errors']} errors)."
        )
    for s in summaries:
        for sample in s["error_samples"][:3]:
            lines.append(f"  N={s['sessions']} error: {sample}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,5,10,20", help="comma-separated session counts (default 1,5,10,20)")
    parser.add_argument("--steps", type=int, default=10, help="slider steps per session (default 10)")
    parser.add_argument(
        "--max-minutes", type=float, default=12.0, help="stop stepping after this long, counted per N (default 12)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS_DIR, help="folder for the JSON results")
    args = parser.parse_args(argv)
    args.sessions = [int(n) for n in args.sessions.split(",") if n.strip()]
    if not args.sessions or min(args.sessions) < 1 or args.steps < 1:
        parser.error("--sessions needs counts >= 1 and --steps >= 1")
    return args


async def run(args: argparse.Namespace) -> tuple[list[dict], str]:
    plan = plan_for(load_dataset())
    summaries = []
    with tempfile.TemporaryDirectory(prefix="asm-bench-load-") as scratch:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_FLAGS)
            for n in args.sessions:
                deadline = time.monotonic() + args.max_minutes * 60
                summary = await run_n(browser, n, plan, args.steps, deadline, Path(scratch))
                summaries.append(summary)
                print(
                    f"N={n}: {summary['steps_taken']} steps in {summary['stepping_s']:.1f} s, median "
                    f"{summary['step_ms_median'] or 0:.0f} ms, p90 {summary['step_ms_p90'] or 0:.0f} ms, server CPU "
                    f"{summary['server_cpu_s_per_step'] or 0:.3f} s/step, RSS {summary['server_rss_mib'] or 0:.0f} MiB, "
                    f"{summary['errors']} errors, load {summary['load_avg_1min_min']:.1f}–"
                    f"{summary['load_avg_1min_max']:.1f}",
                    flush=True,
                )
            version = browser.version
            await browser.close()
    add_ratios(summaries)
    return summaries, version


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = dt.datetime.now().astimezone()
    print(f"{started:%Y-%m-%d %H:%M %Z}, {os.cpu_count()} CPUs, load average {os.getloadavg()}", flush=True)
    summaries, version = asyncio.run(run(args))
    print()
    print(format_table(summaries))
    args.output.mkdir(parents=True, exist_ok=True)
    out = args.output / f"bench_load_{started.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "started": started.isoformat(timespec="seconds"),
                "command": " ".join([Path(sys.executable).name, *sys.argv]),
                "git_commit": git_commit(),
                "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                            "python": platform.python_version(), "chromium": version},
                "steps": args.steps,
                "summaries": summaries,
            },
            indent=2,
        ),
        encoding="utf-8",
    )  # fmt: skip
    print(f"\nresults: {out.relative_to(REPO_ROOT) if out.is_relative_to(REPO_ROOT) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
