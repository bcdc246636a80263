"""Eastmoney requests: daily klines of a secid and datacenter reports over a date window."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

import polars as pl

from flows.sources.request import RequestSpec, Windows

KLINE_PATH = "/api/qt/stock/kline/get"
REPORT_PATH = "/api/data/v1/get"
KLINE_FIELDS1 = "f1,f2,f3,f4,f5,f6"
KLINE_FIELDS2 = "f51,f52,f53,f54,f55,f56,f57,f58,f59,f60,f61"
REPORT_PAGE_SIZE = "500"
# (table, second source?) → (endpoint, fqt): 1 asks for forward-adjusted prices.
KLINE_ENDPOINTS = {
    ("index_bars", False): ("index_kline", "0"),
    ("security_bars", False): ("stock_kline", "1"),
    ("fx_rates", True): ("fx_kline_check", "0"),
}
# Reports asked for a whole market, landed under a fixed key instead of a security code.
MARKET_REPORTS = {"RPT_WEB_RESPREDICT": "CN", "RPTA_APP_IPOAPPLY": "CN",
                  "RPTA_WEB_MARGIN_DAILYTRADE": "ALL", "RPTA_RZRQ_LSDB": "SSE_SZSE"}


def kline_request(
    endpoint: str, subject: str, secid: str, fqt: str, start: date, end: date
) -> RequestSpec:
    """An Eastmoney daily kline request (``fqt`` 1: forward-adjusted prices)."""
    return RequestSpec(
        provider="eastmoney", host="eastmoney_kline", endpoint=endpoint, subject=subject,
        provider_code=secid, path=f"eastmoney/kline/{secid}.json", url_path=KLINE_PATH,
        params={"secid": secid, "klt": "101", "fqt": fqt, "beg": start.strftime("%Y%m%d"),
                "end": end.strftime("%Y%m%d"), "fields1": KLINE_FIELDS1,
                "fields2": KLINE_FIELDS2},
    )


def bars(table: str, subject: str, secid: str, start: date, end: date,
         check: bool) -> RequestSpec:
    """Daily klines of one index, A-share or (as a second source) forex pair."""
    endpoint, fqt = KLINE_ENDPOINTS[(table, check)]
    return kline_request(endpoint, subject, secid, fqt, start, end)


def report_request(
    endpoint: str, report: str, subject: str, key: str, condition: str, date_column: str,
    start: date, end: date, sort: tuple[str, str] | None = None,
) -> RequestSpec:
    """A datacenter report's rows whose ``date_column`` falls in [start, end]."""
    columns, orders = sort or (date_column, "1")
    window = f"({date_column}>='{start.isoformat()}')({date_column}<='{end.isoformat()}')"
    return RequestSpec(
        provider="eastmoney", host="eastmoney_datacenter", endpoint=endpoint, subject=subject,
        provider_code=report, path=f"eastmoney/datacenter/{report}/{key}.json",
        url_path=REPORT_PATH,
        params={"reportName": report, "columns": "ALL", "filter": condition + window,
                "pageNumber": "1", "pageSize": REPORT_PAGE_SIZE, "sortColumns": columns,
                "sortTypes": orders},
    )


def reports(windows: Windows, securities: pl.DataFrame) -> list[RequestSpec]:
    """Valuation per A-share, then EPS forecasts, IPOs and margin statistics of the market."""
    end = windows.end
    a_shares = securities.filter(pl.col("board").is_in(["STAR", "CHINEXT", "MAIN"]))["symbol"]
    specs: list[RequestSpec] = []
    for symbol in a_shares:
        code = symbol.split(".")[0]
        specs.append(report_request("valuation", "RPT_VALUEANALYSIS_DET", symbol, code,
                                    f'(SECURITY_CODE="{code}")', "TRADE_DATE",
                                    windows.since([("valuation", symbol)]), end))
    secucodes = ",".join(f'"{symbol}"' for symbol in a_shares)
    specs.append(report_request("eps_forecast", "RPT_WEB_RESPREDICT", "CN", "CN",
                                f"(SECUCODE in ({secucodes}))", "REPORT_DATE",
                                windows.since([("eps_forecast", s) for s in a_shares]), end,
                                ("REPORT_DATE,SECURITY_CODE,PREDICT_YEAR", "1,1,1")))
    specs.append(report_request("ipo_cn", "RPTA_APP_IPOAPPLY", "CN", "CN", "", "LISTING_DATE",
                                windows.since([("ipo_listings", "CN")]), end))
    specs.append(report_request("margin_total", "RPTA_WEB_MARGIN_DAILYTRADE", "ALL", "ALL", "",
                                "STATISTICS_DATE", windows.since([("margin", "TOTAL")]), end))
    specs.append(report_request("margin_exchange", "RPTA_RZRQ_LSDB", "SSE_SZSE", "SSE_SZSE",
                                '(SCDM in ("007","001"))', "DIM_DATE",
                                windows.since([("margin", "SSE"), ("margin", "SZSE")]), end,
                                ("DIM_DATE,SCDM", "1,-1")))
    return specs


def route(url_path: str, params: Mapping[str, str]) -> tuple[str, str] | None:
    """The landed kline or report body a GET asks for."""
    if url_path == KLINE_PATH:
        if params.get("klt") != "101" or "fields2" not in params:
            raise LookupError("daily klines need klt=101 and fields2")
        return "eastmoney_kline", f"eastmoney/kline/{params['secid']}.json"
    if url_path == REPORT_PATH:
        report = params["reportName"]
        code = re.search(r'SECURITY_CODE="(\d+)"', params.get("filter", ""))
        key = code.group(1) if code else MARKET_REPORTS[report]
        return "eastmoney_datacenter", f"eastmoney/datacenter/{report}/{key}.json"
    return None
