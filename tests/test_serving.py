"""The committed server settings (.streamlit/config.toml) are the tight ones, and the README says
what serving to a room exposes. The served behaviour is checked in tests/browser/test_exposure.py."""

from __future__ import annotations

import tomllib

import pytest

from geo.paths import REPO_ROOT

CONFIG = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("section", "key", "expected"),
    [
        pytest.param("server", "address", "127.0.0.1", id="localhost-only"),
        pytest.param("server", "enableCORS", True, id="cors-on"),
        pytest.param("server", "corsAllowedOrigins", [], id="no-extra-origins"),
        pytest.param("server", "enableXsrfProtection", True, id="xsrf-on"),
        pytest.param("server", "allowedHosts", ["127.0.0.1", "localhost"], id="host-check-on"),
        pytest.param("server", "enableAgentApi", False, id="no-agent-api"),
        pytest.param("browser", "gatherUsageStats", False, id="no-telemetry"),
        pytest.param("client", "showErrorDetails", "none", id="no-tracebacks"),
        pytest.param("client", "disableDataExport", True, id="no-raw-table-export"),
    ],
)
def test_committed_server_setting(section, key, expected):
    assert CONFIG[section][key] == expected


def test_readme_says_what_a_room_can_reach():
    section = README.split("## Serving to a room", 1)[1].split("\n## ", 1)[0]
    for needed in (
        "**A reader**",
        "**A curator**",
        "**The room's network**",
        "/_stcore/metrics",
        "/app/static/",
        "--server.allowedHosts",
        "--server.address 0.0.0.0",
    ):
        assert needed in section, needed
    assert "disableDataExport" in README, "the README says why the table export is off"
