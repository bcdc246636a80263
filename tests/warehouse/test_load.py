"""Staging loads and the core merge: upserts on the natural key, tails and partitions with them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from registry.datasets import INDEX_BARS, MARGIN, STAGING_TABLES
from warehouse import db, load

SOURCE = "eastmoney/kline/1.000688.json"
# STAR 50 (000688) around the turn of 2024, as recorded in tests/data/real/star50_000688_daily.csv.
STAR50 = [
    (date(2024, 12, 2), 1008.71, 1020.793, 1007.327, 1015.787, 882093802.0),
    (date(2024, 12, 3), 1017.067, 1017.067, 998.27, 1005.265, 772046020.0),
    (date(2024, 12, 4), 1020.082, 1020.922, 996.319, 999.358, 885706863.0),
]


def index_frame(rows: list[tuple[date, float, float, float, float, float]],
                source: str = SOURCE) -> pl.DataFrame:
    """``index_bars`` staging rows of STAR 50 in the registry's staging schema."""
    return pl.DataFrame(
        [("STAR50", day, o, h, low, c, v, c * v, source) for day, o, h, low, c, v in rows],
        schema=INDEX_BARS.staging_schema, orient="row")


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty warehouse from the repo's DDL, inside a snapshot run as of 2024-12-04."""
    connection = duckdb.connect()
    db.apply_ddl(connection)
    load.set_run_context(connection, run_id="run-1", as_of=date(2024, 12, 4), source="snapshot")
    yield connection
    connection.close()


def core_index(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute("SELECT index_code, trade_date, close, loaded_run_id FROM core.index_bars "
                       "ORDER BY trade_date").fetchall()


def test_stage_replaces_the_table_and_matches_columns_by_name(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert load.stage(con, "index_bars", index_frame(STAR50)) == 3
    reordered = index_frame(STAR50[:1]).select(reversed(INDEX_BARS.staging_schema.names()))
    assert load.stage(con, "index_bars", reordered) == 1

    assert con.execute("SELECT index_code, trade_date, close, source_file "
                       "FROM staging.index_bars").fetchall() == [
        ("STAR50", date(2024, 12, 2), 1015.787, SOURCE)]


def test_an_empty_frame_leaves_an_empty_staging_table(con: duckdb.DuckDBPyConnection) -> None:
    load.stage(con, "index_bars", index_frame(STAR50))
    assert load.stage(con, "index_bars", index_frame([])) == 0
    assert con.execute("SELECT count(*) FROM staging.index_bars").fetchall() == [(0,)]


def test_unknown_tables_and_date_columns_are_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="unknown staging table 'index_bars; DROP"):
        load.stage(con, "index_bars; DROP", index_frame(STAR50))
    with pytest.raises(ValueError, match="unknown staging table"):
        load.stage_files(con, "ref_securities", [], "trade_date", date(2024, 1, 1),
                         date(2024, 12, 31))
    with pytest.raises(ValueError, match="unknown date column 'close'"):
        load.stage_files(con, "index_bars", [], "close", date(2024, 1, 1), date(2024, 12, 31))


def test_stage_files_keeps_only_the_rows_inside_the_window(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    index_frame(STAR50[:2]).write_parquet(first)
    index_frame(STAR50[2:], source="eastmoney/kline/other.json").write_parquet(second)

    count = load.stage_files(con, "index_bars", [str(first), str(second)], "trade_date",
                             date(2024, 12, 3), date(2024, 12, 31))

    assert count == 2
    assert con.execute("SELECT trade_date, source_file FROM staging.index_bars "
                       "ORDER BY trade_date").fetchall() == [
        (date(2024, 12, 3), SOURCE), (date(2024, 12, 4), "eastmoney/kline/other.json")]
    assert load.stage_files(con, "index_bars", [], "trade_date", date(2024, 1, 1),
                            date(2024, 12, 31)) == 0


def test_merging_the_same_staging_twice_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    load.stage(con, "index_bars", index_frame(STAR50))
    first = load.merge_core(con)
    once = core_index(con)
    second = load.merge_core(con)

    assert first == second
    assert first["index_bars"] == 3
    assert set(first) == set(STAGING_TABLES)
    assert first["margin"] == 0
    assert core_index(con) == once
    assert con.execute("SELECT count(*) FROM core.series_tails").fetchall() == [(1,)]


def test_a_restated_day_replaces_its_row_on_the_key_and_keeps_the_others(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load.stage(con, "index_bars", index_frame(STAR50))
    load.merge_core(con)
    load.set_run_context(con, run_id="run-2", as_of=date(2024, 12, 4), source="live")
    restated = [(date(2024, 12, 4), 1020.082, 1020.922, 996.319, 1001.0, 885706863.0)]
    load.stage(con, "index_bars", index_frame(restated))

    counts = load.merge_core(con)

    assert counts["index_bars"] == 3
    assert core_index(con) == [
        ("STAR50", date(2024, 12, 2), 1015.787, "run-1"),
        ("STAR50", date(2024, 12, 3), 1005.265, "run-1"),
        ("STAR50", date(2024, 12, 4), 1001.0, "run-2"),
    ]


def test_tails_follow_the_merge_and_an_older_batch_keeps_the_newest_value(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load.stage(con, "index_bars", index_frame(STAR50[1:]))
    load.merge_core(con)
    load.stage(con, "index_bars", index_frame(STAR50[:1]))
    load.merge_core(con)

    assert con.execute("SELECT dataset, series, first_date, last_date, last_value "
                       "FROM core.series_tails").fetchall() == [
        ("index_bars", "STAR50", date(2024, 12, 2), date(2024, 12, 4), 999.358)]
    assert load.last_index_date(con) == date(2024, 12, 4)
    assert load.stored_start(con) == (date(2024, 12, 2),)


def test_an_empty_warehouse_has_no_dates(con: duckdb.DuckDBPyConnection) -> None:
    assert load.last_index_date(con) is None
    assert load.stored_start(con) == ()
    assert load.merged_partitions(con, "snapshot") == set()


def test_a_partition_is_recorded_with_its_merge_and_only_under_its_landing(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load.stage(con, "index_bars", index_frame(STAR50))
    partition = load.Partition("landing/2024", date(2024, 12, 1), date(2024, 12, 31), "2024-12")

    load.merge_core(con, partition, {"index_bars": 3})
    load.merge_core(con, partition, {"index_bars": 3})

    assert load.merged_partitions(con, "landing/2024") == {(date(2024, 12, 1), date(2024, 12, 31))}
    assert load.merged_partitions(con, "landing/2025") == set()
    assert con.execute("SELECT label, run_id, row_counts::VARCHAR FROM ops.backfill_partitions"
                       ).fetchall() == [("2024-12", "run-1", '{"index_bars": 3}')]


def test_a_failing_merge_rolls_back_core_tails_and_the_partition(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load.stage(con, "index_bars", index_frame(STAR50))
    # A staged row without its key breaks core.margin's NOT NULL after index_bars merged.
    broken = pl.DataFrame([(None, date(2024, 12, 4), 1.4e12, 9e9, 1e11, "sse/margin/SSE.json")],
                          schema=MARGIN.staging_schema, orient="row")
    load.stage(con, "margin", broken)
    partition = load.Partition("landing/2024", date(2024, 12, 1), date(2024, 12, 31), "2024-12")

    with pytest.raises(duckdb.ConstraintException):
        load.merge_core(con, partition, {"index_bars": 3, "margin": 1})

    assert core_index(con) == []
    assert con.execute("SELECT count(*) FROM core.series_tails").fetchall() == [(0,)]
    assert load.merged_partitions(con, "landing/2024") == set()


def test_tails_are_rebuilt_once_for_a_warehouse_that_predates_them(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load.stage(con, "index_bars", index_frame(STAR50))
    load.merge_core(con)
    con.execute("DELETE FROM core.series_tails")

    load.ensure_tails(con)

    assert con.execute("SELECT series, first_date, last_date, last_value "
                       "FROM core.series_tails").fetchall() == [
        ("STAR50", date(2024, 12, 2), date(2024, 12, 4), 999.358)]


def test_run_context_holds_the_latest_run_only(con: duckdb.DuckDBPyConnection) -> None:
    load.set_run_context(con, run_id="run-2", as_of=date(2024, 12, 5), source="live")
    assert con.execute("SELECT * FROM ops.run_context").fetchall() == [
        ("run-2", date(2024, 12, 5), "live")]
