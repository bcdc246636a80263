"""The session's Prefect API and the runs published once for it (the snapshot, its history a week
earlier, a live night), shared by every xdist worker."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.nightly import RunResult, nightly
from tests import prefect_api
from tests.conftest import SNAPSHOT
from tests.flows.nights import LiveNight, history, live_night
from tests.session import built_once, session_dir


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """Point this worker at the session's throwaway Prefect API (launched by the first asker)."""
    from prefect.context import refresh_global_settings_context

    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = prefect_api.session_api(session_dir())
    refresh_global_settings_context()
    yield
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    # What is still queued reaches the server before the session stops it: sent at exit
    # instead, each batch waits out its retries against a closed port (a minute and more).
    APILogWorker.drain_all(timeout=60)
    EventsWorker.drain_all(timeout=60)
    if before is None:
        os.environ.pop("PREFECT_API_URL", None)
    else:
        os.environ["PREFECT_API_URL"] = before
    refresh_global_settings_context()


@pytest.fixture(scope="session")
def published(prefect_server: None) -> RunResult:
    """The bundled snapshot, run once per test session through the nightly flow (its data dir
    is shared: copy it to change anything)."""
    return built_once("published", lambda data_dir: nightly(source="snapshot",
                                                            data_dir=str(data_dir)))


@pytest.fixture(scope="session")
def published_history(prefect_server: None) -> Path:
    """The snapshot published as of 2026-01-23, run once per test session (its data dir is
    shared: copy it to change anything)."""
    return built_once("history", history)


@pytest.fixture(scope="session")
def published_live_night(prefect_server: None) -> LiveNight:
    """The snapshot published as of 2026-01-15 and a live night on top, run once per test
    session (its data dir is shared: copy it to change anything)."""
    return built_once("live-night", live_night)


@pytest.fixture
def snapshot_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled snapshot for tests that corrupt it."""
    target = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT, target)
    return target
