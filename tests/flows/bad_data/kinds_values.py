"""Held-out kinds of bad values: unit and scale changes in every dataset's value columns, and
implausible values that are still numbers (sentinels, spikes that revert, frozen series,
unadjusted splits, a rate off its second source, a loss-maker's P/E).
"""

from __future__ import annotations

from tests.flows.bad_data import edits_reports as er
from tests.flows.bad_data import edits_series as es
from tests.flows.bad_data.edits import EPS, IPO_CN, MARGIN_TOTAL, chart, document, kline, report
from tests.flows.bad_data.kinds import Kind
from tests.flows.bad_data.payloads import KLINE_VOLUME

# Rule ids of the series detectors being built (issue 10): this corpus asks for these names.
SPIKE = "no_spike_and_revert"
STALE = "not_stale"
SPLIT = "no_unadjusted_split"
LEVEL, RANGE = "unit_level_stable", "value_in_plausible_range"
TRADE = "TRADE_DATE"
MARGIN_DATE = "STATISTICS_DATE"


def measure(series: str, column: str) -> dict[str, object]:
    """The gate sample key of a value-column rule: one series' column."""
    return {"series": series, "measure": column}


VAL_TAIL = er.report_tail(TRADE)
SINCE = "2026-01-26"

UNITS: list[Kind] = [
    Kind("valuation_market_cap_in_wan",
         er.val("601138", VAL_TAIL, er.report_scale("TOTAL_MARKET_CAP", 1e-4, TRADE)),
         "gate", "valuation", LEVEL, measure("601138.SH", "market_cap")),
    Kind("valuation_market_cap_in_yi",
         er.val("002415", er.report_scale("TOTAL_MARKET_CAP", 1e-8, TRADE, SINCE)),
         "gate", "valuation", RANGE, measure("002415.SZ", "market_cap")),
    Kind("valuation_shares_in_wan",
         er.val("300308", VAL_TAIL, er.report_scale("TOTAL_SHARES", 1e-4, TRADE)),
         "gate", "valuation", LEVEL, measure("300308.SZ", "total_shares")),
    Kind("valuation_shares_in_yi",
         er.val("000977", er.report_scale("TOTAL_SHARES", 1e-8, TRADE, SINCE)),
         "gate", "valuation", RANGE, measure("000977.SZ", "total_shares")),
    Kind("valuation_close_in_jiao",
         er.val("688041", VAL_TAIL, er.report_scale("CLOSE_PRICE", 10, TRADE)),
         "gate", "valuation", LEVEL, measure("688041.SH", "close")),
    Kind("valuation_pe_in_per_cent",
         er.val("601138", VAL_TAIL, er.report_scale("PE_TTM", 100, TRADE)),
         "gate", "valuation", LEVEL, measure("601138.SH", "pe_ttm")),
    Kind("eps_forecast_in_fen",
         report(EPS, "CN", es.chain(er.report_tail("REPORT_DATE", "2026-01-01"),
                                   er.report_scale("EPS", 100, "REPORT_DATE",
                                                  SECUCODE="603019.SH"))),
         "gate", "eps_forecast", LEVEL, measure("603019.SH", "eps")),
    Kind("eps_forecast_in_ten_thousandths",
         report(EPS, "CN", er.report_scale("EPS", 1e4, "REPORT_DATE", "2026-01-05",
                                          SECUCODE="688256.SH", PREDICT_YEAR=2026)),
         "gate", "eps_forecast", RANGE, measure("688256.SH", "eps")),
    Kind("ipo_funds_raised_in_yuan_not_wan",
         report(IPO_CN, "CN", er.ipo_set("603352", TOTAL_RAISE_FUNDS=1239870000.0)),
         "gate", "ipo_listings", RANGE, measure("SSE", "funds_raised")),
    Kind("ipo_funds_raised_in_yi_not_wan",
         report(IPO_CN, "CN", er.ipo_set("601112", TOTAL_RAISE_FUNDS=29.1859)),
         "gate", "ipo_listings", RANGE, measure("SSE", "funds_raised")),
    Kind("ipo_offer_price_in_fen",
         report(IPO_CN, "CN", er.ipo_set("603402", ISSUE_PRICE=8044.0)),
         "gate", "ipo_listings", "first_day_move_plausible", {"symbol": "603402.SH"}),
    Kind("ipo_first_day_close_in_fen",
         report(IPO_CN, "CN", er.ipo_set("601112", LD_CLOSE_PRICE=2478.0)),
         "gate", "ipo_listings", "first_day_move_plausible", {"symbol": "601112.SH"}),
    Kind("ipo_first_day_open_in_fen",
         report(IPO_CN, "CN", er.ipo_set("688785", LD_OPEN_PRICE=31000.0)),
         "gate", "ipo_listings", "first_day_move_plausible", {"symbol": "688785.SH"}),
    Kind("hkex_funds_raised_in_millions", er.hkex(er.nlr_scale_funds("06082", 1e-6)),
         "gate", "ipo_listings", RANGE, measure("HKEX", "funds_raised")),
    Kind("hkex_offer_price_in_cents", er.hkex(er.nlr_set("00100", er.NLR_PRICE, 16500)),
         "gate", "ipo_listings", RANGE, measure("HKEX", "offer_price")),
    Kind("sse_margin_purchases_in_wan",
         er.sse(er.sse_tail, er.sse_scale("rzmre", 1e-4, "")),
         "gate", "margin", LEVEL, measure("SSE", "financing_buy")),
    Kind("szse_margin_purchases_in_wan_labelled_yi",
         document("szse/margin/2026-01-27.json", er.szse_scale("jrrzmr", 1e4)),
         "gate", "margin", RANGE, measure("SZSE", "financing_buy")),
    Kind("margin_total_lending_in_wan",
         report(MARGIN_TOTAL, "ALL", er.report_scale("LOAN_BALANCE", 1e4, MARGIN_DATE, SINCE)),
         "gate", "margin", RANGE, measure("TOTAL", "lending_balance")),
    Kind("margin_total_purchases_in_hundredths",
         report(MARGIN_TOTAL, "ALL", es.chain(er.report_tail(MARGIN_DATE),
                                             er.report_scale("FIN_BUY_AMT", 0.01, MARGIN_DATE))),
         "gate", "margin", LEVEL, measure("TOTAL", "financing_buy")),
    Kind("index_amount_in_wan",
         kline("0.399006", es.chain(es.kline_tail, es.kline_scale((es.KLINE_AMOUNT,), 1e-4))),
         "gate", "index_bars", LEVEL, measure("CHINEXT", "amount")),
    Kind("index_volume_in_shares_not_lots",
         kline("1.000300", es.chain(es.kline_tail, es.kline_scale((KLINE_VOLUME,), 100))),
         "gate", "index_bars", LEVEL, measure("CSI300", "volume")),
    # The market-wide turnover margin balances are compared with; no stock kline carries one.
    Kind("market_turnover_in_thousands",
         kline("1.000985", es.chain(es.kline_tail, es.kline_scale((es.KLINE_AMOUNT,), 1e-3))),
         "gate", "index_bars", LEVEL, measure("CSIALL", "amount")),
    Kind("hk_stock_volume_in_thousands",
         chart("1810.HK", es.chain(es.chart_tail, es.chart_scale(("volume",), 1e-3))),
         "gate", "security_bars", LEVEL, measure("01810.HK", "volume")),
    Kind("us_stock_prices_in_cents",
         chart("MSFT", es.chain(es.chart_tail, es.chart_scale(es.CHART_PRICES, 100))),
         "gate", "security_bars", LEVEL, measure("MSFT.US", "close")),
    Kind("usdhkd_inverted",
         chart("HKD=X", es.chain(es.chart_tail, es.chart_scale(es.CHART_PRICES, 1 / 7.8 ** 2))),
         "gate", "fx_rates", RANGE, measure("USDHKD", "rate")),
    Kind("fx_second_source_tenfold", kline("133.USDCNH", es.kline_scale((1, 2), 10, SINCE)),
         "extraction", "fx_kline_check", "not a USDCNY rate", {"pair": "USDCNY"}),
]


DAY = "2026-01-27"
ONE_DAY = {"since": DAY, "until": DAY}

PLAUSIBILITY: list[Kind] = [
    Kind("pe_sentinel_minus_99999", er.val("688008", er.report_set(TRADE, DAY, PE_TTM=-99999.0)),
         "gate", "valuation", RANGE, measure("688008.SH", "pe_ttm")),
    Kind("pe_sentinel_9999", er.val("603501", er.report_set(TRADE, DAY, PE_TTM=9999.0)),
         "gate", "valuation", RANGE, measure("603501.SH", "pe_ttm")),
    Kind("pe_zero_for_no_earnings", er.val("300502", er.report_set(TRADE, DAY, PE_TTM=0.0)),
         "gate", "valuation", RANGE, measure("300502.SZ", "pe_ttm")),
    Kind("index_spike_reverts", kline("1.000300", es.kline_spike(DAY, 1.08)),
         "gate", "index_bars", SPIKE, {"series": "CSI300"}),
    Kind("hsi_spike_copied_by_both_vendors",
         er.both(kline("100.HSI", es.kline_spike(DAY, 1.06)),
              chart("^HSI", es.chart_scale(es.CHART_PRICES, 1.06, **ONE_DAY))),
         "gate", "index_bars", SPIKE, {"series": "HSI"}),
    Kind("usdcny_spike_reverts", chart("CNY=X", es.chart_scale(es.CHART_PRICES, 1.02, **ONE_DAY)),
         "gate", "fx_rates", SPIKE, {"series": "USDCNY"}),
    Kind("margin_total_spike_reverts",
         report(MARGIN_TOTAL, "ALL", er.report_scale("FIN_BALANCE", 1.04, MARGIN_DATE,
                                                    STATISTICS_DATE=f"{DAY} 00:00:00")),
         "gate", "margin", SPIKE, {"series": "TOTAL"}),
    Kind("index_frozen_while_market_moves", kline("1.000300", es.kline_freeze_from("2026-01-22")),
         "gate", "index_bars", STALE, {"series": "CSI300"}),
    Kind("usdcny_frozen_for_a_week", chart("CNY=X", es.chart_freeze_from("2026-01-22")),
         "gate", "fx_rates", STALE, {"series": "USDCNY"}),
    Kind("us_large_cap_frozen_with_volume", chart("PLTR", es.chart_freeze_from("2026-01-22")),
         "gate", "security_bars", STALE, {"series": "PLTR.US"}),
    Kind("us_split_left_unadjusted", chart("NVDA", es.chart_split_from(DAY, 4)),
         "gate", "security_bars", SPLIT, {"series": "NVDA.US"}),
    Kind("hk_split_left_unadjusted", chart("3690.HK", es.chart_split_from(DAY, 2)),
         "gate", "security_bars", SPLIT, {"series": "03690.HK"}),
    Kind("a_share_bonus_issue_left_unadjusted", kline("0.002371", es.kline_split_from(DAY, 2)),
         "gate", "security_bars", SPLIT, {"series": "002371.SZ"}),
    Kind("usdcny_a_few_percent_off_second_source",
         chart("CNY=X", es.chart_scale(es.CHART_PRICES, 1.025, since=DAY)),
         "gate", "crosscheck", "usdcny_move_confirmed", {"series": "USDCNY", "trade_date": DAY}),
    Kind("negative_pe_published_as_null",
         er.val("688256", er.report_set(TRADE, "2026-01-30", PE_TTM=-85.3)),
         "published", "mart_valuation", "pe_ttm",
         {"symbol": "688256.SH", "trade_date": "2026-01-30"}),
]

