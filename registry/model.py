"""The types a dataset declaration is written in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

Unit = Literal[
    "index_points",  # an index level
    "price",  # the row's currency per share (yuan, HKD, USD)
    "shares",  # a count of shares, never lots of 100
    "money",  # whole currency units (yuan, HKD, USD), never 万元 or 亿元
    "multiple",  # a price multiple such as P/E (x)
    "eps",  # earnings per share, currency per share, may be negative
    "rate",  # quote currency per USD
]

# What a level shift of each power of ten usually means in these providers' data: the hint the
# gate's message gives next to the factor it measured.
UNIT_SLIPS: dict[int, str] = {
    1: "a tenfold slip (lots of 10 / 角, or a decimal-scale change)",
    2: "100x: 分 instead of 元, lots of 100 instead of shares, or per-cent instead of fraction",
    3: "1000x: thousands instead of units",
    4: "1e4x: 元 instead of 万元 (or 万 shares instead of shares)",
    6: "1e6x: millions instead of units",
    8: "1e8x: 元 instead of 亿元 (or 亿 shares instead of shares)",
}


@dataclass(frozen=True)
class Measure:
    """A value column: its unit and the range a real value of it can take.

    ``low``/``high`` bound any plausible value (inclusive) whatever the series; they catch a
    first load that has no history to compare with. ``shift`` is the largest factor (either
    way) between a series' incoming level and its stored level before the gate calls it a unit
    slip; ``step`` the largest factor between one value and the series' previous one. Either is
    ``None`` where a real series moves by orders of magnitude (an EPS crossing zero, a volume
    after a suspension). ``zero_is_missing`` marks a column where a provider writes 0 for "no
    figure": a P/E of exactly zero is a sentinel, price over earnings is never zero; other such
    sentinels are listed in ``sentinels``.

    ``level_via`` names the column this one divides where that quotient is the series' level:
    a P/E moves with the price, market cap / P/E (the trailing earnings) only when a report
    lands. ``slip_only`` makes the level rule fail only on a shift that is a power of ten (within
    10 %): for a level that really can move by any factor (earnings near zero), but lands on
    exactly 10x or 100x only when its unit changed.
    """

    name: str
    unit: Unit
    low: float | None = None
    high: float | None = None
    shift: float | None = None
    step: float | None = None
    zero_is_missing: bool = False
    sentinels: tuple[float, ...] = ()
    level_via: str | None = None
    slip_only: bool = False
    description: str = ""


Severity = Literal["fail", "warn"]


@dataclass(frozen=True)
class SeriesRules:
    """How a chained series is judged beyond single values; a severity of ``None`` turns a rule off.

    A spike is a move of at least ``spike_floor`` (log return) that reverses the next session
    and is either beyond the series' own robust spread or not made by its market: the series of
    the ``peers`` datasets on the same calendar. Stale is ``stale_sessions`` identical values in
    a row while most of the dataset's other series moved; frozen is such a run the series' own
    evidence contradicts: its second source (the crosscheck dataset) moved meanwhile, or it
    traded heavily every day at one price with no intraday range. A split is a one-day jump
    matching a common split ratio with volume moving inversely, or with the whole bar (open and
    close) moved by that ratio while the money traded stayed usual (datasets with a ``volume``
    column only). ``home_calendars`` pairs a series with the market whose sessions its frozen
    runs are counted in, where its dataset declares no calendar.
    """

    spike_floor: float
    spike: Severity | None = "fail"
    stale_sessions: int = 5
    stale: Severity | None = "fail"
    frozen: Severity | None = "fail"
    split: Severity | None = None
    peers: tuple[str, ...] = ()
    home_calendars: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Calendar:
    """How a row finds its trading calendar.

    From the ``calendar`` column of a reference seed (``ref.<seed_table>`` joined on
    ``seed_key``), one calendar for every row (``fixed``), or by the value of the dataset's
    series column (``by_series``: an exchange → its calendar).
    """

    seed_table: str | None = None
    seed_key: str | None = None
    fixed: str | None = None
    by_series: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Dataset:
    """One staging/core table and everything the pipeline needs to know about it.

    ``series`` names the column whose values are the dataset's series (an index, a security, an
    exchange); ``chain`` is the value a series' continuity rules follow from day to day (a close,
    a rate, a balance) and the one kept in ``core.series_tails``. ``lag_sessions`` is how many
    sessions after a trade date the provider publishes it (``None``: irregular, no freshness
    rule). ``export`` says how core is written to Parquet: by month of ``date`` or whole.
    ``subseries`` splits a series into parallel ones its value rules compare like with like
    (a security's EPS forecast per fiscal year).
    """

    name: str
    description: str
    schema: pl.Schema
    keys: tuple[str, ...]
    date: str
    series: str | None = None
    chain: str | None = None
    measures: tuple[Measure, ...] = ()
    calendar: Calendar | None = None
    lag_sessions: int | None = None
    export: Literal["monthly", "whole"] = "monthly"
    marts: tuple[str, ...] = field(default_factory=tuple)
    series_rules: SeriesRules | None = None
    subseries: str | None = None

    def __post_init__(self) -> None:
        named = {self.date, *self.keys, *(m.name for m in self.measures)}
        named |= {m.level_via for m in self.measures if m.level_via is not None}
        named |= {c for c in (self.series, self.chain, self.subseries) if c is not None}
        unknown = named - set(self.schema.names())
        if unknown:
            raise ValueError(f"{self.name}: declared columns not in the schema: {sorted(unknown)}")

    @property
    def staging_schema(self) -> pl.Schema:
        """The staged frame: the schema plus the landed file each row came from."""
        return pl.Schema({**self.schema, "source_file": pl.String()})
