"""Eastmoney ``push2`` ``api/qt/stock/get`` quote snapshots → one-row quote frames."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl

from transforms.errors import PayloadError
from transforms.payload import decode_json, require
from transforms.schemas import QUOTE_SNAPSHOTS

PROVIDER = "eastmoney"
DATASET = "quote"
# Prices come as integers scaled by 10**f59; when f59 is absent the market's convention holds.
MARKET_DECIMALS = {0: 2, 1: 2, 116: 3, 105: 3, 106: 3}
MARKET_CURRENCY = {0: "CNY", 1: "CNY", 116: "HKD", 105: "USD", 106: "USD"}


def quote_snapshot(body: bytes, symbol: str, secid: str) -> pl.DataFrame:
    """Price, previous close, trailing P/E and total market cap at the quote time.

    ``f43`` price and ``f60`` previous close are scaled integers; ``f164`` is P/E TTM x100
    (0 when the provider has none, as for Hong Kong); ``f116`` is total market cap in the
    trading currency; ``f86`` is the quote time as a Unix epoch. A zero price means no trade.
    """
    doc = decode_json(body, PROVIDER, DATASET, symbol)
    if not isinstance(doc, dict) or doc.get("rc") != 0:
        rc = doc.get("rc") if isinstance(doc, dict) else None
        raise PayloadError(PROVIDER, DATASET, f"provider error rc={rc!r}", field="rc",
                           subject=symbol)
    data: dict[str, Any] = require(doc, "data", dict, PROVIDER, DATASET, symbol)
    market = int(secid.split(".", 1)[0])
    code = data.get("f57")
    if code is not None and str(code) != secid.split(".", 1)[1]:
        raise PayloadError(PROVIDER, DATASET, f"answer is for code {code!r}, requested {secid}",
                           field="f57", subject=symbol)
    decimals = data.get("f59", MARKET_DECIMALS.get(market, 2))
    scale = 10 ** int(decimals)
    price = _number(data, "f43", symbol)
    prev_close = _number(data, "f60", symbol)
    pe_ttm = _number(data, "f164", symbol)
    stamp = data.get("f86")
    return pl.DataFrame(
        {
            "symbol": [symbol],
            "quote_time": [datetime.fromtimestamp(stamp, UTC) if isinstance(stamp, int) else None],
            "price": [price / scale if price else None],
            "prev_close": [prev_close / scale if prev_close else None],
            "pe_ttm": [pe_ttm / 100 if pe_ttm else None],
            "market_cap": [_number(data, "f116", symbol) or None],
            "currency": [MARKET_CURRENCY.get(market)],
        },
        schema=QUOTE_SNAPSHOTS,
    )


def _number(data: dict[str, Any], field: str, symbol: str) -> float | None:
    value = data.get(field)
    if value is None or value == "-":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PayloadError(PROVIDER, DATASET, f"non-numeric value {value!r}", field=field,
                           subject=symbol)
    return float(value)
