"""Every kind of bad input the pipeline must stop or hold back, as data.

Each kind edits a copy of the bundled snapshot (as of 2026-01-30) the way a provider could serve
it, and names the outcome:

* ``gate``: the quality gate fails (exit 1); ``table`` and ``rule`` are the broken expectation
  and ``row`` the offending row's key as the gate's sample shows it.
* ``extraction``: a parser or the landing zone refuses the body (exit 3); ``table`` is the
  provider dataset, ``rule`` a phrase of the refusal and ``row`` what it names.
* ``quarantine``: the row is held back by an explicit rule and the run publishes without it
  (exit 0); ``rule`` names the rule (documented in the README) and ``row`` the held-back key.

The runs they are checked against have history merged up to 2026-01-23, so edits after that date
meet the gate's history chains the way a nightly run's new days do.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from tests.flows.bad_data.payloads import (
    KLINE_CLOSE,
    KLINE_DATE,
    KLINE_HIGH,
    KLINE_LOW,
    KLINE_OPEN,
    KLINE_VOLUME,
    Snapshot,
    chart_scale_from,
    chart_set,
    chart_truncate_after,
    kline_row,
    like,
    nlr_row,
    report_row,
    scale,
)

Outcome = Literal["gate", "extraction", "quarantine"]
PRICES = (KLINE_OPEN, KLINE_CLOSE, KLINE_HIGH, KLINE_LOW)
VALUATION = "RPT_VALUEANALYSIS_DET"
EPS = "RPT_WEB_RESPREDICT"
IPO_CN = "RPTA_APP_IPOAPPLY"
MARGIN_TOTAL = "RPTA_WEB_MARGIN_DAILYTRADE"
MARGIN_EXCHANGE = "RPTA_RZRQ_LSDB"


@dataclass(frozen=True)
class Kind:
    """One kind of bad input: how to inject it and what must happen."""

    id: str
    mutate: Callable[[Snapshot], None]
    outcome: Outcome
    table: str
    rule: str
    row: dict[str, object] = field(default_factory=dict)


def _negate_close(rows: list[list[str]]) -> None:
    row = kline_row(rows, "2026-01-27")
    row[KLINE_CLOSE] = "-" + row[KLINE_CLOSE]


def _zero_open(rows: list[list[str]]) -> None:
    row = kline_row(rows, "2026-01-27")
    row[KLINE_OPEN] = like(row[KLINE_OPEN], 0.0)


def _high_below_low(rows: list[list[str]]) -> None:
    row = kline_row(rows, "2026-01-26")
    row[KLINE_HIGH] = like(row[KLINE_HIGH], float(row[KLINE_LOW]) - 1)


def _jump_60pct(rows: list[list[str]]) -> None:
    scale(kline_row(rows, "2026-01-27"), PRICES, 1.6)


def _crash_30pct(rows: list[list[str]]) -> None:
    row = kline_row(rows, "2026-01-27")
    scale(row, PRICES, 0.7)


def _drop_day(day: str) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        rows.remove(kline_row(rows, day))

    return edit


def _drop_from(day: str) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        rows[:] = [row for row in rows if row[KLINE_DATE] < day]

    return edit


def _append_day(day: str) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        extra = [day, *rows[-1][1:]]
        rows.append(extra)
        rows.sort(key=lambda row: row[KLINE_DATE])

    return edit


def _volume_in_shares(rows: list[list[str]]) -> None:
    for row in rows:
        row[KLINE_VOLUME] = str(int(row[KLINE_VOLUME]) * 100)


def _halt_filler(rows: list[list[str]]) -> None:
    previous = rows[rows.index(kline_row(rows, "2026-01-27")) - 1]
    row = kline_row(rows, "2026-01-27")
    for index in PRICES:
        row[index] = previous[KLINE_CLOSE]
    row[KLINE_VOLUME] = "0"


def _duplicate_kline_day(rows: list[list[str]]) -> None:
    row = kline_row(rows, "2026-01-27")
    rows.insert(rows.index(row), list(row))


def _non_numeric(rows: list[list[str]]) -> None:
    kline_row(rows, "2026-01-27")[KLINE_CLOSE] = "N/A"


def _valuation_day(day: str, **changes: object) -> Callable[[list[dict[str, Any]]], None]:
    def edit(rows: list[dict[str, Any]]) -> None:
        report_row(rows, "TRADE_DATE", day).update(changes)

    return edit


def _duplicate_valuation_row(rows: list[dict[str, Any]]) -> None:
    row = report_row(rows, "TRADE_DATE", "2026-01-27")
    rows.insert(rows.index(row), dict(row))


def _valuation_in_fen(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["TRADE_DATE"] >= "2026-01-26":
            row["CLOSE_PRICE"] = round(row["CLOSE_PRICE"] * 100, 2)
            row["TOTAL_MARKET_CAP"] = row["TOTAL_MARKET_CAP"] * 100


def _double_market_cap(rows: list[dict[str, Any]]) -> None:
    row = report_row(rows, "TRADE_DATE", "2026-01-27")
    row["TOTAL_MARKET_CAP"] = row["TOTAL_MARKET_CAP"] * 2


def _rename_pe(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        row["PE_TTM_NEW"] = row.pop("PE_TTM")


def _eps_edit(**changes: object) -> Callable[[list[dict[str, Any]]], None]:
    def edit(rows: list[dict[str, Any]]) -> None:
        row = next(r for r in rows if r["SECUCODE"] == "603019.SH" and r["PREDICT_YEAR"] == 2026)
        row.update(changes)

    return edit


def _duplicate_eps_row(rows: list[dict[str, Any]]) -> None:
    row = next(r for r in rows if r["SECUCODE"] == "688256.SH" and r["PREDICT_YEAR"] == 2026)
    rows.insert(rows.index(row), dict(row))


def _margin_total_in_yuan(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["STATISTICS_DATE"] >= "2026-01-26":
            row["FIN_BALANCE"] = row["FIN_BALANCE"] * 1e8


def _margin_total_infinite(rows: list[dict[str, Any]]) -> None:
    report_row(rows, "STATISTICS_DATE", "2026-01-27")["FIN_BALANCE"] = float("inf")


def _szse_above_total(rows: list[dict[str, Any]]) -> None:
    row = report_row(rows, "DIM_DATE", "2026-01-27", SCDM="001")
    row["RZYE"] = row["RZYE"] * 1.5


def _empty(rows: list[Any]) -> None:
    rows.clear()


def _ipo_edit(code: str, **changes: object) -> Callable[[list[dict[str, Any]]], None]:
    def edit(rows: list[dict[str, Any]]) -> None:
        next(r for r in rows if r["SECURITY_CODE"] == code).update(changes)

    return edit


def _duplicate_ipo(rows: list[dict[str, Any]]) -> None:
    rows.append(dict(next(r for r in rows if r["SECURITY_CODE"] == "688785")))


def _scheduled_ipo(rows: list[dict[str, Any]]) -> None:
    row = copy.deepcopy(next(r for r in rows if r["SECURITY_CODE"] == "688785"))
    row.update({"SECURITY_CODE": "688799", "SECURITY_NAME_ABBR": "待上市",
                "LISTING_DATE": "2026-02-06 00:00:00", "LD_OPEN_PRICE": None,
                "LD_CLOSE_PRICE": None, "LD_CLOSE_CHANGE": None})
    rows.append(row)


def _prospectus_after_listing(sheet: Any) -> None:
    sheet.cell(row=nlr_row(sheet, "02513"), column=4).value = datetime(2026, 1, 20)


def _currency(code: str) -> Callable[[dict[str, Any]], None]:
    def edit(result: dict[str, Any]) -> None:
        result["meta"]["currency"] = code

    return edit


def _chart_day(day: str, **values: float | None) -> Callable[[dict[str, Any]], None]:
    return lambda result: chart_set(result, day, **values)


def _chart_from(day: str, factor: float) -> Callable[[dict[str, Any]], None]:
    return lambda result: chart_scale_from(result, day, factor)


def _chart_until(day: str) -> Callable[[dict[str, Any]], None]:
    return lambda result: chart_truncate_after(result, day)


def _no_bars(result: dict[str, Any]) -> None:
    result["timestamp"] = []
    result["indicators"]["quote"][0] = {name: [] for name in result["indicators"]["quote"][0]}


def _other_code(doc: dict[str, Any]) -> None:
    doc["data"]["code"] = "688981"


def _chart_error(doc: dict[str, Any]) -> None:
    error = {"code": "Not Found", "description": "No data found, symbol may be delisted"}
    doc["chart"] = {"result": None, "error": error}


def _truncate(snapshot: Snapshot, relpath: str) -> None:
    body = snapshot.read(relpath)
    snapshot.write(relpath, body[: len(body) // 2])


def _html(snapshot: Snapshot, relpath: str) -> None:
    snapshot.write(relpath, b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>")


def _tamper(snapshot: Snapshot, relpath: str) -> None:
    snapshot.write(relpath, snapshot.read(relpath).replace(b"2026-01-27,", b"2026-01-27, ", 1),
                   sign=False)


def kline(secid: str, edit: Callable[[list[list[str]]], None]) -> Callable[[Snapshot], None]:
    """Edit an Eastmoney kline body."""
    return lambda snapshot: snapshot.kline(secid, edit)


def chart(ticker: str, edit: Callable[[dict[str, Any]], None]) -> Callable[[Snapshot], None]:
    """Edit a Yahoo chart result."""
    return lambda snapshot: snapshot.chart(ticker, edit)


def report(name: str, key: str, edit: Callable[[list[dict[str, Any]]], None]) -> Callable[
        [Snapshot], None]:
    """Edit the rows of an Eastmoney datacenter report."""
    return lambda snapshot: snapshot.report(name, key, edit)


def document(relpath: str, edit: Callable[[Any], None]) -> Callable[[Snapshot], None]:
    """Edit a whole JSON body, envelope included."""
    return lambda snapshot: snapshot.edit_json(relpath, edit)


def raw(relpath: str, edit: Callable[[Snapshot, str], None]) -> Callable[[Snapshot], None]:
    """Replace a body's bytes."""
    return lambda snapshot: edit(snapshot, relpath)


CAMBRICON = {"symbol": "688256.SH"}
SUGON = {"symbol": "603019.SH"}

KINDS: list[Kind] = [
    Kind("negative_price", kline("1.688256", _negate_close), "gate", "security_bars",
         "close_positive", {**CAMBRICON, "trade_date": "2026-01-27"}),
    Kind("zero_price", kline("1.000688", _zero_open), "gate", "index_bars", "open_positive",
         {"index_code": "STAR50", "trade_date": "2026-01-27"}),
    Kind("high_below_low", kline("0.300308", _high_below_low), "gate", "security_bars",
         "high_within_body", {"symbol": "300308.SZ", "trade_date": "2026-01-26"}),
    Kind("main_board_60pct_move", kline("1.603019", _jump_60pct), "gate", "security_bars",
         "price_within_board_limit", {**SUGON, "trade_date": "2026-01-27"}),
    Kind("index_30pct_crash", kline("0.399006", _crash_30pct), "gate", "index_bars",
         "move_within_index_limit", {"index_code": "CHINEXT", "trade_date": "2026-01-27"}),
    Kind("halt_filler_zero_volume", kline("1.603019", _halt_filler), "gate", "security_bars",
         "volume_positive", {**SUGON, "trade_date": "2026-01-27"}),
    Kind("unit_change_lots_vs_shares", kline("1.688256", _volume_in_shares), "gate",
         "security_bars", "turnover_plausible", CAMBRICON),
    Kind("missing_trading_day", kline("1.688256", _drop_day("2026-01-27")), "gate",
         "security_bars", "no_missing_sessions", {**CAMBRICON, "trade_date": "2026-01-27"}),
    Kind("bar_on_a_saturday", kline("0.300308", _append_day("2026-01-24")), "gate",
         "security_bars", "trade_date_is_session",
         {"symbol": "300308.SZ", "trade_date": "2026-01-24"}),
    Kind("future_date", kline("0.300308", _append_day("2026-02-02")), "gate", "security_bars",
         "no_future_date", {"symbol": "300308.SZ", "trade_date": "2026-02-02"}),
    Kind("stale_stock_feed", kline("0.002230", _drop_from("2026-01-27")), "gate",
         "security_bars", "fresh_as_of",
         {"symbol": "002230.SZ", "last_date": "2026-01-26", "due_date": "2026-01-30"}),
    Kind("stale_index_feed", chart("^NDX", _chart_until("2026-01-27")), "gate", "index_bars",
         "fresh_as_of", {"index_code": "NDX", "last_date": "2026-01-27"}),
    Kind("stale_fx_feed", chart("HKD=X", _chart_until("2026-01-21")), "gate", "fx_rates",
         "fresh_as_of", {"pair": "USDHKD", "last_date": "2026-01-23"}),
    Kind("nan_token_in_chart", chart("0700.HK", _chart_day("2026-01-27", close=float("nan"))),
         "gate", "security_bars", "finite_numbers",
         {"symbol": "00700.HK", "trade_date": "2026-01-27", "nonfinite_columns": "close"}),
    Kind("infinity_string_in_report",
         report(VALUATION, "688256", _valuation_day("2026-01-27", PE_TTM="Infinity")), "gate",
         "valuation", "finite_numbers",
         {**CAMBRICON, "trade_date": "2026-01-27", "nonfinite_columns": "pe_ttm"}),
    Kind("infinity_token_in_margin", report(MARGIN_TOTAL, "ALL", _margin_total_infinite), "gate",
         "margin", "finite_numbers",
         {"exchange": "TOTAL", "trade_date": "2026-01-27",
          "nonfinite_columns": "financing_balance"}),
    Kind("blank_chart_row",
         chart("AMD", _chart_day("2026-01-27", open=None, high=None, low=None, close=None,
                                 volume=None)),
         "gate", "security_bars", "close_not_null",
         {"symbol": "AMD.US", "trade_date": "2026-01-27"}),
    Kind("open_missing_from_full_bar", chart("9988.HK", _chart_day("2026-01-27", open=None)),
         "gate", "security_bars", "open_not_null",
         {"symbol": "09988.HK", "trade_date": "2026-01-27"}),
    Kind("mixed_currency_in_basket", chart("0700.HK", _currency("USD")), "gate",
         "security_bars", "currency_matches_seed",
         {"symbol": "00700.HK", "currency": "USD", "seed_currency": "HKD"}),
    Kind("fx_off_by_100x", chart("CNY=X", _chart_day("2026-01-27", close=712.0)), "gate",
         "fx_rates", "usdcny_in_range", {"pair": "USDCNY", "trade_date": "2026-01-27"}),
    Kind("fx_daily_jump", chart("CNY=X", _chart_from("2026-01-27", 1.04)), "gate", "fx_rates",
         "move_within_limit", {"pair": "USDCNY", "trade_date": "2026-01-27"}),
    Kind("hkd_peg_break", chart("HKD=X", _chart_day("2026-01-27", close=7.95)), "gate",
         "fx_rates", "usdhkd_in_range", {"pair": "USDHKD", "trade_date": "2026-01-27"}),
    Kind("duplicated_valuation_row", report(VALUATION, "603019", _duplicate_valuation_row),
         "gate", "valuation", "unique_key", {**SUGON, "trade_date": "2026-01-27"}),
    Kind("valuation_price_in_fen", report(VALUATION, "603019", _valuation_in_fen), "gate",
         "valuation", "close_matches_bars", {**SUGON, "trade_date": "2026-01-26"}),
    Kind("market_cap_doubled", report(VALUATION, "688256", _double_market_cap), "gate",
         "valuation", "market_cap_consistent", {**CAMBRICON, "trade_date": "2026-01-27"}),
    Kind("security_missing_from_seeds",
         report(VALUATION, "603019", _valuation_day("2026-01-28", SECUCODE="603999.SH")),
         "gate", "valuation", "symbol_in_seeds",
         {"symbol": "603999.SH", "trade_date": "2026-01-28"}),
    Kind("forecast_for_unseeded_security", report(EPS, "CN", _eps_edit(SECUCODE="688999.SH")),
         "gate", "eps_forecast", "symbol_in_seeds", {"symbol": "688999.SH"}),
    Kind("fiscal_year_typo", report(EPS, "CN", _eps_edit(PREDICT_YEAR=20260)), "gate",
         "eps_forecast", "fiscal_year_in_range", {**SUGON, "fiscal_year": 20260}),
    Kind("forecast_from_the_future",
         report(EPS, "CN", _eps_edit(REPORT_DATE="2026-02-05 00:00:00")), "gate",
         "eps_forecast", "no_future_date", {**SUGON, "report_date": "2026-02-05"}),
    Kind("duplicated_forecast", report(EPS, "CN", _duplicate_eps_row), "gate", "eps_forecast",
         "unique_key", {**CAMBRICON, "fiscal_year": 2026}),
    Kind("margin_unit_break", report(MARGIN_TOTAL, "ALL", _margin_total_in_yuan), "gate",
         "margin", "balance_move_within_limit",
         {"exchange": "TOTAL", "trade_date": "2026-01-26"}),
    Kind("exchanges_exceed_total", report(MARGIN_EXCHANGE, "SSE_SZSE", _szse_above_total),
         "gate", "margin", "parts_within_total",
         {"exchange": "TOTAL", "trade_date": "2026-01-27"}),
    Kind("ipo_listed_before_prospectus", lambda s: s.workbook(2026, _prospectus_after_listing),
         "gate", "ipo_listings", "prospectus_before_listing",
         {"symbol": "02513.HK", "listing_date": "2026-01-08", "prospectus_date": "2026-01-20"}),
    Kind("ipo_negative_offer_price", report(IPO_CN, "CN", _ipo_edit("688785", ISSUE_PRICE=-92.18)),
         "gate", "ipo_listings", "offer_price_positive", {"symbol": "688785.SH"}),
    Kind("duplicated_ipo", report(IPO_CN, "CN", _duplicate_ipo), "gate", "ipo_listings",
         "unique_key", {"symbol": "688785.SH"}),
    Kind("empty_kline_series", kline("1.688256", _empty), "extraction", "stock_kline",
         "empty klines list", CAMBRICON),
    Kind("empty_chart_series", chart("NVDA", _no_bars), "extraction", "stock_chart",
         "no bars returned", {"symbol": "NVDA.US"}),
    Kind("empty_report", report(MARGIN_EXCHANGE, "SSE_SZSE", _empty), "extraction",
         "margin_exchange", "report returned no rows", {"subject": "SSE_SZSE"}),
    Kind("truncated_body", raw("eastmoney/kline/1.688256.json", _truncate), "extraction",
         "stock_kline", "truncated JSON", CAMBRICON),
    Kind("html_error_page", raw(f"eastmoney/datacenter/{VALUATION}/603019.json", _html),
         "extraction", "valuation", "expected JSON but got an HTML/XML page", SUGON),
    Kind("body_altered_after_landing", raw("eastmoney/kline/1.603019.json", _tamper),
         "extraction", "stock_kline", "does not match the sha256", SUGON),
    Kind("duplicated_kline_day", kline("1.688256", _duplicate_kline_day), "extraction",
         "stock_kline", "duplicate date", {**CAMBRICON, "date": "2026-01-27"}),
    Kind("non_numeric_price", kline("1.688256", _non_numeric), "extraction", "stock_kline",
         "non-numeric value 'N/A'", CAMBRICON),
    Kind("renamed_provider_column", report(VALUATION, "688256", _rename_pe), "extraction",
         "valuation", "lacks the column", {**CAMBRICON, "field": "PE_TTM"}),
    Kind("fx_quoted_in_another_currency", chart("CNY=X", _currency("USD")), "extraction",
         "fx_chart", "quoted in USD, expected CNY", {"pair": "USDCNY"}),
    Kind("answer_for_another_security", document("eastmoney/kline/1.688256.json", _other_code),
         "extraction", "stock_kline", "answer is for code '688981'", CAMBRICON),
    Kind("provider_error_payload", document("yahoo/chart/AMD.json", _chart_error), "extraction",
         "stock_chart", "provider error", {"symbol": "AMD.US"}),
    Kind("ipo_scheduled_after_as_of", report(IPO_CN, "CN", _scheduled_ipo), "quarantine",
         "ipo_listings", "scheduled_listings_only", {"symbol": "688799.SH"}),
]
