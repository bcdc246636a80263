"""Eastmoney push2his kline and datacenter-web report endpoints."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson

from flows.sources.errors import ExtractionError
from flows.sources.provider import Client
from flows.sources.request import RequestSpec

KLINE_HEADERS = {"Referer": "https://quote.eastmoney.com/", "Accept": "application/json"}
REPORT_HEADERS = {"Referer": "https://data.eastmoney.com/", "Accept": "application/json"}
# How a one-page report begins as eastmoney writes it. Decoding a ten-year report only to read
# that it has one page was a fifth of parsing it; any other beginning is decoded. (A page 1 that
# hid more pages behind a second "result" key would still fail the parser's row count.)
ONE_PAGE = re.compile(rb'\{"version":"[^"]*","result":\{"pages":1,')


def _json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


class Eastmoney(Client):
    """Kline answers throttling with ``rc`` 0 and no rows; reports come in pages."""

    def headers(self, spec: RequestSpec) -> Mapping[str, str]:
        """Both hosts check the Referer of a browser page of their own site."""
        return KLINE_HEADERS if spec.host == "eastmoney_kline" else REPORT_HEADERS

    def looks_throttled(self, spec: RequestSpec, body: bytes) -> bool:
        """A throttled request gets HTTP 200, ``rc`` 0 and ``data`` null or no klines.

        The datacenter equivalent is ``success`` with a null result or no rows; a genuinely
        empty report says ``success: false`` with its own code, which the parser reports.
        """
        doc = _json(body)
        if not isinstance(doc, dict):
            return False
        if spec.host == "eastmoney_kline":
            data = doc.get("data")
            return doc.get("rc") == 0 and (data is None or (
                isinstance(data, dict) and data.get("klines") == []))
        result = doc.get("result")
        return doc.get("success") is True and (result is None or (
            isinstance(result, dict) and result.get("data") == []))

    def page_count(self, spec: RequestSpec, body: bytes) -> int:
        """``result.pages`` of a report's first page; anything unreadable is one page."""
        if spec.host != "eastmoney_datacenter" or ONE_PAGE.match(body):
            return 1
        doc = _json(body)
        result = doc.get("result") if isinstance(doc, dict) else None
        pages = result.get("pages") if isinstance(result, dict) else None
        return pages if isinstance(pages, int) and not isinstance(pages, bool) and pages > 1 else 1

    def merge_pages(self, spec: RequestSpec, bodies: list[bytes]) -> bytes:
        """Page 1's envelope with every page's rows, checked against its declared ``count``."""
        docs = [_json(body) for body in bodies]
        rows: list[Any] = []
        for number, doc in enumerate(docs, start=1):
            result = doc.get("result") if isinstance(doc, dict) else None
            data = result.get("data") if isinstance(result, dict) else None
            if not isinstance(data, list):
                raise ExtractionError(spec.key, f"page {number} of {len(docs)} is not a report "
                                      "page with rows", field="result.data")
            rows.extend(data)
        merged = docs[0]
        count = merged["result"].get("count")
        if isinstance(count, int) and count != len(rows):
            raise ExtractionError(
                spec.key, f"{len(docs)} pages hold {len(rows)} rows but page 1 declared "
                f"{count}: the report changed while it was paged", field="result.count")
        merged["result"]["data"] = rows
        return orjson.dumps(merged)
