"""The Prefect API a CLI run reports to: a running server, or a temporary one started at once.

Prefect's own temporary server is started only when the flow is first called, after the CLI has
imported the pipeline, and by a launcher that itself imports Prefect's whole server package into
the CLI process: three serial steps on a 2-core machine. Here the server process is launched
before the pipeline is imported, so the two load side by side, and its readiness wait grows
with the machine's load and relaunches a server that died, instead of giving up after Prefect's
fixed 20 s. A start-up that still fails is one line and exit code 5, never a traceback.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from errors import EXIT_STARTUP, CntechError

if TYPE_CHECKING:
    from flows.settings import Settings

TIMEOUT_ENV = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
# Prefect's default is 20 s, which a busy 2-core machine misses.
DEFAULT_TIMEOUT = 60.0
# However busy the machine, a server that has not answered in this long is not coming.
MAX_TIMEOUT = 600.0
ATTEMPTS = 3
_early: list[PrefectApi] = []
WAITING_EVERY = 10.0
# A temporary server serves no UI and registers no block types: the block catalogue is read
# once per server start by importing every Prefect collection installed (prefect-dask pulls in
# distributed), a second of a 2-core machine's start-up, and no run of ours reads a block.
TEMPORARY_SERVER_ENV = {
    "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1",
    "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
    "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
}
# Prefect's server entry point exits with 3 when its port was taken after we chose it.
PORT_TAKEN = 3


class StartupFailed(CntechError, RuntimeError):
    """No Prefect API to report to; the message is one line for the user."""

    exit_code = EXIT_STARTUP


@dataclass
class PrefectApi:
    """Where a run's Prefect API is, and the temporary server process if we started one."""

    url: str | None = None
    source: str = ""
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    launched: float = field(default_factory=time.monotonic)
    ready_after: float | None = None
    attempts: int = 0
    timeout: float = DEFAULT_TIMEOUT

    def describe(self) -> str:
        """One line saying which API the run reports to."""
        if self.process is None:
            return f"Prefect API {self.url} ({self.source}); no temporary server started"
        return (f"temporary Prefect API server {self.url} ready after {self.ready_after:.1f} s "
                "(set PREFECT_API_URL to use a running server instead)")


def begin(settings: Settings) -> PrefectApi:
    """Use the configured Prefect API if there is one, else launch a temporary server without
    waiting for it."""
    if settings.prefect_api_url:
        return PrefectApi(settings.prefect_api_url.rstrip("/"), "PREFECT_API_URL")
    if "prefect" in sys.modules:
        url = _prefect_setting()
        if url:
            return PrefectApi(url, "Prefect settings")
    url = _profile_url(settings)
    if url:
        return PrefectApi(url, "Prefect profile")
    api = PrefectApi(source="temporary",
                     timeout=settings.prefect_startup_timeout or DEFAULT_TIMEOUT)
    # Prefect's own launcher, should anything still call it, waits as patiently.
    os.environ.setdefault(TIMEOUT_ENV, str(int(startup_timeout(api.timeout))))
    _launch(api)
    atexit.register(stop, api)
    return api


def begin_early(settings: Settings, *, verbose: bool) -> None:
    """:func:`begin` as soon as a run's arguments are known good, for :func:`take_early`."""
    quiet_runtime(verbose)
    _early.append(begin(settings))


def take_early() -> PrefectApi | None:
    """The API :func:`begin_early` found or launched in this process, once."""
    return _early.pop() if _early else None


def quiet_runtime(verbose: bool) -> None:
    """Telemetry off and logs down before Prefect or GX are imported (the temporary server
    inherits them too)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # Prefect logs a failed flow's exception with its traceback at ERROR; expected failures are
    # reported by the CLI as one paragraph instead, so its own logs stay out of the way.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")


def startup_timeout(base: float) -> float:
    """A start-up timeout of ``base`` seconds stretched by the load per core."""
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    return min(MAX_TIMEOUT, base * max(1.0, load))


def ready(api: PrefectApi, waiting: Callable[[float], None] | None = None) -> str:
    """Wait until the API answers; its URL. ``StartupFailed`` when it does not.

    ``waiting(seconds)`` is called every ``WAITING_EVERY`` seconds of the wait, so a run on a
    busy machine says what it is waiting for.
    """
    if api.process is None:
        assert api.url is not None
        _check_answers(api.url)
        return api.url
    deadline = time.monotonic() + startup_timeout(api.timeout)
    next_note = time.monotonic() + WAITING_EVERY
    while not _healthy(api):
        if waiting is not None and time.monotonic() >= next_note:
            waiting(time.monotonic() - api.launched)
            next_note += WAITING_EVERY
        if api.process.poll() is not None:
            if api.attempts >= ATTEMPTS:
                raise StartupFailed(_failure(api, f"exited with code {api.process.returncode}"))
            _launch(api)
        elif time.monotonic() > deadline:
            stop(api)
            waited = startup_timeout(api.timeout)
            raise StartupFailed(_failure(api, f"did not answer within {waited:.0f} s"))
        time.sleep(0.1)
    api.ready_after = time.monotonic() - api.launched
    assert api.url is not None
    return api.url


@contextmanager
def heartbeats(temporary: bool) -> Iterator[None]:
    """Flow-run heartbeats on a running server; none on a ``temporary`` one.

    Heartbeats let a long-lived server mark a run that died as crashed; a temporary server stops
    with the run, so nobody reads them, and Prefect joins the heartbeat thread at the end of
    every flow run, a second of sleep each time.
    """
    if not temporary:
        yield
        return
    from prefect.settings import temporary_settings

    with temporary_settings(updates={"flows.heartbeat_frequency": None}):
        yield


def stop(api: PrefectApi) -> None:
    """Stop the temporary server, if any (at exit, after Prefect has flushed its events)."""
    process, api.process = api.process, None
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if api.log is not None:
        api.log.unlink(missing_ok=True)


def server_command(port: int) -> list[str]:
    """``uvicorn`` on Prefect's server app, as Prefect's own temporary server runs it."""
    spec = importlib.util.find_spec("prefect")
    assert spec is not None and spec.submodule_search_locations
    app_dir = str(Path(list(spec.submodule_search_locations)[0]).parent)
    return [sys.executable, "-m", "uvicorn", "--app-dir", app_dir, "--factory",
            "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "error", "--lifespan", "on"]


def _launch(api: PrefectApi) -> None:
    api.attempts += 1
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    if api.log is None:
        handle, name = tempfile.mkstemp(prefix="cntech-prefect-api-", suffix=".log")
        os.close(handle)
        api.log = Path(name)
    env = {**os.environ, **TEMPORARY_SERVER_ENV}
    with api.log.open("ab") as log:
        api.process = subprocess.Popen(server_command(port), env=env, stdin=subprocess.DEVNULL,
                                       stdout=log, stderr=log)
    api.url = f"http://127.0.0.1:{port}/api"
    _publish(api.url)


def _publish(url: str) -> None:
    """Make ``url`` Prefect's API for this process, every thread of it and its children.

    A settings context would not do: Prefect's own threads (the process pool's message
    forwarder, say) do not inherit it, and without an API URL they start a server of their own.
    Set before Prefect is imported, the variable is read with the rest of its settings; a server
    relaunched later on another port needs Prefect's global settings re-read.
    """
    os.environ["PREFECT_API_URL"] = url
    if "prefect.context" in sys.modules:
        from prefect.context import refresh_global_settings_context

        refresh_global_settings_context()


def _healthy(api: PrefectApi) -> bool:
    try:
        with urllib.request.urlopen(f"{api.url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _check_answers(url: str, timeout: float = 10.0) -> None:
    """Any HTTP answer will do (Prefect Cloud wants a key even for ``/health``)."""
    try:
        urllib.request.urlopen(f"{url}/health", timeout=timeout).close()
    except urllib.error.HTTPError:
        return
    except (OSError, urllib.error.URLError) as exc:
        reason = getattr(exc, "reason", exc)
        raise StartupFailed(f"the Prefect API at {url} does not answer ({reason}): start it, "
                            "or unset PREFECT_API_URL to run with a temporary server") from None


def _failure(api: PrefectApi, what: str) -> str:
    load = os.getloadavg()[0]
    last = ""
    if api.log is not None and api.log.is_file():
        lines = api.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        last = f"; last words: {lines[-1][:200]}" if lines else ""
    return (f"the temporary Prefect API server {what} (attempt {api.attempts}, load average "
            f"{load:.1f} on {os.cpu_count()} cores{last}): run against a Prefect server with "
            "PREFECT_API_URL (see README, Deploy and monitor)")


def _profile_url(settings: Settings) -> str | None:
    """``PREFECT_API_URL`` of the active Prefect profile (``prefect config set``), read without
    importing Prefect, whose settings will be read with the temporary server's URL."""
    path = (settings.prefect_profiles_path
            or settings.prefect_home / "profiles.toml").expanduser()
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = settings.prefect_profile or doc.get("active") or "ephemeral"
    value = doc.get("profiles", {}).get(name, {}).get("PREFECT_API_URL")
    return str(value).rstrip("/") if value else None


def _prefect_setting() -> str | None:
    from prefect.settings import PREFECT_API_URL

    value = PREFECT_API_URL.value()
    return str(value).rstrip("/") if value else None
