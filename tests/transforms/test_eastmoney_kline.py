from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from transforms.eastmoney_kline import index_bars, security_bars
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
    payload = {"rc": 0, "data": {"code": "688256", "market": 1, "klines": klines, **data}}
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
