"""One writer per data directory: an advisory lock that dies with its holder."""

from __future__ import annotations

import fcntl
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

LOCK_NAME = ".cntech.lock"


class LockedError(RuntimeError):
    """Another process is writing to the same data directory."""


class WriterLock:
    """``flock`` on ``<data_dir>/.cntech.lock``; the file also names the holder for humans.

    The kernel drops the lock when the holder exits, even by SIGKILL, so a stale lock file left
    behind by a crash never blocks the next run: only a live holder does.
    """

    def __init__(self, data_dir: Path, wait_seconds: float = 0.0) -> None:
        self.path = data_dir / LOCK_NAME
        self.wait_seconds = wait_seconds
        self._fd: int | None = None

    def __enter__(self) -> WriterLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip()
                    os.close(fd)
                    raise LockedError(
                        f"another cntech run is writing to {self.path.parent} "
                        f"({holder or 'holder unknown'}); wait for it to finish or use "
                        "--wait SECONDS"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()} since {stamp}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
