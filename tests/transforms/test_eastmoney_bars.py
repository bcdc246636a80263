"""Eastmoney klines as index and security staging rows (the kline contract itself is tested in
``tests/transforms/test_eastmoney_kline.py``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from registry.datasets import INDEX_BARS, SECURITY_BARS
from transforms.eastmoney_bars import index_bars, index_bars_batch, security_bars
from transforms.eastmoney_kline import KlineBody
from transforms.errors import PayloadError
from transforms.schemas import with_item

CSI300 = "eastmoney/push2his_kline_1.000300_klt101_fqt1_lmt3_2026-10-01.json"


def test_an_index_kline_becomes_index_bars_keyed_by_the_index_code(payloads: Path) -> None:
    frame = index_bars((payloads / CSI300).read_bytes(), "CSI300", "1.000300")
    assert frame.schema == INDEX_BARS.schema
    assert frame["index_code"].unique().to_list() == ["CSI300"]
    assert frame["trade_date"].to_list() == [date(2026, 9, 28), date(2026, 9, 29),
                                             date(2026, 9, 30)]
    assert frame["close"].to_list() == [4340.76, 4345.21, 4357.62]


def test_a_stock_kline_becomes_security_bars_in_yuan(snapshot_dir: Path) -> None:
    frame = security_bars((snapshot_dir / "eastmoney/kline/0.002230.json").read_bytes(),
                          "002230.SZ", "0.002230")
    assert frame.schema == SECURITY_BARS.schema
    assert frame.height > 200
    assert set(frame["symbol"]) == {"002230.SZ"} and set(frame["currency"]) == {"CNY"}


def test_a_batch_keeps_good_bodies_and_a_single_body_raises_its_error(payloads: Path) -> None:
    good = (payloads / CSI300).read_bytes()
    batch = index_bars_batch([KlineBody(b"<html>busy</html>", "index_kline", "STAR50", "1.000688"),
                              KlineBody(good, "index_kline", "CSI300", "1.000300")])
    assert batch.frame.schema == with_item(INDEX_BARS)
    assert set(batch.frame["item"]) == {1}
    assert list(batch.errors) == [0] and batch.errors[0].subject == "STAR50"
    with pytest.raises(PayloadError, match="HTML"):
        index_bars(b"<html>busy</html>", "STAR50", "1.000688")
