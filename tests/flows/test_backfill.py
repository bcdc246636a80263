"""Backfill: partition by partition, gated, resumable, and the same marts as a one-shot replay."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from benchmarks.generate import Generated, generate
from flows.backfill import backfill, plan_partitions
from flows.nightly import GateFailed, nightly
from flows.sources.bodies import api_json
from registry import STAGING_TABLES
from tests.flows.bad_data.payloads import reland
from warehouse import load
from warehouse.marts import MARTS

START, END = date(2025, 9, 1), date(2025, 11, 28)
# A main-board name listed before the window: its 10% limit is what the corruption breaks.
BODY = "eastmoney/kline/1.600001.json"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """20 securities over three months, generated in the providers' formats."""
    return generate(tmp_path_factory.mktemp("gen") / "g20", 20, START, END, days=1, workers=1)


def _digests(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            mart: hashlib.sha256(json.dumps(
                con.execute(f"SELECT * FROM {mart} ORDER BY ALL").fetchall(), default=str
            ).encode()).hexdigest()
            for mart in MARTS
        }


def test_partitions_are_calendar_months_or_years_clipped_to_the_range() -> None:
    months = plan_partitions("zone", date(2024, 11, 29), date(2025, 2, 10), "month")
    assert [(p.label, p.start, p.end) for p in months] == [
        ("2024-11", date(2024, 11, 29), date(2024, 11, 30)),
        ("2024-12", date(2024, 12, 1), date(2024, 12, 31)),
        ("2025-01", date(2025, 1, 1), date(2025, 1, 31)),
        ("2025-02", date(2025, 2, 1), date(2025, 2, 10)),
    ]
    years = plan_partitions("zone", date(2016, 3, 1), date(2017, 6, 30), "year")
    assert [(p.label, p.start, p.end) for p in years] == [
        ("2016", date(2016, 3, 1), date(2016, 12, 31)),
        ("2017", date(2017, 1, 1), date(2017, 6, 30)),
    ]
    with pytest.raises(ValueError, match="partition"):
        plan_partitions("zone", START, END, "week")


def test_failed_partition_stops_the_backfill_and_a_rerun_resumes_after_the_merged_ones(
    prefect_server: None, generated: Generated, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CNTECH_SEEDS_DIR", str(generated.seeds))
    monkeypatch.setenv("CNTECH_HISTORY_START", START.isoformat())
    landing = tmp_path / "landing"
    shutil.copytree(generated.history, landing)
    original = (landing / BODY).read_bytes()
    doc = json.loads(original)
    lines = doc["data"]["klines"]
    at = next(i for i, line in enumerate(lines) if line.startswith("2025-10-15"))
    fields = lines[at].split(",")
    fields[2] = f"{float(fields[2]) * 1.5:.2f}"
    lines[at] = ",".join(fields)
    reland(landing, BODY, api_json(doc))
    data = tmp_path / "data"

    with pytest.raises(GateFailed) as caught:
        backfill(START, END, "month", snapshot=str(landing), data_dir=str(data))
    assert "2025-10" in str(caught.value) and "600001.SH" in str(caught.value)
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        merged = con.execute("SELECT label FROM ops.backfill_partitions").fetchall()
        [(last_bar,)] = con.execute("SELECT max(trade_date) FROM core.security_bars").fetchall()
    assert merged == [("2025-09",)]
    assert last_bar <= date(2025, 9, 30)
    assert not (data / "marts.duckdb").exists()
    assert _exported(data) == _stored(data) and [m for _, m, _ in _stored(data)] == [9]

    reland(landing, BODY, original)
    proofs: list[frozenset[str]] = []
    merge_core = load.merge_core

    def merge_noting_proofs(con: Any, *args: Any) -> dict[str, int]:
        if args:
            proofs.append(frozenset(args[2]))
        return merge_core(con, *args)

    monkeypatch.setattr(load, "merge_core", merge_noting_proofs)
    result = backfill(START, END, "month", snapshot=str(landing), data_dir=str(data))

    assert result.skipped == ["2025-09"]
    assert result.merged == ["2025-10", "2025-11"]
    # Each partition's gate proved every staged table's keys distinct; the merge reuses that.
    assert proofs == [frozenset(STAGING_TABLES)] * 2
    assert result.as_of == END and result.published is not None
    assert not any((data / "backfill").iterdir())
    exported = duckdb.execute(
        "SELECT count(*), max(CAST(month AS INTEGER)) "
        "FROM read_parquet(?, hive_partitioning = true)",
        [str(data / "core" / "security_bars" / "*" / "*" / "*.parquet")]).fetchall()
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        assert exported == con.execute(
            "SELECT count(*), max(month(trade_date)) FROM core.security_bars").fetchall()
    replay = nightly(source="snapshot", snapshot=str(landing), data_dir=str(tmp_path / "replay"))
    assert replay.published is not None
    assert _digests(result.published) == _digests(replay.published)

    # A run that died between its merge and its export left October due: a rerun writes it.
    (data / "core" / "security_bars" / "year=2025" / "month=10" / "data.parquet").unlink()
    with duckdb.connect(str(data / "warehouse.duckdb")) as con:
        con.execute("INSERT INTO ops.export_pending VALUES ('security_bars', DATE '2025-10-01')")
    rerun = backfill(START, END, "month", snapshot=str(landing), data_dir=str(data))
    assert rerun.merged == [] and rerun.skipped == ["2025-09", "2025-10", "2025-11"]
    assert _exported(data) == _stored(data)
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM ops.export_pending").fetchall() == [(0,)]


def _exported(data: Path) -> list[tuple[int, int, int]]:
    """(year, month, rows) of the exported copy of the stored security bars."""
    return duckdb.execute(
        "SELECT year, CAST(month AS INTEGER), count(*) FROM read_parquet(?, "
        "hive_partitioning = true) GROUP BY ALL ORDER BY ALL",
        [str(data / "core" / "security_bars" / "*" / "*" / "*.parquet")]).fetchall()


def _stored(data: Path) -> list[tuple[int, int, int]]:
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("SELECT year(trade_date), month(trade_date), count(*) "
                           "FROM core.security_bars GROUP BY ALL ORDER BY ALL").fetchall()
