"""Connections and SQL files: every statement the warehouse runs lives in a ``.sql`` file here."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from registry import STAGING_TABLES
from warehouse.migrate import migrate

SQL_ROOT = Path(__file__).resolve().parent
# A bulk free this large is handed back to the system at once. Not every free: at 0 the pages
# of each small free were faulted in again by the next query, and a year's gate spent 9-10 s of
# system time against 4 s, its queries a quarter longer, for 45 MB less at its peak.
FLUSH_FREES_FROM = "128MiB"


def sql_text(relative: str) -> str:
    """The text of a SQL file under ``warehouse/`` (e.g. ``marts/mart_valuation.sql``)."""
    return (SQL_ROOT / relative).read_text(encoding="utf-8")


def run_sql_file(con: duckdb.DuckDBPyConnection, relative: str) -> None:
    """Execute every statement of one SQL file."""
    con.execute(sql_text(relative))


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file; the writer's warehouse is never opened by readers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


def cap_memory(con: duckdb.DuckDBPyConnection, limit: str) -> None:
    """Cap DuckDB's buffer pool at ``limit`` (``"1GB"``) and hand large frees back at once.

    The cap is remembered on the connection for :func:`release_memory`: DuckDB reads it back
    only rounded (``953.6 MiB``). Without the flush threshold DuckDB's allocator kept up to the
    cap after each large query (700 MB after the gate's security-bar query on a year of the
    market), so the cap bounded DuckDB's use but not the process's.
    """
    con.execute("SET memory_limit = ?", [limit])
    con.execute("SET VARIABLE cntech_memory_limit = ?", [limit])
    con.execute("SET allocator_bulk_deallocation_flush_threshold = ?", [FLUSH_FREES_FROM])


def release_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Hand back to the system what DuckDB's allocator kept after its last queries, on a
    connection :func:`cap_memory` capped: setting the cap again, to the same value, flushes it."""
    [(limit,)] = con.execute("SELECT getvariable('cntech_memory_limit')").fetchall()
    if limit is not None:
        con.execute("SET memory_limit = ?", [limit])


def apply_ddl(con: duckdb.DuckDBPyConnection) -> None:
    """Create schemas, reference, core and ops tables (idempotent) and empty staging tables.

    A warehouse written by an earlier release is migrated to this layout first.
    """
    run_sql_file(con, "ddl/schemas.sql")
    migrate(con)
    for path in sorted((SQL_ROOT / "ddl").glob("*.sql")):
        if path.name != "schemas.sql":
            con.execute(path.read_text(encoding="utf-8"))
    for table in STAGING_TABLES:
        run_sql_file(con, f"staging/{table}.sql")


def quote_identifier(name: str) -> str:
    """A SQL identifier for a declared name (a table, a column), quoted so it is only a name."""
    return '"' + name.replace('"', '""') + '"'


def identifier_list(names: Sequence[str]) -> str:
    """``names`` as a comma-separated list of quoted identifiers (a select or group list)."""
    return ", ".join(map(quote_identifier, names))


def equal_columns(names: Sequence[str], left: str, right: str) -> str:
    """A join condition: each of ``names`` equal in the relations aliased ``left`` and ``right``."""
    return " AND ".join(f"{quote_identifier(left)}.{quote_identifier(name)} = "
                        f"{quote_identifier(right)}.{quote_identifier(name)}" for name in names)


def qualified_name(schema: str, name: str) -> str:
    """``schema.name``, both quoted."""
    return quote_identifier(schema) + "." + quote_identifier(name)


def quote_literal(text: str) -> str:
    """A SQL string literal for statements that take no bound parameters (ATTACH, COMMENT ON, a
    view's definition)."""
    return "'" + text.replace("'", "''") + "'"


@contextmanager
def temporary_views(
    con: duckdb.DuckDBPyConnection,
    views: Mapping[str, duckdb.DuckDBPyRelation | pa.Table | str],
    *,
    also: Sequence[duckdb.DuckDBPyConnection] = (),
) -> Iterator[None]:
    """Expose relations, Arrow tables and statements as temporary views for the SQL files that
    read them, in order (a statement may read the views before it), on ``con`` and on each
    connection of ``also`` (others to the same database: temporary views are a connection's).

    A statement becomes a view as it is: built as a relation first, DuckDB bound it once to
    build it and again to register it (30 ms a statement, against 7 ms for the view). Its text
    is SQL of quoted declared names only, as the relations' was.
    """
    done: list[tuple[duckdb.DuckDBPyConnection, str, bool]] = []
    try:
        for name, view in views.items():
            for reader in (con, *also):
                if isinstance(view, str):
                    reader.execute("CREATE TEMP VIEW " + quote_identifier(name) + " AS " + view)
                else:
                    reader.register(name, view)
                done.append((reader, name, isinstance(view, str)))
        yield
    finally:
        for reader, name, statement in reversed(done):
            if statement:
                reader.execute("DROP VIEW IF EXISTS temp.main." + quote_identifier(name))
            else:
                reader.unregister(name)
