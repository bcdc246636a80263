"""Sina's daily klines of an index: request builder, route, parser registration."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

import orjson
import polars as pl

from flows.sources.provider import Provider
from flows.sources.request import RequestSpec
from registry import by_name
from transforms.dispatch import Parsing
from transforms.errors import PayloadError
from transforms.schemas import conform

KLINE_PATH = "/cn/api/json_v2.php/CN_MarketDataService.getKLineData"
COLUMNS = {"day": "trade_date", "open": "open", "high": "high", "low": "low", "close": "close",
           "volume": "volume"}


def bars(table: str, subject: str, symbol: str, start: date, end: date,
         check: bool) -> RequestSpec:
    """The last ``datalen`` daily klines of an index (Sina has no start date, only a count)."""
    if (table, check) != ("index_bars", False):
        raise LookupError(f"sina serves index bars only, not {table}")
    return RequestSpec(
        provider="sina", host="sina", endpoint="index_kline_sina", subject=subject,
        provider_code=symbol, path=f"sina/kline/{symbol}.json", url_path=KLINE_PATH,
        params={"symbol": symbol, "scale": "240", "datalen": str((end - start).days + 1)},
    )


def route(url_path: str, params: Mapping[str, str]) -> tuple[str, str] | None:
    """The landed klines a GET asks for."""
    return ("sina", f"sina/kline/{params['symbol']}.json") if url_path == KLINE_PATH else None


def index_bars(body: bytes, index_code: str, symbol: str) -> pl.DataFrame:
    """Sina's kline list (numbers as strings) → ``index_bars`` staging rows."""
    rows = orjson.loads(body)
    if not isinstance(rows, list) or not rows:
        raise PayloadError("sina", "index_kline_sina", "not a list of klines", subject=index_code)
    frame = pl.DataFrame(rows).select(list(COLUMNS)).rename(COLUMNS)
    return conform(frame.with_columns(
        pl.col("trade_date").str.to_date(), pl.lit(index_code).alias("index_code"),
        pl.lit(None, pl.Float64).alias("amount")), by_name("index_bars"))


PROVIDER = Provider(
    name="sina",
    endpoints={"index_kline_sina": Parsing("index_bars", index_bars)},
    route=route,
    bars=bars,
    code_pattern=re.compile(r"(sh|sz)[0-9]{6}"),
)
