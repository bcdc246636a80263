"""The statements the gate's views of a dataset's values are built from, from its declaration:
its staged rows, the stored rows they continue, and each value's previous one in its chain.

Every statement is SQL of quoted declared names only (``quote_identifier``, ``quote_literal``).
"""

from __future__ import annotations

from collections.abc import Sequence

from registry import Dataset
from registry.model import Measure
from warehouse.db import identifier_list, qualified_name, quote_identifier, quote_literal

# Stored days before the first staged day the gate reads of a daily series: its level, its chain
# and its series rules all continue from this month (its last stored day, however old, comes
# from gate_series_tails). One figure: the series rules read both windows side by side.
LOOKBACK_DAYS = 31


def statement(steps: dict[str, str]) -> str:
    """One statement of named steps, each reading the ones before it, the last named final.

    A dataset's relations are each one statement: built step by step, DuckDB bound every step
    on its own, some 300 binds a gate and most of a night's gate views. The steps are SQL of
    quoted declared names only (``quote_identifier``), joined here.
    """
    named = (quote_identifier(name) + " AS (" + body + ")" for name, body in steps.items())
    return "WITH " + ", ".join(named) + " SELECT * FROM final"


def rows(dataset: Dataset, stored: bool) -> dict[str, str]:
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
                  f"FROM {qualified_name('core', dataset.name)}")
    else:
        window = (f"SELECT {identifier_list(dataset.schema.names())} "
                  f"FROM {qualified_name('core', dataset.name)} "
                  f"WHERE {quote_identifier(dataset.date)} BETWEEN "
                  f"(SELECT min({quote_identifier(dataset.date)}) FROM staged) - "
                  f"{LOOKBACK_DAYS} "
                  f"AND (SELECT max({quote_identifier(dataset.date)}) FROM staged)")
    return {
        "staged": (f"SELECT {identifier_list(dataset.schema.names())} "
                   f"FROM {qualified_name('staging', dataset.name)}"),
        "stored": window,
        "kept": (f"SELECT * FROM stored ANTI JOIN (SELECT {identifier_list(chain_keys(dataset))} "
                 f"FROM staged) AS restaged USING ({identifier_list(chain_keys(dataset))})"),
    }


def chain_keys(dataset: Dataset) -> list[str]:
    """The series, its part (where it has parts) and the date: a chain's key."""
    assert dataset.series is not None
    return [dataset.series, *([dataset.subseries] if dataset.subseries else []), dataset.date]


def with_previous(dataset: Dataset, measures: Sequence[Measure]) -> dict[str, str]:
    """The staged rows with each of ``measures``' previous positive value in the series part's
    chain (the kept stored days before them included), as ``previous_<column>``.

    One window over the dataset's own rows: over the long form it sorted a row per value
    column, six times as many for bars, and took most of the gate on a year of the market.
    """
    keys = chain_keys(dataset)
    # The rest of the natural key orders rows of one day (listings of one exchange).
    order = [keys[-1], *(key for key in dataset.keys if key not in keys)]
    previous = ", ".join(
        f"lag(CASE WHEN {quote_identifier(m.name)} > 0 THEN "
        f"CAST({quote_identifier(m.name)} AS DOUBLE) END IGNORE NULLS) OVER by_day "
        f"AS {quote_identifier('previous_' + m.name)}" for m in measures)
    return {
        "chain": "SELECT *, TRUE AS is_staged FROM staged UNION ALL SELECT *, FALSE FROM kept",
        "previous": ("SELECT *, " + previous + " FROM chain WINDOW by_day AS (PARTITION BY "
                     + identifier_list(keys[:-1]) + " ORDER BY " + identifier_list(order) + ")"),
    }


def series_columns(dataset: Dataset, part: bool) -> list[str]:
    """The dataset, series (and series part) and date a row of any dataset is known by."""
    assert dataset.series is not None
    subseries = (f"CAST({quote_identifier(dataset.subseries)} AS VARCHAR)" if dataset.subseries
                 else "''")
    return [f"CAST({quote_literal(dataset.name)} AS VARCHAR) AS dataset",
            f"CAST({quote_identifier(dataset.series)} AS VARCHAR) AS series",
            *([f"{subseries} AS part"] if part else []),
            f"{quote_identifier(dataset.date)} AS trade_date"]


def union_all(statements: list[str]) -> str:
    """One statement of every dataset's rows: a night's few rows bound and read once."""
    return " UNION ALL ".join("SELECT * FROM (" + statement + ")" for statement in statements)
