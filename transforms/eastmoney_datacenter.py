"""Eastmoney ``datacenter-web`` report payloads → valuation, forecast, IPO and margin frames."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from registry.datasets import EPS_FORECAST, IPO_LISTINGS, MARGIN, VALUATION
from transforms.errors import PayloadError
from transforms.payload import (
    ParsedBatch,
    decode_json,
    only_numbers,
    require,
    strict_batch,
    strict_date,
    strict_float,
)
from transforms.schemas import conform, with_item

PROVIDER = "eastmoney"
YI = 1e8
WAN = 1e4
MARGIN_MARKETS = {"007": "SSE", "001": "SZSE"}
VALUATION_FIELDS = {
    "SECUCODE": "symbol", "TRADE_DATE": "trade_date", "CLOSE_PRICE": "close",
    "PE_TTM": "pe_ttm", "TOTAL_MARKET_CAP": "market_cap", "TOTAL_SHARES": "total_shares",
}
VALUATION_NUMBERS = ("close", "pe_ttm", "market_cap", "total_shares")
IPO_MARKETS = {
    "上交所科创板": ("SSE", "STAR"),
    "深交所创业板": ("SZSE", "CHINEXT"),
    "上交所主板": ("SSE", "MAIN"),
    "深交所主板": ("SZSE", "MAIN"),
}


def report_data(
    body: bytes, endpoint: str, subject: str, fields: dict[str, str]
) -> list[dict[str, Any]]:
    """Check the report envelope and that every row carries the columns this parser relies on.

    ``fields`` maps provider column → our name. Extra provider columns are ignored; a missing or
    renamed one is a contract error naming it.
    """
    doc = decode_json(body, PROVIDER, endpoint, subject)
    if not isinstance(doc, dict):
        raise PayloadError(PROVIDER, endpoint, "top level is not an object", subject=subject)
    if doc.get("success") is False or doc.get("code") not in (0, None):
        raise PayloadError(
            PROVIDER, endpoint, f"provider error code={doc.get('code')!r} "
            f"message={doc.get('message')!r}", field="code", subject=subject,
        )
    rows = require(doc, "result.data", list, PROVIDER, endpoint, subject)
    if not rows:
        raise PayloadError(PROVIDER, endpoint, "report returned no rows", field="result.data",
                           subject=subject)
    count = doc["result"].get("count")
    # Page 1 of a longer report read alone holds fewer rows than the report declares.
    if isinstance(count, int) and not isinstance(count, bool) and count > len(rows):
        raise PayloadError(PROVIDER, endpoint, f"the report declares {count} rows but the answer "
                           f"holds {len(rows)}: pages are missing", field="result.count",
                           subject=subject)
    wanted = fields.keys()
    for position, row in enumerate(rows):
        if not isinstance(row, dict):
            raise PayloadError(PROVIDER, endpoint, f"row {position} is not an object",
                               field="result.data", subject=subject)
        if not wanted <= row.keys():
            missing = next(name for name in fields if name not in row)
            raise PayloadError(PROVIDER, endpoint, f"row {position} lacks the column",
                               field=missing, subject=subject)
    return rows


def _as_text(name: str, values: list[Any]) -> pl.Series:
    """Values as the provider sent them (numbers, text, null), as text for the strict casts."""
    return pl.Series(name, values, dtype=pl.String, strict=False)


def _as_sent(name: str, values: list[Any]) -> pl.Series:
    """A number column as floats when every value is a JSON number or null (the usual answer),
    else as text for the strict casts to name the first value that is not a number."""
    if only_numbers(values):
        return pl.Series(name, values, dtype=pl.Float64)
    return _as_text(name, values)


def report_rows(
    body: bytes, endpoint: str, subject: str, fields: dict[str, str]
) -> pl.DataFrame:
    """The report's ``fields`` (see :func:`report_data`) as string columns under our names."""
    rows = report_data(body, endpoint, subject, fields)
    return pl.DataFrame([_as_text(ours, [row[theirs] for row in rows])
                         for theirs, ours in fields.items()])


def valuation_batch(landed: Sequence[tuple[bytes, str]]) -> ParsedBatch:
    """Many ``RPT_VALUEANALYSIS_DET`` bodies (body, symbol) → ``valuation`` rows (yuan).

    The envelope and columns are checked body by body; dates and numbers are typed in one pass
    over every body's rows, and a body with a bad value is named with its first one.
    """
    endpoint = "valuation"
    errors: dict[int, PayloadError] = {}
    items: list[int] = []
    counts: list[int] = []
    columns: dict[str, list[Any]] = {ours: [] for ours in VALUATION_FIELDS.values()}
    for item, (body, subject) in enumerate(landed):
        try:
            rows = report_data(body, endpoint, subject, VALUATION_FIELDS)
        except PayloadError as exc:
            errors[item] = exc
            continue
        items.append(item)
        counts.append(len(rows))
        for theirs, ours in VALUATION_FIELDS.items():
            columns[ours].extend([row[theirs] for row in rows])
    frame = pl.DataFrame([
        pl.Series("item", np.repeat(np.asarray(items, dtype=np.uint32), counts), pl.UInt32),
        *((_as_sent if ours in VALUATION_NUMBERS else _as_text)(ours, values)
          for ours, values in columns.items()),
    ])
    typed, offences = strict_batch(frame, ["trade_date"], VALUATION_NUMBERS)
    for item, (name, message) in offences.items():
        errors[item] = PayloadError(PROVIDER, endpoint, message, field=name,
                                    subject=landed[item][1])
    good = typed.filter(~pl.col("item").is_in(list(errors)))
    return ParsedBatch(conform(good, with_item(VALUATION)),
                       dict(sorted(errors.items())))


def valuation(body: bytes, subject: str) -> pl.DataFrame:
    """``RPT_VALUEANALYSIS_DET`` daily A-share valuation → ``valuation`` rows (yuan)."""
    batch = valuation_batch([(body, subject)])
    if batch.errors:
        raise batch.errors[0]
    return batch.frame.drop("item")


def eps_forecast(body: bytes, subject: str) -> pl.DataFrame:
    """``RPT_WEB_RESPREDICT`` consensus EPS by fiscal year, as of each report date."""
    endpoint = "eps_forecast"
    frame = report_rows(body, endpoint, subject, {
        "SECUCODE": "symbol", "REPORT_DATE": "report_date", "PREDICT_YEAR": "fiscal_year",
        "EPS": "eps",
    })
    frame = strict_date(frame, "report_date", PROVIDER, endpoint, subject)
    frame = strict_float(frame, ["fiscal_year", "eps"], PROVIDER, endpoint, subject)
    return conform(frame, EPS_FORECAST)


def ipo_listings(body: bytes, subject: str) -> pl.DataFrame:
    """``RPTA_APP_IPOAPPLY`` A-share IPOs → ``ipo_listings`` rows; 万元 raised → yuan."""
    endpoint = "ipo_cn"
    frame = report_rows(body, endpoint, subject, {
        "SECURITY_CODE": "code", "SECURITY_NAME_ABBR": "name", "TRADE_MARKET": "market",
        "LISTING_DATE": "listing_date", "ISSUE_PRICE": "offer_price",
        "LD_OPEN_PRICE": "first_day_open", "LD_CLOSE_PRICE": "first_day_close",
        "TOTAL_RAISE_FUNDS": "funds_raised",
    })
    unknown = frame.filter(~pl.col("market").is_in(list(IPO_MARKETS)))
    if unknown.height:
        raise PayloadError(PROVIDER, endpoint, f"unknown market {unknown['market'][0]!r}",
                           field="TRADE_MARKET", subject=subject)
    frame = strict_date(frame, "listing_date", PROVIDER, endpoint, subject)
    frame = strict_float(frame, ["offer_price", "first_day_open", "first_day_close",
                                 "funds_raised"], PROVIDER, endpoint, subject)
    exchange = pl.col("market").replace_strict({k: v[0] for k, v in IPO_MARKETS.items()})
    board = pl.col("market").replace_strict({k: v[1] for k, v in IPO_MARKETS.items()})
    suffix = pl.when(exchange == "SSE").then(pl.lit(".SH")).otherwise(pl.lit(".SZ"))
    return conform(
        frame.with_columns(
            (pl.col("code") + suffix).alias("symbol"),
            exchange.alias("exchange"),
            board.alias("board"),
            pl.lit(None, dtype=pl.Date).alias("prospectus_date"),
            (pl.col("funds_raised") * WAN).alias("funds_raised"),
            pl.lit("CNY").alias("currency"),
        ),
        IPO_LISTINGS,
    )


def margin_total(body: bytes, subject: str) -> pl.DataFrame:
    """``RPTA_WEB_MARGIN_DAILYTRADE`` market-wide balances in 亿元 → yuan, exchange TOTAL."""
    endpoint = "margin_total"
    frame = report_rows(body, endpoint, subject, {
        "STATISTICS_DATE": "trade_date", "FIN_BALANCE": "financing_balance",
        "LOAN_BALANCE": "lending_balance", "FIN_BUY_AMT": "financing_buy",
    })
    frame = strict_date(frame, "trade_date", PROVIDER, endpoint, subject)
    money = ["financing_balance", "lending_balance", "financing_buy"]
    frame = strict_float(frame, money, PROVIDER, endpoint, subject)
    return conform(
        frame.with_columns([pl.col(c) * YI for c in money] + [pl.lit("TOTAL").alias("exchange")]),
        MARGIN,
    )


def margin_by_exchange(body: bytes, subject: str) -> pl.DataFrame:
    """``RPTA_RZRQ_LSDB`` balances per exchange (yuan) → ``margin`` rows for SSE and SZSE."""
    endpoint = "margin_exchange"
    frame = report_rows(body, endpoint, subject, {
        "DIM_DATE": "trade_date", "SCDM": "market", "RZYE": "financing_balance",
        "RQYE": "lending_balance", "RZMRE": "financing_buy",
    })
    unknown = frame.filter(~pl.col("market").is_in(list(MARGIN_MARKETS)))
    if unknown.height:
        raise PayloadError(PROVIDER, endpoint, f"unknown market code {unknown['market'][0]!r}",
                           field="SCDM", subject=subject)
    frame = strict_date(frame, "trade_date", PROVIDER, endpoint, subject)
    frame = strict_float(frame, ["financing_balance", "lending_balance", "financing_buy"],
                         PROVIDER, endpoint, subject)
    return conform(
        frame.with_columns(pl.col("market").replace_strict(MARGIN_MARKETS).alias("exchange")),
        MARGIN,
    )
