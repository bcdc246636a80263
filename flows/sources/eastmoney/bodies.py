"""Rows in Eastmoney's wire formats (push2his kline, datacenter-web reports): the inverse of
its transforms, for the snapshot builder, the benchmark generator and tests."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

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
    are ``-`` unless published). ``volume`` (in the provider's unit: lots for A-shares) and
    ``amount`` are text as a source gave them, or numbers written at 0 and 2 decimals.
    ``published`` holds the provider's own amplitude, pct change and change per row (NaN:
    derive them from the prices), ``turnover`` the turnover in percent.
    """

    days: Sequence[str]
    open: np.ndarray
    close: np.ndarray
    high: np.ndarray
    low: np.ndarray
    volume: Sequence[str] | np.ndarray
    amount: Sequence[str] | np.ndarray
    previous: float | None
    turnover: np.ndarray | None = None
    published: np.ndarray | None = None


def kline_lines(rows: KlineRows, digits: int) -> list[str]:
    """Rows as ``date,open,close,high,low,volume,amount,amplitude,pct,change,turnover``.

    Prices are written at ``digits`` decimals and the derived fields are computed from the
    prices as written, so a reader recomputing them from the row gets the same text. One
    format call per row: generating a full market's history is mostly this function.
    """
    high, low, close = (written(column, digits) for column in (rows.high, rows.low, rows.close))
    first = np.nan if rows.previous is None else float(f"{rows.previous:.{digits}f}")
    previous = np.concatenate([[first], close[:-1]])
    with np.errstate(invalid="ignore"):
        derived = np.stack([(high - low) / previous * 100, (close - previous) / previous * 100,
                            close - previous])
    if rows.published is not None:
        derived = np.where(np.isnan(rows.published.T), derived, rows.published.T)
    turnover = np.full(len(rows.days), np.nan) if rows.turnover is None else rows.turnover
    columns = [_column(rows.days, 0)] + [_column(column, digits) for column in (
        rows.open, rows.close, rows.high, rows.low)] + [
        _column(rows.volume, 0), _column(rows.amount, 2), _column(derived[0], 2),
        _column(derived[1], 2), _column(derived[2], digits), _column(turnover, 2)]
    line = ",".join(spec for spec, _ in columns)
    return list(map(line.format, *(values for _, values in columns)))


def _column(values: Sequence[str] | np.ndarray, digits: int) -> tuple[str, list[Any]]:
    """A column's format field and values: numbers formatted in the row's format call, text
    (and any column with a ``-``) as it is."""
    if not isinstance(values, np.ndarray) or values.dtype.kind not in "fiu":
        return "{}", list(values)
    cleared = _no_negative_zero(values, digits)
    if np.isnan(cleared).any():
        return "{}", fixed_column(cleared, digits)
    return f"{{:.{digits}f}}", cleared.tolist()


def fixed_column(values: np.ndarray, digits: int) -> list[str]:
    """Fixed-point text of every value, ``-`` for NaN, never a negative zero (``-0.00`` would
    read as a real move)."""
    cleared = _no_negative_zero(values, digits)
    texts = list(map(f"{{:.{digits}f}}".format, cleared.tolist()))
    for position in np.flatnonzero(np.isnan(cleared)).tolist():
        texts[position] = MISSING
    return texts


def written(values: np.ndarray, digits: int) -> np.ndarray:
    """The values a reader gets back from them written at ``digits`` decimals (NaN stays).

    ``np.round`` scales by ``10**digits`` in floating point, which can push a value lying
    within rounding error of a half-way point across it; those few are rounded as Python
    formats them instead, so the result always matches the written text.
    """
    values = np.asarray(values, dtype=np.float64)
    scaled = values * 10.0 ** digits
    rounded = np.round(values, digits)
    with np.errstate(invalid="ignore"):
        near_half = np.abs(scaled - np.floor(scaled) - 0.5) <= np.abs(scaled) * 1e-15 + 1e-300
    for position in np.flatnonzero(near_half).tolist():
        rounded[position] = float(f"{values[position]:.{digits}f}")
    return rounded


def _no_negative_zero(values: np.ndarray, digits: int) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    return np.where(np.abs(values) <= _zero_bound(digits), 0.0, values)


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
