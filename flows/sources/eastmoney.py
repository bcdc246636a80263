"""Eastmoney push2his kline and datacenter-web report endpoints."""

from __future__ import annotations

import json

HEADERS = {"Referer": "https://quote.eastmoney.com/", "Accept": "application/json"}


def looks_throttled(dataset: str, body: bytes) -> bool:
    """Eastmoney answers a throttled request with HTTP 200, ``rc`` 0 and no rows."""
    try:
        doc = json.loads(body)
    except ValueError:
        return False
    if not isinstance(doc, dict):
        return False
    if dataset.endswith("kline"):
        data = doc.get("data")
        return doc.get("rc") == 0 and (data is None or data.get("klines") == [])
    result = doc.get("result")
    return doc.get("success") is True and (result is None or result.get("data") == [])
