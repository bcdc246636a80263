"""Rows in Eastmoney's wire formats (push2his kline, datacenter-web reports): the inverse of
its transforms, for the snapshot builder, the benchmark generator and tests."""

from __future__ import annotations

import hashlib
from datetime import date

from flows.sources.bodies import api_json

# svr identifies the answering push2his node; the value is the one in the recorded CSI 300 payload.
KLINE_SVR = 183642696


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
