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
# A dataset's long form up to this many rows is held in memory for the rules that read it.
HELD_BELOW_ROWS = 1_000_000
# Stored days before the first staged day a daily series' level is read from.
LEVEL_LOOKBACK = timedelta(days=31)
# The value columns the series rules read beside a series' chained value (splits, one-price
# days), where a dataset declares them.
BAR_COLUMNS = ("open", "high", "low", "volume")


def measured() -> tuple[Dataset, ...]:
    """Datasets with series and declared value columns."""
    return tuple(d for d in map(by_name, STAGING_TABLES) if d.series and d.measures)


def _long(dataset: Dataset, relation: duckdb.DuckDBPyRelation,
          staged: bool) -> duckdb.DuckDBPyRelation:
    """``relation``'s rows in long form: one row per row and value column.

    One UNPIVOT of a struct per column, not a union of one projection per column: DuckDB
    evaluated everything below a union's branches once per branch, the previous-value window
    of every column included.
    """
    assert dataset.series is not None
    part = (duckdb.ColumnExpression(dataset.subseries).cast(VARCHAR) if dataset.subseries
            else duckdb.ConstantExpression("").cast(VARCHAR))
    keys = [
        duckdb.ConstantExpression(dataset.name).alias("dataset"),
        duckdb.ColumnExpression(dataset.series).cast(VARCHAR).alias("series"),
        part.alias("part"),
        duckdb.ColumnExpression(dataset.date).alias("trade_date"),
    ]
    fields = ["value", "level_value", *(["prev_value"] if staged else [])]
    entries = []
    for measure in dataset.measures:
        value = duckdb.ColumnExpression(measure.name).cast(DOUBLE)
        level = (value if measure.level_via is None else
                 duckdb.ColumnExpression(measure.level_via).cast(DOUBLE) / value)
        expressions = [value, level]
        if staged:
            expressions.append(duckdb.ColumnExpression(f"previous_{measure.name}").cast(DOUBLE))
        entries.append(duckdb.FunctionExpression(
            "struct_pack", *(expression.alias(field)
                             for expression, field in zip(expressions, fields, strict=True))
        ).alias(measure.name))
    long = relation.select(*keys, *entries).unpivot(
        *(measure.name for measure in dataset.measures), name="measure", value="entry")
    entry = duckdb.ColumnExpression("entry")
    return long.select(
        *(duckdb.ColumnExpression(key) for key in ("dataset", "series", "part", "trade_date")),
        duckdb.ColumnExpression("measure"),
        *(duckdb.FunctionExpression("struct_extract", entry, duckdb.ConstantExpression(field))
          .alias(field) for field in fields))


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


def _keys(dataset: Dataset) -> list[str]:
    assert dataset.series is not None
    return [dataset.series, *([dataset.subseries] if dataset.subseries else []), dataset.date]


def _kept(dataset: Dataset, staged: duckdb.DuckDBPyRelation,
          window: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """The stored rows of ``window`` the batch does not restate: a stored day staged again is
    judged by its new figure, not the one it replaces."""
    keys = _keys(dataset)
    return window.set_alias("kept").join(staged.select(*keys).set_alias("restaged"),
                                         condition=keys, how="anti")


def _with_previous(dataset: Dataset, staged: duckdb.DuckDBPyRelation,
                   kept: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """The staged rows with each value column's previous positive value in the series part's
    chain (the kept stored days before them included), as ``previous_<column>``.

    One window over the dataset's own rows: over the long form it sorted a row per value
    column, six times as many for bars, and took most of the gate on a year of the market.
    """
    keys = _keys(dataset)
    # The rest of the natural key orders rows of one day (listings of one exchange).
    order = [keys[-1], *(key for key in dataset.keys if key not in keys)]
    by_day = (f"PARTITION BY {', '.join(map(_quoted, keys[:-1]))} "
              f"ORDER BY {', '.join(map(_quoted, order))}")
    names = dataset.schema.names()
    chain = staged.select(*names, duckdb.ConstantExpression(True).alias("is_staged")).union(
        kept.select(*names, duckdb.ConstantExpression(False).alias("is_staged")))
    previous = [
        duckdb.SQLExpression(
            f"lag(CASE WHEN {_quoted(m.name)} > 0 THEN {_quoted(m.name)}::DOUBLE END "
            f"IGNORE NULLS) OVER ({by_day})").alias(f"previous_{m.name}")
        for m in dataset.measures
    ]
    return (chain.select(duckdb.StarExpression(), *previous)
            .filter(duckdb.ColumnExpression("is_staged")))


def _bars(dataset: Dataset, staged: duckdb.DuckDBPyRelation,
          kept: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """The staged and kept stored rows' ``BAR_COLUMNS``, wide (NULL where not declared)."""
    assert dataset.series is not None
    declared = {measure.name for measure in dataset.measures}
    columns = [
        duckdb.ConstantExpression(dataset.name).alias("dataset"),
        duckdb.ColumnExpression(dataset.series).cast(VARCHAR).alias("series"),
        duckdb.ColumnExpression(dataset.date).alias("trade_date"),
        *((duckdb.ColumnExpression(name) if name in declared else duckdb.ConstantExpression(None))
          .cast(DOUBLE).alias(name) for name in BAR_COLUMNS),
    ]
    return staged.select(*columns).union(kept.select(*columns))


def _quoted(name: str) -> str:
    """A declared column name as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def dated() -> tuple[Dataset, ...]:
    """Datasets whose rows are dated on their series' trading calendar."""
    return tuple(d for d in map(by_name, STAGING_TABLES) if d.series and d.calendar)


def _files(dataset: Dataset, staged: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """The file of each staged series' latest row: a value finding's place to go and look.

    Kept apart from the long form, which had carried a file name on every one of a year's ten
    million values only for this.
    """
    assert dataset.series is not None
    return staged.filter(duckdb.ColumnExpression(dataset.series).isnotnull()).aggregate([
        duckdb.ConstantExpression(dataset.name).alias("dataset"),
        duckdb.ColumnExpression(dataset.series).cast(VARCHAR).alias("series"),
        duckdb.FunctionExpression("arg_max", duckdb.ColumnExpression("source_file"),
                                  duckdb.ColumnExpression(dataset.date)).alias("source_file"),
    ], _quoted(dataset.series))


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


def _held(con: duckdb.DuckDBPyConnection, dataset: Dataset, wide: duckdb.DuckDBPyRelation,
          relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """A dataset's long form ``relation`` of the ``wide`` rows, held in memory (Arrow) when small.

    Each dataset's value and series rules read it again, so a night's few rows are built once;
    a year of the market in long form is gigabytes, and recomputing it in the one or two
    queries that read it was faster as well as 1.9 GB leaner than holding it. The size is told
    from the wide rows (a plain count), not by building the long form twice.
    """
    [(rows,)] = wide.aggregate("count(*)").fetchall()
    if rows * len(dataset.measures) >= HELD_BELOW_ROWS:
        return relation
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
    bar_parts: list[duckdb.DuckDBPyRelation] = []
    file_parts: list[duckdb.DuckDBPyRelation] = []
    staged_tables = {table: con.table(f"staging.{table}") for table in STAGING_TABLES}
    stored_tables = {table: con.table(f"core.{table}") for table in STAGING_TABLES
                     if table in core_tables}
    for dataset in measured():
        staged = staged_tables[dataset.name]
        stored = stored_tables.get(dataset.name)
        window = (_stored_window(dataset, staged, stored) if stored is not None
                  else staged.select(*dataset.schema.names()).limit(0))
        kept = _kept(dataset, staged, window)
        staged_parts.append(_held(con, dataset, staged, _long(
            dataset, _with_previous(dataset, staged, kept), staged=True)))
        stored_parts.append(_held(con, dataset, window, _long(dataset, kept, staged=False)))
        bar_parts.append(_bars(dataset, staged, kept))
        file_parts.append(_files(dataset, staged))
    views = {
        "gate_staged_dates": _dated(staged_tables),
        "gate_dataset_calendars": series.calendars(con, every_dataset=True),
        "gate_staged_measures": _union(staged_parts),
        "gate_stored_measures": _union(stored_parts),
        "gate_bars": _union(bar_parts),
        "gate_series_files": _union(file_parts),
        "gate_measure_specs": _specs(con),
        "gate_unit_slips": _slips(con),
        # The staged-plus-stored chain every chained dataset's suite continues its series on.
        "gate_series_chain": con.sql(read_sql("series_chain.sql")),
    }
    with series.registered(con, views):
        yield
