"""What the command lines (geo.extract, geo.snapshot, geo.validate) share.

- Every failure is one line on stderr, `PROG: error: what is wrong; what would be right`, and a
  non-zero exit: bad arguments (`ArgumentParser`, exit 2), a problem the user can fix
  (`CommandError`, exit 1), a file that cannot be read or written (exit 1). Never a traceback:
  `run` turns anything unexpected into one line too.
- Output goes to stdout, or to the -o file through a temporary file in the same folder that is
  renamed over it once complete (`write_output`): a failed write never leaves a half-written file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

EXIT_FAILURE = 1
EXIT_USAGE = 2  # argparse's code for a bad argument
EXIT_INTERRUPTED = 130
OS_ERROR_ADVICE = {  # errno -> (what is wrong, what would be right), for files we read or write
    errno.ENOSPC: ("the disk is full", "free some space or write to another disk"),
    errno.EDQUOT: ("the disk quota is used up", "free some space or write to another disk"),
    errno.EACCES: ("permission denied", "choose a path you may use"),
    errno.EPERM: ("permission denied", "choose a path you may use"),
    errno.EROFS: ("the file system is read-only", "write to another folder"),
    errno.ENOENT: ("it does not exist", "check the path"),
    errno.EISDIR: ("it is a folder, not a file", "give the path of a file"),
    errno.ENOTDIR: ("a part of the path is not a folder", "check the path"),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter path"),
}


class CommandError(Exception):
    """A failure the user can fix. The message is one sentence: what is wrong; what would be right."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (argparse prints the usage block first)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}; see {self.prog} --help\n")


def date_argument(value: str) -> dt.date:
    """argparse type for YYYY-MM-DD dates, with a message that says what is expected."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; expected YYYY-MM-DD") from error


def data_dir_argument(value: str) -> Path:
    """argparse type for --data-dir: an existing folder."""
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{value} is not a folder; give the folder that holds records.csv and places.csv"
        )
    return path


def require_records_as_of(dataset, as_of: dt.date, data_dir: Path) -> None:
    """Refuse to write an empty result: no valid records, or a date before the first was reported."""
    from geo.asof import known_days

    if dataset.records.empty:
        raise CommandError(f"no valid records in {data_dir}; run python -m geo.validate {data_dir} to see why")
    first = known_days(dataset)[0]
    if as_of < first:
        raise CommandError(
            f"nothing was known as of {as_of}: the first record was reported on {first}; give --as-of {first} or later"
        )


def describe_os_error(error: OSError, verb: str) -> str:
    """`cannot VERB PATH: what is wrong; what would be right` for an OSError."""
    wrong, right = OS_ERROR_ADVICE.get(error.errno, (error.strerror or str(error), "check the path and try again"))
    where = f" {error.filename}" if error.filename else ""
    return f"cannot {verb}{where}: {wrong}; {right}"


def write_output(payload: bytes, output: Path | None) -> None:
    """Write a command's result to the file named by -o, else to stdout, bytes unchanged.

    A regular file is written whole or not at all: the bytes go to a temporary file in the same
    folder, which then replaces the target. A device or pipe (-o /dev/stdout) is written directly.
    Every failure raises CommandError naming the path.
    """
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return
    output = Path(output)
    if output.is_dir():
        raise CommandError(f"-o {output} is a folder; give a file name inside it, such as {output / 'extract.csv'}")
    if output.exists() and not output.resolve().is_file():  # a device or a pipe: nothing to rename over
        _write_directly(payload, output)
        return
    target = output.resolve() if output.is_symlink() else output
    folder = target.parent
    if not folder.is_dir():
        raise CommandError(
            f"-o {output}: the folder {folder} does not exist; create it first or write to an existing folder"
        )
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        error.filename = str(output)
        raise CommandError(describe_os_error(error, "write")) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(
            temporary,
            (stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH | stat.S_IWOTH) & ~umask,
        )
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        error.filename = str(output)
        raise CommandError(describe_os_error(error, "write") + "; nothing was written") from error


def _write_directly(payload: bytes, output: Path) -> None:
    try:
        with open(output, "wb") as stream:
            stream.write(payload)
            stream.flush()
    except OSError as error:
        error.filename = str(output)
        raise CommandError(describe_os_error(error, "write")) from error


def run(main: Callable[[list[str] | None], int], prog: str, argv: list[str] | None = None) -> int:
    """Run a command's `main`; every failure becomes one line on stderr and a non-zero exit code."""

    def fail(message: str, code: int = EXIT_FAILURE) -> int:
        print(f"{prog}: error: {' '.join(message.split())}", file=sys.stderr)
        return code

    try:
        return main(argv)
    except CommandError as error:
        return fail(str(error))
    except KeyboardInterrupt:
        return fail("interrupted; nothing more was written", EXIT_INTERRUPTED)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes at exit
        return fail("the output pipe was closed before everything was written; read the whole output or use -o FILE")
    except OSError as error:
        return fail(describe_os_error(error, "read or write"))
    except Exception as error:  # noqa: BLE001 - the last line of defence: a sentence, never a traceback
        return fail(f"unexpected {type(error).__name__}: {error}; check the input files with python -m geo.validate")
