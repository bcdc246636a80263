"""Atomic publish: build a complete marts file beside the live one, then rename over it.

Readers (BI tools, ``cntech sql``) only ever open ``marts.duckdb`` read-only. A reader holding the
old file keeps its inode after the rename, so it never sees a half-written version; a crash before
the rename leaves the previous file untouched and only a ``.tmp`` file that the next publish
removes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl

from warehouse.db import quote_literal
from warehouse.marts import MARTS

PUBLISHED_NAME = "marts.duckdb"
REFERENCE_TABLES = ("indices", "securities", "baskets", "events", "ipo_ai")


def published_path(data_dir: Path) -> Path:
    """Where BI tools and ``cntech sql`` read the marts."""
    return data_dir / PUBLISHED_NAME


def remove_stale_temp_files(data_dir: Path) -> list[Path]:
    """Delete leftovers of publishes that died before their rename (the writer lock is held)."""
    stale = [*data_dir.glob(".marts.*.tmp*"), *data_dir.glob("marts/.*.tmp")]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def publish(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    *,
    run_id: str,
    extra_tables: dict[str, pl.DataFrame],
) -> Path:
    """Write every mart, reference table and ``extra_tables`` to a new file and swap it in.

    Column and table comments are copied so BI tools show each column's meaning and unit.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(data_dir)
    final = published_path(data_dir)
    tmp = data_dir / f".marts.{run_id}.tmp"
    con.execute(f"ATTACH {quote_literal(str(tmp))} AS pub")
    try:
        for mart in MARTS:
            con.execute(f"CREATE TABLE pub.main.{mart} AS SELECT * FROM marts.{mart}")
        for ref in REFERENCE_TABLES:
            con.execute(f"CREATE TABLE pub.main.ref_{ref} AS SELECT * FROM ref.{ref}")
        for name, frame in extra_tables.items():
            con.register("extra_frame", frame.to_arrow())
            try:
                con.execute(f"CREATE TABLE pub.main.{_identifier(name)} AS "
                            "SELECT * FROM extra_frame")
            finally:
                con.unregister("extra_frame")
        for statement in _comment_statements(con):
            con.execute(statement)
        con.execute("CHECKPOINT pub")
    finally:
        con.execute("DETACH pub")
    _fsync(tmp)
    os.replace(tmp, final)
    _fsync(data_dir)
    _publish_parquet(con, data_dir, run_id)
    return final


def _publish_parquet(con: duckdb.DuckDBPyConnection, data_dir: Path, run_id: str) -> None:
    out = data_dir / "marts"
    out.mkdir(exist_ok=True)
    for mart in MARTS:
        tmp = out / f".{mart}.{run_id}.tmp"
        con.execute(
            f"COPY (SELECT * FROM marts.{mart}) TO {quote_literal(str(tmp))} (FORMAT parquet)"
        )
        os.replace(tmp, out / f"{mart}.parquet")
    _fsync(out)


def _comment_statements(con: duckdb.DuckDBPyConnection) -> Iterable[str]:
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'marts' "
        "AND comment IS NOT NULL"
    ).fetchall()
    for table, comment in tables:
        yield f"COMMENT ON TABLE pub.main.{_identifier(table)} IS {quote_literal(comment)}"
    columns = con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'marts' "
        "AND comment IS NOT NULL"
    ).fetchall()
    for table, column, comment in columns:
        yield (f"COMMENT ON COLUMN pub.main.{_identifier(table)}.{_identifier(column)} "
               f"IS {quote_literal(comment)}")


def _identifier(name: str) -> str:
    if not name.replace("_", "").isalnum() or not name[0].isalpha():
        raise ValueError(f"refusing identifier {name!r}")
    return name


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
