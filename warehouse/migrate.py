"""Warehouse files written by an earlier release, brought to this release's layout in place.

A new column migrates itself in the DDL (``ADD COLUMN IF NOT EXISTS``, see
``ddl/ops_run_log.sql``). A change DuckDB cannot state idempotently, such as a renamed column, is
a migration: one statement in ``migrations/<name>.sql`` (so it is atomic), run before the DDL on a
warehouse whose table still has the old column. A new warehouse, or one migrated already, is left
as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

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
    return applied


def _sql(name: str) -> str:
    return (MIGRATIONS_DIR / f"{name}.sql").read_text(encoding="utf-8")
