"""The file each sampled row of a row-level check came from, looked up in staging by its key.

A row-level check's frame (one row per staged row) carries the natural key, not the file: only
a broken rule's few sample rows show one, and a year of the market's bar and valuation rows
carried 120 MB of file names into the judging worker for them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import duckdb
import pyarrow as pa

from expectations.runner import Outcome
from expectations.statements import statement
from registry import STAGING_TABLES, by_name
from warehouse.db import qualified_name, quote_identifier, temporary_views

FILE = "source_file"


def with_files(con: duckdb.DuckDBPyConnection, outcomes: list[Outcome]) -> list[Outcome]:
    """``outcomes`` with the staged file of every sample row of a row-level check that lacks
    one: the files of all the staged rows holding the row's natural key, comma-separated (a
    duplicated key may come from two files)."""
    return [_with_files(con, outcome) if _needs_files(outcome) else outcome
            for outcome in outcomes]


def _needs_files(outcome: Outcome) -> bool:
    return (outcome.row_level and outcome.table in STAGING_TABLES
            and any(FILE not in row for row in outcome.sample))


def _with_files(con: duckdb.DuckDBPyConnection, outcome: Outcome) -> Outcome:
    keys = by_name(outcome.table).keys
    if not all(key in row for row in outcome.sample for key in keys):
        return outcome
    sampled = pa.table({
        "position": pa.array(range(len(outcome.sample)), pa.int64()),
        **{f"key_{n}": pa.array([_text(row[key]) for row in outcome.sample], pa.string())
           for n, key in enumerate(keys)},
    })
    with temporary_views(con, {"gate_sampled_keys": sampled}):
        found = dict(con.execute(_files_statement(outcome.table, keys)).fetchall())
    return replace(outcome, sample=[_placed(row, keys, found.get(position))
                                    for position, row in enumerate(outcome.sample)])


def _files_statement(table: str, keys: tuple[str, ...]) -> str:
    """Each sample position with its rows' files; keys compared as text, as the sample shows
    them (a NULL key matches the staged rows whose key is NULL)."""
    matched = " AND ".join(
        f"CAST(staged.{quote_identifier(key)} AS VARCHAR) IS NOT DISTINCT FROM "
        f"sampled.{quote_identifier(f'key_{n}')}" for n, key in enumerate(keys))
    return statement({"final": (
        "SELECT sampled.position, string_agg(DISTINCT staged.source_file, ', ' "
        "ORDER BY staged.source_file) AS source_file "
        "FROM gate_sampled_keys AS sampled "
        "INNER JOIN " + qualified_name("staging", table) + " AS staged ON " + matched
        + " GROUP BY sampled.position")})


def _text(value: Any) -> str | None:
    """A sample's key value as DuckDB spells it as text (dates are ISO already)."""
    if isinstance(value, float) and value.is_integer():
        # pandas holds an integer column with a missing value as floats.
        value = int(value)
    return None if value is None else str(value)


def _placed(row: dict[str, Any], keys: tuple[str, ...], file: str | None) -> dict[str, Any]:
    """The row with its file right after its key, where the frame's own file used to be."""
    shown = {key: row[key] for key in keys}
    return {**shown, FILE: file, **{k: v for k, v in row.items() if k not in shown}}
