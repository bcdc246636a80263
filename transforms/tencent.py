"""Tencent ``qt.gtimg.cn`` quotes and ``web.ifzq.gtimg.cn`` forward-adjusted klines."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import polars as pl

from transforms.errors import PayloadError
from transforms.payload import check_dates_ordered, decode_json, require, strict_date, strict_float
from transforms.schemas import INDEX_BARS, QUOTE_SNAPSHOTS, conform

PROVIDER = "tencent"
YI = 1e8
CHINA_TIME = timezone(timedelta(hours=8))
QUOTE = re.compile(r'^v_(?P<code>[a-z]{2}\w+)="(?P<fields>[^"]*)";?\s*$', re.S)
# Field positions in the ~-separated quote string (A-shares and Hong Kong agree on these).
NAME, CODE, PRICE, PREV_CLOSE, TIME, PE_TTM, MARKET_CAP = 1, 2, 3, 4, 30, 39, 45
CURRENCIES = ("CNY", "HKD", "USD")


def _text(body: bytes, dataset: str, subject: str) -> str:
    # Tencent serves GBK; a recording may already be re-encoded as UTF-8.
    for encoding in ("utf-8", "gbk"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PayloadError(PROVIDER, dataset, "body is neither UTF-8 nor GBK text", subject=subject)


def quote_snapshot(body: bytes, symbol: str) -> pl.DataFrame:
    """One quote line → price, previous close, P/E TTM and total market cap (亿 → units)."""
    dataset = "quote"
    match = QUOTE.match(_text(body, dataset, symbol).strip())
    if match is None:
        raise PayloadError(PROVIDER, dataset, "not a v_<code>=\"...\" quote line",
                           subject=symbol)
    fields = match["fields"].split("~")
    if len(fields) <= MARKET_CAP:
        raise PayloadError(PROVIDER, dataset, f"quote has {len(fields)} fields, need "
                           f"{MARKET_CAP + 1}", subject=symbol)
    if fields[CODE] != symbol.split(".")[0]:
        raise PayloadError(PROVIDER, dataset, f"answer is for code {fields[CODE]!r}",
                           field="code", subject=symbol)
    currency = next((f for f in reversed(fields) if f in CURRENCIES), None)
    values = pl.DataFrame({"price": [fields[PRICE]], "prev_close": [fields[PREV_CLOSE]],
                           "pe_ttm": [fields[PE_TTM]], "market_cap": [fields[MARKET_CAP]]})
    values = strict_float(values, ["price", "prev_close", "pe_ttm", "market_cap"], PROVIDER,
                          dataset, symbol)
    return pl.DataFrame(
        {
            "symbol": [symbol],
            "quote_time": [_quote_time(fields[TIME], symbol)],
            "price": values["price"],
            "prev_close": values["prev_close"],
            "pe_ttm": values["pe_ttm"],
            "market_cap": values["market_cap"] * YI,
            "currency": [currency],
        },
        schema=QUOTE_SNAPSHOTS,
    )


def _quote_time(text: str, symbol: str) -> datetime:
    for fmt in ("%Y%m%d%H%M%S", "%Y/%m/%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=CHINA_TIME)
        except ValueError:
            continue
    raise PayloadError(PROVIDER, "quote", f"unparseable quote time {text!r}", field="time",
                       subject=symbol)


def index_bars(body: bytes, index_code: str, tencent_code: str) -> pl.DataFrame:
    """``fqkline`` ``data.<code>.day`` rows ``[date, open, close, high, low, volume-lots]``."""
    dataset = "index_fqkline"
    doc = decode_json(_text(body, dataset, index_code).encode(), PROVIDER, dataset, index_code)
    if not isinstance(doc, dict) or doc.get("code") != 0:
        raise PayloadError(PROVIDER, dataset, "provider error", field="code", subject=index_code)
    days = require(doc, f"data.{tencent_code}.day", list, PROVIDER, dataset, index_code)
    if not days or any(not isinstance(d, list) or len(d) < 6 for d in days):
        raise PayloadError(PROVIDER, dataset, "day rows must be [date, open, close, high, low, "
                           "volume]", field=f"data.{tencent_code}.day", subject=index_code)
    names = ["trade_date", "open", "close", "high", "low", "volume"]
    frame = pl.DataFrame([d[:6] for d in days], schema={n: pl.String for n in names},
                         orient="row")
    frame = strict_date(frame, "trade_date", PROVIDER, dataset, index_code)
    frame = strict_float(frame, names[1:], PROVIDER, dataset, index_code)
    check_dates_ordered(frame, "trade_date", PROVIDER, dataset, index_code)
    return conform(frame.with_columns(pl.lit(index_code).alias("index_code"),
                                      pl.col("volume") * 100,
                                      pl.lit(None, dtype=pl.Float64).alias("amount")),
                   INDEX_BARS)
