"""The dashboard in a real headless Chromium: one browser per module, one server per data folder.

Every page is opened in a watched browser context (`open_page`): requests that do not go to
127.0.0.1 are aborted and listed (HTTP from the page and from the map iframe, and WebSockets), and
console errors, uncaught exceptions and HTTP error responses are collected. A test fails, naming the
URLs, when anything tried to leave the machine.

The browser tests skip only on a developer machine without Chromium; with CI set they fail instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from tests.support.browser import LOCAL_PREFIXES, REPO_ROOT, OfflineGuard, streamlit_server

ARTIFACTS = REPO_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
FULL_HD = {"width": 1920, "height": 1080}
# Console messages that are not ours, each with the reason it is harmless.
FOREIGN_CONSOLE = (
    # Chromium does not know some features in Streamlit's iframe allow-list.
    re.compile(r"^Unrecognized feature: '[\w-]+'\.$"),
    # Streamlit sandboxes component iframes with allow-scripts + allow-same-origin, and Chromium says so.
    re.compile(r"^An iframe which has both allow-scripts and allow-same-origin for its sandbox attribute"),
)
COMPONENT_URL_PART = "/component/"  # where the map iframe's (our) code runs


def is_local(url: str) -> bool:
    return url.startswith(LOCAL_PREFIXES)


@dataclass
class Watch:
    """What one browser context tried to do, beyond the page's own business."""

    guard: OfflineGuard = field(default_factory=OfflineGuard)
    blocked_sockets: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every request URL, local or not
    sockets: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)

    def outbound(self) -> list[str]:
        """Every attempt to reach a host other than 127.0.0.1 (blocked by the route handlers)."""
        seen = (
            self.guard.blocked
            + self.blocked_sockets
            + [url for url in self.requests + self.sockets if not is_local(url)]
        )
        return sorted(set(seen))

    def assert_offline(self) -> None:
        assert self.requests, "the watch saw no request at all: it is not wired to the page"
        outbound = self.outbound()
        assert not outbound, f"{len(outbound)} request(s) tried to leave 127.0.0.1:\n  " + "\n  ".join(outbound)

    def assert_no_faults(self) -> None:
        faults = self.page_errors + self.http_errors + self.console
        assert not faults, "errors in the browser:\n  " + "\n  ".join(faults)

    # ---- handlers

    def on_console(self, message) -> None:
        text = message.text
        if any(pattern.search(text) for pattern in FOREIGN_CONSOLE):
            return
        url = (message.location or {}).get("url", "")
        if message.type == "error" or (message.type == "warning" and COMPONENT_URL_PART in url):
            self.console.append(f"console {message.type}: {text} (at {url or 'unknown'})")

    def on_response(self, response) -> None:
        if response.status >= 400:
            self.http_errors.append(f"HTTP {response.status} for {response.url}")

    def on_socket_route(self, socket_route) -> None:
        self.blocked_sockets.append(socket_route.url)
        socket_route.close(code=1008, reason="blocked by the offline test")


@pytest.fixture(scope="session")
def app_server():
    """The dashboard on the bundled data, shared by every test that does not need other data."""
    with streamlit_server(log_dir=ARTIFACTS) as server:
        yield server


@pytest.fixture
def open_page(browser):
    """open_page(viewport) -> (page, watch): a fresh, watched context; fails the test on outbound requests."""
    made: list[tuple[object, Watch]] = []

    def open_page(viewport: dict = LAPTOP):
        context = browser.new_context(viewport=viewport, service_workers="block", accept_downloads=True)
        watch = Watch()
        watch.guard.install(context)
        context.route_web_socket(lambda url: not is_local(url), watch.on_socket_route)
        context.on("request", lambda request: watch.requests.append(request.url))
        context.on("response", watch.on_response)
        page = context.new_page()
        page.on("console", watch.on_console)
        page.on("pageerror", lambda error: watch.page_errors.append(f"uncaught exception: {error}"))
        page.on("websocket", lambda socket: watch.sockets.append(socket.url))
        made.append((context, watch))
        return page, watch

    yield open_page
    for context, _ in made:
        context.close()
    outbound = sorted({url for _, watch in made for url in watch.outbound()})
    if outbound:
        pytest.fail(f"{len(outbound)} request(s) tried to leave 127.0.0.1:\n  " + "\n  ".join(outbound))


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
