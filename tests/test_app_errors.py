"""An unexpected failure shows a sentence on screen, never a traceback."""

import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

from geo.paths import DATA_DIR, REPO_ROOT, SEEDS_DIR

APP = str(REPO_ROOT / "dashboard" / "app.py")


def test_unreadable_data_file_gives_a_message_not_a_traceback(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    shutil.copytree(SEEDS_DIR, tmp_path / "seeds")
    (data / "stops.csv").unlink()
    (data / "stops.csv").mkdir()  # a folder where a file should be: opening it raises IsADirectoryError
    monkeypatch.setenv("ASM_DATA_DIR", str(data))
    app = AppTest.from_file(APP, default_timeout=90).run()
    assert not app.exception, "a traceback reached the page"
    messages = [error.value for error in app.error]
    assert any("could not draw this view" in m and "IsADirectoryError" in m for m in messages), messages


def test_config_hides_error_details_from_the_page():
    config = (Path(REPO_ROOT) / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert 'showErrorDetails = "none"' in config
