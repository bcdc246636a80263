"""Rows in Eastmoney's wire formats (push2his kline, datacenter-web reports): the inverse of
its transforms, for the snapshot builder, the benchmark generator and tests."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np

from flows.sources.bodies import api_json

# svr identifies the answering push2his node; the value is the one in the recorded CSI 300 payload.
KLINE_SVR = 183642696
MISSING = "-"


def kline_body(
    secid: str, name: str, digits: int, pre_close: float | None, lines: list[str]
) -> bytes:
    """The push2his kline envelope around rows already formatted as
    ``date,open,close,high,low,volume,amount,amplitude,pct,change,turnover``."""
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


def datacenter_body(report: str, rows: list[dict[str, object]]) -> bytes:
    """The datacenter-web envelope, every row on page 1; ``version`` is an opaque per-report
    token."""
    version = hashlib.sha256(report.encode("utf-8")).hexdigest()[:32]
    return api_json({
        "version": version,
        "result": {"pages": 1, "data": rows, "count": len(rows)},
        "success": True, "message": "ok", "code": 0,
    })


def em_datetime(day: date) -> str:
    """Eastmoney datacenter date text."""
    return f"{day.isoformat()} 00:00:00"


@dataclass(frozen=True)
class KlineRows:
    """Columns of kline rows before formatting; NaN marks a value the row shows as ``-``.

    ``previous`` is the close before the first row (None: unknown, so that row's derived fields
    are ``-`` unless published). ``volume`` and ``amount`` are already text in the provider's
    units. ``published`` holds the provider's own amplitude, pct change and change per row
    (NaN: derive them from the prices), ``turnover`` the turnover in percent.
    """

    days: Sequence[str]
    open: np.ndarray
    close: np.ndarray
    high: np.ndarray
    low: np.ndarray
    volume: Sequence[str]
    amount: Sequence[str]
    previous: float | None
    turnover: np.ndarray | None = None
    published: np.ndarray | None = None


def kline_lines(rows: KlineRows, digits: int) -> list[str]:
    """Rows as ``date,open,close,high,low,volume,amount,amplitude,pct,change,turnover``.

    Prices are written at ``digits`` decimals and the derived fields are computed from the
    prices as written, so a reader recomputing them from the row gets the same text.
    """
    prices = [fixed_column(column, digits) for column in (rows.open, rows.close, rows.high,
                                                           rows.low)]
    written_open, written_close, written_high, written_low = (
        _written(texts) for texts in prices)
    first = np.nan if rows.previous is None else float(f"{rows.previous:.{digits}f}")
    previous = np.concatenate([[first], written_close[:-1]])
    with np.errstate(invalid="ignore"):
        derived = np.stack([(written_high - written_low) / previous * 100,
                            (written_close - previous) / previous * 100,
                            written_close - previous])
    if rows.published is not None:
        derived = np.where(np.isnan(rows.published.T), derived, rows.published.T)
    turnover = np.full(len(rows.days), np.nan) if rows.turnover is None else rows.turnover
    return list(map(",".join, zip(
        rows.days, *prices, rows.volume, rows.amount, fixed_column(derived[0], 2),
        fixed_column(derived[1], 2), fixed_column(derived[2], digits),
        fixed_column(turnover, 2), strict=True)))


def fixed_column(values: np.ndarray, digits: int) -> list[str]:
    """Fixed-point text of every value, ``-`` for NaN, never a negative zero (``-0.00`` would
    read as a real move)."""
    values = np.asarray(values, dtype=np.float64)
    values = np.where(np.abs(values) <= _zero_bound(digits), 0.0, values)
    texts = list(map(f"{{:.{digits}f}}".format, values.tolist()))
    for position in np.flatnonzero(np.isnan(values)).tolist():
        texts[position] = MISSING
    return texts


def _written(texts: list[str]) -> np.ndarray:
    """The values a reader gets back from the texts (``-`` as NaN)."""
    return np.array([np.nan if text == MISSING else float(text) for text in texts])


@cache
def _zero_bound(digits: int) -> float:
    """The largest float written as zero at ``digits`` decimals."""
    zero = f"{0.0:.{digits}f}"
    bound = 0.5 * 10.0 ** -digits
    while f"{bound:.{digits}f}" != zero:
        bound = float(np.nextafter(bound, 0.0))
    while f"{float(np.nextafter(bound, 1.0)):.{digits}f}" == zero:
        bound = float(np.nextafter(bound, 1.0))
    return bound
