"""Yahoo Finance v8 chart endpoint."""

from __future__ import annotations

HEADERS = {"Accept": "application/json"}


def looks_throttled(dataset: str, body: bytes) -> bool:
    """Yahoo signals throttling with HTTP 429, which the client already retries."""
    return False
