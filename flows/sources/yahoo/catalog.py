"""Yahoo requests: one daily chart of a ticker over a window."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

from flows.sources.request import RequestSpec

CHART_PATH = "/v8/finance/chart/"
# (table, second source?) → endpoint.
CHART_ENDPOINTS = {
    ("index_bars", False): "index_chart",
    ("security_bars", False): "stock_chart",
    ("fx_rates", False): "fx_chart",
    ("index_bars", True): "index_chart_check",
}


def _epoch(day: date) -> str:
    return str(int(datetime.combine(day, time(), tzinfo=UTC).timestamp()))


def chart_request(endpoint: str, subject: str, ticker: str, start: date, end: date) -> RequestSpec:
    """A Yahoo daily chart request over [start, end]."""
    return RequestSpec(
        provider="yahoo", host="yahoo", endpoint=endpoint, subject=subject,
        provider_code=ticker, path=f"yahoo/chart/{ticker}.json",
        url_path=f"{CHART_PATH}{ticker}",
        params={"interval": "1d", "period1": _epoch(start),
                "period2": _epoch(end + timedelta(days=1))},
    )


def bars(table: str, subject: str, ticker: str, start: date, end: date,
         check: bool) -> RequestSpec:
    """The daily chart of one index, security or FX pair."""
    return chart_request(CHART_ENDPOINTS[(table, check)], subject, ticker, start, end)


def route(url_path: str, params: Mapping[str, str]) -> tuple[str, str] | None:
    """The landed chart a GET asks for."""
    if not url_path.startswith(CHART_PATH):
        return None
    if params.get("interval") != "1d":
        raise LookupError("daily charts need interval=1d")
    return "yahoo", f"yahoo/chart/{url_path[len(CHART_PATH):]}.json"
