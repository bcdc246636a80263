"""The long form of the registry's daily series, built from the declarations.

Tails, sessions, freshness and the cross-checks all read a dataset's series the same way: one
row per series and day with the value its continuity rules follow. Those relations are derived
here from the registry instead of being spelled out as a SQL union in every file that needs
them; the SQL files read them as registered views (`staged_series`, `gate_staged_series`,
`gate_merged_series`, `gate_series_calendars`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import duckdb
import polars as pl
import pyarrow as pa

from registry import STAGING_TABLES, Dataset, by_name
from warehouse.db import quote_identifier

VARCHAR = duckdb.sqltype("VARCHAR")
# Reference seeds a dataset may take its series' calendars from.
SEED_TABLES = ("indices", "securities")


def chained() -> tuple[Dataset, ...]:
    """Datasets whose series carry a value from day to day (a close, a rate, a balance)."""
    return tuple(d for d in map(by_name, STAGING_TABLES) if d.series and d.chain)


def long_form(
    sources: Mapping[str, duckdb.DuckDBPyRelation], *, with_source_file: bool = False
) -> duckdb.DuckDBPyRelation:
    """(dataset, series, trade_date, value[, source_file]) of every chained dataset.

    ``sources`` maps each dataset to the relation its rows come from: its staging or core
    table, or the gate's history view of it.
    """
    parts = []
    for dataset in chained():
        assert dataset.series and dataset.chain
        columns = [
            duckdb.ConstantExpression(dataset.name).alias("dataset"),
            duckdb.ColumnExpression(dataset.series).cast(VARCHAR).alias("series"),
            duckdb.ColumnExpression(dataset.date).alias("trade_date"),
            duckdb.ColumnExpression(dataset.chain).alias("value"),
        ]
        if with_source_file:
            columns.append(duckdb.ColumnExpression("source_file"))
        parts.append(sources[dataset.name].select(*columns))
    relation = parts[0]
    for part in parts[1:]:
        relation = relation.union(part)
    return relation


def staged(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """The staged rows of every chained dataset, in long form."""
    return long_form({table: con.table(f"staging.{table}") for table in STAGING_TABLES},
                     with_source_file=True)


def stored(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """Every stored row of every chained dataset, in long form (a one-off tails rebuild)."""
    return long_form({table: con.table(f"core.{table}") for table in STAGING_TABLES})


def file_spans(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """(source_file, first_date, last_date) of the staged rows of every landed body."""
    parts = []
    for table in STAGING_TABLES:
        source_file = duckdb.ColumnExpression("source_file")
        day = duckdb.ColumnExpression(by_name(table).date)
        parts.append(con.table(f"staging.{table}").aggregate([
            source_file,
            duckdb.FunctionExpression("min", day).alias("first_date"),
            duckdb.FunctionExpression("max", day).alias("last_date"),
        ], source_file))
    relation = parts[0]
    for part in parts[1:]:
        relation = relation.union(part)
    return relation


def calendars(con: duckdb.DuckDBPyConnection, *, every_dataset: bool = False
              ) -> duckdb.DuckDBPyRelation:
    """(dataset, series, calendar) of the series whose dataset declares a calendar.

    Chained datasets only unless ``every_dataset``. A seed-backed calendar lists every seeded
    series; a fixed one the staged series; one by series value its declared pairs.
    """
    wanted = {d.name for d in chained()} if not every_dataset else set(STAGING_TABLES)
    pairs: list[tuple[str, str | None, str]] = []
    parts = []
    for table in STAGING_TABLES:
        dataset = by_name(table)
        calendar = dataset.calendar
        if table not in wanted or calendar is None or dataset.series is None:
            continue
        pairs += [(table, value, name) for value, name in calendar.by_series]
        if calendar.fixed is not None:
            parts.append(con.table(f"staging.{table}").select(
                duckdb.ConstantExpression(table).alias("dataset"),
                duckdb.ColumnExpression(dataset.series).cast(VARCHAR).alias("series"),
                duckdb.ConstantExpression(calendar.fixed).alias("calendar")).distinct())
        if calendar.seed_table is not None and calendar.seed_key is not None:
            parts.append(_seeded(con, table, calendar.seed_table, calendar.seed_key))
    frame = pl.DataFrame(pairs, orient="row", schema={
        "dataset": pl.String, "series": pl.String, "calendar": pl.String})
    relation = con.from_arrow(frame.to_arrow())
    for part in parts:
        relation = relation.union(part)
    return relation


def _seeded(con: duckdb.DuckDBPyConnection, dataset: str, seed: str, key: str
            ) -> duckdb.DuckDBPyRelation:
    if seed not in SEED_TABLES:
        raise ValueError(f"{dataset}: no reference seed {seed!r} to take calendars from")
    return con.table(f"ref.{seed}").select(
        duckdb.ConstantExpression(dataset).alias("dataset"),
        duckdb.ColumnExpression(key).cast(VARCHAR).alias("series"),
        duckdb.ColumnExpression("calendar"))


@contextmanager
def registered(con: duckdb.DuckDBPyConnection,
               views: Mapping[str, duckdb.DuckDBPyRelation | pa.Table | str]) -> Iterator[None]:
    """Expose relations, Arrow tables and statements as temporary views for the SQL files that
    read them, in order (a statement may read the views before it).

    A statement becomes a view as it is: built as a relation first, DuckDB bound it once to
    build it and again to register it (30 ms a statement, against 7 ms for the view). Its text
    is SQL of quoted declared names only, as the relations' was.
    """
    done: list[tuple[str, bool]] = []
    try:
        for name, view in views.items():
            if isinstance(view, str):
                con.execute("CREATE TEMP VIEW " + quote_identifier(name) + " AS " + view)
            else:
                con.register(name, view)
            done.append((name, isinstance(view, str)))
        yield
    finally:
        for name, statement in reversed(done):
            if statement:
                con.execute("DROP VIEW IF EXISTS temp.main." + quote_identifier(name))
            else:
                con.unregister(name)
