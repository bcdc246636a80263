"""Yahoo Finance v8 chart payloads → daily bar and FX frames."""

from __future__ import annotations

from typing import Any

import polars as pl

from registry.datasets import FX_RATES, INDEX_BARS, SECURITY_BARS
from transforms.errors import PayloadError
from transforms.payload import (
    NUMBER_TYPES,
    check_dates_ordered,
    decode_json,
    only_numbers,
    require,
)
from transforms.schemas import conform

PROVIDER = "yahoo"
QUOTE_FIELDS = ("open", "high", "low", "close", "volume")


def parse_chart(body: bytes, endpoint: str, subject: str, ticker: str) -> pl.DataFrame:
    """Parse a chart body into trade_date/OHLCV rows plus the quoted currency.

    Timestamps are session starts in UTC; the local trade date comes from the exchange's own
    time zone (``meta.exchangeTimezoneName``), not from ``gmtoffset``, which is the offset at
    fetch time and is wrong across daylight-saving changes. ``null`` values are kept so that the
    quality gate, not the parser, decides what a missing close means.
    """
    doc = decode_json(body, PROVIDER, endpoint, subject)
    error = doc.get("chart", {}).get("error") if isinstance(doc, dict) else None
    if error:
        raise PayloadError(PROVIDER, endpoint, f"provider error {error!r}", field="chart.error",
                           subject=subject)
    result = require(doc, "chart.result.0", dict, PROVIDER, endpoint, subject)
    meta = require(result, "meta", dict, PROVIDER, endpoint, subject)
    symbol = meta.get("symbol")
    if symbol is not None and symbol != ticker:
        raise PayloadError(PROVIDER, endpoint, f"answer is for {symbol!r}, requested {ticker!r}",
                           field="meta.symbol", subject=subject)
    tz = require(meta, "exchangeTimezoneName", str, PROVIDER, endpoint, subject)
    currency = require(meta, "currency", str, PROVIDER, endpoint, subject)
    timestamps = require(result, "timestamp", list, PROVIDER, endpoint, subject)
    if not timestamps:
        raise PayloadError(PROVIDER, endpoint, "no bars returned", field="timestamp",
                           subject=subject)
    columns = _quote_columns(result, len(timestamps), endpoint, subject)
    if not set(map(type, timestamps)) <= {int}:
        bad_ts = next(t for t in timestamps if type(t) is not int)
        raise PayloadError(PROVIDER, endpoint, f"non-integer timestamp {bad_ts!r}",
                           field="timestamp", subject=subject)
    frame = pl.DataFrame(
        [pl.Series("ts", timestamps, dtype=pl.Int64), *columns]
    ).with_columns(
        pl.from_epoch("ts", time_unit="s")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(tz)
        .dt.date()
        .alias("trade_date"),
        pl.lit(currency.upper()).alias("currency"),
        pl.lit(None, dtype=pl.Float64).alias("amount"),
    )
    check_dates_ordered(frame, "trade_date", PROVIDER, endpoint, subject)
    return frame


def _quote_columns(result: dict[str, Any], count: int, endpoint: str,
                   subject: str) -> list[pl.Series]:
    """Each quote field as floats (``None`` kept), one value per timestamp."""
    quote = require(result, "indicators.quote.0", dict, PROVIDER, endpoint, subject)
    columns = []
    for name in QUOTE_FIELDS:
        values = require(quote, name, list, PROVIDER, endpoint, subject)
        if len(values) != count:
            raise PayloadError(
                PROVIDER, endpoint,
                f"{len(values)} values for {count} timestamps",
                field=f"indicators.quote.0.{name}", subject=subject,
            )
        if not only_numbers(values):
            bad = next(v for v in values if type(v) not in NUMBER_TYPES)
            raise PayloadError(PROVIDER, endpoint, f"non-numeric value {bad!r}",
                               field=f"indicators.quote.0.{name}", subject=subject)
        columns.append(pl.Series(name, values, dtype=pl.Float64))
    return columns


def index_bars(body: bytes, index_code: str, ticker: str) -> pl.DataFrame:
    """Yahoo index chart → ``index_bars`` staging rows."""
    frame = parse_chart(body, "index_chart", index_code, ticker)
    return conform(frame.with_columns(pl.lit(index_code).alias("index_code")), INDEX_BARS)


def security_bars(body: bytes, symbol: str, ticker: str) -> pl.DataFrame:
    """Yahoo equity chart → ``security_bars`` staging rows in the quoted currency."""
    frame = parse_chart(body, "stock_chart", symbol, ticker)
    return conform(frame.with_columns(pl.lit(symbol).alias("symbol")), SECURITY_BARS)


def fx_rates(body: bytes, pair: str, ticker: str) -> pl.DataFrame:
    """Yahoo currency chart (``CNY=X`` quotes CNY per USD) → ``fx_rates`` staging rows."""
    frame = parse_chart(body, "fx_chart", pair, ticker)
    quote_ccy = pair[3:]
    if frame["currency"][0] != quote_ccy:
        raise PayloadError(PROVIDER, "fx_chart", f"quoted in {frame['currency'][0]}, "
                           f"expected {quote_ccy}", field="meta.currency", subject=pair)
    return conform(
        frame.with_columns(pl.lit(pair).alias("pair"), pl.col("close").alias("rate")), FX_RATES
    )
