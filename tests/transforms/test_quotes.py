"""Every genuine recorded quote payload parses, and the providers agree with each other."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from transforms import eastmoney_kline, eastmoney_quote, tencent
from transforms.errors import PayloadError


def _probe_body(path: Path) -> bytes:
    """The probe recordings wrap the raw provider object; unwrap it into a push2 response."""
    probe = json.loads(path.read_text(encoding="utf-8"))["probe"]
    return json.dumps({"rc": 0, "data": probe["data"]}).encode()


def test_tencent_and_eastmoney_klines_agree_for_csi300(payloads: Path) -> None:
    em = eastmoney_kline.index_bars(
        (payloads / "eastmoney/push2his_kline_1.000300_klt101_fqt1_lmt3_2026-10-01.json")
        .read_bytes(), "CSI300", "1.000300")
    tx = tencent.index_bars(
        (payloads / "tencent/ifzq_fqkline_sh000300_day_2026-10-01.json").read_bytes(),
        "CSI300", "sh000300")
    assert_frame_equal(em.drop("amount"), tx.drop("amount"))


def test_tencent_hk_quote_matches_eastmoney_quote_and_yahoo_close(payloads: Path) -> None:
    tx = tencent.quote_snapshot((payloads / "tencent/qt_gtimg_hk00700_2026-08-07.txt")
                                .read_bytes(), "00700.HK").row(0, named=True)
    em = eastmoney_quote.quote_snapshot(
        (payloads / "eastmoney/push2_stock_get_116.00700_2026-08-07.json").read_bytes(),
        "00700.HK", "116.00700").row(0, named=True)
    assert tx["price"] == em["price"] == 478.8
    assert tx["prev_close"] == em["prev_close"] == 479.2
    assert tx["currency"] == em["currency"] == "HKD"
    assert tx["market_cap"] == pytest.approx(em["market_cap"], rel=1e-6)
    assert em["pe_ttm"] == pytest.approx(16.54)
    assert tx["quote_time"] == datetime(2026, 8, 7, 8, 8, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "symbol", "pe", "market_cap_yi"),
    [("qt_gtimg_sh688256_2026-06-03.txt", "688256.SH", 318.68, 8658.51),
     ("qt_gtimg_sz300308_2026-06-03.txt", "300308.SZ", 95.09, 14215.10),
     ("qt_gtimg_hk09988_2026-08-07.txt", "09988.HK", None, None)],
)
def test_tencent_a_share_quotes_carry_pe_and_cap(
    payloads: Path, name: str, symbol: str, pe: float | None, market_cap_yi: float | None
) -> None:
    row = tencent.quote_snapshot((payloads / "tencent" / name).read_bytes(), symbol).row(
        0, named=True)
    assert row["price"] > 0
    if pe is not None and market_cap_yi is not None:
        assert row["pe_ttm"] == pe
        assert row["market_cap"] == pytest.approx(market_cap_yi * 1e8)
        assert row["currency"] == "CNY"


def test_gbk_encoded_tencent_quote_is_accepted(payloads: Path) -> None:
    text = (payloads / "tencent/qt_gtimg_sh688256_2026-06-03.txt").read_text(encoding="utf-8")
    row = tencent.quote_snapshot(text.encode("gbk"), "688256.SH").row(0, named=True)
    assert row["pe_ttm"] == 318.68


@pytest.mark.parametrize("name", ["0011.HK", "0700.HK", "600036.SH", "600519.SH", "600900.SH",
                                  "688235.SH"])
def test_every_eastmoney_probe_parses(payloads: Path, name: str) -> None:
    code, suffix = name.split(".")
    market = {"HK": "116", "SH": "1"}[suffix]
    code = code.zfill(5) if suffix == "HK" else code
    row = eastmoney_quote.quote_snapshot(
        _probe_body(payloads / "eastmoney/push2_probe_2026-04-27" / f"{name}.json"),
        name, f"{market}.{code}").row(0, named=True)
    if name == "0011.HK":
        assert row["price"] is None  # the provider returned f43=0: no trade
    else:
        assert row["price"] is not None and row["price"] > 0
        assert row["quote_time"].date().isoformat() == "2026-04-27"
    if name == "600519.SH":
        assert row["price"] == 1403.20
        assert row["pe_ttm"] == pytest.approx(21.24)
        assert row["market_cap"] == pytest.approx(1757185565688.0)


def test_quote_for_another_code_is_rejected(payloads: Path) -> None:
    with pytest.raises(PayloadError, match="answer is for code"):
        tencent.quote_snapshot((payloads / "tencent/qt_gtimg_hk00700_2026-08-07.txt")
                               .read_bytes(), "09988.HK")
