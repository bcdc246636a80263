"""The snapshot's requests and rows: what each body answers and how source bars become rows.

The wire formats themselves are ``flows.sources.<provider>.bodies``, re-exported here for the
builders; bodies land through ``flows.sources.landing.LandingZone``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

import numpy as np

from flows.sources.bodies import api_json
from flows.sources.eastmoney.bodies import (
    MISSING,
    KlineRows,
    datacenter_body,
    em_datetime,
    kline_body,
    kline_lines,
)
from flows.sources.landing import LandingZone
from flows.sources.origins import OriginRange, Provenance
from flows.sources.yahoo.bodies import YahooListing
from flows.sources.yahoo.bodies import chart_body as yahoo_chart_body
from snapshot_build.common import WINDOW_END, WINDOW_START, Bar, Repair, epoch_at, iso

__all__ = ["MISSING", "YahooListing", "api_json", "datacenter_body", "em_datetime", "kline_body",
           "kline_lines"]

KLINE_URL = "https://push2his.eastmoney.com/api/qt/stock/kline/get"
CHART_URL = "https://query1.finance.yahoo.com/v8/finance/chart/{ticker}"
DATACENTER_URL = "https://datacenter-web.eastmoney.com/api/data/v1/get"


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


def kline_rows(bars: Sequence[KBar], pre_close: float | None) -> KlineRows:
    """Source rows as the columns ``flows.sources.eastmoney.bodies.kline_lines`` writes.

    A row without the provider's own derived fields gets them computed from its prices and the
    close before it, and no turnover (the sources have no float).
    """
    published = np.array([(np.nan,) * 4 if bar.published is None
                          else tuple(float(value) for value in bar.published) for bar in bars])
    return KlineRows(
        [iso(bar.day) for bar in bars], *_prices(bars),
        [bar.volume for bar in bars], [bar.amount for bar in bars], pre_close,
        turnover=published[:, 3], published=published[:, :3])


def _prices(bars: Sequence[KBar]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Open, close, high and low columns, NaN where the source lacks the value."""
    def column(values: Iterable[float | None]) -> np.ndarray:
        return np.array([np.nan if value is None else value for value in values])

    return (column(bar.open for bar in bars), column(bar.close for bar in bars),
            column(bar.high for bar in bars), column(bar.low for bar in bars))


def chart_request(ticker: str) -> Request:
    """The v8 chart request covering the window (period2 is exclusive, so the day after)."""
    return Request(CHART_URL.format(ticker=ticker), {
        "interval": "1d",
        "period1": str(epoch_at(WINDOW_START, time(0), "UTC")),
        "period2": str(epoch_at(WINDOW_END + timedelta(days=1), time(0), "UTC")),
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


def window_filter(column: str) -> str:
    """The datacenter filter clause restricting ``column`` to the window."""
    return f"({column}>='{iso(WINDOW_START)}')({column}<='{iso(WINDOW_END)}')"


def chart_body(listing: YahooListing, bars: list[Bar], previous_close: float | None) -> bytes:
    """A v8 chart answer of ``bars`` as fetched at the window's end."""
    quote: dict[str, list[float | None]] = {
        "high": [bar.high for bar in bars],
        "open": [bar.open for bar in bars],
        "low": [bar.low for bar in bars],
        "volume": [None if bar.volume is None else int(bar.volume) for bar in bars],
        "close": [bar.close for bar in bars],
    }
    return yahoo_chart_body(listing, listing.stamps([bar.day for bar in bars]), quote,
                            previous_close, at=WINDOW_END)
