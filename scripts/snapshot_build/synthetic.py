"""Hong Kong names real to a day and synthetic after: seeded one-factor paths driven by real
market returns continue each real series from its last real close."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flows.sources.landing import LandingZone
from flows.sources.origins import OriginRange
from snapshot_build.common import Bar, iso, load_seed, rng_for, seed_of, sessions
from snapshot_build.equities import listing_for, real_chart
from snapshot_build.formats import (
    chart_body,
    chart_request,
    land,
)
from snapshot_build.markets import HK_CONSTITUENTS, daily_returns, hk_basket

# The last day of the public Hong Kong dumps (luciusneo1017, frozen at the 2025-10-30 close).
REAL_UNTIL = date(2025, 10, 30)

# HKEX spread table (band upper bound, tick), so synthetic HK prices sit on tradable ticks.
HK_TICKS = ((0.25, 0.001), (0.5, 0.005), (10, 0.01), (20, 0.02), (100, 0.05), (200, 0.1),
            (500, 0.2), (1000, 0.5))


@dataclass(frozen=True)
class Ohlcv:
    """A generated bar; unlike a source ``Bar`` every value is present."""

    day: date
    open: float
    high: float
    low: float
    close: float
    volume: int

    def as_bar(self) -> Bar:
        """For the Yahoo chart writer."""
        return Bar(self.day, self.open, self.high, self.low, self.close, float(self.volume))


@dataclass(frozen=True)
class Generated:
    """A generated series and the parameters drawn for it."""

    bars: list[Ohlcv]
    beta: float
    sd: float
    turnover: float


def hk_tick(price: float) -> float:
    """Round to the HKEX tick for the price band."""
    tick = next((step for bound, step in HK_TICKS if price < bound), 1.0)
    return round(round(price / tick) * tick, 3)


def simulate(symbol: str, start: float, market: list[float], days: list[date],
             shares: int) -> Generated:
    """Generate OHLCV from ``beta x market + noise`` on the HKEX tick (no daily price limit)."""
    rng = rng_for(symbol)
    beta = float(rng.uniform(0.9, 1.4))
    sd = float(rng.uniform(0.015, 0.025))
    turnover = float(rng.uniform(0.001, 0.005))
    previous = start
    bars: list[Ohlcv] = []
    for day, factor in zip(days, market, strict=True):
        move = beta * factor + rng.normal(0, sd)
        close = hk_tick(previous * (1 + move))
        open_ = hk_tick(previous * (1 + rng.normal(0, 0.4 * sd)))
        high = hk_tick(max(open_, close) * (1 + abs(rng.normal(0, 0.5 * sd))))
        low = hk_tick(min(open_, close) * (1 - abs(rng.normal(0, 0.5 * sd))))
        volume = shares * turnover * math.exp(rng.normal(0, 0.35) + 6 * abs(close / previous - 1))
        bars.append(Ohlcv(day, open_, max(high, open_, close), min(low, open_, close), close,
                          round(volume / 100) * 100))
        previous = close
    return Generated(bars, beta, sd, turnover)


def describe(symbol: str, generated: Generated, start: float, driver: str) -> str:
    """origin_detail of the synthetic part of a series."""
    return (
        f"SYNTHETIC from {iso(generated.bars[0].day)}: daily return = beta "
        f"{generated.beta:.3f} x {driver} + N(0, {generated.sd:.4f}) idiosyncratic noise (no HK "
        f"price limit), starting from the last real close {start} HKD; open gap, high/low "
        f"excursions and lognormal volume (about {generated.turnover:.2%} of shares_outstanding a "
        f"day, more on big moves) from the same generator, numpy default_rng(seed="
        f"{seed_of(symbol)} = crc32('{symbol}')); prices on the HKEX tick; volume in shares "
        f"(whole 100-share lots); exchange sessions only."
    )


def build_mixed_hk(shared: Path, landing: LandingZone) -> None:
    """Write every seed security marked ``mixed``: real bars to ``REAL_UNTIL``, synthetic after."""
    hk_days = list(sessions("XHKG"))
    hk_market = daily_returns(hk_basket(shared).levels, hk_days)
    basket = ", ".join(HK_CONSTITUENTS)
    later = [(day, move) for day, move in zip(hk_days, hk_market, strict=True)
             if day > REAL_UNTIL]
    for sec in load_seed("securities.csv"):
        if sec["data_origin"] != "mixed":
            continue
        symbol, ticker = sec["symbol"], sec["provider_code"]
        real, previous, repairs = real_chart(
            shared, sec, shared / "real" / "stocks_hk" / "yahoo_luciusneo" / f"{ticker}.csv",
            REAL_UNTIL)
        start = real[-1].close
        if start is None:
            raise ValueError(f"{ticker}: the last real bar has no close")
        generated = simulate(symbol, start, [move for _, move in later],
                             [day for day, _ in later], int(sec["shares_outstanding"]))
        driver = (f"the close-to-close return of the market-cap-weighted basket of the real HK "
                  f"constituents {basket} (shares_outstanding x close)")
        detail = (f"Real daily OHLCV {iso(real[0].day)}..{iso(REAL_UNTIL)} from "
                  f"luciusneo1017/momentum-portfolio_optimization @ 116615fb28 data/raw/"
                  f"{ticker}.csv (Yahoo, dividend-adjusted as of ~2025-12), values unchanged; no "
                  f"public series after {iso(REAL_UNTIL)} was found. "
                  + describe(symbol, generated, start, driver))
        bars = real + [bar.as_bar() for bar in generated.bars]
        land(landing, 
            f"yahoo/chart/{ticker}.json", chart_body(listing_for(sec), bars, previous),
            provider="yahoo", dataset="stock_chart", subject=symbol,
            request=chart_request(ticker), origin="synthetic", origin_detail=detail,
            repairs=repairs,
            ranges=(OriginRange("reconstructed", real[0].day, REAL_UNTIL),
                    OriginRange("synthetic", generated.bars[0].day, generated.bars[-1].day)),
        )
