"""The run's Prefect API: a temporary server waited for patiently and relaunched when it dies,
a configured one checked at once; either failure is one line and exit code 5."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows import startup
from flows.settings import Settings
from tests.conftest import REPO

CNTECH = Path(sys.executable).with_name("cntech")
# A stand-in for Prefect's server: answers /api/health with 200 after ``delay`` seconds.
HEALTHY = """
import http.server, sys, time
time.sleep(float(sys.argv[2]))
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
"""


@pytest.fixture
def no_configured_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No API configured anywhere; the URL a temporary server publishes is taken back after."""
    before = os.environ.pop("PREFECT_API_URL", None)
    monkeypatch.setattr(startup, "_prefect_setting", lambda: None)
    monkeypatch.setattr(startup, "_profile_url", lambda settings: None)
    yield
    os.environ.pop("PREFECT_API_URL", None)
    if before is not None:
        os.environ["PREFECT_API_URL"] = before
    if "prefect.context" in sys.modules:
        from prefect.context import refresh_global_settings_context

        refresh_global_settings_context()


def fake_server(monkeypatch: pytest.MonkeyPatch, command: list[str]) -> list[int]:
    ports: list[int] = []

    def command_for(port: int) -> list[str]:
        ports.append(port)
        return [part.replace("PORT", str(port)) for part in command]

    monkeypatch.setattr(startup, "server_command", command_for)
    return ports


@pytest.mark.usefixtures("no_configured_api")
def test_a_slow_server_is_waited_for_and_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_server(monkeypatch, [sys.executable, "-c", HEALTHY, "PORT", "1.5"])
    monkeypatch.setattr(startup, "WAITING_EVERY", 0.5)
    waited: list[float] = []
    api = startup.begin(Settings())
    try:
        url = startup.ready(api, waited.append)
        assert len(waited) >= 2 and waited == sorted(waited) and waited[0] >= 0.5
        assert api.process is not None and api.ready_after is not None
        assert api.ready_after >= 1.5 and url == api.url
        assert api.describe().startswith(f"temporary Prefect API server {url} ready after")
        # Every thread and child process of the run finds it, not only the flow's context.
        assert os.environ["PREFECT_API_URL"] == url
    finally:
        process = api.process
        startup.stop(api)
    assert process is not None and process.poll() is not None
    assert api.log is not None and not api.log.exists()


@pytest.mark.usefixtures("no_configured_api")
def test_a_server_that_dies_is_relaunched_then_given_up_on(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    ports = fake_server(monkeypatch, [sys.executable, "-c",
                                      "import sys; print('boom'); sys.exit(1)", "PORT"])
    api = startup.begin(Settings())
    with pytest.raises(startup.StartupFailed) as failed:
        startup.ready(api)
    message = str(failed.value)
    assert len(ports) == startup.ATTEMPTS
    assert message.startswith("the temporary Prefect API server exited with code 1 (attempt 3")
    assert "last words: boom" in message and "PREFECT_API_URL" in message
    assert "\n" not in message


@pytest.mark.usefixtures("no_configured_api")
def test_the_wait_is_bounded_and_stretched_by_the_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(startup.TIMEOUT_ENV, "1")
    fake_server(monkeypatch, [sys.executable, "-c", "import time; time.sleep(60)", "PORT"])
    monkeypatch.setattr(os, "getloadavg", lambda: (0.5, 0.5, 0.5))
    api = startup.begin(Settings())
    started = time.monotonic()
    with pytest.raises(startup.StartupFailed, match=r"did not answer within 1 s"):
        startup.ready(api)
    assert time.monotonic() - started < 5 and api.process is None
    monkeypatch.setattr(os, "getloadavg", lambda: (4.0 * (os.cpu_count() or 1), 0, 0))
    assert startup.startup_timeout(1.0) == 4.0


def test_a_configured_api_that_does_not_answer_exits_5_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CNTECH_")}
    env["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"
    started = time.monotonic()
    done = subprocess.run([str(CNTECH), "run", "--data-dir", str(tmp_path)], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 5, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"the Prefect API at http://127.0.0.1:{port}/api does not answer")
    assert "Traceback" not in done.stderr and time.monotonic() - started < 5


def test_a_server_named_by_the_active_prefect_profile_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.setattr(startup, "_prefect_setting", lambda: None)
    (tmp_path / "profiles.toml").write_text(
        'active = "prod"\n[profiles.prod]\nPREFECT_API_URL = "http://prefect:4200/api/"\n'
        '[profiles.ephemeral]\nPREFECT_SERVER_ALLOW_EPHEMERAL_MODE = "true"\n')
    api = startup.begin(Settings())
    assert (api.url, api.source, api.process) == ("http://prefect:4200/api", "Prefect profile",
                                                  None)
    monkeypatch.setenv("PREFECT_PROFILE", "ephemeral")
    assert startup._profile_url(Settings()) is None


def test_quiet_runtime_turns_telemetry_off_without_overriding_the_caller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("DO_NOT_TRACK", "PREFECT_LOGGING_LEVEL", "PREFECT_SERVER_LOGGING_LEVEL",
                 "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "PREFECT_SERVER_ANALYTICS_ENABLED",
                 "GX_ANALYTICS_ENABLED"):
        # Set first so that teardown removes what quiet_runtime sets, whatever was there.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("PREFECT_SERVER_LOGGING_LEVEL", "DEBUG")
    startup.quiet_runtime(verbose=False)
    assert os.environ["DO_NOT_TRACK"] == "1"
    assert os.environ["PREFECT_LOGGING_LEVEL"] == "CRITICAL"
    assert os.environ["PREFECT_SERVER_LOGGING_LEVEL"] == "DEBUG"


@pytest.mark.usefixtures("no_configured_api")
def test_a_run_launches_its_server_once_its_arguments_are_known_good(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ports = fake_server(monkeypatch, [sys.executable, "-c", HEALTHY, "PORT", "0"])
    # Set first so that teardown removes what the launch sets.
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "")
    monkeypatch.delenv("PREFECT_LOGGING_LEVEL")
    from flows import entry

    entry.precheck(["run", "--data-dir", str(tmp_path / "data"), "--verbose"])
    api = startup.take_early()
    try:
        assert api is not None and api.process is not None and len(ports) == 1
        assert startup.take_early() is None
        assert os.environ["PREFECT_LOGGING_LEVEL"] == "INFO"
        assert startup.ready(api) == api.url
    finally:
        if api is not None:
            startup.stop(api)
    entry.precheck(["status", "--data-dir", str(tmp_path / "data")])
    assert startup.take_early() is None and len(ports) == 1


def test_a_temporary_api_gets_no_heartbeats_and_a_running_server_keeps_them() -> None:
    from prefect.settings import get_current_settings

    sent = get_current_settings().flows.heartbeat_frequency
    with startup.heartbeats(temporary=True):
        assert get_current_settings().flows.heartbeat_frequency is None
    with startup.heartbeats(temporary=False):
        assert get_current_settings().flows.heartbeat_frequency == sent
    assert sent is not None
