"""Eastmoney forex klines and Yahoo index closes as ``crosscheck`` rows."""

from __future__ import annotations

import json
from datetime import date

import pytest

from flows.sources.eastmoney.bodies import kline_body
from tests.conftest import SNAPSHOT
from transforms import crosscheck, eastmoney_fx
from transforms.errors import PayloadError


def _kline(secid: str, lines: list[str], decimal: int = 4) -> bytes:
    return kline_body(secid, "美元兑港币", decimal, 7.78, lines)


HKD = ["2026-01-29,7.7801,7.7795,7.7812,7.7790,-,-,0.03,-0.01,-0.0006,-",
       "2026-01-30,7.7795,7.7790,7.7802,7.7781,-,-,0.03,-0.01,-0.0005,-"]


def test_fx_closes_are_the_crosscheck_of_the_yahoo_pair() -> None:
    frame = eastmoney_fx.fx_closes(_kline("119.USDHKD", HKD), "USDHKD", "119.USDHKD")
    assert frame.to_dicts() == [
        {"dataset": "fx_rates", "series": "USDHKD", "trade_date": date(2026, 1, 29),
         "provider": "eastmoney", "value": 7.7795},
        {"dataset": "fx_rates", "series": "USDHKD", "trade_date": date(2026, 1, 30),
         "provider": "eastmoney", "value": 7.779},
    ]


def test_snapshot_usdcnh_kline_parses_as_the_usdcny_check() -> None:
    body = (SNAPSHOT / "eastmoney/kline/133.USDCNH.json").read_bytes()
    frame = eastmoney_fx.fx_closes(body, "USDCNY", "133.USDCNH")
    assert frame.height > 250 and frame["value"].is_between(6.5, 7.5).all()


def test_an_inverted_quote_is_refused() -> None:
    lines = ["2026-01-29,0.1285,0.1285,0.1286,0.1284,-,-,0.03,-0.01,-0.0001,-"]
    with pytest.raises(PayloadError, match=r"field 'data.klines'.*outside 7.0-8.5"):
        eastmoney_fx.fx_closes(_kline("119.USDHKD", lines), "USDHKD", "119.USDHKD")


def test_an_answer_for_another_pair_is_refused() -> None:
    with pytest.raises(PayloadError,
                       match=r"eastmoney/fx_kline_check \[USDHKD\] field 'data.code'"):
        eastmoney_fx.fx_closes(_kline("119.USDJPY", HKD), "USDHKD", "119.USDHKD")


def test_a_throttled_empty_answer_is_refused() -> None:
    with pytest.raises(PayloadError, match="empty klines list"):
        eastmoney_fx.fx_closes(_kline("133.USDCNH", []), "USDCNY", "133.USDCNH")


def test_yahoo_index_closes_skip_close_less_bars() -> None:
    body = (SNAPSHOT / "yahoo/chart/^NDX.json").read_bytes()
    doc = json.loads(body)
    doc["chart"]["result"][0]["indicators"]["quote"][0]["close"][0] = None
    frame = crosscheck.index_closes(json.dumps(doc).encode(), "NDX", "^NDX")
    assert frame.height == len(doc["chart"]["result"][0]["timestamp"]) - 1
    assert set(frame["series"]) == {"NDX"} and set(frame["provider"]) == {"yahoo"}


def test_eastmoney_margin_split_becomes_the_exchanges_crosscheck() -> None:
    body = (SNAPSHOT / "eastmoney/datacenter/RPTA_RZRQ_LSDB/SSE_SZSE.json").read_bytes()
    frame = crosscheck.margin_by_exchange(body, "SSE_SZSE")
    assert set(frame["series"]) == {"SSE", "SZSE"} and set(frame["dataset"]) == {"margin"}


def test_a_day_without_a_close_has_nothing_to_compare() -> None:
    lines = [HKD[0], "2026-01-30,7.7795,-,7.7802,7.7781,-,-,0.03,-0.01,-0.0005,-"]
    frame = eastmoney_fx.fx_closes(_kline("119.USDHKD", lines), "USDHKD", "119.USDHKD")
    assert frame["trade_date"].to_list() == [date(2026, 1, 29)]
