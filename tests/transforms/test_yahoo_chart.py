from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from transforms.errors import PayloadError
from transforms.yahoo_chart import fx_rates, security_bars

GENUINE = "yahoo/v8_chart_0700.HK_1d_5d_2026-08-07.json"


def test_genuine_tencent_chart_parses_to_local_dates(payloads: Path) -> None:
    frame = security_bars((payloads / GENUINE).read_bytes(), "00700.HK", "0700.HK")
    assert frame["trade_date"].to_list() == [date(2026, 8, d) for d in (3, 4, 5, 6, 7)]
    last = frame.row(-1, named=True)
    assert last["close"] == pytest.approx(478.8, abs=1e-4)
    assert last["volume"] == 16320039
    assert last["currency"] == "HKD"


def _chart(**quote: list[object]) -> bytes:
    base: dict[str, list[object]] = {"open": [7.1], "high": [7.2], "low": [7.0],
                                     "close": [7.15], "volume": [0]}
    base.update(quote)
    return json.dumps({"chart": {"result": [{
        "meta": {"currency": "CNY", "symbol": "CNY=X", "exchangeTimezoneName": "Europe/London",
                 "gmtoffset": 0},
        "timestamp": [1769731200], "indicators": {"quote": [base]}}], "error": None}}).encode()


def test_fx_chart_uses_exchange_timezone_for_the_date() -> None:
    frame = fx_rates(_chart(), "USDCNY", "CNY=X")
    assert frame.row(0, named=True) == {"pair": "USDCNY", "trade_date": date(2026, 1, 30),
                                        "rate": 7.15}


def test_null_close_is_kept_for_the_gate_to_judge() -> None:
    frame = fx_rates(_chart(close=[None]), "USDCNY", "CNY=X")
    assert frame["rate"].to_list() == [None]


def test_integer_quotes_are_read_as_floats() -> None:
    frame = security_bars(_chart(open=[7], volume=[2**64]).replace(b"CNY=X", b"0700.HK"),
                          "00700.HK", "0700.HK")
    assert frame.select("open", "volume").row(0) == (7.0, float(2**64))


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (_chart(close=["7.1"]), "indicators.quote.0.close", "non-numeric value '7.1'"),
        # JSON's true would pass for 1.0 in a float column.
        (_chart(volume=[True]), "indicators.quote.0.volume", "non-numeric value True"),
        (_chart(high=[{"raw": 7.2}]), "indicators.quote.0.high", "non-numeric value {'raw'"),
        (_chart().replace(b"[1769731200]", b"[1769731200.5]"), "timestamp",
         "non-integer timestamp 1769731200.5"),
        (_chart().replace(b"[1769731200]", b"[true]"), "timestamp", "non-integer timestamp True"),
        (_chart(close=[7.1, 7.2]), "indicators.quote.0.close", "2 values for 1 timestamps"),
        (b'{"chart":{"result":null,"error":{"code":"Not Found"}}}', "chart.error",
         "provider error"),
        (b'{"chart":{"result":[],"error":null}}', "chart.result.0", "empty"),
    ],
)
def test_malformed_charts(body: bytes, field: str, words: str) -> None:
    with pytest.raises(PayloadError) as caught:
        fx_rates(body, "USDCNY", "CNY=X")
    assert caught.value.field == field
    assert words in str(caught.value)
