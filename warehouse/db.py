"""Connections and SQL files: every statement the warehouse runs lives in a ``.sql`` file here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from registry import STAGING_TABLES
from warehouse.migrate import migrate

SQL_ROOT = Path(__file__).resolve().parent


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
    """Cap DuckDB's buffer pool at ``limit`` (``"1GB"``), remembered on the connection for
    :func:`release_memory`: DuckDB reads its cap back only rounded (``953.6 MiB``)."""
    con.execute("SET memory_limit = ?", [limit])
    con.execute("SET VARIABLE cntech_memory_limit = ?", [limit])


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


def quote_literal(text: str) -> str:
    """A SQL string literal for statements that take no bound parameters (ATTACH, COMMENT ON)."""
    return "'" + text.replace("'", "''") + "'"
