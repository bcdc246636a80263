"""What to fetch: every provider request of a run, derived from the reference seeds.

A request's landing path is a function of the request alone, so a live run and a snapshot replay
find the same body at the same relative path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import polars as pl

from warehouse.seeds import read_seed

KLINE_FIELDS1 = "f1,f2,f3,f4,f5,f6"
KLINE_FIELDS2 = "f51,f52,f53,f54,f55,f56,f57,f58,f59,f60,f61"
FX_TICKERS = {"USDCNY": "CNY=X", "USDHKD": "HKD=X"}


@dataclass(frozen=True)
class RequestSpec:
    """One provider request and where its body lands."""

    provider: str
    host: str
    dataset: str
    subject: str
    code: str
    path: str
    endpoint: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Human-readable identity used in logs and error messages."""
        return f"{self.provider}/{self.dataset}/{self.subject}"


def _epoch(day: date) -> str:
    return str(int(datetime.combine(day, time(), tzinfo=UTC).timestamp()))


def _kline(dataset: str, subject: str, secid: str, fqt: str, start: date, end: date) -> RequestSpec:
    return RequestSpec(
        provider="eastmoney", host="eastmoney_kline", dataset=dataset, subject=subject,
        code=secid, path=f"eastmoney/kline/{secid}.json", endpoint="/api/qt/stock/kline/get",
        params={"secid": secid, "klt": "101", "fqt": fqt, "beg": start.strftime("%Y%m%d"),
                "end": end.strftime("%Y%m%d"), "fields1": KLINE_FIELDS1,
                "fields2": KLINE_FIELDS2},
    )


def _chart(dataset: str, subject: str, ticker: str, start: date, end: date) -> RequestSpec:
    return RequestSpec(
        provider="yahoo", host="yahoo", dataset=dataset, subject=subject, code=ticker,
        path=f"yahoo/chart/{ticker}.json", endpoint=f"/v8/finance/chart/{ticker}",
        params={"interval": "1d", "period1": _epoch(start),
                "period2": _epoch(end + timedelta(days=1))},
    )


def _report(
    dataset: str, report: str, subject: str, key: str, filter_: str, sort: str
) -> RequestSpec:
    return RequestSpec(
        provider="eastmoney", host="eastmoney_datacenter", dataset=dataset, subject=subject,
        code=report, path=f"eastmoney/datacenter/{report}/{key}.json",
        endpoint="/api/data/v1/get",
        params={"reportName": report, "columns": "ALL", "filter": filter_, "pageNumber": "1",
                "pageSize": "500", "sortColumns": sort, "sortTypes": "1"},
    )


def build_catalog(start: date, end: date) -> list[RequestSpec]:
    """All requests for the window [start, end], in a stable order."""
    specs: list[RequestSpec] = []
    for row in read_seed("indices").iter_rows(named=True):
        if row["provider"] == "eastmoney":
            specs.append(_kline("index_kline", row["index_code"], row["provider_code"], "0",
                                start, end))
        else:
            specs.append(_chart("index_chart", row["index_code"], row["provider_code"],
                                start, end))
    securities = read_seed("securities")
    for row in securities.iter_rows(named=True):
        if row["provider"] == "eastmoney":
            specs.append(_kline("stock_kline", row["symbol"], row["provider_code"], "1",
                                start, end))
        else:
            specs.append(_chart("stock_chart", row["symbol"], row["provider_code"], start, end))
    for pair, ticker in FX_TICKERS.items():
        specs.append(_chart("fx_chart", pair, ticker, start, end))
    window = f"(TRADE_DATE>='{start.isoformat()}')(TRADE_DATE<='{end.isoformat()}')"
    a_shares = securities.filter(pl.col("board").is_in(["STAR", "CHINEXT", "MAIN"]))
    for symbol in a_shares["symbol"]:
        code = symbol.split(".")[0]
        specs.append(_report("valuation", "RPT_VALUEANALYSIS_DET", symbol, code,
                             f'(SECURITY_CODE="{code}"){window}', "TRADE_DATE"))
    specs.append(_report("eps_forecast", "RPT_WEB_RESPREDICT", "CN", "CN",
                         f"(REPORT_DATE>='{start.isoformat()}')", "REPORT_DATE"))
    specs.append(_report("ipo_cn", "RPTA_APP_IPOAPPLY", "CN", "CN",
                         f"(LISTING_DATE>='{start.isoformat()}')", "LISTING_DATE"))
    specs.append(_report("margin_total", "RPTA_WEB_MARGIN_DAILYTRADE", "ALL", "ALL",
                         f"(STATISTICS_DATE>='{start.isoformat()}')", "STATISTICS_DATE"))
    specs.append(_report("margin_exchange", "RPTA_RZRQ_LSDB", "SSE_SZSE", "SSE_SZSE",
                         f"(DIM_DATE>='{start.isoformat()}')", "DIM_DATE"))
    # HKEX publishes one New Listing Report per year; the current and previous year cover every
    # debut a one-year lookback needs.
    for year in range(max(start.year, end.year - 1), end.year + 1):
        specs.append(RequestSpec(
            provider="hkex", host="hkex", dataset="ipo_hk", subject=str(year),
            code=f"NLR{year}_Eng", path=f"hkex/nlr/NLR{year}_Eng.xlsx",
            endpoint=("/-/media/HKEXnews/Homepage/New-Listings/New-Listing-Information/"
                      f"New-Listing-Report/Main/NLR{year}_Eng.xlsx"),
        ))
    return specs
