"""Eastmoney daily klines as staging rows: ``index_bars`` and ``security_bars``.

The envelope and row contract are ``transforms.eastmoney_kline``'s; this module names the
series column and the currency each dataset's rows carry.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from registry.datasets import INDEX_BARS, SECURITY_BARS
from transforms.eastmoney_kline import KlineBody, parse_klines
from transforms.payload import ParsedBatch
from transforms.schemas import conform, with_item


def index_bars_batch(bodies: Sequence[KlineBody]) -> ParsedBatch:
    """Eastmoney index klines → ``index_bars`` staging rows (plus ``item``)."""
    batch = parse_klines(bodies)
    frame = batch.frame.rename({"subject": "index_code"})
    return ParsedBatch(conform(frame, with_item(INDEX_BARS)), batch.errors)


def security_bars_batch(bodies: Sequence[KlineBody]) -> ParsedBatch:
    """Eastmoney A-share klines (forward-adjusted) → ``security_bars`` staging rows in CNY."""
    batch = parse_klines(bodies)
    frame = batch.frame.rename({"subject": "symbol"}).with_columns(pl.lit("CNY").alias("currency"))
    return ParsedBatch(conform(frame, with_item(SECURITY_BARS)), batch.errors)


def index_bars(body: bytes, index_code: str, secid: str) -> pl.DataFrame:
    """Eastmoney index kline → ``index_bars`` staging rows."""
    return _single(index_bars_batch([KlineBody(body, "index_kline", index_code, secid)]))


def security_bars(body: bytes, symbol: str, secid: str) -> pl.DataFrame:
    """Eastmoney A-share kline (forward-adjusted) → ``security_bars`` staging rows in CNY."""
    return _single(security_bars_batch([KlineBody(body, "stock_kline", symbol, secid)]))


def _single(batch: ParsedBatch) -> pl.DataFrame:
    if batch.errors:
        raise batch.errors[0]
    return batch.frame.drop("item")
