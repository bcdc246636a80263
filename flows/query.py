"""Read-only ad-hoc SQL over the published marts."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import duckdb

from warehouse.publish import published_path

ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
# EXPLAIN ANALYZE executes its statement, so what follows EXPLAIN must itself be a SELECT.
EXPLAIN_PREFIX = re.compile(r"\s*EXPLAIN(\s+ANALY[SZ]E)?\s+", re.IGNORECASE)
# Read-only, no file system or network, no extensions, and no SET that could undo any of it.
READER_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "access_mode": "READ_ONLY",
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


class QueryRefused(ValueError):
    """The query would write, reach outside the marts file, or cannot run."""


def run_query(data_dir: Path, query: str, fmt: str) -> str:
    """Run one SELECT against ``marts.duckdb`` opened read-only with external access off."""
    path = published_path(data_dir.expanduser().resolve())
    if not path.is_file():
        raise QueryRefused(f"no published marts at {path}: run `cntech run` first")
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise QueryRefused(f"cannot parse the query: {exc}") from exc
    if len(statements) != 1:
        raise QueryRefused("give exactly one statement")
    _check_read_only(statements[0])
    con = duckdb.connect(str(path), read_only=True, config=READER_CONFIG)
    try:
        result = con.execute(query)
        columns = [d[0] for d in result.description or []]
        rows = result.fetchall()
    except duckdb.Error as exc:
        raise QueryRefused(str(exc)) from exc
    finally:
        con.close()
    return _render(columns, rows, fmt)


def _check_read_only(statement: duckdb.Statement) -> None:
    if statement.type not in ALLOWED:
        raise QueryRefused(f"only SELECT queries are allowed, not {statement.type.name}")
    if statement.type == duckdb.StatementType.EXPLAIN:
        prefix = EXPLAIN_PREFIX.match(statement.query)
        inner = duckdb.extract_statements(statement.query[prefix.end():]) if prefix else []
        if len(inner) != 1 or inner[0].type != duckdb.StatementType.SELECT:
            raise QueryRefused("EXPLAIN is allowed only for a SELECT")


def _render(columns: list[str], rows: list[tuple[object, ...]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=str,
                          ensure_ascii=False, indent=1)
    if fmt == "csv":
        import csv

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns)
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    console = Console(file=io.StringIO(), width=200, record=True)
    console.print(table)
    return console.export_text().rstrip("\n")
