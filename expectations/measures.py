"""The registry's dated rows and value columns in long form, for the gate's generic rules.

Every dataset declares each value column's unit, plausible range, largest level shift and
largest step (``registry``). The gate judges them all with one query
(``sql/measure_plausibility.sql``) over these relations, so a new dataset or column is checked
the moment it is declared.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import polars as pl
import pyarrow as pa

from expectations.checks import read_sql
from registry import STAGING_TABLES, Dataset, by_name
from registry.model import UNIT_SLIPS
from warehouse import series
from warehouse.db import identifier_list, quote_identifier, quote_literal, temporary_views

# A dataset's long form up to this many rows is held in memory for the rules that read it.
HELD_BELOW_ROWS = 1_000_000
# Stored days before the first staged day a daily series' level is read from.
LEVEL_LOOKBACK_DAYS = 31
# The value columns the series rules read beside a series' chained value (splits, one-price
# days), where a dataset declares them.
BAR_COLUMNS = ("open", "high", "low", "volume")


def measured() -> tuple[Dataset, ...]:
    """Datasets with series and declared value columns."""
    return tuple(d for d in map(by_name, STAGING_TABLES) if d.series and d.measures)


def _statement(steps: dict[str, str]) -> str:
    """One statement of named steps, each reading the ones before it, the last named final.

    A dataset's relations are each one statement: built step by step, DuckDB bound every step
    on its own, some 300 binds a gate and most of a night's gate views. The steps are SQL of
    quoted declared names only (``quote_identifier``), joined here.
    """
    named = (quote_identifier(name) + " AS (" + body + ")" for name, body in steps.items())
    return "WITH " + ", ".join(named) + " SELECT * FROM final"


def _rows(dataset: Dataset, stored: bool) -> dict[str, str]:
    """The steps a dataset's relations start from: its staged rows, the stored rows they are
    compared with, and of those the days the batch does not restate (``kept``).

    Stored rows are the month before the batch for daily series; sparse datasets (irregular
    reports, listings) are small and keep their whole history. A stored day staged again is
    judged by its new figure, not the one it replaces.
    """
    if not stored:
        window = "SELECT * FROM staged LIMIT 0"
    elif dataset.lag_sessions is None or dataset.export == "whole":
        window = (f"SELECT {identifier_list(dataset.schema.names())} "
                  f"FROM core.{quote_identifier(dataset.name)}")
    else:
        window = (f"SELECT {identifier_list(dataset.schema.names())} "
                  f"FROM core.{quote_identifier(dataset.name)} "
                  f"WHERE {quote_identifier(dataset.date)} BETWEEN "
                  f"(SELECT min({quote_identifier(dataset.date)}) FROM staged) - "
                  f"{LEVEL_LOOKBACK_DAYS} "
                  f"AND (SELECT max({quote_identifier(dataset.date)}) FROM staged)")
    return {
        "staged": (f"SELECT {identifier_list(dataset.schema.names())} "
                   f"FROM staging.{quote_identifier(dataset.name)}"),
        "stored": window,
        "kept": (f"SELECT * FROM stored ANTI JOIN (SELECT {identifier_list(_keys(dataset))} "
                 f"FROM staged) AS restaged USING ({identifier_list(_keys(dataset))})"),
    }


def _keys(dataset: Dataset) -> list[str]:
    assert dataset.series is not None
    return [dataset.series, *([dataset.subseries] if dataset.subseries else []), dataset.date]


def _long(dataset: Dataset, stored: bool, staged: bool) -> str:
    """The staged (or kept stored) rows in long form: one row per row and value column.

    One UNPIVOT of a struct per column, not a union of one projection per column: DuckDB
    evaluated everything below a union's branches once per branch, the previous-value window
    of every column included.
    """
    fields = ["value", "level_value", *(["prev_value"] if staged else [])]
    entries = []
    for measure in dataset.measures:
        value = f"CAST({quote_identifier(measure.name)} AS DOUBLE)"
        level = (value if measure.level_via is None else
                 f"CAST({quote_identifier(measure.level_via)} AS DOUBLE) / {value}")
        previous = ([f"CAST({quote_identifier('previous_' + measure.name)} AS DOUBLE)"]
                    if staged else [])
        packed = ", ".join(field + " := " + expression for field, expression
                           in zip(fields, [value, level, *previous], strict=True))
        entries.append(f"struct_pack({packed}) AS {quote_identifier(measure.name)}")
    steps = {**_rows(dataset, stored), **(_with_previous(dataset) if staged else {})}
    steps["wide"] = ("SELECT " + ", ".join([*_series_columns(dataset, part=True), *entries])
                     + (" FROM previous WHERE is_staged" if staged else " FROM kept"))
    steps["final"] = (
        "SELECT dataset, series, part, trade_date, measure, "
        + ", ".join("entry." + field + " AS " + field for field in fields)
        + f" FROM (UNPIVOT wide ON {identifier_list([m.name for m in dataset.measures])} "
        "INTO NAME measure VALUE entry)")
    return _statement(steps)


def _with_previous(dataset: Dataset) -> dict[str, str]:
    """The staged rows with each value column's previous positive value in the series part's
    chain (the kept stored days before them included), as ``previous_<column>``.

    One window over the dataset's own rows: over the long form it sorted a row per value
    column, six times as many for bars, and took most of the gate on a year of the market.
    """
    keys = _keys(dataset)
    # The rest of the natural key orders rows of one day (listings of one exchange).
    order = [keys[-1], *(key for key in dataset.keys if key not in keys)]
    previous = ", ".join(
        f"lag(CASE WHEN {quote_identifier(m.name)} > 0 THEN "
        f"CAST({quote_identifier(m.name)} AS DOUBLE) END IGNORE NULLS) OVER by_day "
        f"AS {quote_identifier('previous_' + m.name)}" for m in dataset.measures)
    return {
        "chain": "SELECT *, TRUE AS is_staged FROM staged UNION ALL SELECT *, FALSE FROM kept",
        "previous": ("SELECT *, " + previous + " FROM chain WINDOW by_day AS (PARTITION BY "
                     + identifier_list(keys[:-1]) + " ORDER BY " + identifier_list(order) + ")"),
    }


def _series_columns(dataset: Dataset, part: bool) -> list[str]:
    """The dataset, series (and series part) and date a row of any dataset is known by."""
    assert dataset.series is not None
    subseries = (f"CAST({quote_identifier(dataset.subseries)} AS VARCHAR)" if dataset.subseries
                 else "''")
    return [f"CAST({quote_literal(dataset.name)} AS VARCHAR) AS dataset",
            f"CAST({quote_identifier(dataset.series)} AS VARCHAR) AS series",
            *([f"{subseries} AS part"] if part else []),
            f"{quote_identifier(dataset.date)} AS trade_date"]


def _bars(dataset: Dataset, stored: bool) -> str:
    """The staged and kept stored rows' ``BAR_COLUMNS``, wide (NULL where not declared)."""
    declared = {measure.name for measure in dataset.measures}
    columns = ", ".join([*_series_columns(dataset, part=False), *(
        f"CAST({quote_identifier(name) if name in declared else 'NULL'} AS DOUBLE) "
        f"AS {quote_identifier(name)}" for name in BAR_COLUMNS)])
    return _statement({**_rows(dataset, stored), "final": (
        "SELECT " + columns + " FROM staged UNION ALL SELECT " + columns + " FROM kept")})


def _union_all(statements: list[str]) -> str:
    """One statement of every dataset's rows: a night's few rows bound and read once."""
    return " UNION ALL ".join("SELECT * FROM (" + statement + ")" for statement in statements)


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
            f"FROM staging.{quote_identifier(dataset.name)} "
            f"WHERE {quote_identifier(dataset.series)} IS NOT NULL "
            f"GROUP BY {quote_identifier(dataset.series)}")


def _dated() -> str:
    return " UNION ALL ".join(
        f"SELECT CAST({quote_literal(dataset.name)} AS VARCHAR) AS dataset, "
        f"CAST({quote_identifier(dataset.series or '')} AS VARCHAR) AS series, "
        f"{quote_identifier(dataset.date)} AS trade_date, source_file "
        f"FROM staging.{quote_identifier(dataset.name)}" for dataset in dated())


def _held(con: duckdb.DuckDBPyConnection, dataset: Dataset, sql: str, wide_rows: int | None,
          name: str, held: dict[str, pa.Table]) -> str:
    """A dataset's long form ``sql`` of ``wide_rows`` rows, as a statement reading it from
    memory (Arrow, kept in ``held`` under ``name``) when small; ``sql`` itself, left to the
    queries that read it, when large or when ``wide_rows`` is None (not judged).

    Each dataset's value and series rules read it again, so a night's few rows are built once;
    a year of the market in long form is gigabytes, and recomputing it in the one or two
    queries that read it was faster as well as 1.9 GB leaner than holding it. The size is told
    from the wide rows (a plain count), not by building the long form twice.
    """
    if wide_rows is None or wide_rows * len(dataset.measures) >= HELD_BELOW_ROWS:
        return sql
    held[name] = con.sql(sql).to_arrow_table()
    return "SELECT * FROM " + quote_identifier(name)


def _counts(con: duckdb.DuckDBPyConnection, dataset: Dataset, stored: bool) -> tuple[int, int]:
    """How many rows a dataset stages, and how many stored rows they are compared with."""
    steps = {**_rows(dataset, stored), "final": (
        "SELECT (SELECT count(*) FROM staged) AS staged_rows, "
        "(SELECT count(*) FROM stored) AS stored_rows")}
    [(staged, window)] = con.sql(_statement(steps)).fetchall()
    return staged, window


def _specs() -> pa.Table:
    rows = [(d.name, m.name, m.unit, m.low, m.high, m.shift, m.step, m.zero_is_missing,
             list(m.sentinels), m.slip_only,
             f"{m.level_via} / {m.name}" if m.level_via else m.name, m.level_via)
            for d in measured() for m in d.measures]
    frame = pl.DataFrame(rows, orient="row", schema={
        "dataset": pl.String, "measure": pl.String, "unit": pl.String, "low": pl.Float64,
        "high": pl.Float64, "max_shift": pl.Float64, "max_step": pl.Float64,
        "zero_is_missing": pl.Boolean, "sentinels": pl.List(pl.Float64),
        "slip_only": pl.Boolean, "level_of": pl.String, "level_via": pl.String})
    return frame.to_arrow()


def _slips() -> pa.Table:
    frame = pl.DataFrame({"decades": list(UNIT_SLIPS), "likely_slip": list(UNIT_SLIPS.values())},
                         schema={"decades": pl.Int64, "likely_slip": pl.String})
    return frame.to_arrow()


@contextmanager
def measure_views(con: duckdb.DuckDBPyConnection, core_tables: set[str],
                  judged: tuple[str, ...] = ()) -> Iterator[None]:
    """Register the staged and stored value columns, their declarations, the unit slips and the
    chained series (inside ``runner.history_views``, whose views the chain reads).

    ``core_tables`` are the core tables that exist; a dataset core does not hold yet has no
    stored level to compare with. Only the long forms of the ``judged`` datasets (every one
    when none are named) are held: no check reads another dataset's, and building them all was
    0.3 s of each gate of one dataset's suite. The others stay statements that a query reading
    them would compute.
    """
    held: dict[str, pa.Table] = {}
    staged_parts: list[str] = []
    stored_parts: list[str] = []
    for dataset in measured():
        stored = dataset.name in core_tables
        staged_rows, window_rows = (_counts(con, dataset, stored)
                                    if not judged or dataset.name in judged else (None, None))
        staged_parts.append(_held(con, dataset, _long(dataset, stored, staged=True), staged_rows,
                                  f"gate_staged_measures_{len(held)}", held))
        stored_parts.append(_held(con, dataset, _long(dataset, stored, staged=False),
                                  window_rows, f"gate_stored_measures_{len(held)}", held))
    views: dict[str, duckdb.DuckDBPyRelation | pa.Table | str] = {
        **held,
        "gate_staged_dates": _dated(),
        "gate_dataset_calendars": series.calendars(every_dataset=True),
        "gate_staged_measures": _union_all(staged_parts),
        "gate_stored_measures": _union_all(stored_parts),
        "gate_bars": _union_all([_bars(d, d.name in core_tables) for d in measured()]),
        "gate_series_files": _union_all([_files(d) for d in measured()]),
        "gate_measure_specs": _specs(),
        "gate_unit_slips": _slips(),
        # The staged-plus-stored chain every chained dataset's suite continues its series on.
        "gate_series_chain": read_sql("series_chain.sql"),
    }
    with temporary_views(con, views):
        yield
