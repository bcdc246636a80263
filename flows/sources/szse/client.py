"""Shenzhen Stock Exchange report service: the margin summary, one trading day per request."""

from __future__ import annotations

from collections.abc import Mapping

from flows.sources.provider import Client
from flows.sources.request import RequestSpec

HEADERS = {"Referer": "https://www.szse.cn/disclosure/margin/margin/index.html",
           "Accept": "application/json"}


class Szse(Client):
    """Report ``1837_xxpl`` takes a single ``txtDate``; the catalog asks once per session."""

    def headers(self, spec: RequestSpec) -> Mapping[str, str]:
        """The Referer of the exchange's margin disclosure page, as its own pages send."""
        return HEADERS
