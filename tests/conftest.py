"""Shared fixtures: paths to the repo's own test data and bundled snapshot; the session's
directory that every xdist worker shares (see ``tests.session``)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests import prefect_api
from tests.session import SHARED_ENV

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "tests" / "data"
SNAPSHOT = REPO / "snapshot"
_OWNER = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """The controller makes the session's shared directory; xdist workers inherit its path.

    With xdist workers to start, it also launches the session's Prefect API: migrating its
    database takes as long as a worker's imports and collection, which it then overlaps.
    """
    if SHARED_ENV not in os.environ:
        os.environ[SHARED_ENV] = tempfile.mkdtemp(prefix="cntech-test-session-")
        config.stash[_OWNER] = Path(os.environ[SHARED_ENV])
        if config.getoption("numprocesses", None):
            prefect_api.launch_session_api(Path(os.environ[SHARED_ENV]))


def pytest_unconfigure(config: pytest.Config) -> None:
    """The controller stops the session's Prefect server and removes the shared directory."""
    shared = config.stash.get(_OWNER, None)
    if shared is not None:
        prefect_api.stop_session_api(shared)
        shutil.rmtree(shared, ignore_errors=True)
        os.environ.pop(SHARED_ENV, None)


@pytest.fixture
def payloads() -> Path:
    """Genuine recorded provider responses copied into the repo."""
    return TEST_DATA / "payloads"


@pytest.fixture
def snapshot_dir() -> Path:
    """The bundled offline landing zone."""
    return SNAPSHOT
