"""Core tables exported as Hive-partitioned Parquet, for engines that cannot read DuckDB files.

``<data-dir>/core/<table>/year=YYYY/month=MM/data.parquet``: after each merge only the months the
merge touched are rewritten (each file atomically), so the cost follows the new data, not the
history. Spark, Trino's Hive connector and DuckDB read the folder with partition discovery.

Published tables are exported too, one file per table of a version, each carrying its table and
column descriptions as Parquet key-value metadata (``description``, ``column_descriptions``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import duckdb

from warehouse.db import quote_literal

# Core table → the date its rows are partitioned by.
PARTITIONED = {
    "index_bars": "trade_date", "security_bars": "trade_date", "fx_rates": "trade_date",
    "valuation": "trade_date", "margin": "trade_date", "eps_forecast": "report_date",
    "crosscheck": "trade_date",
}
# Small reference-like tables are rewritten whole.
WHOLE = ("ipo_listings",)


def export_touched(con: duckdb.DuckDBPyConnection, out_dir: Path) -> int:
    """Rewrite every month of core that staging touched (staging still holds the merged rows)."""
    written = 0
    for table, column in PARTITIONED.items():
        months = (con.table(f"staging.{table}")
                  .filter(duckdb.ColumnExpression(column).isnotnull())
                  .select(f"date_trunc('month', {column})::DATE").distinct().fetchall())
        for (month,) in months:
            following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            day = duckdb.ColumnExpression(column)
            rows = con.table(f"core.{table}").filter(
                (day >= duckdb.ConstantExpression(month))
                & (day < duckdb.ConstantExpression(following))
            ).order(f"{column}")
            target = out_dir / table / f"year={month.year}" / f"month={month.month:02d}"
            _write(rows, target / "data.parquet")
            written += 1
    for table in WHOLE:
        if con.table(f"staging.{table}").limit(1).fetchall():
            _write(con.table(f"core.{table}"), out_dir / table / "data.parquet")
            written += 1
    return written


def _write(relation: duckdb.DuckDBPyRelation, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    relation.write_parquet(str(tmp))
    os.replace(tmp, path)


def export_published(
    con: duckdb.DuckDBPyConnection, database: str, tables: Iterable[str], out_dir: Path
) -> list[Path]:
    """Write ``<out_dir>/<table>.parquet`` for each table of the attached ``database``.

    Key-value metadata: ``description`` (the table comment), ``column_descriptions`` (a JSON
    object of column comments) and ``table``; Spark, pyarrow, polars and DuckDB all read it.
    """
    written = []
    for table in tables:
        metadata = published_metadata(con, database, table)
        pairs = ", ".join(f"{quote_literal(key)}: {quote_literal(value)}"
                          for key, value in metadata.items())
        target = out_dir / f"{table}.parquet"
        con.execute(f"COPY (SELECT * FROM {_ident(database)}.main.{_ident(table)}) TO ? "
                    f"(FORMAT parquet, KV_METADATA {{{pairs}}})", [str(target)])
        written.append(target)
    return written


def published_metadata(
    con: duckdb.DuckDBPyConnection, database: str, table: str
) -> dict[str, str]:
    """The Parquet key-value metadata of one published table, from its DuckDB comments."""
    described = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
        [database, table]).fetchall()
    columns = con.execute(
        "SELECT column_name, comment FROM duckdb_columns() "
        "WHERE database_name = ? AND table_name = ? ORDER BY column_index",
        [database, table]).fetchall()
    return {
        "table": table,
        "description": (described[0][0] if described else None) or "",
        "column_descriptions": json.dumps({name: comment or "" for name, comment in columns},
                                          ensure_ascii=False),
    }


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
