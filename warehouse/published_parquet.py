"""Published tables as a Parquet set, for engines that cannot read DuckDB files.

One file per table of a version, each carrying its table and column descriptions (the DuckDB
comments) as Parquet key-value metadata: ``table``, ``description`` and ``column_descriptions``
(a JSON object). pyarrow, polars, Spark and DuckDB's ``parquet_kv_metadata`` read it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import duckdb

from warehouse.db import quote_literal


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
