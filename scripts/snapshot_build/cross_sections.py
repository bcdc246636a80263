"""Real valuation cross-sections: Eastmoney's after the 2026-01-30 close, akshare's of 2025-12-23
and ThunderSoft's (300496) daily market cap and share count.

A dynamic P/E divides the price by the latest reported earnings annualised; those earnings only
change when a company reports. Between two reports P/E therefore moves exactly with the close,
so one real cross-section gives every day's P/E back to the last report: P/E(d) = P/E(t) x
close(d) / close(t). The same holds for P/B and book value.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from snapshot_build.common import WINDOW_END, parse_day, read_table

CLIST = ("real", "valuation", "eastmoney_clist_snapshot_2026-01-30_xlxwhy_subset.csv")
SPOT = ("real", "valuation", "akshare_sh_spot_em_2025-12-23_gerryzhang_subset.csv")
OVERWATCH = ("real", "stocks_cn", "overwatch_slice", "300496_2025-12-01_2026-01-30.csv")
SPOT_DAY = date(2025, 12, 23)
# Dividend-adjusted closes shift the implied P/E by the dividend yield, well under this.
CHECK_TOLERANCE = 0.01
# Q3 reports are due by 31 October and come out after the close: the earnings behind the
# 2026-01-30 dynamic P/E are in force from the next session on (annual reports start in March).
REPORTED_FROM = date(2025, 11, 3)
CLIST_CITATION = ("xlxwhy/web-monitor @ 669eccb5ec data/daily/EastmoneyStockData_2026-02-01.csv "
                  "(Eastmoney push2 clist after the 2026-01-30 close: f9 dynamic P/E, f23 P/B)")


@dataclass(frozen=True)
class CrossSection:
    """One name's real dynamic P/E and P/B after the 2026-01-30 close, and its price then."""

    price: float
    pe: float
    pb: float


def clist(shared: Path) -> dict[str, CrossSection]:
    """Eastmoney's cross-section keyed by six-digit code (its fields are scaled by 100)."""
    # Its date column says 20260201 (the file's label), so it is not a dated table.
    with shared.joinpath(*CLIST).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row["f12"]: CrossSection(int(row["f2"]) / 100, int(row["f9"]) / 100,
                                     int(row["f23"]) / 100) for row in rows}


def spot(shared: Path) -> dict[str, tuple[float, float, float]]:
    """akshare's 2025-12-23 SSE cross-section: code → (price, dynamic P/E, market cap yuan)."""
    with shared.joinpath(*SPOT).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row["代码"]: (float(row["最新价"]), float(row["市盈率-动态"]), float(row["总市值"]))
            for row in rows}


def overwatch_shares(shared: Path) -> dict[date, int]:
    """ThunderSoft's total share count per day (market cap = close x shares on every row)."""
    rows = read_table(shared.joinpath(*OVERWATCH), "日期")
    return {parse_day(row["日期"]): int(row["总股本（股）"]) for row in rows}


def spot_check(code: str, closes: dict[date, float], section: CrossSection,
               spot_rows: dict[str, tuple[float, float, float]]) -> str:
    """The 2025-12-23 P/E the method gives beside the real one, where akshare has the name."""
    if code not in spot_rows:
        return ""
    price, pe, _ = spot_rows[code]
    implied = section.pe * closes[SPOT_DAY] / closes[WINDOW_END]
    gap = implied / pe - 1
    verdict = ("" if abs(gap) <= CHECK_TOLERANCE else
               f" They differ by {gap:+.1%}: for this name earnings per share changed inside the "
               f"window (a share issue or a restated report), so rows before the change carry "
               f"that error.")
    return (f" Check against the independent akshare cross-section of {SPOT_DAY} (GerryZhang0925/"
            f"data-driven-stock-picker @ e7524bd9c0 stock_list_sh.csv): the method gives "
            f"{implied:.2f}, akshare published {pe} at {price}.{verdict}")
