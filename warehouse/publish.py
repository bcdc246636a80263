"""Atomic publish: build a complete marts file beside the live one, then rename over it.

Readers (BI tools, ``cntech sql``) only ever open ``marts.duckdb`` read-only. A reader holding the
old file keeps its inode after the rename, so it never sees a half-written version; a crash before
the rename leaves the previous file untouched and only a ``.tmp`` file that the next run removes.

The Parquet copies are swapped as one set: each publish writes a new version directory under
``.marts-parquet/`` and then atomically repoints the ``marts`` symlink at it. The version before
stays on disk until the next publish, so a reader that resolved the link a moment ago can finish.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl

from warehouse.db import quote_literal
from warehouse.lock import confined, safe_name
from warehouse.marts import MARTS

PUBLISHED_NAME = "marts.duckdb"
PARQUET_LINK = "marts"
PARQUET_VERSIONS = ".marts-parquet"
REFERENCE_TABLES = ("indices", "securities", "baskets", "events", "ipo_ai")
EXTRA_TABLES = ("publish_info", "data_origins", "ops_last_runs")
MANIFEST_TABLE = "publish_manifest"
# Table names are the only identifiers spliced into SQL here; every one must be listed.
PUBLISHED_TABLES = (*MARTS, *(f"ref_{ref}" for ref in REFERENCE_TABLES), *EXTRA_TABLES)
MANIFEST_COMMENT = ("One row per table in this file with its row count and the run that "
                    "published it; a reader can check it sees one complete version.")


def published_path(data_dir: Path) -> Path:
    """Where BI tools and ``cntech sql`` read the marts."""
    return data_dir / PUBLISHED_NAME


def published_run_id(data_dir: Path) -> str | None:
    """The run that published the current ``marts.duckdb``, or None before the first publish."""
    path = published_path(data_dir)
    if not path.is_file():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("SELECT max(run_id) FROM publish_info").fetchall()
    return str(rows[0][0]) if rows and rows[0][0] is not None else None


def remove_stale_temp_files(data_dir: Path) -> list[Path]:
    """Delete leftovers of publishes that died before their rename (the writer lock is held)."""
    stale = [*data_dir.glob(".marts.*.tmp*"), *data_dir.glob(f"{PARQUET_VERSIONS}/*.tmp")]
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
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

    Column and table comments are copied so BI tools show each column's meaning and unit;
    ``publish_manifest`` records every table's row count next to the run id.
    """
    safe_name(run_id)
    unknown = sorted(set(extra_tables) - set(EXTRA_TABLES))
    if unknown:
        raise ValueError(f"not a publishable table: {unknown}; allowed: {EXTRA_TABLES}")
    data_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(data_dir)
    final = published_path(data_dir)
    tmp = confined(data_dir, f".marts.{run_id}.tmp")
    con.execute("ATTACH ? AS pub", [str(tmp)])
    try:
        for mart in MARTS:
            con.execute(f"CREATE TABLE pub.main.{_table(mart)} AS SELECT * FROM marts.{mart}")
        for ref in REFERENCE_TABLES:
            con.execute(f"CREATE TABLE pub.main.{_table('ref_' + ref)} AS SELECT * FROM ref.{ref}")
        for name, frame in extra_tables.items():
            con.register("extra_frame", frame.to_arrow())
            try:
                con.execute(f"CREATE TABLE pub.main.{_table(name)} AS SELECT * FROM extra_frame")
            finally:
                con.unregister("extra_frame")
        _write_manifest(con, run_id, [*MARTS, *(f"ref_{r}" for r in REFERENCE_TABLES),
                                      *extra_tables])
        for statement in _comment_statements(con):
            con.execute(statement)
        con.execute("CHECKPOINT pub")
    except BaseException:
        con.execute("DETACH pub")
        tmp.unlink(missing_ok=True)
        raise
    con.execute("DETACH pub")
    _fsync(tmp)
    os.replace(tmp, final)
    _fsync(data_dir)
    _publish_parquet(con, data_dir, run_id)
    return final


def _write_manifest(con: duckdb.DuckDBPyConnection, run_id: str, tables: list[str]) -> None:
    con.execute(f"CREATE TABLE pub.main.{MANIFEST_TABLE} "
                "(table_name VARCHAR, row_count BIGINT, run_id VARCHAR)")
    for table in tables:
        con.execute(f"INSERT INTO pub.main.{MANIFEST_TABLE} "
                    f"SELECT ?, count(*), ? FROM pub.main.{_table(table)}", [table, run_id])
    con.execute(f"COMMENT ON TABLE pub.main.{MANIFEST_TABLE} IS {quote_literal(MANIFEST_COMMENT)}")


def _publish_parquet(con: duckdb.DuckDBPyConnection, data_dir: Path, run_id: str) -> None:
    versions = data_dir / PARQUET_VERSIONS
    versions.mkdir(exist_ok=True)
    building = confined(data_dir, PARQUET_VERSIONS, f"{run_id}.tmp")
    building.mkdir()
    for mart in MARTS:
        target = building / f"{mart}.parquet"
        con.execute(f"COPY (SELECT * FROM marts.{_table(mart)}) TO ? (FORMAT parquet)",
                    [str(target)])
        _fsync(target)
    _fsync(building)
    os.rename(building, versions / run_id)
    _fsync(versions)

    link = data_dir / PARQUET_LINK
    previous = os.readlink(link) if link.is_symlink() else None
    if link.is_dir() and not link.is_symlink():
        # Layout before versioned Parquet: a plain directory; it becomes the kept previous set.
        legacy = versions / "legacy"
        shutil.rmtree(legacy, ignore_errors=True)
        os.rename(link, legacy)
        previous = str(Path(PARQUET_VERSIONS) / "legacy")
    tmp_link = confined(data_dir, f".marts.{run_id}.link.tmp")
    # A relative target keeps the data directory movable as a whole.
    os.symlink(Path(PARQUET_VERSIONS) / run_id, tmp_link)
    os.replace(tmp_link, link)
    _fsync(data_dir)
    keep = {run_id, Path(previous).name if previous else None}
    for old in versions.iterdir():
        if old.name not in keep:
            shutil.rmtree(old)


def _comment_statements(con: duckdb.DuckDBPyConnection) -> Iterable[str]:
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'marts' "
        "AND comment IS NOT NULL"
    ).fetchall()
    for table, comment in tables:
        if table in MARTS:
            yield f"COMMENT ON TABLE pub.main.{_table(table)} IS {quote_literal(comment)}"
    columns = con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'marts' "
        "AND comment IS NOT NULL"
    ).fetchall()
    for table, column, comment in columns:
        if table in MARTS:
            yield (f"COMMENT ON COLUMN pub.main.{_table(table)}.{_quote_identifier(column)} "
                   f"IS {quote_literal(comment)}")


def _table(name: str) -> str:
    """``name`` if it is a table this module publishes; anything else is refused."""
    if name not in PUBLISHED_TABLES:
        raise ValueError(f"refusing identifier {name!r}: not a published table")
    return name


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
