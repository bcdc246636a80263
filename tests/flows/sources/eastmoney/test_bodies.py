"""Eastmoney encoders round-trip through the project's own transforms."""

from __future__ import annotations

from datetime import date

from flows.sources.eastmoney.bodies import datacenter_body, em_datetime, kline_body
from flows.sources.registry import parse


def test_a_kline_body_parses_back_to_its_rows() -> None:
    lines = ["2025-01-02,30.10,31.00,31.50,29.80,12345,38000000.00,5.67,3.33,1.00,0.50",
             "2025-01-03,31.00,30.50,31.20,30.40,2000,6100000.00,2.58,-1.61,-0.50,0.08"]
    _, frame = parse("stock_kline", kline_body("1.688001", "华兴源创", 2, 30.0, lines),
                     "688001.SH", "1.688001")
    assert frame["trade_date"].to_list() == [date(2025, 1, 2), date(2025, 1, 3)]
    assert frame["open"].to_list() == [30.1, 31.0]
    assert frame["close"].to_list() == [31.0, 30.5]
    assert frame["high"].to_list() == [31.5, 31.2] and frame["low"].to_list() == [29.8, 30.4]
    # A-share kline volumes are in lots of 100 shares.
    assert frame["volume"].to_list() == [1_234_500.0, 200_000.0]
    assert frame["amount"].to_list() == [38_000_000.0, 6_100_000.0]


def test_a_datacenter_body_parses_back_to_its_rows() -> None:
    rows: list[dict[str, object]] = [{
        "SECUCODE": "688001.SH", "SECURITY_CODE": "688001", "SECURITY_NAME_ABBR": "华兴源创",
        "TRADE_DATE": em_datetime(date(2025, 1, 2)), "CLOSE_PRICE": 31.0,
        "TOTAL_SHARES": 445_000_000, "TOTAL_MARKET_CAP": 13_795_000_000.0, "PE_TTM": 22.5,
    }]
    _, frame = parse("valuation", datacenter_body("RPT_VALUEANALYSIS_DET", rows),
                     "688001.SH", "RPT_VALUEANALYSIS_DET")
    assert frame.row(0, named=True) == {
        "symbol": "688001.SH", "trade_date": date(2025, 1, 2), "close": 31.0, "pe_ttm": 22.5,
        "market_cap": 13_795_000_000.0, "total_shares": 445_000_000.0}
