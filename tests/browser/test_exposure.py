"""What the served dashboard exposes, with the committed .streamlit/config.toml.

- Every file a reader can get out of the page is one the app made: Streamlit's built-in table
  export ("Download as CSV" on the contributions table) is off (client.disableDataExport), because
  it writes raw cells that a spreadsheet runs as formulas; the app's own CSV download neutralises
  them (geo.extract.neutralise_formula).
- The websocket (the app itself) answers only a Host the config allows (server.allowedHosts,
  against DNS rebinding) and no other web site's page (server.enableCORS).
"""

from __future__ import annotations

import base64
import os
import socket
from urllib.parse import urlsplit

import pytest

from tests.browser.dashboard import SOURCES_LABEL, Dashboard

pytestmark = pytest.mark.browser

TABLES = "[data-testid=stTable], [data-testid=stDataFrame]"
TOOLBAR_BUTTONS = "[data-testid=stElementToolbar] button"


def test_no_table_on_screen_offers_a_built_in_download(app_server, open_page):
    page, watch = open_page()
    board = Dashboard(page).open(app_server.url, date="2026-01-15")
    board.open_section(SOURCES_LABEL, TABLES)  # open the sources table too
    tables = page.locator(TABLES)
    assert tables.count() >= 2, "the contributions and sources tables should be on the page"
    labels = []
    for table in tables.all():
        table.hover()
        page.wait_for_timeout(500)  # a data grid's toolbar fades in on hover
        labels += [
            " ".join(
                filter(None, (button.get_attribute("aria-label"), button.get_attribute("title"), button.inner_text()))
            )
            for button in page.locator(TOOLBAR_BUTTONS).all()
        ]
    assert not [label for label in labels if "csv" in label.lower() or "download" in label.lower()], labels
    assert board.error_boxes() == []
    watch.assert_offline()


def websocket_upgrade(url: str, host: str, origin: str | None = None) -> str:
    """The status line the server answers to a websocket upgrade of /_stcore/stream."""
    port = urlsplit(url).port
    request = [
        "GET /_stcore/stream HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}", "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Protocol: streamlit",
    ] + ([f"Origin: {origin}"] if origin else [])  # fmt: skip
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(("\r\n".join(request) + "\r\n\r\n").encode())
        return connection.recv(200).decode(errors="replace").splitlines()[0]


@pytest.mark.parametrize(
    ("host", "origin", "status"),
    [
        pytest.param("127.0.0.1:{port}", None, "101", id="own-host"),
        pytest.param("localhost:{port}", "http://localhost:{port}", "101", id="localhost-own-origin"),
        pytest.param("evil.example", None, "403", id="foreign-host-dns-rebinding"),
        pytest.param("127.0.0.1:{port}", "http://evil.example", "403", id="foreign-origin"),
    ],
)
def test_the_websocket_answers_only_allowed_hosts_and_origins(app_server, host, origin, status):
    port = urlsplit(app_server.url).port
    line = websocket_upgrade(app_server.url, host.format(port=port), origin and origin.format(port=port))
    assert line.split()[1] == status, line
