"""Shanghai Stock Exchange query service: the market-wide margin summary over a date range."""

from __future__ import annotations

from collections.abc import Mapping

from flows.sources.provider import Client
from flows.sources.request import RequestSpec

# query.sse.com.cn answers requests without a www.sse.com.cn Referer with HTTP 403.
HEADERS = {"Referer": "https://www.sse.com.cn/", "Accept": "application/json, text/javascript"}


class Sse(Client):
    """One request covers the whole window (up to ``pageHelp.pageSize`` days)."""

    def headers(self, spec: RequestSpec) -> Mapping[str, str]:
        """The Referer of the exchange's own margin page."""
        return HEADERS
