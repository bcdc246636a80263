"""One published snapshot run per test session: the expensive part, shared by the flow tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness

from flows.nightly import RunResult, nightly
from tests.conftest import SNAPSHOT


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """A throwaway Prefect API for the whole session (it takes seconds to start)."""
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory, prefect_server: None) -> RunResult:
    """The bundled snapshot, run once through the nightly flow into a fresh data dir."""
    data_dir = tmp_path_factory.mktemp("data")
    return nightly(source="snapshot", data_dir=str(data_dir))


@pytest.fixture
def snapshot_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled snapshot for tests that corrupt it."""
    target = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT, target)
    return target
