"""Shanghai Stock Exchange ``queryMargin.do`` market summary → ``margin`` rows for SSE.

Payload contract: a JSON object (optionally wrapped in a JSONP callback, which the site's own
pages request) whose ``result`` is a list of one object per trading day (newest first as the
site sends it, though any order is accepted; a repeated day is not) with ``opDate``
(``YYYYMMDD``), ``rzye`` (financing balance), ``rzmre`` (financing purchases) and ``rqylje``
(value of securities lent out), all in whole yuan, as numbers or numeric strings.
``pageHelp.total``, when present, must equal the number of rows: a window longer than one page
would otherwise arrive cut short without a word. No rows with ``pageHelp.total`` 0 is the
exchange saying it has published nothing for the window yet (:class:`NotPublished`, a late day,
not a broken contract); no rows without that is a contract break.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from registry.datasets import MARGIN
from transforms.errors import NotPublished, PayloadError
from transforms.payload import check_dates_ordered, decode_json, require, strict_float
from transforms.schemas import conform

PROVIDER = "sse"
DATASET = "margin_sse"
FIELDS = {"opDate": "trade_date", "rzye": "financing_balance", "rzmre": "financing_buy",
          "rqylje": "lending_balance"}
MONEY = ["financing_balance", "lending_balance", "financing_buy"]
JSONP = re.compile(rb"^\s*[\w$.]+\s*\((.*)\)\s*;?\s*$", re.DOTALL)
# The SSE financing balance has stayed above 100 亿元 since 2011; a smaller figure means the
# report switched from yuan to 万元 or 亿元.
MIN_BALANCE_YUAN = 1e10


def unwrap_jsonp(body: bytes) -> bytes:
    """The JSON inside ``callback(...)``; a plain JSON body is returned as it is."""
    match = JSONP.match(body)
    return match.group(1) if match else body


def margin(body: bytes, subject: str) -> pl.DataFrame:
    """SSE's own market-wide margin summary, one row per day, in yuan."""
    doc = decode_json(unwrap_jsonp(body), PROVIDER, DATASET, subject)
    if not isinstance(doc, dict):
        raise PayloadError(PROVIDER, DATASET, "top level is not an object", subject=subject)
    rows = require(doc, "result", list, PROVIDER, DATASET, subject)
    total = doc.get("pageHelp", {}).get("total") if isinstance(doc.get("pageHelp"), dict) else None
    if not rows and total == 0 and not isinstance(total, bool):
        raise NotPublished(PROVIDER, DATASET, subject, "the requested window",
                           "the answer has no rows and pageHelp.total 0")
    if not rows:
        raise PayloadError(PROVIDER, DATASET, "no rows for the requested window",
                           field="result", subject=subject)
    if isinstance(total, int) and not isinstance(total, bool) and total != len(rows):
        raise PayloadError(PROVIDER, DATASET, f"{len(rows)} rows of {total}: the answer is "
                           "paged and only its first page arrived", field="pageHelp.total",
                           subject=subject)
    frame = _columns(rows, subject)
    frame = strict_float(frame, MONEY, PROVIDER, DATASET, subject)
    dates = pl.col("trade_date").str.to_date("%Y%m%d", strict=False)
    bad = frame.filter(dates.is_null())
    if bad.height:
        raise PayloadError(PROVIDER, DATASET, f"unparseable date {bad['trade_date'][0]!r}",
                           field="opDate", subject=subject)
    frame = frame.with_columns(dates.alias("trade_date")).sort("trade_date")
    check_dates_ordered(frame, "trade_date", PROVIDER, DATASET, subject)
    unknown = frame.filter(pl.col("financing_balance").is_null())
    if unknown.height:
        raise PayloadError(PROVIDER, DATASET, f"no financing balance on "
                           f"{unknown['trade_date'][0]}", field="rzye", subject=subject)
    small = frame.filter(pl.col("financing_balance") < MIN_BALANCE_YUAN)
    if small.height:
        raise PayloadError(
            PROVIDER, DATASET, f"financing balance {small['financing_balance'][0]:g} on "
            f"{small['trade_date'][0]} is below {MIN_BALANCE_YUAN:g} yuan: the unit changed",
            field="rzye", subject=subject)
    return conform(frame.with_columns(pl.lit("SSE").alias("exchange")), MARGIN)


def _columns(rows: list[Any], subject: str) -> pl.DataFrame:
    for position, row in enumerate(rows):
        if not isinstance(row, dict):
            raise PayloadError(PROVIDER, DATASET, f"row {position} is not an object",
                               field="result", subject=subject)
        missing = [name for name in FIELDS if name not in row]
        if missing:
            raise PayloadError(PROVIDER, DATASET, f"row {position} lacks the field",
                               field=missing[0], subject=subject)
        if row["rzye"] is None:
            raise PayloadError(PROVIDER, DATASET, f"row {position} has no financing balance",
                               field="rzye", subject=subject)
    return pl.DataFrame(
        {ours: [None if row[theirs] is None else str(row[theirs]) for row in rows]
         for theirs, ours in FIELDS.items()},
        schema={ours: pl.String for ours in FIELDS.values()},
    )
