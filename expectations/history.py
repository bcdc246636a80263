"""The stored history the checks continue from, as temporary views bounded by what is staged."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb

from expectations.checks import read_sql
from expectations.statements import LOOKBACK_DAYS
from registry import DATASETS
from warehouse import series
from warehouse.db import identifier_list, qualified_name, quote_identifier, temporary_views

# Prior history the close, rate and balance chains continue from; core may hold none of it yet.
HISTORY_COLUMNS: dict[str, tuple[str, ...]] = {
    d.name: (d.series, d.date, d.chain) for d in DATASETS if d.series and d.chain
}



def stored_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The core tables the connection's warehouse holds (a fresh warehouse may hold none)."""
    return {row[0] for row in con.execute(read_sql("core_tables.sql")).fetchall()}


@contextmanager
def history_views(con: duckdb.DuckDBPyConnection, core_tables: set[str], *,
                  also: Sequence[duckdb.DuckDBPyConnection] = ()) -> Iterator[None]:
    """Expose the history the checks continue from as temp views, bounded by what is staged.

    `gate_history_<table>` holds the `core.<table>` rows from `LOOKBACK_DAYS` before the
    first staged day to the last one, so a check costs what is staged, not what is stored;
    `gate_series_tails` gives every series' first day and its last stored day and value, the
    seam a new day continues from however long ago it was; `gate_series_days` joins the two to
    the staged days once, for the chain and the series rules. Tables core does not hold yet
    (not in ``core_tables``, from :func:`stored_tables`) read as empty. Temporary views work on
    a read-only connection and leave nothing behind in the writer's warehouse. The connections
    of ``also`` (others to the same database) get the same views.
    """
    views = {f"gate_history_{table}": _history(table, columns, table in core_tables)
             for table, columns in HISTORY_COLUMNS.items()}
    # The merges' core.series_tails (flows build it with load.ensure_tails before the gate): a
    # second derivation here would be a second definition of the same table.
    views["gate_series_tails"] = ("SELECT * FROM core.series_tails"
                                  if "series_tails" in core_tables
                                  else read_sql("series_tails_empty.sql"))
    views["gate_staged_series"] = series.staged()
    views["gate_merged_series"] = series.long_form(
        {table: quote_identifier(f"gate_history_{table}") for table in HISTORY_COLUMNS})
    views["gate_series_calendars"] = series.calendars()
    # Reads the views before it.
    views["gate_series_days"] = read_sql("series_days.sql")
    with temporary_views(con, views, also=also):
        yield


def _history(table: str, columns: tuple[str, ...], stored: bool) -> str:
    """The stored rows of ``table`` a month before its staged days to the last of them; no
    rows (of the staged table's columns) when core does not hold the table yet."""
    if not stored:
        return f"SELECT {identifier_list(columns)} FROM {qualified_name('staging', table)} LIMIT 0"
    return (f"SELECT {identifier_list(columns)} FROM {qualified_name('core', table)} "
            f"WHERE {quote_identifier(columns[1])} BETWEEN "
            f"(SELECT min({quote_identifier(columns[1])}) "
            f"FROM {qualified_name('staging', table)}) - {LOOKBACK_DAYS} "
            f"AND (SELECT max({quote_identifier(columns[1])}) "
            f"FROM {qualified_name('staging', table)})")
