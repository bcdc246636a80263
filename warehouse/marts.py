"""Mart builds: one SQL file per mart, run in dependency order inside one transaction."""

from __future__ import annotations

import duckdb

from warehouse.db import run_sql_file

MARTS = (
    "mart_index_performance",
    "mart_index_event_returns",
    "mart_basket_market_value",
    "mart_valuation",
    "mart_ipo_debuts",
    "mart_ipo_monthly",
    "mart_margin_financing",
)


def build_marts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild every mart from core for the run's as-of date; returns row counts per mart."""
    counts: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for mart in MARTS:
            run_sql_file(con, f"marts/{mart}.sql")
            row = con.execute(f"SELECT count(*) FROM marts.{mart}").fetchall()[0]
            counts[mart] = int(row[0]) if row else 0
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return counts
