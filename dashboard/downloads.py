"""Downloads that a rerun cannot lose: two repairs to Streamlit's download path.

Why downloads were lost (Streamlit 1.67, pinned in requirements.txt; tests/browser/test_downloads.py
clicks during reruns and lost about 1 click in 5 before these repairs):
1. The answer to a click is thrown away by a rerun. A button made from a callable asks the server
   for its file; the server's answer waits in the session's outgoing queue, and a rerun that starts
   before the queue is sent (a date step just before the click) empties the queue but for a few
   lifecycle messages. The answer never arrives: the button spins, disabled, until the client gives
   up after 3 minutes. No file, and for minutes no word.
2. The clicked file is forgotten. Such a button gets a new id on every run, and the previous run's
   ids are dropped when a run ends, so a click sent while the page reruns can carry an id the
   server has just dropped ("Deferred file … not found" in the log; an error under the button that
   fades after 5 s). A ready-made file (the CSVs, and every file a callable makes) is deleted by the
   second clean-up after no session shows it, and every run of every session ends in a clean-up:
   when other viewers step, a file can go between the click and the browser's fetch (a 404 the
   browser's download fails on, with nothing on the page).

`keep_downloads_through_reruns()` makes a rerun keep the answers waiting in the queue (as Streamlit
already keeps toasts), and makes the clean-up spare a download's callable and file until they have
been unused for `GRACE_S` seconds. Other media go as before; a disabled button still revokes its
callable at once (`remove_deferred` is untouched).
"""

from __future__ import annotations

import logging
import time

from streamlit import runtime
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileKind

GRACE_S = 120.0  # seconds a download stays fetchable after the last page that showed it moved on
ANSWER = "backend_operation_response"  # the ForwardMsg that carries the URL of a file made on a click


class GraceMediaFileManager(MediaFileManager):
    """MediaFileManager whose clean-up keeps unused downloads for GRACE_S seconds."""

    def remove_orphaned_files(self) -> None:
        now = time.monotonic()
        with self._lock:
            unused_since: dict[str, float] = self.__dict__.setdefault("_unused_since", {})
            shown = {file_id for files in self._files_by_session_and_coord.values() for file_id in files.values()}
            unused = (set(self._file_metadata) | set(self._deferred_callables)) - shown
            for file_id in set(unused_since) - unused:
                del unused_since[file_id]  # shown again
            for file_id in unused:
                metadata = self._file_metadata.get(file_id)
                is_download = metadata is None or metadata.kind == MediaFileKind.DOWNLOADABLE
                if is_download and now - unused_since.setdefault(file_id, now) < GRACE_S:
                    continue
                if metadata is not None:
                    self._delete_file(file_id)
                else:
                    self._drop_deferred_id(file_id)
                unused_since.pop(file_id, None)


# Streamlit's own clear, kept on the class so a reload of this module never wraps the wrapper.
_clear_queue = ForwardMsgQueue.__dict__.get("_streamlit_clear", ForwardMsgQueue.clear)
ForwardMsgQueue._streamlit_clear = _clear_queue


def _clear_keeping_answers(self, retain_lifecycle_msgs: bool = False, fragment_ids_this_run=None) -> None:
    """ForwardMsgQueue.clear, but the clear at the start of a rerun keeps the answers to clicks.
    (A plain clear, as in flush, drops them: they have just been sent.)"""
    answers = [msg for msg in self._queue if msg.WhichOneof("type") == ANSWER] if retain_lifecycle_msgs else []
    _clear_queue(self, retain_lifecycle_msgs=retain_lifecycle_msgs, fragment_ids_this_run=fragment_ids_this_run)
    self._queue.extend(answers)


def keep_downloads_through_reruns() -> None:
    """Install both repairs, once per server (a no-op without a server, as under AppTest)."""
    ForwardMsgQueue.clear = _clear_keeping_answers
    if not runtime.exists():
        return
    manager = runtime.get_instance().media_file_mgr
    if type(manager) is MediaFileManager:
        manager.__class__ = GraceMediaFileManager
    elif type(manager).__name__ != GraceMediaFileManager.__name__:  # by name: this module may be reloaded
        logging.getLogger("dashboard").warning(
            "downloads: unknown media manager %s; a click during a rerun may be lost", type(manager).__name__
        )
