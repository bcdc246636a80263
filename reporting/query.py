"""Read-only ad-hoc SQL over the published marts, bounded in time."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import duckdb

from errors import CntechError
from reporting.marts import query as named_query
from reporting.query_format import Result, render
from warehouse.publish import published_path

ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
# EXPLAIN ANALYZE executes its statement (so may `EXPLAIN (ANALYZE, ...)`): what follows EXPLAIN
# and its options must itself be a SELECT.
EXPLAIN_PREFIX = re.compile(r"\s*EXPLAIN(\s+ANALY[SZ]E)?(\s*\([^()]*\))?\s*", re.IGNORECASE)
DEFAULT_TIMEOUT_SECONDS = 60.0
# Read-only, no file system or network, no extensions, and no SET that could undo any of it.
READER_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "access_mode": "READ_ONLY",
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


class QueryRefused(CntechError, ValueError):
    """The query would write, reach outside the marts file, or cannot run."""


class QueryTimedOut(QueryRefused):
    """The query ran past its time limit and was interrupted."""


def run_query(
    data_dir: Path, query: str, fmt: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS
) -> str:
    """Run one SELECT against ``marts.duckdb`` opened read-only with external access off.

    A timer interrupts the query after ``timeout`` seconds. Every failure is a
    :class:`QueryRefused` with a one-line message.
    """
    path = published_path(data_dir.expanduser().resolve())
    if not path.is_file():
        raise QueryRefused(f"no published marts at {path}: run `cntech run` first")
    _check_read_only(query)
    try:
        con = duckdb.connect(str(path), read_only=True, config=READER_CONFIG)
    except duckdb.Error as exc:
        raise QueryRefused(f"cannot open {path}: {_first_line(exc)}") from exc
    try:
        result = _execute(con, query, timeout)
        if fmt in ("table", "markdown"):
            result.fractions = _fraction_columns(con, result.columns)
    finally:
        con.close()
    return render(result, fmt)


def _execute(con: duckdb.DuckDBPyConnection, query: str, timeout: float) -> Result:
    timer = threading.Timer(timeout, con.interrupt)
    timer.start()
    try:
        cursor = con.execute(query)
        description = cursor.description or []
        rows = cursor.fetchall()
    except duckdb.InterruptException as exc:
        raise QueryTimedOut(f"query stopped after the {timeout:g} s limit (--timeout "
                            "SECONDS to allow longer)") from exc
    except duckdb.Error as exc:
        raise QueryRefused(_first_line(exc)) from exc
    finally:
        timer.cancel()
    return Result([d[0] for d in description], [str(d[1]) for d in description], rows)


def _fraction_columns(con: duckdb.DuckDBPyConnection, columns: list[str]) -> set[str]:
    """Result columns named like published columns whose comments say they are fractions."""
    if not columns:
        return set()
    try:
        frame = named_query(con, "fraction_columns")
    except RuntimeError:
        return set()
    fractions = {name for name, is_fraction in frame.iter_rows() if is_fraction}
    return fractions & set(columns)


def _check_read_only(query: str) -> None:
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise QueryRefused(f"cannot parse the query: {_first_line(exc)}") from exc
    if len(statements) != 1:
        raise QueryRefused("give exactly one statement")
    statement = statements[0]
    if statement.type not in ALLOWED:
        raise QueryRefused(f"only SELECT queries are allowed, not {statement.type.name}")
    if statement.type == duckdb.StatementType.EXPLAIN:
        prefix = EXPLAIN_PREFIX.match(statement.query)
        try:
            inner = duckdb.extract_statements(statement.query[prefix.end():]) if prefix else []
        except duckdb.Error:
            inner = []
        if len(inner) != 1 or inner[0].type != duckdb.StatementType.SELECT:
            raise QueryRefused("EXPLAIN is allowed only for a SELECT")


def _first_line(exc: BaseException) -> str:
    """DuckDB's errors add a caret diagram on later lines; the first line says what failed."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
