"""SSE requests: the margin summary of a whole window in one page."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from flows.sources.request import RequestSpec, Windows

MARGIN_PATH = "/marketdata/tradedata/queryMargin.do"
PAGE_SIZE = "5000"


def margin(windows: Windows, securities: pl.DataFrame) -> list[RequestSpec]:
    """The exchange's daily margin balances from the SSE series' tail to the window's end."""
    start = windows.since([("margin", "SSE")])
    return [RequestSpec(
        provider="sse", host="sse", endpoint="margin_sse", subject="SSE", provider_code="SSE",
        path="sse/margin/SSE.json", url_path=MARGIN_PATH,
        params={"isPagination": "true", "beginDate": start.strftime("%Y%m%d"),
                "endDate": windows.end.strftime("%Y%m%d"), "tabType": "", "stockCode": "",
                "pageHelp.pageSize": PAGE_SIZE, "pageHelp.pageNo": "1",
                "pageHelp.beginPage": "1", "pageHelp.cacheSize": "1", "pageHelp.endPage": "1"},
    )]


def route(url_path: str, params: Mapping[str, str]) -> tuple[str, str] | None:
    """The landed margin summary a GET asks for."""
    return ("sse", "sse/margin/SSE.json") if url_path == MARGIN_PATH else None
