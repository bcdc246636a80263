"""Market-wide feeds of a zone: index levels, FX, margin balances, IPO reports, EPS consensus.

Each series is simulated once over the whole generated span from its own seed and then cut to
the zone, so the history and the new days agree, and so do a series' two sources (Eastmoney and
Yahoo index closes, Yahoo and Eastmoney FX, the exchanges' and Eastmoney's margin balances),
which the gate cross-checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import numpy as np

from benchmarks.payloads import kline_rows, land, yahoo_listing
from flows.sources.eastmoney.bodies import (
    datacenter_body,
    em_datetime,
    kline_body,
    kline_lines,
)
from flows.sources.hkex.bodies import nlr_workbook
from flows.sources.landing import LandingZone
from flows.sources.request import RequestSpec
from flows.sources.sse.bodies import MarginDay
from flows.sources.sse.bodies import margin_body as sse_margin_body
from flows.sources.szse.bodies import margin_body as szse_margin_body
from flows.sources.yahoo.bodies import chart_body
from warehouse.seeds import read_seed

IPO_MARKETS = {("STAR", "SH"): "上交所科创板", ("CHINEXT", "SZ"): "深交所创业板",
               ("MAIN", "SH"): "上交所主板", ("MAIN", "SZ"): "深交所主板"}
FX_LEVELS = {"USDCNY": (6.9, 0.003), "USDHKD": (7.80, 0.0004)}
# Each exchange's share of the market-wide margin balance (Eastmoney market codes 007, 001).
EXCHANGE_SHARES = {"SSE": ("007", 0.52), "SZSE": ("001", 0.47)}
YI = 1e8
# Securities lent out against financing: the lending balance is about 1/150 of it.
LENDING_RATIO = 150
# How far back a single day's request for a slow report reaches, so it is never empty.
DAY_ZONE_LOOKBACK = timedelta(days=100)
IPO_LOOKBACK = timedelta(days=365)
# A quarter of the shares goes to the offering, but never more than the largest IPOs have raised
# (about 7e10 in either currency): the gate's plausible range for funds raised ends at 3e11.
OFFERED_SHARE = 0.25
MAX_RAISED = 5e10


def _walk(count: int, level: float, sigma: float, seed: list[int]) -> np.ndarray:
    """A mean-reverting level series around ``level``."""
    rng = np.random.default_rng(seed)
    out = np.empty(count)
    value = level
    for t in range(count):
        value = value * np.exp(rng.normal(0, sigma) - 0.02 * np.log(value / level))
        out[t] = value
    return out


def _in_zone(days: list[date], end: date, day: date | None) -> np.ndarray:
    return np.array([(d <= end) if day is None else d == day for d in days])


def write_market_feeds(
    zone: LandingZone, specs: list[RequestSpec], calendar_days: dict[str, list[date]],
    start: date, end: date, day: date | None, debuts: list[dict], eps_rows: list[dict],
    seed: int,
) -> int:
    """Land every non-security body the zone's catalog asks for; returns the count."""
    indices = {row["index_code"]: row for row in read_seed("indices").iter_rows(named=True)}
    index_seeds = {code: 100 + n for n, code in enumerate(indices)}
    landed = 0
    last_day = max(max(days) for days in calendar_days.values())
    margin_days = calendar_days["XSHG"]
    for spec in specs:
        if spec.endpoint in ("index_kline", "index_chart", "index_chart_check"):
            calendar = indices[spec.subject]["calendar"]
            days = calendar_days[calendar]
            body = _index_body(spec, days, end, day, [seed, index_seeds[spec.subject]])
            landed += _land(zone, spec, body, seed)
        elif spec.endpoint in ("fx_chart", "fx_kline_check"):
            landed += _land(zone, spec, _fx_body(spec, start, last_day, end, day, seed), seed)
        elif spec.endpoint in ("margin_total", "margin_exchange", "margin_sse"):
            landed += _land(zone, spec, _margin_body(spec, margin_days, end, day, seed), seed)
        elif spec.endpoint == "margin_szse":
            report_day = date.fromisoformat(spec.provider_code)
            if (report_day <= end) if day is None else report_day == day:
                landed += _land(zone, spec, _szse_body(report_day, margin_days, seed), seed)
        elif spec.endpoint == "eps_forecast":
            landed += _land(zone, spec, _eps_body(eps_rows, start, end, day), seed)
        elif spec.endpoint == "ipo_cn":
            landed += _land(zone, spec, _ipo_cn_body(debuts, start, end, day), seed)
        elif spec.endpoint == "ipo_hk":
            as_of = end if day is None else day
            landed += _land(zone, spec, _nlr_body(debuts, int(spec.subject), as_of), seed)
    return landed


def _land(zone: LandingZone, spec: RequestSpec, body: bytes, seed: int) -> int:
    """Land one body; returns how many landed, for the caller's count."""
    land(zone, spec, body, seed)
    return 1


def _index_body(spec: RequestSpec, days: list[date], end: date, day: date | None,
                seed: list[int]) -> bytes:
    closes = np.round(_walk(len(days), 3000.0, 0.012, seed), 2)
    rng = np.random.default_rng(seed + [1])
    previous = np.concatenate([[closes[0]], closes[:-1]])
    opens = np.round(previous * np.exp(rng.normal(0, 0.003, len(days))), 2)
    highs = np.round(np.maximum(opens, closes) * (1 + np.abs(rng.normal(0, 0.004, len(days)))),
                     2)
    lows = np.round(np.minimum(opens, closes) * (1 - np.abs(rng.normal(0, 0.004, len(days)))),
                    2)
    volume = np.round(np.exp(rng.normal(np.log(3e10), 0.3, len(days))), -2)
    amount = np.round(volume * closes / 300, 2)
    idx = np.flatnonzero(_in_zone(days, end, day))
    pre_close = None if idx[0] == 0 else float(previous[idx[0]])
    if spec.endpoint == "index_kline":
        lines = kline_lines(kline_rows(
            [days[t].isoformat() for t in idx], opens[idx], closes[idx], highs[idx], lows[idx],
            volume[idx], amount[idx], float(previous[idx[0]]),
            lots=spec.provider_code.split(".")[0] in ("0", "1"), float_shares=1e12), 2)
        return kline_body(spec.provider_code, spec.subject, 2, pre_close, lines)
    market = "XHKG" if spec.provider_code == "^HSI" else "XNYS"
    quote: dict[str, list[float | None]] = {
        "high": highs[idx].tolist(), "open": opens[idx].tolist(), "low": lows[idx].tolist(),
        "close": closes[idx].tolist(), "volume": volume[idx].astype(np.int64).tolist(),
    }
    currency = "HKD" if market == "XHKG" else "USD"
    listing = yahoo_listing(spec.provider_code, currency, market)
    shown = [days[t] for t in idx]
    return chart_body(listing, listing.stamps(shown), quote, pre_close, at=shown[-1])


def _weekdays(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


def _fx_body(spec: RequestSpec, start: date, last_day: date, end: date, day: date | None,
             seed: int) -> bytes:
    days = list(_weekdays(start, last_day))
    level, sigma = FX_LEVELS[spec.subject]
    rates = np.round(_walk(len(days), level, sigma, [seed, 200, len(spec.subject)]), 4)
    idx = np.flatnonzero(_in_zone(days, end, day))
    if spec.endpoint == "fx_kline_check":
        flat = rates[idx]
        zeros = np.zeros(len(idx))
        lines = kline_lines(kline_rows(
            [days[t].isoformat() for t in idx], flat, flat, flat, flat, zeros, zeros,
            float(rates[max(idx[0] - 1, 0)]), lots=False, float_shares=1.0), 4)
        return kline_body(spec.provider_code, spec.provider_code.split(".")[1], 4, None, lines)
    quote: dict[str, list[float | None]] = {
        "high": rates[idx].tolist(), "open": rates[idx].tolist(), "low": rates[idx].tolist(),
        "close": rates[idx].tolist(), "volume": [0] * len(idx),
    }
    listing = yahoo_listing(spec.provider_code, spec.subject[3:], "FX")
    shown = [days[t] for t in idx]
    return chart_body(listing, listing.stamps(shown), quote, None, at=shown[-1])


def _margin_walk(days: list[date], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Market-wide financing balance and purchases in yuan, one value per session."""
    total = _walk(len(days), 1.6e12, 0.006, [seed, 300])
    buys = total * np.random.default_rng([seed, 301]).uniform(0.05, 0.08, len(days))
    return total, buys


def _szse_body(report_day: date, days: list[date], seed: int) -> bytes:
    """SZSE's ``1837_xxpl`` summary for one day."""
    total, buys = _margin_walk(days, seed)
    t = days.index(report_day)
    share = EXCHANGE_SHARES["SZSE"][1]
    return szse_margin_body(report_day, financing_balance=total[t] * share,
                            financing_buy=buys[t] * share,
                            lending_balance=total[t] * share / LENDING_RATIO)


def _margin_body(spec: RequestSpec, days: list[date], end: date, day: date | None,
                 seed: int) -> bytes:
    total, buys = _margin_walk(days, seed)
    idx = np.flatnonzero(_in_zone(days, end, day))
    rows: list[dict[str, object]] = []
    if spec.endpoint == "margin_total":
        rows = [{"STATISTICS_DATE": em_datetime(days[t]),
                 "FIN_BALANCE": round(total[t] / 1e8, 8),
                 "LOAN_BALANCE": round(total[t] / 1.5e10, 8),
                 "FIN_BUY_AMT": round(buys[t] / 1e8, 8), "AVG_GUARANTEE_RATIO": 270.5}
                for t in idx]
        return datacenter_body("RPTA_WEB_MARGIN_DAILYTRADE", rows)
    if spec.endpoint == "margin_sse":
        share = EXCHANGE_SHARES["SSE"][1]
        return sse_margin_body([MarginDay(days[t], financing_balance=total[t] * share,
                                          financing_buy=buys[t] * share,
                                          lending_balance=total[t] * share / LENDING_RATIO)
                                for t in idx])
    for t in idx:
        for market, share in EXCHANGE_SHARES.values():
            rows.append({"DIM_DATE": em_datetime(days[t]), "SCDM": market,
                         "RZYE": round(total[t] * share, 2),
                         "RQYE": round(total[t] * share / LENDING_RATIO, 2),
                         "RZMRE": round(buys[t] * share, 2)})
    return datacenter_body("RPTA_RZRQ_LSDB", rows)


def _zone_window(start: date, end: date, day: date | None, lookback: timedelta) -> tuple[date,
                                                                                     date]:
    return (start, end) if day is None else (day - lookback, day)


def _eps_body(eps_rows: list[dict], start: date, end: date, day: date | None) -> bytes:
    first, last = _zone_window(start, end, day, DAY_ZONE_LOOKBACK)
    rows = [{k: v for k, v in row.items() if k != "day"} for row in eps_rows
            if first <= row["day"] <= last]
    rows.sort(key=lambda r: (r["REPORT_DATE"], r["SECURITY_CODE"], r["PREDICT_YEAR"]))
    return datacenter_body("RPT_WEB_RESPREDICT", rows)


def _offered(debut: dict) -> float:
    """Shares sold in a debut's offering."""
    return min(debut["shares"] * OFFERED_SHARE, MAX_RAISED / debut["offer"])


def _ipo_cn_body(debuts: list[dict], start: date, end: date, day: date | None) -> bytes:
    first, last = _zone_window(start, end, day, IPO_LOOKBACK)
    rows: list[dict[str, object]] = []
    for debut in sorted(debuts, key=lambda d: (d["listing"], d["symbol"])):
        code, suffix = debut["symbol"].split(".")
        if debut["board"] not in ("STAR", "CHINEXT", "MAIN") or not (
                first <= debut["listing"] <= last):
            continue
        issued = round(_offered(debut) / 1e4, 2)
        rows.append({
            "SECURITY_CODE": code, "SECURITY_NAME_ABBR": debut["name_local"],
            "TRADE_MARKET": IPO_MARKETS[(debut["board"], suffix)],
            "APPLY_DATE": em_datetime(debut["listing"] - timedelta(days=12)),
            "LISTING_DATE": em_datetime(debut["listing"]), "ISSUE_PRICE": debut["offer"],
            "ISSUE_NUM": issued, "TOTAL_RAISE_FUNDS": round(issued * debut["offer"], 2),
            "AFTER_ISSUE_PE": 22.98, "LD_OPEN_PRICE": debut["first_open"],
            "LD_CLOSE_PRICE": debut["first_close"],
            "LD_CLOSE_CHANGE": round((debut["first_close"] / debut["offer"] - 1) * 100, 2),
            "INDUSTRY_NAME": "软件和信息技术服务业",
        })
    return datacenter_body("RPTA_APP_IPOAPPLY", rows)


def _nlr_body(debuts: list[dict], year: int, as_of: date) -> bytes:
    listings = []
    for debut in sorted(debuts, key=lambda d: (d["listing"], d["symbol"])):
        if debut["board"] != "HK" or debut["listing"].year != year or debut["listing"] > as_of:
            continue
        raised = debut["offer"] * _offered(debut)
        listings.append({
            "code": debut["symbol"].split(".")[0], "name": debut["name"],
            "prospectus": debut["listing"] - timedelta(days=8), "listing": debut["listing"],
            "funds_public": round(raised * 0.1), "funds_placing": round(raised * 0.9),
            "offer": debut["offer"],
        })
    return nlr_workbook(year, listings, as_of)
