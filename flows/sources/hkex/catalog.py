"""HKEX requests: the New Listing Reports of a window's last two years."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from flows.sources.request import RequestSpec, Windows

NLR_PATH = ("/-/media/HKEXnews/Homepage/New-Listings/New-Listing-Information/"
            "New-Listing-Report/Main/")


def listing_reports(windows: Windows, securities: pl.DataFrame) -> list[RequestSpec]:
    """HKEX New Listing Reports of the window's last two years."""
    start, end = windows.start, windows.end
    specs: list[RequestSpec] = []
    # HKEX publishes one New Listing Report per year; the current and previous year cover every
    # debut a one-year lookback needs. They are small static files, fetched whole every run.
    for year in range(max(start.year, end.year - 1), end.year + 1):
        name = f"NLR{year}_Eng"
        specs.append(RequestSpec(
            provider="hkex", host="hkex", endpoint="ipo_hk", subject=str(year),
            provider_code=name, path=f"hkex/nlr/{name}.xlsx", url_path=f"{NLR_PATH}{name}.xlsx",
        ))
    return specs


def route(url_path: str, params: Mapping[str, str]) -> tuple[str, str] | None:
    """The landed workbook a GET asks for."""
    if not url_path.startswith(NLR_PATH):
        return None
    return "hkex", f"hkex/nlr/{url_path[len(NLR_PATH):]}"
