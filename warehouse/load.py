"""Staging loads and core merges."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from warehouse.db import STAGING_TABLES, run_sql_file


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


def merge_core(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Upsert every staging table into its core table on the natural key, in one transaction."""
    counts: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for table in STAGING_TABLES:
            run_sql_file(con, f"core/{table}.sql")
            row = con.execute(f"SELECT count(*) FROM core.{table}").fetchall()[0]
            counts[table] = int(row[0]) if row else 0
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return counts
