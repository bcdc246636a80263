"""Eastmoney ``push2his`` kline payloads → daily bar frames."""

from __future__ import annotations

import polars as pl

from transforms.errors import PayloadError
from transforms.payload import check_dates_ordered, decode_json, require, strict_date, strict_float
from transforms.schemas import INDEX_BARS, SECURITY_BARS, conform

PROVIDER = "eastmoney"
KLINE_FIELDS = ("trade_date", "open", "close", "high", "low", "volume", "amount")
NUMERIC = ["open", "close", "high", "low", "volume", "amount"]
# Markets 0 (Shenzhen) and 1 (Shanghai) quote volume in lots of 100 shares.
LOT_MARKETS = frozenset({0, 1})


def parse_kline(body: bytes, dataset: str, subject: str, secid: str) -> pl.DataFrame:
    """Parse a kline body into trade_date/OHLC/volume(shares)/amount rows.

    ``klines`` entries are comma-joined ``date,open,close,high,low,volume,amount,...``; later
    fields (amplitude, change, turnover) are derived by the provider and ignored. ``-`` marks a
    value the provider does not have. A throttled answer (``rc`` 0 with ``data`` null or an empty
    ``klines`` list) is an error: a series never legitimately comes back empty.
    """
    doc = decode_json(body, PROVIDER, dataset, subject)
    if not isinstance(doc, dict):
        raise PayloadError(PROVIDER, dataset, "top level is not an object", subject=subject)
    rc = doc.get("rc")
    if rc != 0:
        raise PayloadError(PROVIDER, dataset, f"provider error rc={rc!r}", field="rc",
                           subject=subject)
    data = require(doc, "data", dict, PROVIDER, dataset, subject)
    market = data.get("market")
    expected_market = int(secid.split(".", 1)[0])
    if market is not None and market != expected_market:
        raise PayloadError(
            PROVIDER, dataset, f"answer is for market {market}, requested secid {secid}",
            field="data.market", subject=subject,
        )
    code = data.get("code")
    if code is not None and str(code) != secid.split(".", 1)[1]:
        raise PayloadError(
            PROVIDER, dataset, f"answer is for code {code!r}, requested secid {secid}",
            field="data.code", subject=subject,
        )
    klines = require(doc, "data.klines", list, PROVIDER, dataset, subject)
    if not klines:
        raise PayloadError(
            PROVIDER, dataset, "empty klines list (throttled or unknown secid)",
            field="data.klines", subject=subject,
        )
    if not all(isinstance(line, str) for line in klines):
        raise PayloadError(PROVIDER, dataset, "kline entries must be strings",
                           field="data.klines", subject=subject)
    widths = {line.count(",") + 1 for line in klines}
    if min(widths) < len(KLINE_FIELDS):
        raise PayloadError(
            PROVIDER, dataset,
            f"kline rows have {min(widths)} fields, need at least {len(KLINE_FIELDS)}",
            field="data.klines", subject=subject,
        )
    raw = (
        pl.Series("line", klines, dtype=pl.String)
        .str.split_exact(",", len(KLINE_FIELDS) - 1)
        .struct.rename_fields(list(KLINE_FIELDS))
        .struct.unnest()
    )
    frame = strict_date(raw, "trade_date", PROVIDER, dataset, subject)
    frame = strict_float(frame, NUMERIC, PROVIDER, dataset, subject)
    check_dates_ordered(frame, "trade_date", PROVIDER, dataset, subject)
    if expected_market in LOT_MARKETS:
        frame = frame.with_columns(pl.col("volume") * 100)
    return frame


def index_bars(body: bytes, index_code: str, secid: str) -> pl.DataFrame:
    """Eastmoney index kline → ``index_bars`` staging rows."""
    frame = parse_kline(body, "index_kline", index_code, secid)
    return conform(frame.with_columns(pl.lit(index_code).alias("index_code")), INDEX_BARS)


def security_bars(body: bytes, symbol: str, secid: str) -> pl.DataFrame:
    """Eastmoney A-share kline (forward-adjusted) → ``security_bars`` staging rows in CNY."""
    frame = parse_kline(body, "stock_kline", symbol, secid)
    return conform(
        frame.with_columns(pl.lit(symbol).alias("symbol"), pl.lit("CNY").alias("currency")),
        SECURITY_BARS,
    )
