"""Shared fixtures: paths to the repo's own test data and bundled snapshot; the session's
directory that every xdist worker shares (see ``tests.session``)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from expectations import gx
from tests import prefect_api
from tests.session import SHARED_ENV

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "tests" / "data"
SNAPSHOT = REPO / "snapshot"
_OWNER = pytest.StashKey[Path]()
# The modules holding the default suite's longest tests, longest first (``--durations`` on a
# quiet 2-core machine). They are collected first; see ``pytest_collection_modifyitems``.
LONGEST_FIRST = (
    "flows/test_dask.py", "flows/test_backfill.py", "flows/test_crash_safety.py",
    "flows/test_live.py", "flows/test_concurrency.py", "flows/test_half_days.py",
    "flows/test_landing_retention.py", "flows/test_held_back.py",
    "expectations/test_judges.py", "flows/test_data_origins.py", "flows/test_nightly.py",
    "flows/test_bad_data_corpus.py", "expectations/test_quality_gate.py",
)
# Fixtures built once per session by the first worker to ask (tests/flows/conftest.py).
SESSION_BUILT = {"prefect_server", "published", "published_history", "published_live_night"}


def pytest_configure(config: pytest.Config) -> None:
    """The controller makes the session's shared directory; xdist workers inherit its path.

    With xdist workers to start, it also launches the session's Prefect API: migrating its
    database takes as long as a worker's imports and collection, which it then overlaps. Every
    process imports Great Expectations as the gate's processes do (``expectations.gx``).
    """
    gx.defer()
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order whole modules: the longest tests, then the other modules using a session-built
    fixture, then those using none, each group in collection order.

    xdist's worksteal gives each of two workers half of this order and lets an idle one steal
    from the end of the other's queue, so the run starts on its longest tests and ends on short
    ones, not with one worker waiting out a 40-second test. The half of the worker that does
    not build the session's runs starts on modules that do not wait for them.
    """
    modules: dict[Path, int] = {}
    longest = {REPO / "tests" / name: at for at, name in enumerate(LONGEST_FIRST)}
    for item in items:
        uses_built = bool(SESSION_BUILT & set(getattr(item, "fixturenames", ())))
        group = len(longest) if uses_built else len(longest) + 1
        modules[item.path] = min(modules.get(item.path, group), longest.get(item.path, group))
    items.sort(key=lambda item: modules[item.path])


@pytest.fixture
def payloads() -> Path:
    """Genuine recorded provider responses copied into the repo."""
    return TEST_DATA / "payloads"


@pytest.fixture
def snapshot_dir() -> Path:
    """The bundled offline landing zone."""
    return SNAPSHOT
