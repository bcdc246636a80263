"""HKEX New Listing Report workbooks."""

from __future__ import annotations

HEADERS = {"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def looks_throttled(dataset: str, body: bytes) -> bool:
    """HKEX serves static files; an HTML answer is a contract error, not throttling."""
    return False
