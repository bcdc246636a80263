"""Core tables exported as Hive-partitioned Parquet, for engines that cannot read DuckDB files.

``<data-dir>/core/<table>/year=YYYY/month=MM/data.parquet``: after each merge only the months the
merge touched are rewritten (each file atomically), so the cost follows the new data, not the
history. Spark, Trino's Hive connector and DuckDB read the folder with partition discovery.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb

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
