"""Provider body formats: Eastmoney kline and datacenter reports, Yahoo v8 chart."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flows.sources.landing import LandingZone
from flows.sources.origins import OriginRange, Provenance
from snapshot_build.common import WINDOW_END, WINDOW_START, Bar, Repair, epoch_at, fixed, iso

KLINE_URL = "https://push2his.eastmoney.com/api/qt/stock/kline/get"
CHART_URL = "https://query1.finance.yahoo.com/v8/finance/chart/{ticker}"
DATACENTER_URL = "https://datacenter-web.eastmoney.com/api/data/v1/get"
# svr identifies the answering push2his node; the value is the one in the recorded CSI 300 payload.
KLINE_SVR = 183642696
MISSING = "-"


@dataclass(frozen=True)
class Request:
    """The provider request a body answers, as its ``.meta.json`` records it."""

    url: str
    params: dict[str, str]


def land(
    zone: LandingZone, path: str, body: bytes, *, provider: str, dataset: str, subject: str,
    request: Request, origin: str, origin_detail: str, repairs: Iterable[Repair] = (),
    ranges: Sequence[OriginRange] = (),
) -> None:
    """Land a snapshot body with its request and provenance; no capture time is claimed
    (``recorded_at`` null), since the builder rewrites bodies from public datasets."""
    provenance = Provenance(origin, origin_detail, tuple(r.as_dict() for r in repairs),
                            tuple(ranges))
    zone.put(path, body, provider=provider, endpoint=dataset, subject=subject,
             meta={"request": {"url": request.url, "params": request.params},
                   "recorded_at": None, **provenance.as_meta()})


def api_json(document: object) -> bytes:
    """Compact JSON exactly as the APIs send it: no spaces, raw UTF-8, no trailing newline."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def em_datetime(day: date) -> str:
    """Eastmoney datacenter date text."""
    return f"{iso(day)} 00:00:00"


@dataclass(frozen=True)
class KBar:
    """One Eastmoney kline row before formatting.

    ``volume`` and ``amount`` are already text in the provider's unit (or ``-``); ``published``
    holds amplitude, pct change, change and turnover when the source has the provider's own
    (re-padded to the provider's fixed decimals, values unchanged). ``None`` for high or low
    marks a source that kept only open and close; the row then says ``-`` as Eastmoney does, and
    ``None`` for open too marks a day whose close alone is known.
    """

    day: date
    open: float | None
    close: float
    high: float | None
    low: float | None
    volume: str
    amount: str
    published: tuple[str, str, str, str] | None = None


def kline_request(secid: str, fqt: int, start: date = WINDOW_START) -> Request:
    """The push2his daily kline request for the window (a debut's: from its listing day)."""
    return Request(KLINE_URL, {
        "secid": secid, "klt": "101", "fqt": str(fqt),
        "beg": start.strftime("%Y%m%d"), "end": WINDOW_END.strftime("%Y%m%d"),
        "fields1": "f1,f2,f3,f4,f5,f6",
        "fields2": "f51,f52,f53,f54,f55,f56,f57,f58,f59,f60,f61",
    })


def kline_lines(bars: list[KBar], digits: int, pre_close: float | None) -> list[str]:
    """Format rows as ``date,open,close,high,low,volume,amount,amplitude,pct,chg,turnover``.

    Derived fields use the prices as written (rounded to ``digits``) so a reader recomputing
    them from the row gets the same text.
    """
    lines: list[str] = []
    previous = None if pre_close is None else round(pre_close, digits)
    for bar in bars:
        o = None if bar.open is None else round(bar.open, digits)
        c = round(bar.close, digits)
        h, lo = (None if v is None else round(v, digits) for v in (bar.high, bar.low))
        if bar.published is not None:
            amplitude, pct, turnover = (fixed(float(bar.published[i]), 2) for i in (0, 1, 3))
            change = fixed(float(bar.published[2]), digits)
        elif previous is None:
            amplitude = pct = change = turnover = MISSING
        else:
            amplitude = (MISSING if h is None or lo is None
                         else fixed((h - lo) / previous * 100, 2))
            pct = fixed((c - previous) / previous * 100, 2)
            change = fixed(c - previous, digits)
            turnover = MISSING
        prices = ",".join(MISSING if v is None else fixed(v, digits) for v in (o, c, h, lo))
        lines.append(f"{iso(bar.day)},{prices},{bar.volume},{bar.amount},"
                     f"{amplitude},{pct},{change},{turnover}")
        previous = c
    return lines


def kline_body(
    secid: str, name: str, digits: int, pre_close: float | None, lines: list[str]
) -> bytes:
    """The push2his kline envelope around formatted rows."""
    market, code = secid.split(".", 1)
    return api_json({
        "rc": 0, "rt": 17, "svr": KLINE_SVR, "lt": 1, "full": 0, "dlmkts": "", "dsc": "0",
        "data": {
            "code": code, "market": int(market), "name": name, "decimal": digits,
            "dktotal": len(lines),
            "preKPrice": None if pre_close is None else round(pre_close, digits),
            "klines": lines,
        },
    })


@dataclass(frozen=True)
class YahooListing:
    """What Yahoo's chart ``meta`` says about an instrument, and when its session opens."""

    ticker: str
    currency: str
    exchange_name: str
    full_exchange_name: str
    instrument_type: str
    timezone: str
    opens_at: time
    price_hint: int


def chart_request(ticker: str) -> Request:
    """The v8 chart request covering the window (period2 is exclusive, so the day after)."""
    return Request(CHART_URL.format(ticker=ticker), {
        "interval": "1d",
        "period1": str(epoch_at(WINDOW_START, time(0), "UTC")),
        "period2": str(epoch_at(WINDOW_END + timedelta(days=1), time(0), "UTC")),
    })


def chart_body(listing: YahooListing, bars: list[Bar], previous_close: float | None) -> bytes:
    """A v8 chart answer; bar timestamps are the local session open converted to UTC."""
    zone = ZoneInfo(listing.timezone)
    at_end = datetime.combine(WINDOW_END, time(12), zone)
    offset = at_end.utcoffset()
    if offset is None:
        raise ValueError(f"{listing.timezone} has no UTC offset")
    timestamps = [epoch_at(bar.day, listing.opens_at, listing.timezone) for bar in bars]
    closes = [bar.close for bar in bars if bar.close is not None]
    meta = {
        "currency": listing.currency,
        "symbol": listing.ticker,
        "exchangeName": listing.exchange_name,
        "fullExchangeName": listing.full_exchange_name,
        "instrumentType": listing.instrument_type,
        "regularMarketTime": timestamps[-1],
        "hasPrePostMarketData": False,
        "gmtoffset": int(offset.total_seconds()),
        "timezone": at_end.tzname(),
        "exchangeTimezoneName": listing.timezone,
        "regularMarketPrice": closes[-1],
        "chartPreviousClose": previous_close,
        "priceHint": listing.price_hint,
        "dataGranularity": "1d",
        "range": "",
    }
    quote = {
        "high": [bar.high for bar in bars],
        "open": [bar.open for bar in bars],
        "low": [bar.low for bar in bars],
        "volume": [None if bar.volume is None else int(bar.volume) for bar in bars],
        "close": [bar.close for bar in bars],
    }
    return api_json({
        "chart": {
            "result": [{"meta": meta, "timestamp": timestamps, "indicators": {"quote": [quote]}}],
            "error": None,
        }
    })


def datacenter_request(
    report: str, filter_text: str, sort_columns: str, sort_types: str, rows: int
) -> Request:
    """A datacenter-web report request sized so the whole answer fits on page 1."""
    page_size = 500 if rows <= 500 else -(-rows // 1000) * 1000
    return Request(DATACENTER_URL, {
        "reportName": report, "columns": "ALL", "filter": filter_text,
        "pageNumber": "1", "pageSize": str(page_size),
        "sortColumns": sort_columns, "sortTypes": sort_types,
    })


def datacenter_body(report: str, rows: list[dict[str, object]]) -> bytes:
    """The datacenter-web envelope; ``version`` is an opaque per-report token."""
    version = hashlib.sha256(report.encode("utf-8")).hexdigest()[:32]
    return api_json({
        "version": version,
        "result": {"pages": 1, "data": rows, "count": len(rows)},
        "success": True, "message": "ok", "code": 0,
    })


def window_filter(column: str) -> str:
    """The datacenter filter clause restricting ``column`` to the window."""
    return f"({column}>='{iso(WINDOW_START)}')({column}<='{iso(WINDOW_END)}')"
