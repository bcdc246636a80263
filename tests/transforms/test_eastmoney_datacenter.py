from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from flows.sources.eastmoney.bodies import datacenter_body
from transforms import eastmoney_datacenter as dc
from transforms.errors import PayloadError


def _report(rows: list[dict[str, object]]) -> bytes:
    return datacenter_body("RPT_TEST", rows)


def test_margin_total_converts_yi_to_yuan() -> None:
    body = _report([{"STATISTICS_DATE": "2026-01-30 00:00:00", "FIN_BALANCE": 26845.12,
                     "LOAN_BALANCE": 180.5, "FIN_BUY_AMT": 2200.0, "AVG_GUARANTEE_RATIO": 280.1,
                     "NEW_FIELD": "ignored"}])
    row = dc.margin_total(body, "ALL").row(0, named=True)
    assert row == {"exchange": "TOTAL", "trade_date": date(2026, 1, 30),
                   "financing_balance": pytest.approx(26845.12e8),
                   "lending_balance": pytest.approx(180.5e8),
                   "financing_buy": pytest.approx(2200.0e8)}


def test_margin_by_exchange_maps_market_codes() -> None:
    body = _report([{"DIM_DATE": "2026-01-30 00:00:00", "SCDM": "007", "RZYE": 1.4e12,
                     "RQYE": 9e9, "RZMRE": 1.1e11},
                    {"DIM_DATE": "2026-01-30 00:00:00", "SCDM": "001", "RZYE": 1.3e12,
                     "RQYE": 8e9, "RZMRE": 1.0e11}])
    assert dc.margin_by_exchange(body, "SSE_SZSE")["exchange"].to_list() == ["SSE", "SZSE"]


def test_ipo_listings_units_and_symbols() -> None:
    body = _report([{"SECURITY_CODE": "688785", "SECURITY_NAME_ABBR": "恒运昌",
                     "TRADE_MARKET": "上交所科创板", "LISTING_DATE": "2026-01-28 00:00:00",
                     "ISSUE_PRICE": 92.18, "LD_OPEN_PRICE": 300.0, "LD_CLOSE_PRICE": 371.3,
                     "TOTAL_RAISE_FUNDS": 156700.0}])
    row = dc.ipo_listings(body, "CN").row(0, named=True)
    assert row["symbol"] == "688785.SH" and row["board"] == "STAR"
    assert row["funds_raised"] == pytest.approx(156700.0 * 1e4)
    assert row["first_day_close"] == 371.3


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (b'{"version":"x","result":null,"success":false,"message":"no data","code":9201}',
         "code", "provider error"),
        (_report([]), "result.data", "no rows"),
        (_report([{"DIM_DATE": "2026-01-30", "SCDM": "007", "RZYE_RENAMED": 1, "RQYE": 1,
                   "RZMRE": 1}]), "RZYE", "lacks the column"),
        (_report([{"DIM_DATE": "2026-01-30", "SCDM": "007", "RZYE": "12,3", "RQYE": 1,
                   "RZMRE": 1}]), "financing_balance", "non-numeric"),
        (_report([{"DIM_DATE": "2026-01-30", "SCDM": "999", "RZYE": 1, "RQYE": 1,
                   "RZMRE": 1}]), "SCDM", "unknown market"),
    ],
)
def test_report_contract_errors(body: bytes, field: str, words: str) -> None:
    with pytest.raises(PayloadError) as caught:
        dc.margin_by_exchange(body, "SSE_SZSE")
    assert caught.value.field == field
    assert words in str(caught.value)


def _valuation(day: str, close: object, pe: object = 95.1) -> dict[str, object]:
    return {"SECUCODE": "688256.SH", "SECURITY_CODE": "688256", "TRADE_DATE": f"{day} 00:00:00",
            "CLOSE_PRICE": close, "PE_TTM": pe, "TOTAL_MARKET_CAP": 5.4e11,
            "TOTAL_SHARES": 416594451, "BOARD_NAME": "ignored"}


def test_valuation_batch_names_each_bad_body_and_keeps_the_others() -> None:
    good = _report([_valuation("2026-01-29", 1290.5), _valuation("2026-01-30", 1310.0, None)])
    text = _report([_valuation("2026-01-29", 1290.5), _valuation("2026-01-30", "1,310.0"),
                    _valuation("2026-01-31", "n/a")])
    bad_day = _report([_valuation("2026-02-30", 1290.5)])
    empty = _report([])
    batch = dc.valuation_batch([(text, "688256.SH"), (good, "688256.SH"),
                                (bad_day, "688256.SH"), (empty, "688256.SH")])
    assert {item: (getattr(error, "field", None), str(error).split(": ", 1)[1])
            for item, error in batch.errors.items()} == {
        0: ("close", "non-numeric value '1,310.0' (2 row(s))"),
        2: ("trade_date", "unparseable date '2026-02-30 00:00:00'"),
        3: ("result.data", "report returned no rows"),
    }
    assert batch.frame["item"].to_list() == [1, 1]
    assert batch.frame["pe_ttm"].to_list() == [95.1, None]
    assert batch.frame["trade_date"].to_list() == [date(2026, 1, 29), date(2026, 1, 30)]


def test_numbers_sent_as_numbers_or_as_text_type_alike() -> None:
    rows = [_valuation("2026-01-29", 1290.5), _valuation("2026-01-30", 1310.0, None)]
    as_text = [{**row, "CLOSE_PRICE": f" {row['CLOSE_PRICE']} ", "TOTAL_SHARES": "416594451"}
               for row in rows]
    numeric = dc.valuation_batch([(_report(rows), "688256.SH")])
    mixed = dc.valuation_batch([(_report(rows), "688256.SH"), (_report(as_text), "688256.SH")])
    assert numeric.frame.schema == mixed.frame.schema
    assert mixed.frame.drop("item").equals(pl.concat([numeric.frame, numeric.frame]).drop("item"))
    # JSON's true is not a number, though it would cast to 1.0.
    flag = dc.valuation_batch([(_report([_valuation("2026-01-30", True)]), "688256.SH")])
    assert str(flag.errors[0]).endswith("non-numeric value 'true' (1 row(s))")


def test_single_valuation_body_raises_its_first_offence() -> None:
    with pytest.raises(PayloadError, match="non-numeric value 'x'") as caught:
        dc.valuation(_report([_valuation("2026-01-30", 1.0, "x")]), "688256.SH")
    assert caught.value.field == "pe_ttm" and caught.value.subject == "688256.SH"


def test_a_first_page_read_alone_is_incomplete() -> None:
    rows = [{"STATISTICS_DATE": f"2026-01-{day:02d} 00:00:00", "FIN_BALANCE": 26845.12,
             "LOAN_BALANCE": 180.5, "FIN_BUY_AMT": 2200.0} for day in (28, 29, 30)]
    doc = json.loads(_report(rows))
    doc["result"]["count"] = 503
    with pytest.raises(PayloadError, match="declares 503 rows but the answer holds 3") as caught:
        dc.margin_total(json.dumps(doc).encode(), "ALL")
    assert caught.value.field == "result.count"
