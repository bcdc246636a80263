"""The registry's dated rows and value columns, summarised and in long form, for the gate's
generic rules.

Every dataset declares each value column's unit, plausible range, largest level shift and
largest step (``registry``). The gate judges them all with one query
(``sql/measure_plausibility.sql``) over these relations, so a new dataset or column is checked
the moment it is declared.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb
import polars as pl
import pyarrow as pa

from expectations.checks import read_sql
from expectations.statements import rows, series_columns, statement, union_all, with_previous
from registry import STAGING_TABLES, Dataset, Measure, by_name
from registry.model import UNIT_SLIPS
from warehouse import series
from warehouse.db import (
    identifier_list,
    qualified_name,
    quote_identifier,
    quote_literal,
    temporary_views,
)

# The value columns the series rules read beside a series' chained value (splits, one-price
# days), where a dataset declares them.
BAR_COLUMNS = ("open", "high", "low", "volume")


def measured() -> tuple[Dataset, ...]:
    """Datasets with series and declared value columns."""
    return tuple(d for d in map(by_name, STAGING_TABLES) if d.series and d.measures)


def _long(dataset: Dataset, stored: bool) -> str:
    """The kept stored rows in long form: one row per row and value column, with the value
    the column's level is read on.

    One UNPIVOT of a struct per column, not a union of one projection per column: DuckDB
    evaluated everything below a union's branches once per branch.
    """
    entries = [f"struct_pack(value := {_value(measure.name)}, level_value := {_level(measure)}) "
               f"AS {quote_identifier(measure.name)}" for measure in dataset.measures]
    steps = rows(dataset, stored)
    steps["wide"] = ("SELECT " + ", ".join([*series_columns(dataset, part=True), *entries])
                     + " FROM kept")
    steps["final"] = (
        "SELECT dataset, series, part, trade_date, measure, entry.value AS value, "
        "entry.level_value AS level_value FROM (UNPIVOT wide ON "
        f"{identifier_list([m.name for m in dataset.measures])} INTO NAME measure VALUE entry)")
    return statement(steps)


def _summaries(dataset: Dataset, stored: bool) -> str:
    """One row per staged series part and value column: the values outside the column's
    declared range (how many, the first and its date), the level the part arrives at (the
    median of its first five positive levels, from ``first_date``) and, for a column that
    declares a largest step, its largest step from the previous positive value in its chain
    (``worst_step``, on ``worst_step_date``; NULL where no step is declared, as its verdict is).

    Summarised from the staged rows as they are, a column each, and only then turned long:
    over the long form of a year of the market (ten million values) the same aggregates took
    3.7 s and 830 MB; over the rows, 2.5 s and 330 MB. Each row's tests and step are computed
    once beside it (``_judged_columns``), not in every aggregate's filter that reads them: a
    year of bars, 1.07 -> 0.87 s.
    """
    summaries, judged = [], []
    for number, measure in enumerate(dataset.measures):
        bad, level, step = (quote_identifier(f"{kind}_{number}")
                            for kind in ("bad", "level", "step"))
        judged.extend(_judged_columns(measure, bad, level, step))
        summaries.append(
            f"struct_pack(out_of_range := count(*) FILTER ({bad}), "
            f"first_bad_date := min(trade_date) FILTER ({bad}), "
            f"first_bad_value := arg_min({_value(measure.name)}, trade_date) FILTER ({bad}), "
            f"incoming_level := list_median(arg_min({level}, trade_date, 5) "
            f"FILTER ({level} > 0)), "
            f"first_date := min(trade_date) FILTER ({level} > 0), {_worst_step(measure, step)}) "
            f"AS {quote_identifier(measure.name)}")
    # Only the columns that declare a step are chained to their previous values: the window
    # doing it was most of the summaries' cost, and bars declare no step (a year of bars,
    # 0.87-0.95 -> 0.25-0.29 s).
    stepped = [measure for measure in dataset.measures if measure.step is not None]
    steps = rows(dataset, stored)
    if stepped:
        steps |= with_previous(dataset, stepped)
    steps["rows"] = ("SELECT " + ", ".join([*series_columns(dataset, part=True),
                                            identifier_list([m.name for m in dataset.measures]),
                                            *judged])
                     + (" FROM previous WHERE is_staged" if stepped else " FROM staged"))
    steps["summaries"] = ("SELECT dataset, series, part, " + ", ".join(summaries)
                          + " FROM rows WHERE series IS NOT NULL GROUP BY dataset, series, part")
    steps["final"] = (
        "SELECT dataset, series, part, measure, entry.* FROM (UNPIVOT summaries ON "
        f"{identifier_list([m.name for m in dataset.measures])} INTO NAME measure VALUE entry)")
    return statement(steps)


def _judged_columns(measure: Measure, bad: str, level: str, step: str) -> list[str]:
    """A row's tests of one value column, as the columns ``bad`` (outside the declared range),
    ``level`` (what its level is read on) and, where the column declares a step, ``step`` (the
    ratio to the previous positive value, either way up; NULL unless both are positive)."""
    tests = [f"{_out_of_range(measure)} AS {bad}", f"{_level(measure)} AS {level}"]
    if measure.step is None:
        return tests
    value, previous = _value(measure.name), _value("previous_" + measure.name)
    # The reciprocal of the ratio, not previous / value: the worst step rounds as it did over
    # the long form, to the last bit.
    ratio = f"greatest({value} / {previous}, 1 / ({value} / {previous}))"
    return [*tests, f"CASE WHEN {value} > 0 AND {previous} > 0 THEN {ratio} END AS {step}"]


def _worst_step(measure: Measure, step: str) -> str:
    """The summary fields of a column's largest step: typed NULLs where it declares none."""
    if measure.step is None:
        return "worst_step := CAST(NULL AS DOUBLE), worst_step_date := CAST(NULL AS DATE)"
    return f"worst_step := max({step}), worst_step_date := arg_max(trade_date, {step})"


def _value(column: str) -> str:
    return f"CAST({quote_identifier(column)} AS DOUBLE)"


def _level(measure: Measure) -> str:
    """The value a column's level is read on: the value, or its basis over it (a P/E's
    trailing earnings, market cap / P/E)."""
    if measure.level_via is None:
        return _value(measure.name)
    return f"{_value(measure.level_via)} / {_value(measure.name)}"


def _out_of_range(measure: Measure) -> str:
    """Whether a present value breaks the column's declared range, zero (where zero means
    missing) and sentinels: the declaration's figures written into the statement."""
    value = _value(measure.name)
    holds = [*([f"{value} >= {_number(measure.low)}"] if measure.low is not None else []),
             *([f"{value} <= {_number(measure.high)}"] if measure.high is not None else []),
             *([f"{value} <> 0"] if measure.zero_is_missing else []),
             *([f"NOT list_contains([{', '.join(map(_number, measure.sentinels))}], {value})"]
               if measure.sentinels else [])]
    return f"{value} IS NOT NULL AND NOT ({' AND '.join(holds) or 'true'})"


def _number(figure: float) -> str:
    """A declared figure as an exact DOUBLE literal (``repr`` round-trips a float)."""
    return f"CAST({quote_literal(repr(float(figure)))} AS DOUBLE)"


def _bars(dataset: Dataset, stored: bool) -> str:
    """The staged and kept stored rows' chained value and ``BAR_COLUMNS`` (NULL where not
    declared), whether each is staged, and a staged row's file: what the series rules read of
    each day, in one relation they group by day once."""
    declared = {measure.name for measure in dataset.measures}
    chain = quote_identifier(dataset.chain) if dataset.chain else "NULL"
    columns = ", ".join([*series_columns(dataset, part=False),
                         f"CAST({chain} AS DOUBLE) AS value", *(
        f"CAST({quote_identifier(name) if name in declared else 'NULL'} AS DOUBLE) "
        f"AS {quote_identifier(name)}" for name in BAR_COLUMNS)])
    return statement({**rows(dataset, stored), "final": (
        "SELECT " + columns + ", TRUE AS is_staged, source_file FROM "
        + qualified_name("staging", dataset.name)
        + " UNION ALL SELECT " + columns + ", FALSE, NULL FROM kept")})


def dated() -> tuple[Dataset, ...]:
    """Datasets whose rows are dated on their series' trading calendar."""
    return tuple(d for d in map(by_name, STAGING_TABLES) if d.series and d.calendar)


def _files(dataset: Dataset) -> str:
    """The file of each staged series' latest row: a value finding's place to go and look.

    Kept apart from the long form, which had carried a file name on every one of a year's ten
    million values only for this.
    """
    assert dataset.series is not None
    return (f"SELECT CAST({quote_literal(dataset.name)} AS VARCHAR) AS dataset, "
            f"CAST({quote_identifier(dataset.series)} AS VARCHAR) AS series, "
            f"arg_max(source_file, {quote_identifier(dataset.date)}) AS source_file "
            f"FROM {qualified_name('staging', dataset.name)} "
            f"WHERE {quote_identifier(dataset.series)} IS NOT NULL "
            f"GROUP BY {quote_identifier(dataset.series)}")


def _dated() -> str:
    return " UNION ALL ".join(
        f"SELECT CAST({quote_literal(dataset.name)} AS VARCHAR) AS dataset, "
        f"CAST({quote_identifier(dataset.series or '')} AS VARCHAR) AS series, "
        f"{quote_identifier(dataset.date)} AS trade_date, source_file "
        f"FROM {qualified_name('staging', dataset.name)}" for dataset in dated())


def _held(con: duckdb.DuckDBPyConnection, sql: str, hold: bool, name: str,
          held: dict[str, pa.Table]) -> str:
    """A statement reading ``sql``'s rows from memory (Arrow, kept in ``held`` under ``name``)
    when ``hold``; ``sql`` itself, left to the queries that read it, otherwise."""
    if not hold:
        return sql
    held[name] = con.sql(sql).to_arrow_table()
    return "SELECT * FROM " + quote_identifier(name)


def _specs() -> pa.Table:
    rows = [(d.name, m.name, m.unit, m.low, m.high, m.shift, m.step, m.slip_only,
             f"{m.level_via} / {m.name}" if m.level_via else m.name, m.level_via)
            for d in measured() for m in d.measures]
    frame = pl.DataFrame(rows, orient="row", schema={
        "dataset": pl.String, "measure": pl.String, "unit": pl.String, "low": pl.Float64,
        "high": pl.Float64, "max_shift": pl.Float64, "max_step": pl.Float64,
        "slip_only": pl.Boolean, "level_of": pl.String, "level_via": pl.String})
    return frame.to_arrow()


def _slips() -> pa.Table:
    frame = pl.DataFrame({"decades": list(UNIT_SLIPS), "likely_slip": list(UNIT_SLIPS.values())},
                         schema={"decades": pl.Int64, "likely_slip": pl.String})
    return frame.to_arrow()


@contextmanager
def measure_views(con: duckdb.DuckDBPyConnection, core_tables: set[str],
                  judged: tuple[str, ...] = (), *,
                  also: Sequence[duckdb.DuckDBPyConnection] = ()) -> Iterator[None]:
    """Register the staged value columns' summaries, the stored values in long form, their
    declarations, the unit slips, the chained series (inside ``history.history_views``,
    whose views the chain reads) and each series' days for its series rules.

    ``core_tables`` are the core tables that exist; a dataset core does not hold yet has no
    stored level to compare with. The summaries of the ``judged`` datasets (every one when
    none are named) are computed once and held, a row per series and column, for the rules
    that read them again; no check reads another dataset's, which stay statements. The stored
    long form is read once, by the query that needs it. The connections of ``also`` (others to
    the same database) get the same views, the summaries computed once on ``con``.
    """
    held: dict[str, pa.Table] = {}
    staged_parts: list[str] = []
    for dataset in measured():
        staged_parts.append(_held(con, _summaries(dataset, dataset.name in core_tables),
                                  not judged or dataset.name in judged,
                                  f"gate_staged_summaries_{len(held)}", held))
    views: dict[str, duckdb.DuckDBPyRelation | pa.Table | str] = {
        **held,
        "gate_staged_dates": _dated(),
        "gate_dataset_calendars": series.calendars(every_dataset=True),
        "gate_staged_summaries": union_all(staged_parts),
        "gate_stored_measures": union_all([_long(d, d.name in core_tables)
                                            for d in measured()]),
        "gate_bars": union_all([_bars(d, d.name in core_tables) for d in measured()]),
        "gate_series_files": union_all([_files(d) for d in measured()]),
        "gate_measure_specs": _specs(),
        "gate_unit_slips": _slips(),
    }
    with temporary_views(con, views, also=also), temporary_views(con, {
            "gate_distinct_days": _distinct_days(con),
            "gate_bar_days": read_sql("bar_days.sql"),
            # The staged-plus-stored chain every chained dataset's suite continues its series on.
            "gate_series_chain": read_sql("series_chain.sql")}, also=also):
        yield


def _distinct_days(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The datasets with series rules whose days in ``gate_bars`` are distinct, held: their
    series rules and chains read the staged rows as they are, and only the others group copies
    of a day."""
    chained = [dataset.name for dataset in measured() if dataset.series_rules is not None]
    return con.sql(read_sql("distinct_days.sql"), params={"datasets": chained}).to_arrow_table()
