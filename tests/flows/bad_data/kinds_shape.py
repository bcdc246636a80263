"""Held-out kinds of bad shape: rows dated on days that are not sessions or after the as-of date,
incomplete answers (pages that never landed, a row with a field missing), bodies without their
manifest, and seeds that must be refused before anything is fetched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.flows.bad_data import edits_reports as er
from tests.flows.bad_data import edits_series as es
from tests.flows.bad_data.edits import (
    IPO_CN,
    MARGIN_TOTAL,
    VALUATION,
    chart,
    document,
    kline,
    report,
)
from tests.flows.bad_data.kinds import Kind
from tests.flows.bad_data.payloads import KLINE_VOLUME

# How the kline parser names a row one field short of its body's others.
SHORT_ROW = "10 fields where the body's others have more"

TRADE = "TRADE_DATE"
MARGIN_DATE = "STATISTICS_DATE"
DAY = "2026-01-27"

DATES: list[Kind] = [
    Kind("valuation_on_new_years_day",
         er.val("603019", er.report_copy_day(TRADE, "2025-12-31", "2026-01-01")),
         "gate", "valuation", "trade_date_is_session",
         {"series": "603019.SH", "first_non_session": "2026-01-01"}),
    Kind("valuation_on_a_sunday",
         er.val("688256", er.report_copy_day(TRADE, "2026-01-23", "2026-01-25")),
         "gate", "valuation", "trade_date_is_session",
         {"series": "688256.SH", "first_non_session": "2026-01-25"}),
    Kind("margin_total_on_a_saturday",
         report(MARGIN_TOTAL, "ALL", er.report_copy_day(MARGIN_DATE, "2026-01-23", "2026-01-24")),
         "gate", "margin", "trade_date_is_session",
         {"series": "TOTAL", "first_non_session": "2026-01-24"}),
    Kind("sse_margin_on_new_years_day", er.sse(er.sse_copy_day("20251231", "20260101")),
         "gate", "margin", "trade_date_is_session",
         {"series": "SSE", "first_non_session": "2026-01-01"}),
    Kind("ipo_listed_on_a_sunday",
         report(IPO_CN, "CN", er.ipo_set("688785", LISTING_DATE="2026-01-25 00:00:00")),
         "gate", "ipo_listings", "listing_date_is_session",
         {"series": "SSE", "first_non_session": "2026-01-25"}),
    Kind("hk_ipo_listed_on_new_years_day",
         er.hkex(er.nlr_set("06938", er.NLR_LISTING_DATE, er.listing_day("2026-01-01"))),
         "gate", "ipo_listings", "listing_date_is_session",
         {"series": "HKEX", "first_non_session": "2026-01-01"}),
    Kind("fx_bar_after_the_window", chart("CNY=X", es.chart_append_day("2026-02-02")),
         "gate", "fx_rates", "no_future_date", {"pair": "USDCNY", "trade_date": "2026-02-02"}),
    Kind("sse_margin_after_the_window", er.sse(er.sse_copy_day("20260130", "20260202")),
         "gate", "margin", "no_future_date", {"exchange": "SSE", "trade_date": "2026-02-02"}),
    Kind("valuation_after_the_window",
         er.val("601138", er.report_copy_day(TRADE, "2026-01-30", "2026-02-02")),
         "gate", "valuation", "no_future_date",
         {"symbol": "601138.SH", "trade_date": "2026-02-02"}),
]

REPORTS = "eastmoney/datacenter"
INCOMPLETE: list[Kind] = [
    Kind("valuation_only_page_one_landed",
         document(f"{REPORTS}/{VALUATION}/601360.json", er.declare_pages(2, 215)),
         "extraction", "valuation", "pages", {"symbol": "601360.SH"}),
    Kind("margin_total_only_page_one_landed",
         document(f"{REPORTS}/{MARGIN_TOTAL}/ALL.json", er.declare_pages(2, 215)),
         "extraction", "margin_total", "pages", {"subject": "ALL"}),
    Kind("ipo_report_only_page_one_landed",
         document(f"{REPORTS}/{IPO_CN}/CN.json", er.declare_pages(3, 1000)),
         "extraction", "ipo_cn", "pages", {"subject": "CN"}),
    Kind("stock_kline_row_without_amount",
         kline("1.688111", es.kline_drop_field(DAY, es.KLINE_AMOUNT)),
         "extraction", "stock_kline", SHORT_ROW, {"symbol": "688111.SH"}),
    Kind("index_kline_row_without_volume",
         kline("0.399006", es.kline_drop_field(DAY, KLINE_VOLUME)),
         "extraction", "index_kline", SHORT_ROW, {"index_code": "CHINEXT"}),
    Kind("fx_check_kline_row_without_close", kline("119.USDHKD", es.kline_drop_field(DAY, 2)),
         "extraction", "fx_kline_check", SHORT_ROW, {"pair": "USDHKD"}),
    Kind("chart_close_array_one_short", chart("0992.HK", es.chart_drop_last("close")),
         "extraction", "stock_chart", "values for", {"symbol": "00992.HK"}),
    Kind("kline_manifest_gone", er.drop_manifest("eastmoney/kline/1.688521.json"),
         "extraction", "stock_kline", "manifest", {"symbol": "688521.SH"}),
    Kind("report_manifest_gone", er.drop_manifest(f"{REPORTS}/{VALUATION}/300496.json"),
         "extraction", "valuation", "manifest", {"symbol": "300496.SZ"}),
    Kind("workbook_manifest_gone", er.drop_manifest("hkex/nlr/NLR2026_Eng.xlsx"),
         "extraction", "ipo_hk", "manifest", {"subject": "2026"}),
]


@dataclass(frozen=True)
class SeedKind:
    """A bad reference seed: refused before any fetch (exit 2), naming seed, rule and value."""

    id: str
    edit: Callable[[Path], None]
    rule: str
    row: dict[str, object] = field(default_factory=dict)
    table: str = "securities"


SEED_KINDS: list[SeedKind] = [
    SeedKind("seed_symbol_off_exchange_pattern", er.seed_set("300308.SZ", symbol="3003O8.SZ"),
             "pattern", {"symbol": "3003O8.SZ"}),
    SeedKind("seed_symbol_suffix_of_another_exchange",
             er.seed_set("688008.SH", symbol="688008.SZ"), "pattern", {"symbol": "688008.SZ"}),
    SeedKind("seed_hk_symbol_with_four_digits", er.seed_set("00020.HK", symbol="0020.HK"),
             "pattern", {"symbol": "0020.HK"}),
    SeedKind("seed_symbol_with_path_separators",
             er.seed_set("688521.SH", symbol="../../../../tmp/688521.SH"), "pattern",
             {"symbol": "../../../../tmp/688521.SH"}),
    SeedKind("seed_provider_code_with_path_separators",
             er.seed_set("NVDA.US", provider_code="../../../NVDA"), "provider_code",
             {"symbol": "NVDA.US", "provider_code": "../../../NVDA"}),
    SeedKind("seed_symbol_breaking_the_filter_string",
             er.seed_set("601360.SH", symbol='601360.SH")OR("1"="1'), "pattern",
             {"symbol": '601360.SH")OR("1"="1'}),
    SeedKind("seed_symbol_twice", er.seed_duplicate("002230.SZ"), "unique",
             {"symbol": "002230.SZ"}),
    SeedKind("seed_currency_of_another_exchange", er.seed_set("09999.HK", currency="CNY"),
             "currency", {"symbol": "09999.HK", "currency": "CNY"}),
    SeedKind("seed_provider_code_of_another_market",
             er.seed_set("603893.SH", provider_code="0.603893"), "provider_code",
             {"symbol": "603893.SH", "provider_code": "0.603893"}),
    SeedKind("seed_unknown_calendar", er.seed_set("TSM.US", calendar="XNYZ"), "calendar",
             {"symbol": "TSM.US", "calendar": "XNYZ"}),
]

