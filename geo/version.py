"""What identifies the data a view or extract shows: a digest of the data files, and the git commit."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from geo.paths import DATA_DIR
from geo.records import CHAINED_FILES

VERSIONED_FILES = CHAINED_FILES  # the files a data version fingerprints
DIGEST_LENGTH = 12  # hex digits of sha256 shown as the data version


@dataclass(frozen=True)
class DataVersion:
    """What identifies the data a snapshot shows: a digest of the files, and the git commit if any."""

    digest: str  # first DIGEST_LENGTH hex digits of sha256 over VERSIONED_FILES
    commit: str | None = None  # short git commit of the checkout holding the data; None outside git
    is_modified: bool = False  # the data files differ from that commit (edited or untracked)

    def __str__(self) -> str:
        text = f"sha256 {self.digest} ({' + '.join(VERSIONED_FILES)})"
        if self.commit is None:
            return text + "; not in a git checkout"
        return text + f"; git commit {self.commit}" + (", data files changed since" if self.is_modified else "")


def _git(data_dir: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(data_dir), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def data_version(data_dir: Path = DATA_DIR) -> DataVersion:
    """A short sha256 over the data files (name, size, bytes), and the git commit if any."""
    data_dir = Path(data_dir)
    digest = hashlib.sha256()
    for name in VERSIONED_FILES:
        path = data_dir / name
        content = path.read_bytes() if path.is_file() else b""
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    commit = _git(data_dir, "rev-parse", "--short=12", "HEAD")
    status = _git(data_dir, "status", "--porcelain", "--", *VERSIONED_FILES) if commit else None
    return DataVersion(digest.hexdigest()[:DIGEST_LENGTH], commit, bool(status))
