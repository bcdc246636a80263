"""Core exported as Hive-partitioned Parquet: only the months a merge touched are rewritten."""

from __future__ import annotations

import errno
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from registry import STAGING_TABLES, by_name
from registry.datasets import IPO_LISTINGS, MARGIN
from transforms.schemas import empty
from warehouse import db, export, load

SOURCE = "sse/margin/SSE.json"


def margin(days: list[date], balance: float = 1.4e12) -> pl.DataFrame:
    """SSE margin staging rows, one per day, a balance of the size the exchange reports."""
    return pl.DataFrame(
        [("SSE", day, balance + i * 1e9, 9.0e9, 1.1e11, SOURCE) for i, day in enumerate(days)],
        schema=MARGIN.staging_schema, orient="row")


def ipo() -> pl.DataFrame:
    """One STAR debut as the IPO parser stages it."""
    return pl.DataFrame(
        [("688795.SH", "Moore Threads", "SSE", "STAR", date(2025, 12, 5), date(2025, 11, 24),
          114.28, 650.0, 600.5, 8.0e9, "CNY", "eastmoney/datacenter/RPTA_APP_IPOAPPLY/2025.json")],
        schema=IPO_LISTINGS.staging_schema, orient="row")


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty warehouse from the repo's DDL with a run context."""
    connection = duckdb.connect()
    db.apply_ddl(connection)
    load.set_run_context(connection, run_id="run-1", as_of=date(2025, 1, 2), source="snapshot")
    yield connection
    connection.close()


def merge(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Stage ``frame`` as the run's only rows and merge them into core, noting the months it
    touches first, as the flows do."""
    for name in STAGING_TABLES:
        load.stage(con, name, frame if name == table else empty(by_name(name)))
    export.note_staged(con)
    load.merge_core(con)


def written(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def test_touched_months_across_a_year_end_are_written_in_hive_layout(
    con: duckdb.DuckDBPyConnection, tmp_path: Path,
) -> None:
    merge(con, "margin", margin([date(2024, 12, 30), date(2024, 12, 31), date(2025, 1, 2)]))

    assert export.export_pending(con, tmp_path) == 2
    assert written(tmp_path) == ["margin/year=2024/month=12/data.parquet",
                                 "margin/year=2025/month=01/data.parquet"]
    december = pl.read_parquet(tmp_path / "margin/year=2024/month=12/data.parquet")
    assert december["trade_date"].to_list() == [date(2024, 12, 30), date(2024, 12, 31)]
    assert december["loaded_run_id"].unique().to_list() == ["run-1"]
    read = con.execute("SELECT year, month::INTEGER, count(*) FROM read_parquet(?, "
                       "hive_partitioning = true) GROUP BY ALL ORDER BY ALL",
                       [f"{tmp_path}/margin/**/*.parquet"]).fetchall()
    assert read == [(2024, 12, 2), (2025, 1, 1)]


def test_a_month_is_rewritten_whole_from_core_and_other_months_are_left_alone(
    con: duckdb.DuckDBPyConnection, tmp_path: Path,
) -> None:
    merge(con, "margin", margin([date(2024, 11, 29), date(2024, 12, 2)]))
    export.export_pending(con, tmp_path)
    november = tmp_path / "margin/year=2024/month=11/data.parquet"
    before = november.stat().st_mtime_ns

    merge(con, "margin", margin([date(2024, 12, 3)], balance=1.41e12))

    assert export.export_pending(con, tmp_path) == 1
    assert november.stat().st_mtime_ns == before
    december = pl.read_parquet(tmp_path / "margin/year=2024/month=12/data.parquet")
    assert december.select("trade_date", "financing_balance").rows() == [
        (date(2024, 12, 2), 1.401e12), (date(2024, 12, 3), 1.41e12)]
    assert not list(tmp_path.rglob(".*.tmp"))


def test_a_month_between_two_touched_months_is_left_alone(
    con: duckdb.DuckDBPyConnection, tmp_path: Path,
) -> None:
    merge(con, "margin", margin([date(2024, 10, 31), date(2024, 11, 29), date(2024, 12, 2)]))
    export.export_pending(con, tmp_path)
    november = tmp_path / "margin/year=2024/month=11/data.parquet"
    before = november.stat().st_mtime_ns

    merge(con, "margin", margin([date(2024, 10, 31), date(2024, 12, 3)], balance=1.41e12))

    assert export.export_pending(con, tmp_path) == 2
    assert november.stat().st_mtime_ns == before
    october = pl.read_parquet(tmp_path / "margin/year=2024/month=10/data.parquet")
    december = pl.read_parquet(tmp_path / "margin/year=2024/month=12/data.parquet")
    assert october["trade_date"].to_list() == [date(2024, 10, 31)]
    assert december["trade_date"].to_list() == [date(2024, 12, 2), date(2024, 12, 3)]


def test_whole_tables_are_written_only_when_staged(
    con: duckdb.DuckDBPyConnection, tmp_path: Path,
) -> None:
    assert "ipo_listings" in export.WHOLE and "ipo_listings" not in export.PARTITIONED
    assert export.PARTITIONED["margin"] == "trade_date"

    merge(con, "margin", margin([date(2024, 12, 2)]))
    export.export_pending(con, tmp_path)
    assert not (tmp_path / "ipo_listings").exists()

    merge(con, "ipo_listings", ipo())
    assert export.export_pending(con, tmp_path) == 1
    assert pl.read_parquet(tmp_path / "ipo_listings/data.parquet")["symbol"].to_list() == [
        "688795.SH"]


def test_nothing_staged_writes_nothing(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    assert export.export_pending(con, tmp_path) == 0
    assert written(tmp_path) == []


def test_months_are_written_two_at_a_time_and_a_failed_write_is_raised(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    days = [date(2024, month, 2) for month in range(1, 13)]
    merge(con, "margin", margin(days))
    writers: set[str] = set()
    write = export._write

    def slow_write(relation: duckdb.DuckDBPyRelation, path: Path) -> None:
        writers.add(threading.current_thread().name)
        time.sleep(0.02)
        write(relation, path)

    monkeypatch.setattr(export, "_write", slow_write)
    assert export.export_pending(con, tmp_path) == 12
    assert writers == {threading.main_thread().name, "export-lane"}
    assert [pl.read_parquet(tmp_path / f"margin/year=2024/month={m:02d}/data.parquet").height
            for m in range(1, 13)] == [1] * 12

    def failing_write(relation: duckdb.DuckDBPyRelation, path: Path) -> None:
        if "month=06" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device")
        write(relation, path)

    merge(con, "margin", margin(days, balance=1.5e12))
    monkeypatch.setattr(export, "_write", failing_write)
    with pytest.raises(OSError, match="No space left"):
        export.export_pending(con, tmp_path)
    # Nothing is cleared from the ledger: the next export writes every month again.
    monkeypatch.setattr(export, "_write", write)
    assert export.export_pending(con, tmp_path) == 12
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_a_touched_month_core_holds_no_row_of_is_written_empty(
    con: duckdb.DuckDBPyConnection, tmp_path: Path,
) -> None:
    # Staged but not merged: core holds no row of the month.
    for name in STAGING_TABLES:
        load.stage(con, name, margin([date(2024, 12, 2)]) if name == "margin"
                   else empty(by_name(name)))
    export.note_staged(con)

    assert export.export_pending(con, tmp_path) == 1
    month = pl.read_parquet(tmp_path / "margin/year=2024/month=12/data.parquet")
    assert month.height == 0 and "financing_balance" in month.columns


def test_a_table_that_is_not_exported_by_month_is_refused(
    con: duckdb.DuckDBPyConnection, tmp_path: Path,
) -> None:
    with pytest.raises(ValueError, match="ipo_listings"):
        export._export_months(con, [("ipo_listings", date(2025, 12, 1))], tmp_path)
    assert not list(tmp_path.iterdir())


def test_months_a_dead_run_merged_are_written_by_the_next_export(
    con: duckdb.DuckDBPyConnection, tmp_path: Path,
) -> None:
    # The first run dies between its merge and its export: its months stay noted.
    merge(con, "margin", margin([date(2024, 11, 29)]))
    merge(con, "ipo_listings", ipo())
    assert con.execute("SELECT count(*) FROM ops.export_pending").fetchall() == [(2,)]

    merge(con, "margin", margin([date(2025, 1, 2)]))
    assert export.export_pending(con, tmp_path) == 3

    assert written(tmp_path) == ["ipo_listings/data.parquet",
                                 "margin/year=2024/month=11/data.parquet",
                                 "margin/year=2025/month=01/data.parquet"]
    assert con.execute("SELECT count(*) FROM ops.export_pending").fetchall() == [(0,)]
    assert export.export_pending(con, tmp_path) == 0


def test_a_table_no_longer_exported_is_cleared_from_the_ledger(
    con: duckdb.DuckDBPyConnection, tmp_path: Path,
) -> None:
    con.execute("INSERT INTO ops.export_pending VALUES ('retired_table', DATE '2024-12-01'), "
                "('retired_table', NULL)")
    assert export.export_pending(con, tmp_path) == 0
    assert written(tmp_path) == []
    assert con.execute("SELECT count(*) FROM ops.export_pending").fetchall() == [(0,)]
