"""Warehouse files written by an earlier release, brought to this release's layout in place.

A new column migrates itself in the DDL (``ADD COLUMN IF NOT EXISTS``, see
``ddl/ops_run_log.sql``). A change DuckDB cannot state idempotently, such as a renamed column, is
a migration: one statement in ``migrations/<name>.sql`` (so it is atomic), run before the DDL on a
warehouse whose table still has the old column. A constraint DuckDB cannot drop (a core table's
primary key) goes by rebuilding the table from its DDL in one transaction. A new warehouse, or one
migrated already, is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from registry import STAGING_TABLES

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class Migration:
    """``migrations/<name>.sql``, needed while ``schema.table`` has ``column``."""

    name: str
    schema: str
    table: str
    column: str


MIGRATIONS = (
    Migration("ops_data_origins_endpoint", "ops", "data_origins", "dataset"),
)


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Run every migration the warehouse still needs, oldest first; the names of those run."""
    needs = _sql("old_layout")
    applied = []
    for migration in MIGRATIONS:
        [(old,)] = con.execute(needs, {"schema": migration.schema, "table": migration.table,
                                       "column": migration.column}).fetchall()
        if old:
            con.execute(_sql(migration.name))
            applied.append(migration.name)
    return applied + _unkeyed(con)


def _unkeyed(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Rebuild each dataset's core table that still has a primary key without it, rows kept."""
    keyed = {row[0] for row in con.execute(_sql("keyed_core_tables"),
                                           {"tables": list(STAGING_TABLES)}).fetchall()}
    rebuilt = [table for table in STAGING_TABLES if table in keyed]
    for table in rebuilt:
        ddl = (MIGRATIONS_DIR.parent / "ddl" / f"core_{table}.sql").read_text(encoding="utf-8")
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"ALTER TABLE core.{table} RENAME TO {table}_keyed")
            con.execute(ddl)
            con.execute(f"INSERT INTO core.{table} BY NAME SELECT * FROM core.{table}_keyed")
            con.execute(f"DROP TABLE core.{table}_keyed")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return [f"core_{table}_unkeyed" for table in rebuilt]


def _sql(name: str) -> str:
    return (MIGRATIONS_DIR / f"{name}.sql").read_text(encoding="utf-8")
