"""Per-security bodies: klines or charts, daily valuations; collects debuts and EPS consensus.

A block of securities is simulated once over the whole generated span and cut into every zone
(the history window and each new day), so a day zone continues its history exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from benchmarks.paths import DECIMALS, FLOAT_SHARE, Bars, simulate
from benchmarks.payloads import kline_rows, land, yahoo_listing
from benchmarks.universe import Security
from flows.sources.eastmoney.bodies import (
    datacenter_body,
    em_datetime,
    kline_body,
    kline_lines,
)
from flows.sources.landing import LandingZone
from flows.sources.request import RequestSpec
from flows.sources.yahoo.bodies import chart_body

Zone = date | None
CONSENSUS_MONTHS = (1, 4, 7, 10)


@dataclass(frozen=True)
class BlockJob:
    """One block of same-calendar securities and where each of its bodies goes."""

    block: list[Security]
    days: list[date]
    market: np.ndarray
    early_close: np.ndarray
    specs: dict[Zone, dict[tuple[str, str], RequestSpec]]
    zones: dict[Zone, Path]
    end: date
    seed: int


@dataclass
class BlockResult:
    """What the market-wide feeds need from a block: debuts and analyst consensus rows."""

    debuts: list[dict] = field(default_factory=list)
    eps: list[dict] = field(default_factory=list)
    files: int = 0


def write_block(job: BlockJob) -> BlockResult:
    """Simulate the block and land every body of its securities in every zone."""
    bars = simulate(job.block, job.days, job.market, job.early_close, job.seed)
    rng = np.random.default_rng([job.seed, 1])
    zones = {key: LandingZone(root, durable=False) for key, root in job.zones.items()}
    in_history = np.array([d <= job.end for d in job.days])
    iso = np.array([d.isoformat() for d in job.days])
    result = BlockResult()
    for i, security in enumerate(job.block):
        eps_ttm = _eps_path(security, bars, i, rng)
        for key, zone in zones.items():
            wanted = in_history if key is None else np.array([d == key for d in job.days])
            idx = np.flatnonzero(wanted & bars.traded[i])
            if not idx.size:
                continue
            bar_dataset = "stock_kline" if security.provider == "eastmoney" else "stock_chart"
            spec = job.specs[key][(bar_dataset, security.symbol)]
            land(zone, spec, _bar_body(security, bars, i, idx, iso), job.seed)
            result.files += 1
            if security.a_share:
                spec = job.specs[key][("valuation", security.symbol)]
                land(zone, spec, _valuation_body(security, bars, i, idx, eps_ttm), job.seed)
                result.files += 1
        if security.listing > 0:
            t = security.listing
            result.debuts.append({
                "symbol": security.symbol, "board": security.board, "name": security.name,
                "name_local": security.name_local, "listing": job.days[t],
                "offer": float(bars.offer[i]), "first_open": float(bars.open[i, t]),
                "first_close": float(bars.close[i, t]), "shares": security.shares,
            })
        if security.covered:
            result.eps.extend(_consensus(security, bars, i, eps_ttm, rng))
    return result


def _previous(bars: Bars, i: int) -> np.ndarray:
    return np.concatenate([[bars.offer[i]], bars.close[i, :-1]])


def _bar_body(security: Security, bars: Bars, i: int, idx: np.ndarray, iso: np.ndarray) -> bytes:
    decimals = DECIMALS[security.board]
    previous = _previous(bars, i)
    first = int(idx[0])
    pre_close = None if first == security.listing else round(float(previous[first]), decimals)
    if security.provider == "eastmoney":
        lines = kline_lines(kline_rows(
            iso[idx].tolist(), bars.open[i, idx], bars.close[i, idx], bars.high[i, idx],
            bars.low[i, idx], bars.volume[i, idx], bars.amount[i, idx], float(previous[first]),
            lots=True, float_shares=security.shares * FLOAT_SHARE), decimals)
        return kline_body(security.provider_code, security.name_local, decimals, pre_close,
                          lines)
    market = "XHKG" if security.board == "HK" else "XNYS"
    listing = yahoo_listing(security.provider_code, security.currency, market)
    shown = [bars.days[t] for t in idx]
    only = bars.close_only[i, idx]

    def column(values: np.ndarray) -> list[float | None]:
        return [None if skip else value for skip, value in zip(only.tolist(), values.tolist(),
                                                                strict=True)]

    quote: dict[str, list[float | None]] = {
        "high": column(bars.high[i, idx]), "open": column(bars.open[i, idx]),
        "low": column(bars.low[i, idx]), "close": bars.close[i, idx].tolist(),
        "volume": column(bars.volume[i, idx].astype(np.int64)),
    }
    splits = None
    if security.split is not None and idx[0] <= security.split[0] <= idx[-1]:
        when = listing.stamps([bars.days[security.split[0]]])[0]
        splits = {when: security.split[1]}
    return chart_body(listing, listing.stamps(shown), quote, pre_close, at=shown[-1],
                      splits=splits)


def _eps_path(security: Security, bars: Bars, i: int, rng: np.random.Generator) -> np.ndarray:
    """Trailing EPS per session, stepping once a quarter (some companies make losses)."""
    quarters = np.array([d.year * 4 + (d.month - 1) // 3 for d in bars.days])
    quarter_no = quarters - quarters[0]
    pe = rng.uniform(12, 90) if rng.random() > 0.15 else -rng.uniform(10, 60)
    growth = rng.normal(0.02, 0.08, quarter_no[-1] + 1)
    level = security.start_price / pe * np.cumprod(1 + growth)
    return np.asarray(level[quarter_no])


def _valuation_body(
    security: Security, bars: Bars, i: int, idx: np.ndarray, eps_ttm: np.ndarray
) -> bytes:
    code = security.symbol.split(".")[0]
    closes = bars.close[i, idx].tolist()
    pes = np.round(bars.close[i, idx] / eps_ttm[idx], 2).tolist()
    rows: list[dict[str, object]] = [{
        "SECUCODE": security.symbol, "SECURITY_CODE": code,
        "SECURITY_NAME_ABBR": security.name_local, "TRADE_DATE": em_datetime(bars.days[t]),
        "CLOSE_PRICE": close, "TOTAL_SHARES": int(security.shares),
        "TOTAL_MARKET_CAP": round(close * security.shares, 2), "PE_TTM": pe,
    } for t, close, pe in zip(idx.tolist(), closes, pes, strict=True)]
    return datacenter_body("RPT_VALUEANALYSIS_DET", rows)


def _consensus(
    security: Security, bars: Bars, i: int, eps_ttm: np.ndarray, rng: np.random.Generator
) -> list[dict]:
    """Quarterly consensus for this year and next, from the first session of each quarter."""
    rows = []
    seen: set[tuple[int, int]] = set()
    for t, day in enumerate(bars.days):
        if t < security.listing or day.month not in CONSENSUS_MONTHS:
            continue
        if (day.year, day.month) in seen:
            continue
        seen.add((day.year, day.month))
        for year, uplift in ((day.year, 1.1), (day.year + 1, 1.25)):
            rows.append({
                "day": day, "SECUCODE": security.symbol,
                "SECURITY_CODE": security.symbol.split(".")[0],
                "SECURITY_NAME_ABBR": security.name_local, "REPORT_DATE": em_datetime(day),
                "PREDICT_YEAR": year,
                "EPS": round(float(eps_ttm[t] * uplift * (1 + rng.normal(0, 0.05))), 4),
            })
    return rows
