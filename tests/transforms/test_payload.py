"""Raw bodies into checked structures: every way a body can break is named, never guessed."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from transforms.errors import PayloadError
from transforms.payload import (
    check_dates_ordered,
    decode_json,
    first_offences,
    require,
    strict_batch,
    strict_date,
    strict_float,
)

KLINE = "eastmoney/push2his_kline_1.000300_klt101_fqt1_lmt3_2026-10-01.json"
CHART = "yahoo/v8_chart_0700.HK_1d_5d_2026-08-07.json"


def rows(*klines: str, item: int = 0) -> pl.DataFrame:
    """Kline strings split into the string columns the kline parser types."""
    split = [k.split(",") for k in klines]
    return pl.DataFrame({"item": [item] * len(split), "trade_date": [s[0] for s in split],
                         "close": [s[2] for s in split], "volume": [s[5] for s in split]},
                        schema_overrides={"item": pl.UInt32})


def test_a_recorded_body_decodes_and_its_paths_resolve(payloads: Path) -> None:
    kline = decode_json((payloads / KLINE).read_bytes(), "eastmoney", "index_kline", "CSI300")
    assert require(kline, "data.decimal", int, "eastmoney", "index_kline") == 2
    klines = require(kline, "data.klines", list, "eastmoney", "index_kline")
    assert klines[0].startswith("2026-09-28,4423.82")
    chart = decode_json((payloads / CHART).read_bytes(), "yahoo", "chart")
    assert require(chart, "chart.result.0.meta.currency", str, "yahoo", "chart") == "HKD"


@pytest.mark.parametrize(("body", "message"), [
    (b"", "eastmoney/index_kline [CSI300]: empty response body"),
    (b"  \n", "eastmoney/index_kline [CSI300]: empty response body"),
    (b"<!DOCTYPE html><html><body>403 Forbidden</body></html>",
     "eastmoney/index_kline [CSI300]: expected JSON but got an HTML/XML page"),
    ('{"data": "沪深"}'.encode("gbk"),
     "eastmoney/index_kline [CSI300]: body is not UTF-8 (byte 10); GBK-encoded text is not "
     "accepted"),
    (b'{"rc":0,"data":{"klines":["2026-09-28,4423.82',
     "eastmoney/index_kline [CSI300]: truncated JSON at char 26: Unterminated string starting "
     "at"),
    (b'{"rc":0,,"data":{"klines":[]}}',
     "eastmoney/index_kline [CSI300]: invalid JSON at char 8: Expecting property name"),
])
def test_undecodable_bodies_say_what_they_are(body: bytes, message: str) -> None:
    with pytest.raises(PayloadError) as caught:
        decode_json(body, "eastmoney", "index_kline", "CSI300")
    assert str(caught.value).startswith(message)


def test_a_byte_order_mark_or_nan_takes_the_forgiving_path() -> None:
    assert decode_json(b'\xef\xbb\xbf{"rc": 0}', "sse", "margin") == {"rc": 0}
    assert math.isnan(decode_json(b'{"regularMarketPrice": NaN}', "yahoo", "chart")[
        "regularMarketPrice"])


@pytest.mark.parametrize(("path", "kind", "field", "words"), [
    ("data.klines", list, "data.klines", "missing field"),
    ("data.decimal", int, "data.decimal", "expected int, got str"),
    ("data.name", (int, float), "data.name", "expected int or float, got null"),
    ("data.name.first", str, "data.name", "expected an object, got NoneType"),
    ("result.0.meta", dict, "result.0", "list is empty or too short"),
])
def test_require_names_the_field_where_the_contract_breaks(
    path: str, kind: type | tuple[type, ...], field: str, words: str,
) -> None:
    body = {"data": {"decimal": "2", "name": None}, "result": []}
    with pytest.raises(PayloadError) as caught:
        require(body, path, kind, "eastmoney", "index_kline", subject="CSI300")
    assert (caught.value.field, caught.value.detail) == (field, words)
    assert caught.value.subject == "CSI300"


def test_strict_float_and_date_type_one_body_and_keep_missing_markers_null() -> None:
    frame = rows("2026-09-28,4423.82,4340.76,4423.82,4323.57,171277373",
                 "2026-09-29 15:00,4335.81,-,4359.30,4324.53,").drop("item")
    typed = strict_date(strict_float(frame, ["close", "volume"], "eastmoney", "index_kline"),
                        "trade_date", "eastmoney", "index_kline")
    assert typed.schema == pl.Schema({"trade_date": pl.Date, "close": pl.Float64,
                                      "volume": pl.Float64})
    assert typed.rows() == [(date(2026, 9, 28), 4340.76, 171277373.0),
                            (date(2026, 9, 29), None, None)]


def test_the_first_offence_of_a_single_body_is_raised() -> None:
    frame = rows("2026-09-28,4423.82,4340.76,0,0,1", "2026-09-29,1,4.3e3x,0,0,1").drop("item")
    with pytest.raises(PayloadError) as caught:
        strict_float(frame, ["close"], "eastmoney", "index_kline", subject="CSI300")
    assert str(caught.value) == ("eastmoney/index_kline [CSI300] field 'close': non-numeric "
                                 "value '4.3e3x' (1 row(s))")
    with pytest.raises(PayloadError, match="unparseable date '2026/09/28'"):
        strict_date(rows("2026/09/28,1,2,3,4,5").drop("item"), "trade_date", "eastmoney",
                    "index_kline")


def test_a_batch_names_each_broken_body_once_and_types_the_rest() -> None:
    frame = pl.concat([
        rows("2026-09-28,1,4340.76,0,0,171277373", item=0),
        rows("2026-09-28,1,4340.76,0,0,1", "2026-13-01,1,4345.21,0,0,1", item=1),
        rows("2026-09-28,1,n/a,0,0,1", "2026-09-29,1,??,0,0,x", item=2),
    ])
    typed, offences = strict_batch(frame, ["trade_date"], ["close", "volume"])
    assert offences == {1: ("trade_date", "unparseable date '2026-13-01'"),
                        2: ("close", "non-numeric value 'n/a' (2 row(s))")}
    assert typed.filter(pl.col("item") == 0).row(0) == (0, date(2026, 9, 28), 4340.76,
                                                        171277373.0)
    assert typed.columns == frame.columns


def test_first_offences_counts_per_item_and_skips_items_already_named() -> None:
    frame = pl.DataFrame({"item": [0, 0, 1, 1, 1], "close": [1.0, -2.0, -3.0, -4.0, 5.0]})
    broken = pl.col("close") < 0
    assert first_offences(frame, broken) == [
        {"item": 0, "close": -2.0, "offences": 1}, {"item": 1, "close": -3.0, "offences": 2}]
    assert first_offences(frame, broken, skip={0}) == [{"item": 1, "close": -3.0, "offences": 2}]
    assert first_offences(frame, pl.col("close") > 100) == []


def test_dates_must_be_unique_and_ascending() -> None:
    days = [date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30)]
    check_dates_ordered(pl.DataFrame({"trade_date": days}), "trade_date", "yahoo", "chart")
    with pytest.raises(PayloadError, match="field 'trade_date': duplicate date 2026-09-29"):
        check_dates_ordered(pl.DataFrame({"trade_date": [days[0], days[1], days[1]]}),
                            "trade_date", "yahoo", "chart")
    with pytest.raises(PayloadError, match="dates are out of order"):
        check_dates_ordered(pl.DataFrame({"trade_date": [days[1], days[0], days[2]]}),
                            "trade_date", "yahoo", "chart")
