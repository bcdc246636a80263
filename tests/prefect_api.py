"""One throwaway Prefect API server per test session, shared by every xdist worker.

The first test that needs it launches it (under a lock in the session's shared temporary
directory) and the others, in any worker, read its address from there; the session's end stops
it. A parallel session's controller launches it at once, so that it migrates its database while
the workers start. Its database lives in a temporary Prefect home, so a developer's own server
is never written to.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from flows.startup import TEMPORARY_SERVER_ENV, server_command
from tests.session import exclusive

STATE = "prefect-api.json"
# Migrating a fresh database takes ~9 s on an idle 2-core machine, far longer under load.
READY_TIMEOUT = 300.0


def session_api(shared: Path) -> str:
    """The session server's API URL, launching it first if no worker has yet."""
    url = launch_session_api(shared)
    _wait_until_ready(url)
    return url


def launch_session_api(shared: Path) -> str:
    """Launch the session's server unless it was already, without waiting for it to answer;
    its API URL."""
    state = shared / STATE
    with exclusive(shared / "prefect-api.lock"):
        if not state.is_file():
            state.write_text(json.dumps(_launch(shared / "prefect-home")), encoding="utf-8")
        return str(json.loads(state.read_text(encoding="utf-8"))["url"])


def stop_session_api(shared: Path) -> None:
    """Stop the session's server, if one was launched, and remove its home."""
    state = shared / STATE
    if not state.is_file():
        return
    launched = json.loads(state.read_text(encoding="utf-8"))
    try:
        os.killpg(int(launched["pid"]), signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(int(launched["pid"])):
        time.sleep(0.1)
    if _alive(int(launched["pid"])):
        os.killpg(int(launched["pid"]), signal.SIGKILL)
    shutil.rmtree(launched["home"], ignore_errors=True)
    state.unlink()


def _launch(home: Path) -> dict[str, object]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    home.mkdir(parents=True, exist_ok=True)
    # Run as a run's own temporary server is (an ephemeral server's services, no block
    # registration): it was ready after 13.8 s of CPU rather than 16.9 s, and no test reads
    # what the scheduler, triggers or registered blocks would add.
    env = {**os.environ, **TEMPORARY_SERVER_ENV, "PREFECT_HOME": str(home),
           "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    with (home / "server.log").open("wb") as log:
        # Its own session: it outlives the worker that launched it, until the session ends.
        process = subprocess.Popen(server_command(port), env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return {"url": f"http://127.0.0.1:{port}/api", "pid": process.pid, "home": str(home)}


def _alive(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_until_ready(url: str, timeout: float = READY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the session's Prefect API at {url} did not answer in "
                               f"{timeout:.0f} s")
        time.sleep(0.2)
