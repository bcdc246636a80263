"""Staging step for flat bars without volume: calendars decide, ``transforms.placeholders`` acts."""

from __future__ import annotations

import duckdb
import polars as pl

from transforms.placeholders import BAR_KEYS, candidate_days, describe, split_placeholders
from warehouse.seeds import day_kinds


def drop_placeholder_bars(
    con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame], notes: list[str]
) -> dict[str, pl.DataFrame]:
    """Half-day bars made close-only, placeholders dropped; appends what changed to ``notes``.

    Only the days of flat bars without volume are looked up in the calendars, so a night
    without any costs one vectorised filter per bar table.
    """
    frames = dict(frames)
    for table, key in BAR_KEYS.items():
        days = candidate_days(frames[table], key) if table in frames else None
        if days is None or not days.height:
            continue
        split = split_placeholders(frames[table], key, day_kinds(con, table, days))
        frames[table] = split.kept
        notes.extend(describe(table, key, split))
    return frames
