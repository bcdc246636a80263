"""One writer per data directory, and every path the writer derives kept inside that directory."""

from __future__ import annotations

import fcntl
import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from errors import CntechError

LOCK_NAME = ".cntech.lock"
# Run ids and other derived names become file names: one path component, no dot-dot, no escape.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
# Components of paths under the data dir may also be hidden files (".marts.<run>.tmp").
PATH_PART = re.compile(r"\.?[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


class LockedError(CntechError, RuntimeError):
    """Another process is writing to the same data directory."""


class UnsafePathError(CntechError, ValueError):
    """A name or path derived from settings would leave the data directory."""


def safe_name(name: str) -> str:
    """``name`` if it is a single, plain path component; otherwise ``UnsafePathError``."""
    if not SAFE_NAME.fullmatch(name):
        raise UnsafePathError(f"refusing {name!r} as a file name: use letters, digits, '_', '-' "
                              "and '.', starting with a letter or digit")
    return name


def confined(data_dir: Path, *parts: str) -> Path:
    """``data_dir/part/...``, refused if a part is not a plain name or a symlink leads outside."""
    bad = next((part for part in parts if not PATH_PART.fullmatch(part)), None)
    if bad is not None:
        raise UnsafePathError(f"refusing {bad!r} as a path component under {data_dir}")
    root = data_dir.resolve()
    path = root.joinpath(*parts)
    if not path.resolve().is_relative_to(root):
        raise UnsafePathError(f"{path} resolves to {path.resolve()}, outside the data directory "
                              f"{root}; remove the symlink or choose another --data-dir")
    return path


class WriterLock:
    """``flock`` on ``<data_dir>/.cntech.lock``; the file also names the holder for humans.

    The kernel drops the lock when the holder exits, even by SIGKILL, so a stale lock file left
    behind by a crash never blocks the next run: only a live holder does. ``stale_holder`` then
    records who left it, for the run log.
    """

    def __init__(self, data_dir: Path, wait_seconds: float = 0.0) -> None:
        self.path = data_dir / LOCK_NAME
        self.wait_seconds = wait_seconds
        self.stale_holder: str | None = None
        self._fd: int | None = None

    def __enter__(self) -> WriterLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_NOFOLLOW: a lock file planted as a symlink must not make us truncate its target.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    os.close(fd)
                    raise LockedError(self._refusal(holder)) from None
                time.sleep(0.2)
        self.stale_holder = _holder(fd) or None
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

    def _refusal(self, holder: str) -> str:
        who = f"another cntech run ({holder})" if holder else "another cntech run"
        if self.wait_seconds > 0:
            return (f"{who} is still writing to {self.path.parent} after waiting "
                    f"{self.wait_seconds:g} s; nothing was changed. Try again later or wait longer "
                    "with --wait SECONDS.")
        return (f"{who} is writing to {self.path.parent}; nothing was changed. Wait for it to "
                "finish, or pass --wait SECONDS to queue behind it.")


def _holder(fd: int) -> str:
    return os.pread(fd, 200, 0).decode(errors="replace").strip()
