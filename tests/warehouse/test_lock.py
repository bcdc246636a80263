"""One writer per data dir: refused or queued while held, recovered once the holder is dead."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from warehouse.lock import LOCK_NAME, LockedError, UnsafePathError, WriterLock, confined, safe_name

HOLD = """
import sys, time
from pathlib import Path
from warehouse.lock import WriterLock

with WriterLock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold(data_dir: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the lock for ``seconds`` (it has it once this returns)."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(data_dir), str(seconds)],
                              stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A live holder for the whole test."""
    process = hold(tmp_path, 120)
    yield process
    process.kill()
    process.wait()


def test_a_held_lock_is_refused_naming_the_holder(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(LockedError) as refused:
        WriterLock(tmp_path).__enter__()
    message = str(refused.value)
    assert f"another cntech run (pid {holder.pid} since " in message
    assert str(tmp_path) in message and "--wait SECONDS" in message


def test_waiting_gives_up_after_the_timeout(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    started = time.monotonic()
    with pytest.raises(LockedError, match=r"still writing .* after waiting 0.6 s"):
        WriterLock(tmp_path, wait_seconds=0.6).__enter__()
    assert 0.6 <= time.monotonic() - started < 5


def test_waiting_takes_the_lock_when_the_holder_finishes(tmp_path: Path) -> None:
    holder = hold(tmp_path, 1.0)
    started = time.monotonic()
    with WriterLock(tmp_path, wait_seconds=30) as lock:
        assert time.monotonic() - started >= 0.5
        assert holder.wait(timeout=30) == 0
        assert lock.stale_holder is None
        assert (tmp_path / LOCK_NAME).read_text().startswith(f"pid {os.getpid()} since ")
    assert (tmp_path / LOCK_NAME).read_text() == ""


def test_a_lock_left_by_a_killed_holder_is_taken_over_at_once(tmp_path: Path) -> None:
    holder = hold(tmp_path, 120)
    holder.kill()
    holder.wait()
    assert (tmp_path / LOCK_NAME).read_text().startswith(f"pid {holder.pid} since ")

    with WriterLock(tmp_path) as lock:
        assert lock.stale_holder is not None
        assert lock.stale_holder.startswith(f"pid {holder.pid} since ")


def test_a_symlinked_lock_file_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / LOCK_NAME).symlink_to(target)

    with pytest.raises(OSError):
        WriterLock(data_dir).__enter__()
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("name", ["", ".", "..", "../x", "a/b", "/etc", ".hidden", "a b",
                                  "a\\b", "x" * 129, "naïve"])
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(UnsafePathError):
        safe_name(name)


def test_confined_paths_stay_inside_the_data_dir(tmp_path: Path) -> None:
    assert confined(tmp_path, "landing", "20260130T000000-abc123") == (
        tmp_path.resolve() / "landing" / "20260130T000000-abc123")
    assert confined(tmp_path, ".marts.run-1.tmp").name == ".marts.run-1.tmp"
    for parts in (("..", "x"), ("landing", "../../etc"), ("/etc",), ("a/b",)):
        with pytest.raises(UnsafePathError):
            confined(tmp_path, *parts)


def test_a_symlink_leading_out_of_the_data_dir_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "landing").symlink_to(outside)

    with pytest.raises(UnsafePathError, match="outside the data directory"):
        confined(data_dir, "landing", "run-1")
    inside = data_dir / "elsewhere"
    inside.mkdir()
    (data_dir / "gate").symlink_to(inside)
    assert confined(data_dir, "gate", "x").parent.resolve() == inside.resolve()
