"""Real market factors the reconstructed and synthetic series are driven by."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from snapshot_build.common import load_seed, parse_day, read_table

# The five Hang Seng TECH heavyweights with a real daily series in ../shared/data.
HK_CONSTITUENTS = ("00700.HK", "09988.HK", "01810.HK", "03690.HK", "01024.HK")


@dataclass(frozen=True)
class HkBasket:
    """Market-cap-weighted basket of the real HK constituents (HKD), by XHKG date."""

    levels: dict[date, float]
    shares: dict[str, int]

    def dates(self) -> list[date]:
        """Sorted dates on which every constituent has a close."""
        return sorted(self.levels)


def hk_basket(shared: Path) -> HkBasket:
    """Σ shares_outstanding × close over the constituents, on dates where all five traded."""
    securities = {row["symbol"]: row for row in load_seed("securities.csv")}
    shares = {symbol: int(securities[symbol]["shares_outstanding"]) for symbol in HK_CONSTITUENTS}
    closes: dict[str, dict[date, float]] = {}
    for symbol in HK_CONSTITUENTS:
        ticker = securities[symbol]["provider_code"]
        rows = read_table(shared / "real" / "stocks_hk" / f"{ticker}.csv", "Date")
        closes[symbol] = {parse_day(row["Date"]): float(row["Close"]) for row in rows
                          if row["Close"].strip()}
    common = set.intersection(*(set(series) for series in closes.values()))
    levels = {day: sum(shares[s] * closes[s][day] for s in HK_CONSTITUENTS) for day in common}
    return HkBasket(levels=levels, shares=shares)


def csi300_closes(shared: Path) -> dict[date, float]:
    """CSI 300 closes from the tushare file (CNY rows; its unit break only touches amount)."""
    rows = read_table(shared / "real" / "indices" / "csi300_000300_daily_tushare.csv", "date")
    return {parse_day(row["date"]): float(row["close"]) for row in rows}


def daily_returns(closes: dict[date, float], days: list[date]) -> list[float]:
    """Close-to-close returns on ``days``, each against the previous available close."""
    ordered = sorted(closes)
    returns: list[float] = []
    for day in days:
        position = bisect_left(ordered, day)
        if day not in closes or position == 0:
            raise ValueError(f"no close pair for {day}")
        returns.append(closes[day] / closes[ordered[position - 1]] - 1)
    return returns
