"""What every xdist worker of one test session shares: a directory and things built once in it.

The controller creates the directory at configure time and the workers inherit its path; an
expensive fixture (a published snapshot run, the Prefect API) is built there by the first worker
that asks, under a lock, and read by the others.
"""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

SHARED_ENV = "CNTECH_TEST_SESSION_DIR"
T = TypeVar("T")


def session_dir() -> Path:
    """The directory every worker of this test session shares."""
    return Path(os.environ[SHARED_ENV])


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` across processes."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def built_once(name: str, build: Callable[[Path], T]) -> T:
    """``build(<session dir>/name)`` run by the first worker to ask; the others get its result.

    What ``build`` writes under the path it is given is shared too, so callers treat it as
    read-only and copy it to change anything.
    """
    shared = session_dir()
    saved = shared / f"{name}.pickle"
    with exclusive(shared / f"{name}.lock"):
        if not saved.is_file():
            saved.write_bytes(pickle.dumps(build(shared / name)))
        result: T = pickle.loads(saved.read_bytes())
    return result
