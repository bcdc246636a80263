"""Landing retention: old zones of published live runs go, a failed run's zone never does."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from warehouse import db
from warehouse.retention import prune_landing

NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
# (run id, days before NOW it started, source, status)
RUNS = [
    ("20260101T223000-aaaaaa", 60, "live", "published"),
    ("20260102T223000-bbbbbb", 59, "live", "extraction_failed"),
    ("20260103T223000-cccccc", 58, "live", "gate_failed"),
    ("20260104T223000-dddddd", 57, "live", "failed"),
    ("20260105T223000-eeeeee", 56, "live", "abandoned"),
    ("20260131T223000-ffffff", 30.5, "live", "published"),
    ("20260201T223000-gggggg", 29, "live", "published"),
    ("20260301T223000-hhhhhh", 1, "live", "published"),
]


@pytest.fixture
def ledger() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    db.apply_ddl(con)
    for run_id, days, source, status in RUNS:
        con.execute("INSERT INTO ops.run_log (run_id, started_at, source, status) "
                    "VALUES (?, ?, ?, ?)", [run_id, NOW - timedelta(days=days), source, status])
    return con


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    for run_id, *_ in RUNS:
        zone = root / run_id / "eastmoney" / "kline"
        zone.mkdir(parents=True)
        (zone / "1.000688.json").write_bytes(b'{"rc": 0}')
    # A zone the ledger does not know (copied in by hand, or its ledger row was lost).
    (root / "20251201T223000-zzzzzz").mkdir()
    return root


def test_only_old_zones_of_published_runs_are_pruned(
    ledger: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    pruned = prune_landing(ledger, landing, 30, now=NOW)
    assert pruned.removed == ["20260101T223000-aaaaaa", "20260131T223000-ffffff"]
    assert pruned.failed == []
    assert sorted(p.name for p in landing.iterdir()) == [
        "20251201T223000-zzzzzz", "20260102T223000-bbbbbb", "20260103T223000-cccccc",
        "20260104T223000-dddddd", "20260105T223000-eeeeee", "20260201T223000-gggggg",
        "20260301T223000-hhhhhh",
    ]


def test_zero_keeps_every_zone(ledger: duckdb.DuckDBPyConnection, landing: Path) -> None:
    before = sorted(p.name for p in landing.iterdir())
    assert prune_landing(ledger, landing, 0, now=NOW).removed == []
    assert sorted(p.name for p in landing.iterdir()) == before


def test_a_failed_runs_zone_survives_any_age(
    ledger: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    prune_landing(ledger, landing, 1, now=NOW + timedelta(days=3650))
    left = sorted(p.name for p in landing.iterdir())
    assert left == ["20251201T223000-zzzzzz", "20260102T223000-bbbbbb",
                    "20260103T223000-cccccc", "20260104T223000-dddddd",
                    "20260105T223000-eeeeee"]


def test_a_symlinked_zone_is_not_followed(
    ledger: duckdb.DuckDBPyConnection, landing: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    (outside / "keep").mkdir(parents=True)
    target = landing / "20260101T223000-aaaaaa"
    shutil.rmtree(target)
    target.symlink_to(outside, target_is_directory=True)
    assert "20260101T223000-aaaaaa" not in prune_landing(ledger, landing, 30, now=NOW).removed
    assert (outside / "keep").is_dir()


def test_no_landing_dir_is_nothing_to_do(ledger: duckdb.DuckDBPyConnection,
                                         tmp_path: Path) -> None:
    assert prune_landing(ledger, tmp_path / "landing", 30, now=NOW).removed == []


def test_an_unreadable_ledger_prunes_nothing_and_raises_nothing(landing: Path) -> None:
    before = sorted(p.name for p in landing.iterdir())
    assert prune_landing(duckdb.connect(), landing, 30, now=NOW).removed == []
    assert sorted(p.name for p in landing.iterdir()) == before


def test_a_zone_that_cannot_be_removed_is_reported(
    ledger: duckdb.DuckDBPyConnection, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remove = shutil.rmtree

    def busy(path: Path) -> None:
        if path.name == "20260101T223000-aaaaaa":
            raise PermissionError(13, "Permission denied", str(path))
        remove(path)

    monkeypatch.setattr("warehouse.retention.shutil.rmtree", busy)
    pruned = prune_landing(ledger, landing, 30, now=NOW)
    assert pruned.failed == ["20260101T223000-aaaaaa"]
    assert pruned.removed == ["20260131T223000-ffffff"]
    assert (landing / "20260101T223000-aaaaaa").is_dir()
