"""A successful publish prunes old landing zones of published runs and keeps failed runs' zones."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from flows.nightly import RunResult, nightly
from flows.settings import Settings

OLD_PUBLISHED = "20250101T223000-aaaaaa"
OLD_FAILED = "20250102T223000-bbbbbb"


def _data_dir(published: RunResult, target: Path) -> Path:
    assert published.published is not None
    shutil.copytree(published.published.parent, target,
                    ignore=shutil.ignore_patterns("*.lock", "landing", "parsed"))
    started = datetime.now(UTC) - timedelta(days=40)
    with duckdb.connect(str(target / "warehouse.duckdb")) as con:
        for run_id, status in ((OLD_PUBLISHED, "published"), (OLD_FAILED, "extraction_failed")):
            con.execute("INSERT INTO ops.run_log (run_id, started_at, source, status) "
                        "VALUES (?, ?, 'live', ?)", [run_id, started, status])
            zone = target / "landing" / run_id / "yahoo" / "chart"
            zone.mkdir(parents=True)
            (zone / "0700.HK.json").write_bytes(b"{}")
    return target


def test_a_publish_prunes_old_zones_and_keeps_the_failed_runs_zone(
    published: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = _data_dir(published, tmp_path / "data")
    monkeypatch.delenv("CNTECH_LANDING_KEEP_DAYS", raising=False)
    nightly(source="snapshot", data_dir=str(data_dir))
    assert [p.name for p in (data_dir / "landing").iterdir()] == [OLD_FAILED]


def test_keep_days_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().landing_keep_days == 30
    monkeypatch.setenv("CNTECH_LANDING_KEEP_DAYS", "0")
    assert Settings().landing_keep_days == 0
