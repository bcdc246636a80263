"""Shared fixtures: paths to the repo's own test data and bundled snapshot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "tests" / "data"
SNAPSHOT = REPO / "snapshot"


@pytest.fixture
def payloads() -> Path:
    """Genuine recorded provider responses copied into the repo."""
    return TEST_DATA / "payloads"


@pytest.fixture
def snapshot_dir() -> Path:
    """The bundled offline landing zone."""
    return SNAPSHOT
