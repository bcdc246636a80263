"""The Yahoo chart encoder round-trips through the project's own transform."""

from __future__ import annotations

from datetime import date, time

from flows.sources.registry import parse
from flows.sources.yahoo.bodies import YahooListing, chart_body

TENCENT = YahooListing("0700.HK", "HKD", "HKG", "HKSE", "EQUITY", "Asia/Hong_Kong",
                       time(9, 30), 3)


def test_a_chart_body_parses_back_to_its_bars() -> None:
    days = [date(2025, 1, 2), date(2025, 1, 3)]
    quote: dict[str, list[float | None]] = {
        "high": [420.4, 418.0], "open": [415.0, 416.2], "low": [412.6, 410.0],
        "close": [418.2, 411.8], "volume": [18_500_000, 21_000_000]}
    body = chart_body(TENCENT, TENCENT.stamps(days), quote, 414.0, at=days[-1])
    _, frame = parse("stock_chart", body, "0700.HK", "0700.HK")
    assert frame["trade_date"].to_list() == days
    assert frame["close"].to_list() == [418.2, 411.8]
    assert frame["open"].to_list() == [415.0, 416.2]
    assert frame["volume"].to_list() == [18_500_000.0, 21_000_000.0]
    assert frame["currency"].to_list() == ["HKD", "HKD"]
