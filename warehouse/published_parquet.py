"""Published tables as a Parquet set, for engines that cannot read DuckDB files.

One file per table of a version, each carrying its table and column descriptions (the DuckDB
comments) as Parquet key-value metadata: ``table``, ``description`` and ``column_descriptions``
(a JSON object); each column's own Arrow field metadata holds its ``description`` too. pyarrow,
polars, pandas (through pyarrow), Spark and DuckDB's ``parquet_kv_metadata`` read them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.db import quote_identifier


def export_published(
    con: duckdb.DuckDBPyConnection, database: str, tables: Iterable[str], out_dir: Path
) -> list[Path]:
    """Write ``<out_dir>/<table>.parquet`` for each table of the attached ``database``."""
    written = []
    for table in tables:
        metadata = published_metadata(con, database, table)
        data = con.sql(f"SELECT * FROM {quote_identifier(database)}.main."
                       f"{quote_identifier(table)}").to_arrow_table()
        described = json.loads(metadata["column_descriptions"])
        schema = pa.schema(
            [field.with_metadata({"description": described.get(field.name, "")})
             for field in data.schema],
            metadata=metadata)
        target = out_dir / f"{table}.parquet"
        pq.write_table(pa.Table.from_arrays(data.columns, schema=schema), target)
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

