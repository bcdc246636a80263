from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from transforms.eastmoney_bars import index_bars, security_bars, security_bars_batch
from transforms.eastmoney_kline import KlineBody
from transforms.errors import PayloadError

GENUINE = "eastmoney/push2his_kline_1.000300_klt101_fqt1_lmt3_2026-10-01.json"


def test_genuine_csi300_payload_parses_with_lots_to_shares(payloads: Path) -> None:
    frame = index_bars((payloads / GENUINE).read_bytes(), "CSI300", "1.000300")
    assert frame["trade_date"].to_list() == [date(2026, 9, 28), date(2026, 9, 29),
                                             date(2026, 9, 30)]
    first = frame.row(0, named=True)
    assert (first["open"], first["close"], first["high"], first["low"]) == (
        4423.82, 4340.76, 4423.82, 4323.57)
    assert first["volume"] == 171277373 * 100
    assert first["amount"] == pytest.approx(428620471197.90)


def _body(klines: list[str], **data: object) -> bytes:
    payload = {"rc": 0, "data": {"code": "688256", "market": 1, "decimal": 0, "klines": klines,
                                 **data}}
    return json.dumps(payload).encode()


def test_dash_is_missing_value_not_zero() -> None:
    frame = security_bars(_body(["2026-01-30,1300,1310,1320,1290,-,-,1.0"]), "688256.SH",
                          "1.688256")
    row = frame.row(0, named=True)
    assert row["volume"] is None and row["amount"] is None
    assert row["currency"] == "CNY"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (b"<html><body>502 Bad Gateway</body></html>", None, "HTML"),
        (b'{"rc":0,"data":{"klines":["2026-01-30,1', None, "truncated JSON"),
        ("{\"rc\":0,\"data\":{\"name\":\"寒武纪\"}}".encode("gbk"), None, "not UTF-8"),
        (b'{"rc":0,"data":null}', "data", "got null"),
        (_body([]), "data.klines", "empty klines"),
        (b'{"rc":0,"data":{"code":"688256","market":1}}', "data.klines", "missing field"),
        (_body(["2026-01-30,abc,1310,1320,1290,1,1"]), "open", "non-numeric"),
        (_body(["2026-01-30,1300,1310,1320,1290,1,1", "2026-01-29,1300,1310,1320,1290,1,1"]),
         "trade_date", "out of order"),
        (_body(["2026-01-30,1300,1310,1320,1290,1,1", "2026-01-30,1300,1310,1320,1290,1,1"]),
         "trade_date", "duplicate date"),
        (_body(["2026-01-30,1300,1310"]), "data.klines", "fields"),
        (_body(["2026-01-29,1300,1310,1320,1290,1,1,2.3,0.8,10,0.5",
                "2026-01-30,1300,1310,1320,1290,1,1,2.3,10,0.5"]), "data.klines",
         "a field is missing"),
        (_body(["2026-01-30,1300,1310,1320,1290,1,1"], code="600519"), "data.code", "600519"),
    ],
)
def test_malformed_payloads_raise_named_errors(body: bytes, field: str | None,
                                                words: str) -> None:
    with pytest.raises(PayloadError) as caught:
        security_bars(body, "688256.SH", "1.688256")
    assert caught.value.provider == "eastmoney"
    assert caught.value.subject == "688256.SH"
    assert caught.value.field == field
    assert words in str(caught.value)


def test_extra_fields_are_ignored() -> None:
    frame = security_bars(_body(["2026-01-30,1300,1310,1320,1290,1,1,2,3,4,5,6,7"], extra=1),
                          "688256.SH", "1.688256")
    assert frame.height == 1


def test_prices_scaled_to_integers_break_the_declared_precision(snapshot_dir: Path) -> None:
    doc = json.loads((snapshot_dir / "eastmoney/kline/1.000688.json").read_bytes())
    lines = doc["data"]["klines"]
    fields = lines[-1].split(",")
    fields[1:5] = [str(round(float(v) * 1000)) for v in fields[1:5]]
    lines[-1] = ",".join(fields)
    with pytest.raises(PayloadError) as caught:
        index_bars(json.dumps(doc).encode(), "STAR50", "1.000688")
    assert str(caught.value) == (
        f"eastmoney/index_kline [STAR50] field 'data.decimal': declares 3 decimals but open on "
        f"2026-01-30 is '{fields[1]}' (0): the price scale changed")


def test_a_body_without_its_declared_precision_is_refused() -> None:
    doc = json.loads(_body(["2026-01-30,1300,1310,1320,1290,1,1"]))
    del doc["data"]["decimal"]
    with pytest.raises(PayloadError, match=r"price precision missing or not an integer \(None\)"):
        security_bars(json.dumps(doc).encode(), "688256.SH", "1.688256")


def test_one_bad_body_in_a_batch_is_named_and_the_others_kept() -> None:
    good = KlineBody(_body(["2026-01-29,1300,1310,1320,1290,1,1",
                            "2026-01-30,1300,1310,1320,1290,1,1"]),
                     "stock_kline", "688256.SH", "1.688256")
    padded = KlineBody(_body(["2026-01-30, 1300 ,1310,1320,1290,1,1"]),
                       "stock_kline", "688256.SH", "1.688256")
    bad = KlineBody(_body(["2026-01-30,1300,1310,1320,1290,1,1", "2026-01-29,1,1,1,1,1,x"]),
                    "stock_kline", "688256.SH", "1.688256")
    batch = security_bars_batch([good, bad, padded])
    assert list(batch.errors) == [1]
    error = batch.errors[1]
    assert isinstance(error, PayloadError) and error.field == "amount"
    assert "non-numeric value 'x' (1 row(s))" in str(batch.errors[1])
    assert batch.frame["item"].to_list() == [0, 0, 2]
    assert batch.frame["open"].to_list() == [1300.0, 1300.0, 1300.0]
    assert batch.frame["volume"].to_list() == [100.0, 100.0, 100.0]


@pytest.mark.parametrize(
    ("klines", "words"),
    [
        (["2026-01-30,1300,1310,1320,1290,1,1", "2026-01-29,1300,1310,1320,1290,1,1",
          "2026-01-30,1300,1310,1320,1290,1,1"], "duplicate date 2026-01-30"),
        (["2026-01-30,1300,1310,1320,1290,1,1", "2026-01-31,1300,1310", "2026-02-01,1"],
         "kline rows have 2 fields, need at least 7"),
        (["2026-01-30,1300.5,1310,1320,1290,1,1"], "declares 0 decimals but open"),
        (["2026-13-30,1300,1310,1320,1290,1,1"], "unparseable date '2026-13-30'"),
    ],
)
def test_the_first_broken_rule_of_a_body_names_it(klines: list[str], words: str) -> None:
    with pytest.raises(PayloadError, match=words):
        security_bars(_body(klines), "688256.SH", "1.688256")


def test_non_string_entries_are_refused_without_losing_the_batch() -> None:
    good = KlineBody(_body(["2026-01-30,1300,1310,1320,1290,1,1"]), "stock_kline", "688256.SH",
                     "1.688256")
    numbers = KlineBody(json.dumps({"rc": 0, "data": {"decimal": 0, "klines": [1, 2]}}).encode(),
                        "stock_kline", "688256.SH", "1.688256")
    nulls = KlineBody(json.dumps({"rc": 0, "data": {"decimal": 0, "klines": [None]}}).encode(),
                      "stock_kline", "688256.SH", "1.688256")
    batch = security_bars_batch([numbers, good, nulls])
    assert {item: str(error).split(": ", 1)[1] for item, error in batch.errors.items()} == {
        0: "kline entries must be strings", 2: "kline entries must be strings"}
    assert batch.frame["item"].to_list() == [1]


def test_non_finite_prices_are_left_to_the_gate_not_called_a_scale_change() -> None:
    frame = security_bars(_body(["2026-01-30,inf,1310,1320,1290,1,1"]), "688256.SH", "1.688256")
    assert frame["open"].to_list() == [float("inf")]


def test_bodies_of_different_widths_in_one_batch_are_each_judged_by_their_own_rows() -> None:
    seven = KlineBody(_body(["2026-01-29,1300,1310,1320,1290,1,1",
                             "2026-01-30,1300,1310,1320,1290,1,1"]),
                      "stock_kline", "688256.SH", "1.688256")
    eleven = KlineBody(_body(["2026-01-29,1300,1310,1320,1290,1,1,2.3,0.8,10,0.5",
                              "2026-01-30,1300,1310,1320,1290,1,1,2.3,0.8,10,0.5"]),
                       "stock_kline", "688256.SH", "1.688256")
    short_row = KlineBody(_body(["2026-01-29,1300,1310,1320,1290,1,1,2.3",
                                 "2026-01-30,1300,1310,1320,1290,1,1"]),
                          "stock_kline", "688256.SH", "1.688256")
    batch = security_bars_batch([eleven, seven, short_row])
    assert list(batch.errors) == [2]
    assert "a kline row has 7 fields where the body's others have more" in str(batch.errors[2])
    assert batch.frame["item"].to_list() == [0, 0, 1, 1]
    assert batch.frame["close"].to_list() == [1310.0] * 4
