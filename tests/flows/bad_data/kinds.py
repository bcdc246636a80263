"""Every kind of bad input the pipeline must stop or hold back, as data.

Each kind edits a copy of the bundled snapshot (as of 2026-01-30) the way a provider could serve
it, and names the outcome:

* ``gate``: the quality gate fails (exit 1); ``table`` and ``rule`` are the broken expectation
  and ``row`` the offending row's key as the gate's sample shows it.
* ``extraction``: a parser or the landing zone refuses the body (exit 3); ``table`` is the
  provider dataset, ``rule`` a phrase of the refusal and ``row`` what it names.
* ``quarantine``: the row is held back by an explicit rule and the run publishes without it
  (exit 0); ``rule`` names the rule (documented in the README) and ``row`` the held-back key.
* ``published``: the value is real but has no meaning in a mart, which documents it as null; the
  run publishes (exit 0) with ``table`` (a mart) showing ``rule`` (its column) null on ``row``.

The runs they are checked against have history merged up to 2026-01-23, so edits after that date
meet the gate's history chains the way a nightly run's new days do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from tests.flows.bad_data import edits
from tests.flows.bad_data.edits import (
    EPS,
    IPO_CN,
    MARGIN_EXCHANGE,
    MARGIN_TOTAL,
    VALUATION,
    chart,
    document,
    kline,
    raw,
    report,
)
from tests.flows.bad_data.payloads import Snapshot

Outcome = Literal["gate", "extraction", "quarantine", "published"]


@dataclass(frozen=True)
class Kind:
    """One kind of bad input: how to inject it and what must happen."""

    id: str
    mutate: Callable[[Snapshot], None]
    outcome: Outcome
    table: str
    rule: str
    row: Mapping[str, object] = field(default_factory=dict)


CAMBRICON = {"symbol": "688256.SH"}
SUGON = {"symbol": "603019.SH"}

KINDS: list[Kind] = [
    Kind("negative_price", kline("1.688256", edits.negate_close), "gate", "security_bars",
         "close_positive", {**CAMBRICON, "trade_date": "2026-01-27"}),
    Kind("zero_price", kline("1.000688", edits.zero_open), "gate", "index_bars", "open_positive",
         {"index_code": "STAR50", "trade_date": "2026-01-27"}),
    Kind("high_below_low", kline("0.300308", edits.high_below_low), "gate", "security_bars",
         "high_within_body", {"symbol": "300308.SZ", "trade_date": "2026-01-26"}),
    Kind("main_board_60pct_move", kline("1.603019", edits.jump_60pct), "gate", "security_bars",
         "price_within_board_limit", {**SUGON, "trade_date": "2026-01-27"}),
    Kind("index_30pct_crash", kline("0.399006", edits.crash_30pct), "gate", "index_bars",
         "move_within_index_limit", {"index_code": "CHINEXT", "trade_date": "2026-01-27"}),
    Kind("halt_filler_zero_volume", kline("1.603019", edits.halt_filler), "gate", "security_bars",
         "volume_positive", {**SUGON, "trade_date": "2026-01-27"}),
    Kind("unit_change_lots_vs_shares", kline("1.688256", edits.volume_in_shares), "gate",
         "security_bars", "turnover_plausible", CAMBRICON),
    Kind("missing_trading_day", kline("1.688256", edits.drop_day("2026-01-27")), "gate",
         "security_bars", "no_missing_sessions", {**CAMBRICON, "trade_date": "2026-01-27"}),
    Kind("bar_on_a_saturday", kline("0.300308", edits.append_day("2026-01-24")), "gate",
         "security_bars", "trade_date_is_session",
         {"symbol": "300308.SZ", "trade_date": "2026-01-24"}),
    Kind("future_date", kline("0.300308", edits.append_day("2026-02-02")), "gate", "security_bars",
         "no_future_date", {"symbol": "300308.SZ", "trade_date": "2026-02-02"}),
    # The newest index bar used to become the run's as-of date; it is capped at the window's end.
    Kind("index_bar_after_the_window", kline("1.000688", edits.append_day("2026-02-02")), "gate",
         "index_bars", "no_future_date", {"index_code": "STAR50", "trade_date": "2026-02-02"}),
    Kind("stale_stock_feed", kline("0.002230", edits.drop_from("2026-01-27")), "gate",
         "security_bars", "fresh_as_of",
         {"symbol": "002230.SZ", "last_date": "2026-01-26", "due_date": "2026-01-30"}),
    Kind("stale_index_feed", kline("100.NDX100", edits.drop_from("2026-01-28")), "gate",
         "index_bars", "fresh_as_of", {"index_code": "NDX", "last_date": "2026-01-27"}),
    Kind("index_sources_disagree", chart("^NDX", edits.chart_day("2026-01-27", close=20000.0)),
         "gate", "crosscheck", "index_bars_sources_agree",
         {"series": "NDX", "trade_date": "2026-01-27"}),
    Kind("stale_fx_feed", chart("HKD=X", edits.chart_until("2026-01-21")), "gate", "fx_rates",
         "fresh_as_of", {"pair": "USDHKD", "last_date": "2026-01-23"}),
    Kind("nan_token_in_chart", chart("0700.HK", edits.chart_day("2026-01-27", close=float("nan"))),
         "gate", "security_bars", "finite_numbers",
         {"symbol": "00700.HK", "trade_date": "2026-01-27", "nonfinite_columns": "close"}),
    Kind("infinity_string_in_report",
         report(VALUATION, "688256", edits.valuation_day("2026-01-27", PE_TTM="Infinity")), "gate",
         "valuation", "finite_numbers",
         {**CAMBRICON, "trade_date": "2026-01-27", "nonfinite_columns": "pe_ttm"}),
    Kind("infinity_token_in_margin", report(MARGIN_TOTAL, "ALL", edits.margin_total_infinite),
         "gate", "margin", "finite_numbers",
         {"exchange": "TOTAL", "trade_date": "2026-01-27",
          "nonfinite_columns": "financing_balance"}),
    Kind("blank_chart_row",
         chart("AMD", edits.chart_day("2026-01-27", open=None, high=None, low=None, close=None,
                                 volume=None)),
         "gate", "security_bars", "close_not_null",
         {"symbol": "AMD.US", "trade_date": "2026-01-27"}),
    Kind("open_missing_from_full_bar", chart("9988.HK", edits.chart_day("2026-01-27", open=None)),
         "gate", "security_bars", "open_not_null",
         {"symbol": "09988.HK", "trade_date": "2026-01-27"}),
    Kind("mixed_currency_in_basket", chart("0700.HK", edits.currency("USD")), "gate",
         "security_bars", "currency_matches_seed",
         {"symbol": "00700.HK", "currency": "USD", "seed_currency": "HKD"}),
    Kind("fx_off_by_100x", chart("CNY=X", edits.chart_day("2026-01-27", close=712.0)), "gate",
         "fx_rates", "usdcny_in_range", {"pair": "USDCNY", "trade_date": "2026-01-27"}),
    Kind("fx_daily_jump", chart("CNY=X", edits.chart_from("2026-01-27", 1.04)), "gate", "fx_rates",
         "move_within_limit", {"pair": "USDCNY", "trade_date": "2026-01-27"}),
    Kind("hkd_peg_break", chart("HKD=X", edits.chart_day("2026-01-27", close=7.95)), "gate",
         "fx_rates", "usdhkd_in_range", {"pair": "USDHKD", "trade_date": "2026-01-27"}),
    Kind("duplicated_valuation_row", report(VALUATION, "603019", edits.duplicate_valuation_row),
         "gate", "valuation", "unique_key", {**SUGON, "trade_date": "2026-01-27"}),
    Kind("valuation_price_in_fen", report(VALUATION, "603019", edits.valuation_in_fen), "gate",
         "valuation", "close_matches_bars", {**SUGON, "trade_date": "2026-01-26"}),
    Kind("market_cap_doubled", report(VALUATION, "688256", edits.double_market_cap), "gate",
         "valuation", "market_cap_consistent", {**CAMBRICON, "trade_date": "2026-01-27"}),
    Kind("security_missing_from_seeds",
         report(VALUATION, "603019", edits.valuation_day("2026-01-28", SECUCODE="603999.SH")),
         "gate", "valuation", "symbol_in_seeds",
         {"symbol": "603999.SH", "trade_date": "2026-01-28"}),
    Kind("forecast_for_unseeded_security", report(EPS, "CN", edits.eps_edit(SECUCODE="688999.SH")),
         "gate", "eps_forecast", "symbol_in_seeds", {"symbol": "688999.SH"}),
    Kind("fiscal_year_typo", report(EPS, "CN", edits.eps_edit(PREDICT_YEAR=20260)), "gate",
         "eps_forecast", "fiscal_year_in_range", {**SUGON, "fiscal_year": 20260}),
    Kind("forecast_from_the_future",
         report(EPS, "CN", edits.eps_edit(REPORT_DATE="2026-02-05 00:00:00")), "gate",
         "eps_forecast", "no_future_date", {**SUGON, "report_date": "2026-02-05"}),
    Kind("duplicated_forecast", report(EPS, "CN", edits.duplicate_eps_row), "gate", "eps_forecast",
         "unique_key", {**CAMBRICON, "fiscal_year": 2026}),
    Kind("margin_unit_break", report(MARGIN_TOTAL, "ALL", edits.margin_total_in_yuan), "gate",
         "margin", "balance_move_within_limit",
         {"exchange": "TOTAL", "trade_date": "2026-01-26"}),
    Kind("exchanges_exceed_total",
         document("szse/margin/2026-01-27.json", edits.szse_day_above_total),
         "gate", "margin", "parts_within_total",
         {"exchange": "TOTAL", "trade_date": "2026-01-27"}),
    Kind("ipo_listed_before_prospectus", lambda s: s.workbook(2026, edits.prospectus_after_listing),
         "gate", "ipo_listings", "prospectus_before_listing",
         {"symbol": "02513.HK", "listing_date": "2026-01-08", "prospectus_date": "2026-01-20"}),
    Kind("ipo_negative_offer_price",
         report(IPO_CN, "CN", edits.ipo_edit("688785", ISSUE_PRICE=-92.18)), "gate",
         "ipo_listings", "offer_price_positive", {"symbol": "688785.SH"}),
    Kind("duplicated_ipo", report(IPO_CN, "CN", edits.duplicate_ipo), "gate", "ipo_listings",
         "unique_key", {"symbol": "688785.SH"}),
    Kind("empty_kline_series", kline("1.688256", edits.empty), "extraction", "stock_kline",
         "empty klines list", CAMBRICON),
    Kind("empty_chart_series", chart("NVDA", edits.no_bars), "extraction", "stock_chart",
         "no bars returned", {"symbol": "NVDA.US"}),
    Kind("empty_report", report(MARGIN_EXCHANGE, "SSE_SZSE", edits.empty), "extraction",
         "margin_exchange", "report returned no rows", {"subject": "SSE_SZSE"}),
    Kind("truncated_body", raw("eastmoney/kline/1.688256.json", edits.truncate), "extraction",
         "stock_kline", "truncated JSON", CAMBRICON),
    Kind("html_error_page", raw(f"eastmoney/datacenter/{VALUATION}/603019.json", edits.html),
         "extraction", "valuation", "expected JSON but got an HTML/XML page", SUGON),
    Kind("body_altered_after_landing", raw("eastmoney/kline/1.603019.json", edits.tamper),
         "extraction", "stock_kline", "does not match the sha256", SUGON),
    Kind("duplicated_kline_day", kline("1.688256", edits.duplicate_kline_day), "extraction",
         "stock_kline", "duplicate date", {**CAMBRICON, "date": "2026-01-27"}),
    Kind("non_numeric_price", kline("1.688256", edits.non_numeric), "extraction", "stock_kline",
         "non-numeric value 'N/A'", CAMBRICON),
    Kind("renamed_provider_column", report(VALUATION, "688256", edits.rename_pe), "extraction",
         "valuation", "lacks the column", {**CAMBRICON, "field": "PE_TTM"}),
    Kind("fx_quoted_in_another_currency", chart("CNY=X", edits.currency("USD")), "extraction",
         "fx_chart", "quoted in USD, expected CNY", {"pair": "USDCNY"}),
    Kind("answer_for_another_security", document("eastmoney/kline/1.688256.json", edits.other_code),
         "extraction", "stock_kline", "answer is for code '688981'", CAMBRICON),
    Kind("provider_error_payload", document("yahoo/chart/AMD.json", edits.chart_error),
         "extraction", "stock_chart", "provider error", {"symbol": "AMD.US"}),
    Kind("ipo_scheduled_after_as_of", report(IPO_CN, "CN", edits.scheduled_ipo), "quarantine",
         "ipo_listings", "scheduled_listings_only", {"symbol": "688799.SH"}),
]
