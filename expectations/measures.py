"""The registry's dated rows and value columns in long form, for the gate's generic rules.

Every dataset declares each value column's unit, plausible range, largest level shift and
largest step (``registry``). The gate judges them all with one query
(``sql/measure_plausibility.sql``) over these relations, so a new dataset or column is checked
the moment it is declared.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import duckdb
import polars as pl

from expectations.checks import read_sql
from registry import STAGING_TABLES, Dataset, by_name
from registry.model import UNIT_SLIPS
from warehouse import series

VARCHAR = duckdb.sqltype("VARCHAR")
DOUBLE = duckdb.sqltype("DOUBLE")
# Stored days before the first staged day a daily series' level is read from.
LEVEL_LOOKBACK = timedelta(days=31)


def measured() -> tuple[Dataset, ...]:
    """Datasets with series and declared value columns."""
    return tuple(d for d in map(by_name, STAGING_TABLES) if d.series and d.measures)


def _long(dataset: Dataset, relation: duckdb.DuckDBPyRelation,
          with_source_file: bool) -> list[duckdb.DuckDBPyRelation]:
    assert dataset.series is not None
    part = (duckdb.ColumnExpression(dataset.subseries).cast(VARCHAR) if dataset.subseries
            else duckdb.ConstantExpression("").cast(VARCHAR))
    parts = []
    for measure in dataset.measures:
        value = duckdb.ColumnExpression(measure.name).cast(DOUBLE)
        level = (value if measure.level_via is None else
                 duckdb.ColumnExpression(measure.level_via).cast(DOUBLE) / value)
        columns = [
            duckdb.ConstantExpression(dataset.name).alias("dataset"),
            duckdb.ColumnExpression(dataset.series).cast(VARCHAR).alias("series"),
            part.alias("part"),
            duckdb.ColumnExpression(dataset.date).alias("trade_date"),
            duckdb.ConstantExpression(measure.name).alias("measure"),
            value.alias("value"),
            level.alias("level_value"),
        ]
        if with_source_file:
            columns.append(duckdb.ColumnExpression("source_file"))
        parts.append(relation.select(*columns))
    return parts


def _union(parts: list[duckdb.DuckDBPyRelation]) -> duckdb.DuckDBPyRelation:
    relation = parts[0]
    for part in parts[1:]:
        relation = relation.union(part)
    return relation


def _stored_window(dataset: Dataset, staged: duckdb.DuckDBPyRelation,
                   stored: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """Stored rows a staged batch is compared with: the month before it for daily series.

    Sparse datasets (irregular reports, listings) are small and keep their whole history.
    """
    if dataset.lag_sessions is None or dataset.export == "whole":
        return stored
    day = duckdb.ColumnExpression(dataset.date)
    [(first, last)] = staged.aggregate([duckdb.FunctionExpression("min", day),
                                        duckdb.FunctionExpression("max", day)]).fetchall()
    if first is None:
        return stored.limit(0)
    return stored.filter((day >= duckdb.ConstantExpression(first - LEVEL_LOOKBACK))
                         & (day <= duckdb.ConstantExpression(last)))


def dated() -> tuple[Dataset, ...]:
    """Datasets whose rows are dated on their series' trading calendar."""
    return tuple(d for d in map(by_name, STAGING_TABLES) if d.series and d.calendar)


def _dated(staged: dict[str, duckdb.DuckDBPyRelation]) -> duckdb.DuckDBPyRelation:
    parts = []
    for dataset in dated():
        assert dataset.series is not None
        parts.append(staged[dataset.name].select(
            duckdb.ConstantExpression(dataset.name).alias("dataset"),
            duckdb.ColumnExpression(dataset.series).cast(VARCHAR).alias("series"),
            duckdb.ColumnExpression(dataset.date).alias("trade_date"),
            duckdb.ColumnExpression("source_file")))
    return _union(parts)


def _materialised(con: duckdb.DuckDBPyConnection,
                  relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """The relation's rows held in memory (Arrow), so a read-only connection can keep them."""
    return con.from_arrow(relation.to_arrow_table())


def _specs(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    rows = [(d.name, m.name, m.unit, m.low, m.high, m.shift, m.step, m.zero_is_missing,
             list(m.sentinels), m.slip_only,
             f"{m.level_via} / {m.name}" if m.level_via else m.name, m.level_via)
            for d in measured() for m in d.measures]
    frame = pl.DataFrame(rows, orient="row", schema={
        "dataset": pl.String, "measure": pl.String, "unit": pl.String, "low": pl.Float64,
        "high": pl.Float64, "max_shift": pl.Float64, "max_step": pl.Float64,
        "zero_is_missing": pl.Boolean, "sentinels": pl.List(pl.Float64),
        "slip_only": pl.Boolean, "level_of": pl.String, "level_via": pl.String})
    return con.from_arrow(frame.to_arrow())


def _slips(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    frame = pl.DataFrame({"decades": list(UNIT_SLIPS), "likely_slip": list(UNIT_SLIPS.values())},
                         schema={"decades": pl.Int64, "likely_slip": pl.String})
    return con.from_arrow(frame.to_arrow())


@contextmanager
def measure_views(con: duckdb.DuckDBPyConnection, core_tables: set[str]) -> Iterator[None]:
    """Register the staged and stored value columns, their declarations, the unit slips and the
    chained series (inside ``runner.history_views``, whose views the chain reads).

    ``core_tables`` are the core tables that exist; a dataset core does not hold yet has no
    stored level to compare with.
    """
    staged_parts: list[duckdb.DuckDBPyRelation] = []
    stored_parts: list[duckdb.DuckDBPyRelation] = []
    staged_tables = {table: con.table(f"staging.{table}") for table in STAGING_TABLES}
    stored_tables = {table: con.table(f"core.{table}") for table in STAGING_TABLES
                     if table in core_tables}
    for dataset in measured():
        staged = staged_tables[dataset.name]
        staged_parts += _long(dataset, staged, with_source_file=True)
        stored = stored_tables.get(dataset.name)
        window = (_stored_window(dataset, staged, stored) if stored is not None
                  else staged.select(*dataset.schema.names()).limit(0))
        stored_parts += _long(dataset, window, with_source_file=False)
    views = {
        "gate_staged_dates": _dated(staged_tables),
        "gate_dataset_calendars": series.calendars(con, every_dataset=True),
        # Read by every dataset's value and series rules: built once, not once per query.
        "gate_staged_measures": _materialised(con, _union(staged_parts)),
        "gate_stored_measures": _materialised(con, _union(stored_parts)),
        "gate_measure_specs": _specs(con),
        "gate_unit_slips": _slips(con),
        # The staged-plus-stored chain every chained dataset's suite continues its series on.
        "gate_series_chain": con.sql(read_sql("series_chain.sql")),
    }
    with series.registered(con, views):
        yield
