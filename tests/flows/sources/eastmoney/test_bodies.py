"""Eastmoney encoders round-trip through the project's own transforms."""

from __future__ import annotations

from datetime import date

import numpy as np

from flows.sources.eastmoney.bodies import (
    KlineRows,
    datacenter_body,
    em_datetime,
    fixed_column,
    kline_body,
    kline_lines,
)
from flows.sources.registry import parse

NAN = np.nan


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


def test_kline_lines_parse_back_to_the_prices_as_written() -> None:
    rows = KlineRows(["2025-01-02", "2025-01-03"], np.array([30.104, 31.0]),
                     np.array([31.0, 30.496]), np.array([31.5, 31.2]), np.array([29.8, 30.4]),
                     fixed_column(np.array([12345.0, 2000.0]), 0),
                     fixed_column(np.array([38e6, 6.1e6]), 2), 30.0,
                     turnover=np.array([0.5, 0.08]))
    lines = kline_lines(rows, 2)
    assert lines == [
        "2025-01-02,30.10,31.00,31.50,29.80,12345,38000000.00,5.67,3.33,1.00,0.50",
        "2025-01-03,31.00,30.50,31.20,30.40,2000,6100000.00,2.58,-1.61,-0.50,0.08"]
    _, frame = parse("stock_kline", kline_body("1.688001", "华兴源创", 2, 30.0, lines),
                     "688001.SH", "1.688001")
    assert frame["open"].to_list() == [30.1, 31.0]
    assert frame["close"].to_list() == [31.0, 30.5]
    assert frame["volume"].to_list() == [1_234_500.0, 200_000.0]


def test_a_move_that_rounds_to_nothing_is_never_written_as_a_negative_zero() -> None:
    # 3000.00 after 3000.01 is -0.00033 %: "-0.00" would read as a real fall.
    rows = KlineRows(["2025-01-02"], np.array([3000.0]), np.array([3000.0]),
                     np.array([3000.0]), np.array([3000.0]), ["0"], ["0.00"], 3000.01)
    assert kline_lines(rows, 2) == ["2025-01-02,3000.00,3000.00,3000.00,3000.00,0,0.00,"
                                    "0.00,0.00,-0.01,-"]
    assert fixed_column(np.array([-0.004999, -0.005, -1e-17, NAN]), 2) == [
        "0.00", "-0.01", "0.00", "-"]


def test_missing_prices_and_an_unknown_previous_close_are_dashes_unless_published() -> None:
    rows = KlineRows(["2025-01-02", "2025-01-03", "2025-01-06"], np.array([NAN, 7.3, 7.31]),
                     np.array([7.3, 7.31, 7.32]), np.array([NAN, NAN, 7.33]),
                     np.array([NAN, NAN, 7.3]), ["-"] * 3, ["-"] * 3, None,
                     turnover=np.array([NAN, NAN, 1.25]),
                     published=np.array([[NAN] * 3, [NAN] * 3, [0.41, 0.14, 0.01]]))
    assert kline_lines(rows, 4) == [
        "2025-01-02,-,7.3000,-,-,-,-,-,-,-,-",
        "2025-01-03,7.3000,7.3100,-,-,-,-,-,0.14,0.0100,-",
        "2025-01-06,7.3100,7.3200,7.3300,7.3000,-,-,0.41,0.14,0.0100,1.25"]
