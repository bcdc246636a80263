"""Yahoo Finance v8 chart endpoint: throttling is HTTP 429, which the client already retries."""

from __future__ import annotations

from collections.abc import Mapping

from flows.sources.provider import Client
from flows.sources.request import RequestSpec


class Yahoo(Client):
    """One chart per request, the whole window in one answer."""

    def headers(self, spec: RequestSpec) -> Mapping[str, str]:
        """JSON only; Yahoo serves an HTML consent page to clients that accept anything."""
        return {"Accept": "application/json"}
