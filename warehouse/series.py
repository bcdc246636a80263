"""The long form of the registry's daily series, built from the declarations.

Tails, sessions, freshness and the cross-checks all read a dataset's series the same way: one
row per series and day with the value its continuity rules follow. Those relations are derived
here from the registry, as statements of quoted declared names, instead of being spelled out as
a SQL union in every file that needs them; the SQL files read them as temporary views
(`staged_series`, `gate_staged_series`, `gate_merged_series`, `gate_series_calendars`).
"""

from __future__ import annotations

from collections.abc import Mapping

from registry import STAGING_TABLES, Dataset, by_name
from warehouse.db import qualified_name, quote_identifier, quote_literal

# Reference seeds a dataset may take its series' calendars from.
SEED_TABLES = ("indices", "securities")


def chained() -> tuple[Dataset, ...]:
    """Datasets whose series carry a value from day to day (a close, a rate, a balance)."""
    return tuple(d for d in map(by_name, STAGING_TABLES) if d.series and d.chain)


def long_form(sources: Mapping[str, str], *, with_source_file: bool = False) -> str:
    """(dataset, series, trade_date, value[, source_file]) of every chained dataset, a statement.

    ``sources`` maps each dataset to the quoted name of the relation its rows come from: its
    staging or core table (``qualified_name``), or the gate's history view of it.
    """
    parts = []
    for dataset in chained():
        assert dataset.series and dataset.chain
        columns = [f"CAST({quote_literal(dataset.name)} AS VARCHAR) AS dataset",
                   f"CAST({quote_identifier(dataset.series)} AS VARCHAR) AS series",
                   f"{quote_identifier(dataset.date)} AS trade_date",
                   f"{quote_identifier(dataset.chain)} AS value",
                   *(["source_file"] if with_source_file else [])]
        parts.append("SELECT " + ", ".join(columns) + " FROM " + sources[dataset.name])
    return " UNION ALL ".join(parts)


def staged() -> str:
    """The staged rows of every chained dataset, in long form."""
    return long_form({table: qualified_name("staging", table) for table in STAGING_TABLES},
                     with_source_file=True)


def stored() -> str:
    """Every stored row of every chained dataset, in long form (a one-off tails rebuild)."""
    return long_form({table: qualified_name("core", table) for table in STAGING_TABLES})


def file_spans() -> str:
    """(source_file, first_date, last_date) of the staged rows of every landed body."""
    return " UNION ALL ".join(
        f"SELECT source_file, min({quote_identifier(by_name(table).date)}) AS first_date, "
        f"max({quote_identifier(by_name(table).date)}) AS last_date "
        f"FROM {qualified_name('staging', table)} GROUP BY source_file" for table in STAGING_TABLES)


def calendars(*, every_dataset: bool = False) -> str:
    """(dataset, series, calendar) of the series whose dataset declares a calendar.

    Chained datasets only unless ``every_dataset``. A seed-backed calendar lists every seeded
    series; a fixed one the staged series; one by series value its declared pairs.
    """
    wanted = {d.name for d in chained()} if not every_dataset else set(STAGING_TABLES)
    # Typed and empty: the declared pairs and the other parts follow it.
    parts = ["SELECT NULL::VARCHAR AS dataset, NULL::VARCHAR AS series, "
             "NULL::VARCHAR AS calendar WHERE false"]
    for table in STAGING_TABLES:
        dataset = by_name(table)
        calendar = dataset.calendar
        if table not in wanted or calendar is None or dataset.series is None:
            continue
        parts += [f"SELECT {quote_literal(table)}, {quote_literal(value)}, {quote_literal(name)}"
                  for value, name in calendar.by_series]
        if calendar.fixed is not None:
            parts.append(f"SELECT DISTINCT {quote_literal(table)}, "
                         f"CAST({quote_identifier(dataset.series)} AS VARCHAR), "
                         f"{quote_literal(calendar.fixed)} FROM {qualified_name('staging', table)}")
        if calendar.seed_table is not None and calendar.seed_key is not None:
            parts.append(_seeded(table, calendar.seed_table, calendar.seed_key))
    return " UNION ALL ".join(parts)


def _seeded(dataset: str, seed: str, key: str) -> str:
    if seed not in SEED_TABLES:
        raise ValueError(f"{dataset}: no reference seed {seed!r} to take calendars from")
    return (f"SELECT {quote_literal(dataset)}, CAST({quote_identifier(key)} AS VARCHAR), calendar "
            f"FROM {qualified_name('ref', seed)}")
