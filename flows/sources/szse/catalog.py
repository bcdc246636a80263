"""SZSE requests: the margin summary, one request per session of the window."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from flows.sources.request import RequestSpec, Windows
from warehouse.seeds import sessions

REPORT_PATH = "/api/report/ShowReport/data"
# SZSE and SSE share the XSHG calendar; margin statistics are published for its sessions only.
MARGIN_CALENDAR = "XSHG"


def margin_day(day: date) -> RequestSpec:
    """Report ``1837_xxpl`` (the margin summary) of one trading day."""
    return RequestSpec(
        provider="szse", host="szse", endpoint="margin_szse", subject="SZSE",
        provider_code=day.isoformat(), path=f"szse/margin/{day.isoformat()}.json",
        url_path=REPORT_PATH,
        params={"SHOWTYPE": "JSON", "CATALOGID": "1837_xxpl", "txtDate": day.isoformat(),
                "tab1PAGENO": "1"},
        per_day=True,
    )


def margin(windows: Windows, securities: pl.DataFrame) -> list[RequestSpec]:
    """One request per session from the SZSE series' tail to the window's end."""
    return [margin_day(day) for day in sessions(
        MARGIN_CALENDAR, windows.since([("margin", "SZSE")]), windows.end)]


def route(url_path: str, params: Mapping[str, str]) -> tuple[str, str] | None:
    """The landed margin summary of the day a GET asks for."""
    if url_path != REPORT_PATH:
        return None
    if params.get("CATALOGID") != "1837_xxpl" or params.get("SHOWTYPE") != "JSON":
        raise LookupError("the margin summary is report 1837_xxpl as JSON")
    return "szse", f"szse/margin/{params['txtDate']}.json"
