"""Flat bars without volume: a half day's close, or a placeholder for a day that did not trade.

Yahoo (and Eastmoney through a halt) fill days with a bar whose open, high, low and close are
equal and whose volume is zero or missing. What such a bar means depends on the day, which the
series' exchange calendar and the seeded suspensions tell:

* on an early-close session (a Hong Kong half day such as Lunar New Year's Eve) the close is the
  session's own and the rest is unknown: the bar becomes close-only (open, high, low, volume and
  amount null), the half-day shape the gate's bar rules accept;
* on a day that is no session of the calendar, or inside a seeded suspension, the security did
  not trade: the bar is a placeholder, dropped and reported, never staged;
* on a full session it is left as it is for the gate, which refuses zero volume: a seeded series
  that did not trade on a full session without a recorded suspension needs a person to look.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

# Bar datasets and their series key.
BAR_KEYS = {"index_bars": "index_code", "security_bars": "symbol"}
EARLY_CLOSE = "early_close"
CLOSED = "closed"
SUSPENDED = "suspended"
NOT_TRADED = (CLOSED, SUSPENDED)
UNKNOWN_ON_HALF_DAYS = ("open", "high", "low", "volume", "amount")


def flat_without_volume() -> pl.Expr:
    """Open = high = low = close, all present, and a volume of zero or none."""
    prices = [pl.col(name) for name in ("open", "high", "low", "close")]
    return (pl.all_horizontal(price.is_not_null() for price in prices)
            & pl.all_horizontal(price == pl.col("close") for price in prices[:3])
            & (pl.col("volume").is_null() | (pl.col("volume") == 0)))


def candidate_days(bars: pl.DataFrame, key: str) -> pl.DataFrame:
    """The (series, trade_date) of every flat bar without volume: the days whose kind matters."""
    return (bars.filter(flat_without_volume()).select(key, "trade_date")
            .unique(maintain_order=True))


@dataclass(frozen=True)
class Split:
    """Bars to stage, placeholders dropped (series, trade_date, kind, close), half days kept."""

    kept: pl.DataFrame
    dropped: pl.DataFrame
    half_days: int


def split_placeholders(bars: pl.DataFrame, key: str, day_kinds: pl.DataFrame) -> Split:
    """Apply the rules above, given the kind of each candidate day.

    ``day_kinds`` holds ``key``, ``trade_date`` and ``kind`` (``early_close``, ``closed`` or
    ``suspended``) for the days that are not full sessions of the series' calendar; a day it
    does not list is a full session, or belongs to a series without a seeded calendar.
    """
    kinds = day_kinds.select(key, "trade_date", "kind").unique([key, "trade_date"], keep="first")
    tagged = bars.join(kinds, on=[key, "trade_date"], how="left", maintain_order="left")
    flat = flat_without_volume()
    placeholder = flat & pl.col("kind").is_in(NOT_TRADED)
    half_day = flat & (pl.col("kind") == EARLY_CLOSE)
    dropped = tagged.filter(placeholder).select(key, "trade_date", "kind", "close")
    half_days = tagged.filter(half_day).height
    kept = tagged.filter(~placeholder.fill_null(False)).with_columns(
        pl.when(half_day.fill_null(False)).then(None).otherwise(pl.col(name)).alias(name)
        for name in UNKNOWN_ON_HALF_DAYS
    ).drop("kind")
    return Split(kept.select(bars.columns), dropped, half_days)


def describe(table: str, key: str, split: Split) -> list[str]:
    """One line for the run summary per kind of change: how many bars, of which series, when."""
    notes = []
    if split.dropped.height:
        which = (split.dropped.sort(key, "trade_date")
                 .group_by(key, maintain_order=True)
                 .agg(pl.format("{} ({})", pl.col("trade_date"), pl.col("kind"))
                      .str.join(", ").alias("days")))
        listed = "; ".join(f"{row[key]} {row['days']}" for row in which.iter_rows(named=True))
        notes.append(f"{table}: {split.dropped.height} placeholder bar(s) dropped (flat, no "
                     f"volume, on a day the series did not trade): {listed}")
    if split.half_days:
        notes.append(f"{table}: {split.half_days} flat bar(s) without volume on early-close "
                     "sessions kept as close-only half-day bars")
    return notes
