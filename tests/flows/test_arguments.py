"""Bad ``run`` and ``backfill`` arguments are refused before anything starts: exit 2, one line,
under a second on an idle machine, no traceback (``cntech`` run as its own process, as a user
runs it)."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from flows.arguments import (
    BadArgument,
    Value,
    Window,
    check_dask_address,
    landing_window,
)
from flows.sources.landing import LandingZone
from tests.conftest import REPO, SNAPSHOT

CNTECH = Path(sys.executable).with_name("cntech")
WINDOW = "2024-12-02..2026-01-30"


def refused(*args: str, env: dict[str, str] | None = None) -> str:
    """Run ``cntech``; assert the refusal's shape and return its one line.

    Under a second on an idle machine (0.2 s; 0.75 s for a Dask address that never greets, which
    waits its 0.5 s). A test cannot know the machine is idle: it runs beside the other test
    worker on 2 cores, and the load average lags. So the CPU the refusal took, which contention
    inflates least, must stay under the second (0.51 s seen in a CI run), and the wall clock
    under twice the second scaled by the load per core (1.31 s seen beside the other worker):
    far from a run that starts, which takes seconds of CPU for Prefect alone.
    """
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("CNTECH_", "PREFECT_API_URL"))}
    budget = 2 * max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run([str(CNTECH), *args], capture_output=True, text=True, cwd=REPO,
                          env={**clean, **(env or {})}, timeout=30)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert cpu < 1.0, f"took {cpu:.2f} s of CPU: {lines[0]}"
    assert seconds < budget, f"took {seconds:.2f} s (budget {budget:.1f} s): {lines[0]}"
    return lines[0]


@pytest.fixture
def data_dir(tmp_path: Path) -> str:
    return str(tmp_path / "data")


def test_a_data_dir_that_is_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "data"
    afile.write_text("not a directory")
    line = refused("run", "--data-dir", str(afile))
    assert line == f"--data-dir {afile} is a file: give a directory (created if missing)"
    assert afile.read_text() == "not a directory"
    line = refused("run", "--data-dir", str(afile / "sub"))
    assert line == f"--data-dir {afile / 'sub'}: {afile} is a file, not a directory"


def test_a_data_dir_that_cannot_be_written() -> None:
    # /proc takes no new directories, whoever asks (even root, who passes permission bits).
    line = refused("run", "--data-dir", "/proc/cntech-data")
    assert line.startswith("--data-dir /proc/cntech-data is not writable (")
    assert "give a directory this user can create files in" in line


def test_a_data_dir_from_the_environment_is_named_so(tmp_path: Path) -> None:
    afile = tmp_path / "data"
    afile.touch()
    line = refused("run", env={"CNTECH_DATA_DIR": str(afile)})
    assert line.startswith(f"CNTECH_DATA_DIR {afile} is a file")


@pytest.mark.parametrize("as_of", ["2024-11-29", "2026-02-02"])
def test_an_as_of_outside_the_snapshot_window(as_of: str, data_dir: str) -> None:
    line = refused("run", "--as-of", as_of, "--data-dir", data_dir)
    assert line == (f"--as-of {as_of} is outside the window of {SNAPSHOT}, {WINDOW}: give a "
                    "date in it (default: its last day, 2026-01-30)")


def test_an_as_of_that_is_not_a_date(data_dir: str) -> None:
    line = refused("run", "--as-of", "2026-02-30", "--data-dir", data_dir)
    assert line == "--as-of must be a date YYYY-MM-DD, got '2026-02-30'"


def test_a_snapshot_without_a_manifest(tmp_path: Path, data_dir: str) -> None:
    zone = tmp_path / "zone"
    (zone / "eastmoney").mkdir(parents=True)
    line = refused("run", "--snapshot", str(zone), "--data-dir", data_dir)
    assert line.startswith(f"--snapshot {zone} has no manifest.json: not a landing zone")
    line = refused("backfill", "--start", "2025-01-01", "--end", "2025-01-31",
                   "--snapshot", str(zone), "--data-dir", data_dir)
    assert line.startswith(f"--snapshot {zone} has no manifest.json")


def test_an_unknown_task_runner(data_dir: str) -> None:
    line = refused("run", "--task-runner", "fast", "--data-dir", data_dir)
    assert line == ("--task-runner 'fast' is not a task runner: use one of auto, threads, "
                    "processes, dask")
    assert not Path(data_dir).exists(), "a refused run leaves no data dir behind"
    line = refused("backfill", "--start", "2025-01-01", "--end", "2025-01-31",
                   "--data-dir", data_dir, env={"CNTECH_TASK_RUNNER": "gpu"})
    assert line == ("CNTECH_TASK_RUNNER='gpu': Input should be 'auto', 'threads', 'processes' "
                    "or 'dask'")


def test_a_dask_address_nobody_listens_on(data_dir: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    line = refused("run", "--task-runner", "dask", "--dask-address", f"tcp://127.0.0.1:{port}",
                   "--data-dir", data_dir)
    assert line.startswith(f"--dask-address tcp://127.0.0.1:{port} does not answer (")
    assert "start the scheduler, or leave it out for a local cluster" in line


def test_a_dask_address_that_accepts_but_never_greets(data_dir: str) -> None:
    with listening(greeting=None) as port:
        line = refused("run", "--task-runner", "dask", "--dask-address",
                       f"tcp://127.0.0.1:{port}", "--data-dir", data_dir)
    assert line.startswith(f"--dask-address tcp://127.0.0.1:{port} does not answer (no answer "
                           "within 0.5 s)")


def test_a_backfill_span_outside_the_window(data_dir: str) -> None:
    line = refused("backfill", "--start", "2020-01-01", "--end", "2020-12-31",
                   "--data-dir", data_dir)
    assert line == (f"--start 2020-01-01 --end 2020-12-31 misses the window of {SNAPSHOT}, "
                    f"{WINDOW}: give dates that overlap it")
    assert refused("backfill", "--start", "2025-02-01", "--end", "2025-01-01",
                   "--data-dir", data_dir) == "--end 2025-01-01 is before --start 2025-02-01"


def test_window_of_the_bundled_snapshot_and_of_a_generated_zone(tmp_path: Path) -> None:
    assert landing_window(Value(None, "--snapshot")) == (
        SNAPSHOT, Window(date(2024, 12, 2), date(2026, 1, 30)))
    zone = LandingZone(tmp_path)
    zone.put("eastmoney/kline/1.000001.json", b"{}", provider="eastmoney",
             endpoint="index_kline", subject="SSE", meta={
                 "request": {"url": "", "params": {"beg": "20151129", "end": "20251128"}}})
    zone.write_index()
    assert landing_window(Value(str(tmp_path), "--snapshot"))[1] == Window(
        date(2015, 11, 29), date(2025, 11, 28))


def test_a_listener_that_greets_like_a_scheduler_passes() -> None:
    frame = (412).to_bytes(8, "little")
    with listening(greeting=frame) as port:
        check_dask_address(Value(f"127.0.0.1:{port}", "--dask-address"))
    with listening(greeting=b"HTTP/1.1 400 Bad Request\r\n") as port, \
            pytest.raises(BadArgument, match="answers, but not as a Dask scheduler"):
        check_dask_address(Value(f"tcp://127.0.0.1:{port}", "--dask-address"))


class listening:  # noqa: N801 - used as a context manager, like open()
    """A loopback TCP server that sends ``greeting`` (or nothing) to whoever connects."""

    def __init__(self, greeting: bytes | None) -> None:
        self.greeting = greeting
        self.server = socket.create_server(("127.0.0.1", 0))
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> int:
        self.thread.start()
        return int(self.server.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.server.close()

    def _serve(self) -> None:
        try:
            conn, _ = self.server.accept()
        except OSError:
            return
        with conn:
            if self.greeting is not None:
                conn.sendall(self.greeting)
            conn.settimeout(2)
            try:
                conn.recv(1)
            except OSError:
                pass
