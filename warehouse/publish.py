"""Atomic publish: build a complete marts file beside the live one, then rename over it.

Readers (BI tools, ``cntech sql``) only ever open ``marts.duckdb`` read-only. A reader holding the
old file keeps its inode after the rename, so it never sees a half-written version; a crash before
the rename leaves the previous file untouched and only temp files that the next run removes.

The file is written in an older storage format (``STORAGE_VERSION``, default ``v1.0.0``) so every
DuckDB 1.x reader opens it: the DuckDB CLI, Metabase's driver and duckdb-engine on an older duckdb.
Each publish also becomes a kept version (the file and a Parquet set of every table, see
:mod:`warehouse.versions`), which is what ``cntech rollback`` restores.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import polars as pl

from warehouse import compat, published_parquet, versions
from warehouse.db import SQL_ROOT, quote_identifier, quote_literal
from warehouse.lock import confined, safe_name
from warehouse.marts import MARTS
from warehouse.versions import PUBLISHED_NAME, published_path

REFERENCE_TABLES = ("indices", "securities", "baskets", "events", "ipo_ai")
EXTRA_TABLES = ("publish_info", "data_origins", "ops_last_runs")
MANIFEST_TABLE = "publish_manifest"
# Table names are the only identifiers spliced into SQL here; every one must be listed.
PUBLISHED_TABLES = (*MARTS, *(f"ref_{ref}" for ref in REFERENCE_TABLES), *EXTRA_TABLES)
# The oldest format that keeps everything the marts use (column comments arrived in 0.10) and
# that every DuckDB 1.x opens: files of v1.2.0 and later are refused by DuckDB 1.0 and 1.1.
DEFAULT_STORAGE_VERSION = "v1.0.0"
STORAGE_VERSION_PATTERN = re.compile(r"v\d+\.\d+\.\d+")
DEFAULT_KEEP_VERSIONS = 7
DESCRIPTIONS = SQL_ROOT / "published" / "descriptions.toml"

__all__ = ["PUBLISHED_NAME", "published_path", "published_run_id", "publish"]


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
    return versions.remove_stale_temp_files(data_dir)


def _check_arguments(run_id: str, extra_tables: dict[str, pl.DataFrame],
                     storage_version: str) -> None:
    safe_name(run_id)
    unknown = sorted(set(extra_tables) - set(EXTRA_TABLES))
    if unknown:
        raise ValueError(f"not a publishable table: {unknown}; allowed: {EXTRA_TABLES}")
    if not STORAGE_VERSION_PATTERN.fullmatch(storage_version):
        raise ValueError(f"storage version must look like v1.0.0, got {storage_version!r}")


def publish(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    *,
    run_id: str,
    extra_tables: dict[str, pl.DataFrame],
    storage_version: str = DEFAULT_STORAGE_VERSION,
    keep_versions: int = DEFAULT_KEEP_VERSIONS,
    held_back: Sequence[str] = (),
) -> Path:
    """Write every mart, reference table and ``extra_tables`` to a new file and swap it in.

    Every table and column carries its description as a comment (BI tools show them);
    ``publish_manifest`` records every table's row count next to the run id. The same tables go
    to the version's Parquet set, their descriptions in each file's key-value metadata. Marts in
    ``held_back`` are copied row for row from the live ``marts.duckdb`` instead of the warehouse:
    they keep their last published version inside the same new file and the same swap. Marts
    whose columns were renamed are also published as views under their old names
    (:mod:`warehouse.compat`).
    """
    _check_arguments(run_id, extra_tables, storage_version)
    data_dir.mkdir(parents=True, exist_ok=True)
    versions.remove_stale_temp_files(data_dir)
    tmp = confined(data_dir, f".marts.{run_id}.tmp")
    building = versions.start_version(data_dir, run_id)
    tables = [*MARTS, *(f"ref_{r}" for r in REFERENCE_TABLES), *extra_tables]
    con.execute(f"ATTACH ? AS pub (STORAGE_VERSION {quote_literal(storage_version)})",
                [str(tmp)])
    try:
        if held_back:
            con.execute("ATTACH ? AS prev (READ_ONLY)", [str(published_path(data_dir))])
        _copy_tables(con, extra_tables, held_back)
        _write_manifest(con, run_id, tables)
        for statement in _comment_statements(con, extra_tables):
            con.execute(statement)
        compat.create_views(con)
        con.execute("CHECKPOINT pub")
        published_parquet.export_published(con, "pub", [*tables, MANIFEST_TABLE],
                                versions.parquet_dir(building))
    except BaseException:
        _detach(con, held_back)
        tmp.unlink(missing_ok=True)
        shutil.rmtree(building, ignore_errors=True)
        raise
    _detach(con, held_back)
    return versions.swap_in(data_dir, tmp, building, run_id, keep=keep_versions)


def _detach(con: duckdb.DuckDBPyConnection, held_back: Sequence[str]) -> None:
    con.execute("DETACH pub")
    if held_back:
        # The live file is renamed over next: nothing may hold it open.
        con.execute("DETACH DATABASE IF EXISTS prev")


def _copy_tables(con: duckdb.DuckDBPyConnection, extra_tables: dict[str, pl.DataFrame],
                 held_back: Sequence[str]) -> None:
    for mart in MARTS:
        if mart in held_back:
            con.execute(f"CREATE TABLE pub.main.{_table(mart)} AS SELECT * FROM prev.main.{mart}")
        else:
            con.execute(f"CREATE TABLE pub.main.{_table(mart)} AS SELECT * FROM marts.{mart}")
    for ref in REFERENCE_TABLES:
        con.execute(f"CREATE TABLE pub.main.{_table('ref_' + ref)} AS SELECT * FROM ref.{ref}")
    for name, frame in extra_tables.items():
        con.register("extra_frame", frame.to_arrow())
        try:
            con.execute(f"CREATE TABLE pub.main.{_table(name)} AS SELECT * FROM extra_frame")
        finally:
            con.unregister("extra_frame")


def _write_manifest(con: duckdb.DuckDBPyConnection, run_id: str, tables: list[str]) -> None:
    con.execute(f"CREATE TABLE pub.main.{MANIFEST_TABLE} "
                "(table_name VARCHAR, row_count BIGINT, run_id VARCHAR)")
    for table in tables:
        con.execute(f"INSERT INTO pub.main.{MANIFEST_TABLE} "
                    f"SELECT ?, count(*), ? FROM pub.main.{_table(table)}", [table, run_id])


def _comment_statements(
    con: duckdb.DuckDBPyConnection, extra_tables: Iterable[str]
) -> Iterable[str]:
    """Marts and references keep their warehouse comments; run tables have their own files."""
    published = {("marts", mart): mart for mart in MARTS}
    published |= {("ref", ref): f"ref_{ref}" for ref in REFERENCE_TABLES}
    tables = con.execute(
        "SELECT schema_name, table_name, comment FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name IN ('marts', 'ref') "
        "AND comment IS NOT NULL"
    ).fetchall()
    for schema, table, comment in tables:
        if (schema, table) in published:
            yield (f"COMMENT ON TABLE pub.main.{_table(published[schema, table])} "
                   f"IS {quote_literal(comment)}")
    columns = con.execute(
        "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name IN ('marts', 'ref') "
        "AND comment IS NOT NULL"
    ).fetchall()
    present = set(con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                              "WHERE database_name = 'pub'").fetchall())
    for schema, table, column, comment in columns:
        # A held-back mart keeps the columns it was published with.
        if (schema, table) in published and (published[schema, table], column) in present:
            yield (f"COMMENT ON COLUMN pub.main.{_table(published[schema, table])}."
                   f"{quote_identifier(column)} IS {quote_literal(comment)}")
    yield from _run_table_comments(con, [*extra_tables, MANIFEST_TABLE])


def _run_table_comments(con: duckdb.DuckDBPyConnection, tables: list[str]) -> Iterable[str]:
    """Comments from ``published/descriptions.toml`` for the columns each run table has.

    The run tables' shapes are the flows' business: a description of a column a table lacks is
    skipped, and a column without one is caught by the tests, never by a failed publish.
    """
    described = tomllib.loads(DESCRIPTIONS.read_text(encoding="utf-8"))
    present = set(con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                              "WHERE database_name = 'pub'").fetchall())
    for name in tables:
        about = described.get(name, {})
        if about.get("description"):
            yield (f"COMMENT ON TABLE pub.main.{_table(name)} "
                   f"IS {quote_literal(about['description'])}")
        for column, comment in about.get("columns", {}).items():
            if (name, column) in present:
                yield (f"COMMENT ON COLUMN pub.main.{_table(name)}.{quote_identifier(column)} "
                       f"IS {quote_literal(comment)}")


def _table(name: str) -> str:
    """``name`` if it is a table this module publishes; anything else is refused."""
    if name not in (*PUBLISHED_TABLES, MANIFEST_TABLE):
        raise ValueError(f"refusing identifier {name!r}: not a published table")
    return name



def storage_version_of(path: Path) -> int:
    """The storage version number in a DuckDB file's header (64 for v0.9 to v1.1 formats)."""
    with path.open("rb") as handle:
        header = handle.read(16)
    if header[8:12] != b"DUCK":
        raise ValueError(f"{path} is not a DuckDB database file")
    return int.from_bytes(header[12:20], "little")

