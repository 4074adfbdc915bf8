"""The committed server settings: local only, XSRF protection on, no usage statistics.

The browser test starts the app as the README does (`streamlit run dashboard/app.py` from the repo,
settings from .streamlit/config.toml only, no command-line overrides, an empty home folder) and
checks that a whole session sends nothing beyond 127.0.0.1, Streamlit's telemetry included.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tomllib

import pytest

from geo.asof import default_date, key_dates
from tests.browser.conftest import ARTIFACTS, LAPTOP
from tests.browser.dashboard import Dashboard
from tests.support.browser import REPO_ROOT, free_port, stopped_at_exit, wait_until_healthy

CONFIG = REPO_ROOT / ".streamlit" / "config.toml"
REQUIRED = {
    "server.address": "127.0.0.1",  # nobody else on the network reaches the app unless asked
    "server.enableXsrfProtection": True,
    "browser.gatherUsageStats": False,  # no telemetry
}
READ_OPTIONS = """
import json, sys
import streamlit.config as config
config.get_config_options(force_reparse=True)
print(json.dumps({name: config.get_option(name) for name in sys.argv[1:]}))
"""


def clean_env(home) -> dict:
    """The environment without STREAMLIT_* overrides and with an empty home (no ~/.streamlit)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("STREAMLIT_")}
    env["HOME"] = str(home)
    return env


def test_the_committed_config_keeps_the_server_local_and_quiet():
    settings = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    for name, wanted in REQUIRED.items():
        section, option = name.split(".")
        assert settings.get(section, {}).get(option) == wanted, (
            f"{CONFIG.name}: [{section}] {option} should be {wanted!r}"
        )


def test_streamlit_reads_those_settings_from_the_repository(tmp_path):
    """Streamlit itself, started in the repository, sees the settings (no typo in a key or section)."""
    done = subprocess.run(
        [sys.executable, "-c", READ_OPTIONS, *REQUIRED],
        cwd=REPO_ROOT, env=clean_env(tmp_path), capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert json.loads(done.stdout.strip().splitlines()[-1]) == REQUIRED


@contextlib.contextmanager
def app_as_committed(home):
    """`streamlit run dashboard/app.py` from the repository with only a port chosen."""
    port = free_port()
    log_path = ARTIFACTS / f"streamlit-as-committed-{port}.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port)],
            cwd=REPO_ROOT, env=clean_env(home), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    with stopped_at_exit(process):
        wait_until_healthy(url, process)
        yield url


@pytest.mark.browser
def test_a_session_with_the_committed_settings_sends_nothing_out(browser, open_page, dataset, tmp_path):
    days = key_dates(dataset)
    earlier = days[days.index(default_date(dataset)) - 1]
    page, watch = open_page(LAPTOP)
    with app_as_committed(tmp_path) as url:
        board = Dashboard(page).open(url)
        frame = board.map_frame()
        frame.locator(".asm-marker").first.click()
        frame.locator(".leaflet-popup").wait_for(state="visible")
        page.get_by_role("button", name="◀ Previous").click()
        board.wait_for_day(earlier)
        with page.expect_download():
            page.get_by_role("button", name="CSV", exact=True).click()
        page.wait_for_timeout(1000)  # time for any late beacon to leave
    watch.assert_no_faults()
    watch.assert_offline()
    assert any("/_stcore/stream" in url for url in watch.sockets), "the app's own WebSocket should have been seen"
