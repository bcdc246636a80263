"""Read-only ad-hoc SQL over the published marts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb

from warehouse.publish import published_path

ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


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
    if statements[0].type not in ALLOWED:
        raise QueryRefused(f"only SELECT queries are allowed, not {statements[0].type.name}")
    con = duckdb.connect(str(path), read_only=True,
                         config={"enable_external_access": False})
    try:
        result = con.execute(query)
        columns = [d[0] for d in result.description or []]
        rows = result.fetchall()
    except duckdb.Error as exc:
        raise QueryRefused(str(exc)) from exc
    finally:
        con.close()
    return _render(columns, rows, fmt)


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
