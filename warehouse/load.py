"""Staging loads and core merges."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from registry import DATASETS, STAGING_TABLES, by_name
from warehouse import series
from warehouse.db import (
    equal_columns,
    identifier_list,
    run_sql_file,
    sql_text,
    temporary_views,
)

DATE_COLUMNS = frozenset(dataset.date for dataset in DATASETS)


def set_run_context(
    con: duckdb.DuckDBPyConnection, *, run_id: str, as_of: date, source: str
) -> None:
    """Record the run's id and as-of date: every merge and mart reads them from here."""
    run_sql_file(con, "ddl/ops_run_context.sql")
    con.execute("INSERT INTO ops.run_context VALUES (?, ?, ?)", [run_id, as_of, source])


def stage(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Replace ``staging.<table>`` with ``frame`` (columns matched by name); returns row count."""
    if table not in STAGING_TABLES:
        raise ValueError(f"unknown staging table {table!r}")
    run_sql_file(con, f"staging/{table}.sql")
    if frame.height:
        con.register("stage_frame", frame.to_arrow())
        try:
            con.execute(f"INSERT INTO staging.{table} BY NAME SELECT * FROM stage_frame")
        finally:
            con.unregister("stage_frame")
    return frame.height


def stage_files(
    con: duckdb.DuckDBPyConnection, table: str, paths: list[str], column: str, first: date,
    last: date,
) -> int:
    """Replace ``staging.<table>`` with the rows of Parquet files dated ``first``..``last``.

    DuckDB reads the files itself: the rows never pass through Python.
    """
    if table not in STAGING_TABLES:
        raise ValueError(f"unknown staging table {table!r}")
    if column not in DATE_COLUMNS:
        raise ValueError(f"unknown date column {column!r}")
    run_sql_file(con, f"staging/{table}.sql")
    if paths:
        # Staged rows are a set: every reader orders what it needs. Kept in the files' order, a
        # partition's rows from one file per parse chunk (33) took twice as long to insert as
        # from a single file (a year of the market: 1.1 s against 0.6 s).
        con.execute("SET preserve_insertion_order = false")
        try:
            con.execute(f"INSERT INTO staging.{table} BY NAME SELECT * FROM "
                        f"read_parquet(?, hive_partitioning = false) "
                        f"WHERE {column} BETWEEN ? AND ?", [paths, first, last])
        finally:
            con.execute("RESET preserve_insertion_order")
    [(count,)] = con.execute(f"SELECT count(*) FROM staging.{table}").fetchall()
    return int(count)


def month_after(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Partition:
    """A backfill partition of one landing zone, recorded with the merge that loads it."""

    landing: str
    start: date
    end: date
    label: str


def last_index_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """The newest day of any stored index series: the as-of date marts are built for."""
    [(last,)] = con.execute(sql_text("ops/last_index_date.sql")).fetchall()
    return last


def stored_start(con: duckdb.DuckDBPyConnection) -> tuple[date, ...]:
    """The oldest day any stored daily series starts on; empty for an empty warehouse."""
    [(first,)] = con.execute(sql_text("ops/first_stored_date.sql")).fetchall()
    return () if first is None else (first,)


def ensure_tails(con: duckdb.DuckDBPyConnection) -> None:
    """Build ``core.series_tails`` once for a warehouse whose history predates it."""
    [(missing,)] = con.execute(sql_text("ops/tails_missing.sql")).fetchall()
    if missing:
        with temporary_views(con, {"stored_series": series.stored()}):
            run_sql_file(con, "core/series_tails_rebuild.sql")


def merged_partitions(con: duckdb.DuckDBPyConnection, landing: str) -> set[tuple[date, date]]:
    """(start, end) of the partitions of ``landing`` already merged by a backfill."""
    rows = con.execute(sql_text("ops/merged_partitions.sql"), {"landing": landing}).fetchall()
    return {(start, end) for start, end in rows}


class DuplicateKey(duckdb.ConstraintException):
    """A staged natural key occurs more than once, so the merge was refused."""


def merge_core(
    con: duckdb.DuckDBPyConnection, partition: Partition | None = None,
    staged_rows: dict[str, int] | None = None, keys_proved: Iterable[str] = (),
) -> dict[str, int]:
    """Merge every staging table into its core table on the natural key, in one transaction.

    The stored rows whose key is staged are replaced: deleted, then the staged rows inserted. A
    backfill ``partition`` skips the delete for each table whose stored rows do not reach into
    its dates (``inserts_outright``). The series tails follow in the same transaction, and so
    does the record of the partition: a partition is marked merged exactly when its rows are in
    core. A staged key that occurs twice refuses the whole merge (``DuplicateKey``), unless the
    gate already proved that table's staged keys distinct (``keys_proved``) on these same rows.
    """
    counts: dict[str, int] = {}
    proved = frozenset(keys_proved)
    # Created before the transaction: dropping them inside an aborted one would fail and hide
    # the error that aborted it.
    merged_rows = {f"merged_{table}": sql_text(f"core/{table}.sql") for table in STAGING_TABLES}
    with temporary_views(con, merged_rows):
        con.execute("BEGIN TRANSACTION")
        try:
            for table in STAGING_TABLES:
                if table not in proved:
                    _refuse_duplicate_keys(con, table)
                if partition is None or not inserts_outright(con, table):
                    _delete_staged_keys(con, table)
                con.execute(f"INSERT INTO core.{table} BY NAME SELECT * FROM merged_{table}")
                row = con.execute(f"SELECT count(*) FROM core.{table}").fetchall()[0]
                counts[table] = int(row[0]) if row else 0
            _merge_tails_and_record(con, partition, staged_rows)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return counts


def _refuse_duplicate_keys(con: duckdb.DuckDBPyConnection, table: str) -> None:
    # Core tables carry no primary key: maintaining one cost more than half of a backfill
    # partition's merge. The merge, their only writer, proves the staged keys distinct instead:
    # a hash aggregate of the staged keys, skipped where the gate's unique_key rule proved them.
    if table not in STAGING_TABLES:
        raise ValueError(f"unknown staging table {table!r}")
    keys = by_name(table).keys
    duplicate = con.execute(f"SELECT {identifier_list(keys)} FROM staging.{table} GROUP BY ALL "
                            "HAVING count(*) > 1 LIMIT 1").fetchall()
    if duplicate:
        named = ", ".join(f"{k}={v}" for k, v in zip(keys, duplicate[0], strict=True))
        raise DuplicateKey(f"staging.{table} holds the key ({named}) more than once; "
                           "nothing was merged")


def _delete_staged_keys(con: duckdb.DuckDBPyConnection, table: str) -> None:
    if table not in STAGING_TABLES:
        raise ValueError(f"unknown staging table {table!r}")
    keys = by_name(table).keys
    con.execute(f"DELETE FROM core.{table} AS stored USING "
                f"(SELECT DISTINCT {identifier_list(keys)} FROM staging.{table}) AS incoming "
                f"WHERE {equal_columns(keys, 'stored', 'incoming')}")


def _merge_tails_and_record(con: duckdb.DuckDBPyConnection, partition: Partition | None,
                            staged_rows: dict[str, int] | None) -> None:
    with temporary_views(con, {"staged_series": series.staged()}):
        run_sql_file(con, "core/series_tails.sql")
    if partition is not None:
        con.execute(sql_text("ops/record_partition.sql"), {
            "landing": partition.landing, "partition_start": partition.start,
            "partition_end": partition.end, "label": partition.label,
            "row_counts": json.dumps(staged_rows or {}),
        })


def inserts_outright(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether a backfill partition's staged rows of ``table`` need no stored keys deleted first.

    When the date is part of the natural key and core holds no row on the staged dates, no
    staged key can already be stored, so nothing needs deleting first. A partition reaching into
    stored days (a second zone over the same range) replaces its keys, as a nightly run does.
    """
    if table not in STAGING_TABLES:
        raise ValueError(f"unknown staging table {table!r}")
    dataset = by_name(table)
    column = dataset.date
    if column not in DATE_COLUMNS:
        raise ValueError(f"unknown date column {column!r}")
    if column not in dataset.keys:
        return False
    [(first, last)] = con.execute(
        f"SELECT min({column}), max({column}) FROM staging.{table}").fetchall()
    if first is None:
        return True
    stored = con.execute(f"SELECT 1 FROM core.{table} WHERE {column} BETWEEN ? AND ? LIMIT 1",
                         [first, last]).fetchall()
    return not stored
