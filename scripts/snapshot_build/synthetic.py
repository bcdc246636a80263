"""Synthetic stocks: seeded one-factor paths driven by real market returns."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from snapshot_build.common import Bar, iso, load_seed, rng_for, seed_of, sessions
from snapshot_build.equities import listing_for
from snapshot_build.formats import (
    MISSING,
    KBar,
    chart_body,
    chart_request,
    kline_body,
    kline_lines,
    kline_request,
)
from snapshot_build.landing import Landing
from snapshot_build.markets import HK_CONSTITUENTS, csi300_closes, daily_returns, hk_basket

# Each path starts near the stock's real late-2024 level so its market cap looks plausible.
START_PRICES = {
    "09888.HK": 85.0, "00020.HK": 1.6, "09660.HK": 4.5, "00992.HK": 10.0, "00268.HK": 9.0,
    "03888.HK": 25.0, "09999.HK": 140.0, "002415.SZ": 31.0, "688521.SH": 45.0,
    "603893.SH": 100.0, "300496.SZ": 60.0, "601360.SH": 10.0, "000938.SZ": 28.0,
}
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

    def as_kbar(self) -> KBar:
        """For the Eastmoney kline writer (volume already in lots)."""
        return KBar(self.day, self.open, self.close, self.high, self.low, str(self.volume),
                    MISSING)


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


def cn_tick(price: float) -> float:
    """Round to the 0.01 yuan A-share tick."""
    return round(price, 2)


def simulate(symbol: str, start: float, market: list[float], days: list[date],
             limit: float | None, shares: int) -> Generated:
    """Generate OHLCV from ``beta x market + noise``; ``limit`` is the daily price limit."""
    rng = rng_for(symbol)
    beta = float(rng.uniform(0.9, 1.4))
    sd = float(rng.uniform(0.015, 0.025))
    turnover = float(rng.uniform(0.004, 0.02) if limit else rng.uniform(0.001, 0.005))
    tick = cn_tick if limit else hk_tick
    previous = start
    bars: list[Ohlcv] = []
    for day, factor in zip(days, market, strict=True):
        move = beta * factor + rng.normal(0, sd)
        floor, cap = (tick(previous * (1 - limit)), tick(previous * (1 + limit))) if limit \
            else (0.0, math.inf)
        close = min(max(tick(previous * (1 + move)), floor), cap)
        open_ = min(max(tick(previous * (1 + rng.normal(0, 0.4 * sd))), floor), cap)
        high = min(tick(max(open_, close) * (1 + abs(rng.normal(0, 0.5 * sd)))), cap)
        low = max(tick(min(open_, close) * (1 - abs(rng.normal(0, 0.5 * sd)))), floor)
        volume = shares * turnover * math.exp(rng.normal(0, 0.35) + 6 * abs(close / previous - 1))
        bars.append(Ohlcv(day, open_, max(high, open_, close), min(low, open_, close), close,
                          round(volume / 100) * (1 if limit else 100)))
        previous = close
    return Generated(bars, beta, sd, turnover)


def describe(symbol: str, generated: Generated, start: float, currency: str, driver: str,
             limit_text: str, unit: str) -> str:
    """origin_detail for a synthetic stock."""
    return (
        f"SYNTHETIC: no public daily series for {symbol} was copied. Daily return = beta "
        f"{generated.beta:.3f} x {driver} + N(0, {generated.sd:.4f}) idiosyncratic noise"
        f"{limit_text}; start price {start} {currency} (close before {iso(generated.bars[0].day)}"
        f"); open gap, high/low excursions and lognormal volume (about "
        f"{generated.turnover:.2%} of shares_outstanding a day, more on big moves) from the same "
        f"generator, numpy default_rng(seed={seed_of(symbol)} = crc32('{symbol}')); prices on the "
        f"exchange tick; volume in {unit}; exchange sessions only."
    )


def build_synthetic(shared: Path, landing: Landing) -> dict[str, list[tuple[date, float]]]:
    """Write every seed security marked synthetic; return the A-share closes."""
    limits = {row["board"]: float(row["daily_limit"]) for row in load_seed("boards.csv")
              if row["daily_limit"]}
    cn_days = list(sessions("XSHG"))
    hk_days = list(sessions("XHKG"))
    cn_market = daily_returns(csi300_closes(shared), cn_days)
    hk_market = daily_returns(hk_basket(shared).levels, hk_days)
    basket = ", ".join(HK_CONSTITUENTS)
    closes: dict[str, list[tuple[date, float]]] = {}
    for sec in load_seed("securities.csv"):
        if sec["data_origin"] != "synthetic":
            continue
        symbol, start, shares = sec["symbol"], START_PRICES[sec["symbol"]], int(
            sec["shares_outstanding"])
        if sec["currency"] == "CNY":
            limit = limits[sec["board"]]
            generated = simulate(symbol, start, cn_market, cn_days, limit, shares)
            secid = sec["provider_code"]
            lines = kline_lines([bar.as_kbar() for bar in generated.bars], 2, start)
            detail = describe(symbol, generated, start, "CNY",
                              "the real CSI 300 close-to-close return (tushare file)",
                              f", clipped to the +/-{limit:.0%} {sec['board']} limit", "lots")
            landing.write(
                f"eastmoney/kline/{secid}.json",
                kline_body(secid, sec["name_local"], 2, start, lines), provider="eastmoney",
                dataset="stock_kline", subject=symbol, request=kline_request(secid, 1),
                origin="synthetic", origin_detail=detail + " Amount and turnover '-'.",
            )
            closes[symbol] = [(bar.day, bar.close) for bar in generated.bars]
        else:
            generated = simulate(symbol, start, hk_market, hk_days, None, shares)
            detail = describe(
                symbol, generated, start, "HKD",
                f"the close-to-close return of the market-cap-weighted basket of the real HK "
                f"constituents {basket} (shares_outstanding x close)", " (no HK price limit)",
                "shares (whole 100-share lots)")
            ticker = sec["provider_code"]
            body = chart_body(listing_for(sec), [bar.as_bar() for bar in generated.bars], start)
            landing.write(
                f"yahoo/chart/{ticker}.json", body,
                provider="yahoo", dataset="stock_chart", subject=symbol,
                request=chart_request(ticker), origin="synthetic", origin_detail=detail,
            )
    return closes
