"""Shared by the browser tests and the benchmarks: a real Streamlit server and a headless Chromium.

- `chromium_executable()` prefers Debian's /usr/bin/chromium, else the browser that
  `python -m playwright install chromium` provides (Playwright finds it itself: None).
- `streamlit_server()` starts `streamlit run dashboard/app.py` on 127.0.0.1 at a free port, with an
  optional data folder (ASM_DATA_DIR), waits until it answers, and stops it afterwards.
- `OfflineGuard` aborts every request that does not go to the server's loopback origin and records
  it, so a test can fail listing the URLs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEBIAN_CHROMIUM = "/usr/bin/chromium"
LOCAL_PREFIXES = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:", "about:")


def chromium_executable() -> str | None:
    """Debian's Chromium when installed; None lets Playwright use its own downloaded browser."""
    if os.path.exists(DEBIAN_CHROMIUM):
        return DEBIAN_CHROMIUM
    found = shutil.which("chromium")
    return found


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_FLAGS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    started_at: float  # time.perf_counter() at launch
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.1)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout} s")


@contextlib.contextmanager
def streamlit_server(
    data_dir: Path | None = None,
    log_dir: Path | None = None,
    extra_env: dict | None = None,
    script: Path = REPO_ROOT / "dashboard" / "app.py",
    cwd: Path = REPO_ROOT,
):
    """A real `streamlit run <script>` (the dashboard by default) on 127.0.0.1; yields a Server."""
    port = free_port()
    env = {**os.environ, **(extra_env or {})}
    if data_dir is not None:
        env["ASM_DATA_DIR"] = str(data_dir)
    log_dir = Path(log_dir or REPO_ROOT / "test-artifacts")
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"streamlit-{port}.log"
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.enableStaticServing", "true",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    with stopped_at_exit(process):
        wait_until_healthy(url, process)
        yield Server(url=url, process=process, started_at=started, log_path=log_path)


@contextlib.contextmanager
def stopped_at_exit(process: subprocess.Popen):
    """Terminate the process when the block ends (kill it if it does not stop within 10 s)."""
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class OfflineGuard:
    """Route handler that lets only loopback traffic through and remembers everything else."""

    blocked: list[str] = field(default_factory=list)

    def __call__(self, route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def install(self, context_or_page) -> OfflineGuard:
        context_or_page.route("**/*", self)
        return self
