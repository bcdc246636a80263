"""Atomic file writes: a reader sees the old file or the complete new one, never a part.

Every writer of a file someone else may read while it is written (landed bodies, reports, gate
results, Parquet partitions) goes through :func:`atomic_path`: the content is written to a hidden
temporary sibling (same directory, so the final rename never crosses a filesystem) and renamed
over the target only once it is complete.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# mkstemp creates owner-only files; what the pipeline writes is for whoever reviews or reads it.
FILE_MODE = 0o644


@contextmanager
def atomic_path(path: Path, *, durable: bool = False) -> Iterator[Path]:
    """A temporary sibling of ``path`` to write to; renamed over ``path`` when the block ends.

    If the block raises, the temporary file is removed and ``path`` is left as it was. With
    ``durable`` the content is flushed to disk before the rename, so a crash right after it
    cannot leave an empty file under the final name (landed raw bodies are never refetched).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, FILE_MODE)
        if durable:
            _fsync(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes | str, *, durable: bool = False) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` through :func:`atomic_path`; returns ``path``."""
    with atomic_path(path, durable=durable) as temp:
        temp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
