"""What to fetch: every provider request of a run, derived from the reference seeds.

A request's landing path is a function of the request alone, so a live run and a snapshot replay
find the same body at the same relative path. A live run narrows each request to the tail of its
series (incremental windows) but never drops one, so every run lands the same set of paths and any
landing directory replays through the same catalog.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import duckdb
import polars as pl

from registry import STAGING_TABLES, by_name
from warehouse.seed_rules import check_seeds
from warehouse.seeds import SEEDS_DIR, read_seed, sessions

KLINE_FIELDS1 = "f1,f2,f3,f4,f5,f6"
KLINE_FIELDS2 = "f51,f52,f53,f54,f55,f56,f57,f58,f59,f60,f61"
FX_TICKERS = {"USDCNY": "CNY=X", "USDHKD": "HKD=X"}
# Second sources the gate compares with the primary series (see expectations/suites/crosscheck):
# Yahoo's closes of indices whose bars come from Eastmoney, and Eastmoney's forex klines for the
# Yahoo FX pairs. Eastmoney has no onshore USD/CNY kline; offshore USD/CNH stands in for it.
INDEX_CROSSCHECKS = {"HSI": "^HSI", "NDX": "^NDX"}
FX_CROSSCHECKS = {"USDCNY": "133.USDCNH", "USDHKD": "119.USDHKD"}
SSE_PAGE_SIZE = "5000"
# SZSE and SSE share the XSHG calendar; margin statistics are published for its sessions only.
MARGIN_CALENDAR = "XSHG"
REPORT_PAGE_SIZE = "500"
# IPO reports cover a market, not one exchange: the last listing of either exchange counts.
IPO_MARKETS = {"SSE": "CN", "SZSE": "CN", "HKEX": "HK"}

SeriesKey = tuple[str, str]


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
    # One request per trading day (SZSE margin): a landing zone holds only the days it fetched.
    per_day: bool = False

    @property
    def key(self) -> str:
        """Human-readable identity used in logs and error messages."""
        return f"{self.provider}/{self.dataset}/{self.subject}"


@dataclass(frozen=True)
class Windows:
    """Where each series starts: its last stored date minus an overlap, or the history start."""

    start: date
    end: date
    last_stored: Mapping[SeriesKey, date] = field(default_factory=dict)
    overlap_days: int = 0

    def since(self, series: Iterable[SeriesKey]) -> date:
        """Start date for a request covering ``series``; any series never stored backfills all."""
        lasts = [self.last_stored.get(key) for key in series]
        if not lasts or any(last is None for last in lasts):
            return self.start
        oldest = min(last for last in lasts if last is not None)
        return min(self.end, max(self.start, oldest - timedelta(days=self.overlap_days)))


def page_of(spec: RequestSpec, number: int) -> RequestSpec:
    """Page ``number`` (2 and up) of a paged report request; its body lands beside page 1's."""
    stem, _, suffix = spec.path.rpartition(".")
    return replace(spec, path=f"{stem}.p{number}.{suffix}",
                   params={**spec.params, "pageNumber": str(number)})


def replayable(specs: Iterable[RequestSpec], root: Path) -> list[RequestSpec]:
    """``specs`` a landing zone can answer: per-day requests only for the days it landed.

    An incremental run lands the tail days of a per-day series, not its history; the gate's
    session rule, not a missing-body error, is what catches a day missing inside a series.
    """
    return [spec for spec in specs if not spec.per_day or (root / spec.path).is_file()]


def last_stored_dates(con: duckdb.DuckDBPyConnection) -> dict[SeriesKey, date]:
    """The last date each series reached in the core tables (empty for a new warehouse)."""
    stored: dict[SeriesKey, date] = {}
    for table in STAGING_TABLES:
        dataset = by_name(table)
        if dataset.series is None:
            continue
        series = duckdb.ColumnExpression(dataset.series)
        last_date = duckdb.FunctionExpression("max", duckdb.ColumnExpression(dataset.date))
        rows = con.table(f"core.{table}").aggregate([series, last_date], series).fetchall()
        for name, last in rows:
            if table == "ipo_listings":
                name = IPO_MARKETS.get(name, name)
                last = max(last, stored.get((table, name), last))
            stored[(table, name)] = last
    return stored


def _epoch(day: date) -> str:
    return str(int(datetime.combine(day, time(), tzinfo=UTC).timestamp()))


def kline_request(
    dataset: str, subject: str, secid: str, fqt: str, start: date, end: date
) -> RequestSpec:
    """An Eastmoney daily kline request (``fqt`` 1: forward-adjusted prices)."""
    return RequestSpec(
        provider="eastmoney", host="eastmoney_kline", dataset=dataset, subject=subject,
        code=secid, path=f"eastmoney/kline/{secid}.json", endpoint="/api/qt/stock/kline/get",
        params={"secid": secid, "klt": "101", "fqt": fqt, "beg": start.strftime("%Y%m%d"),
                "end": end.strftime("%Y%m%d"), "fields1": KLINE_FIELDS1,
                "fields2": KLINE_FIELDS2},
    )


def chart_request(dataset: str, subject: str, ticker: str, start: date, end: date) -> RequestSpec:
    """A Yahoo daily chart request over [start, end]."""
    return RequestSpec(
        provider="yahoo", host="yahoo", dataset=dataset, subject=subject, code=ticker,
        path=f"yahoo/chart/{ticker}.json", endpoint=f"/v8/finance/chart/{ticker}",
        params={"interval": "1d", "period1": _epoch(start),
                "period2": _epoch(end + timedelta(days=1))},
    )


def _report(
    dataset: str, report: str, subject: str, key: str, condition: str, date_column: str,
    start: date, end: date, sort: tuple[str, str] | None = None,
) -> RequestSpec:
    columns, orders = sort or (date_column, "1")
    window = f"({date_column}>='{start.isoformat()}')({date_column}<='{end.isoformat()}')"
    return RequestSpec(
        provider="eastmoney", host="eastmoney_datacenter", dataset=dataset, subject=subject,
        code=report, path=f"eastmoney/datacenter/{report}/{key}.json",
        endpoint="/api/data/v1/get",
        params={"reportName": report, "columns": "ALL", "filter": condition + window,
                "pageNumber": "1", "pageSize": REPORT_PAGE_SIZE, "sortColumns": columns,
                "sortTypes": orders},
    )


def _sse_margin(start: date, end: date) -> RequestSpec:
    return RequestSpec(
        provider="sse", host="sse", dataset="margin_sse", subject="SSE", code="SSE",
        path="sse/margin/SSE.json", endpoint="/marketdata/tradedata/queryMargin.do",
        params={"isPagination": "true", "beginDate": start.strftime("%Y%m%d"),
                "endDate": end.strftime("%Y%m%d"), "tabType": "", "stockCode": "",
                "pageHelp.pageSize": SSE_PAGE_SIZE, "pageHelp.pageNo": "1",
                "pageHelp.beginPage": "1", "pageHelp.cacheSize": "1", "pageHelp.endPage": "1"},
    )


def _szse_margin(day: date) -> RequestSpec:
    return RequestSpec(
        provider="szse", host="szse", dataset="margin_szse", subject="SZSE",
        code=day.isoformat(), path=f"szse/margin/{day.isoformat()}.json",
        endpoint="/api/report/ShowReport/data",
        params={"SHOWTYPE": "JSON", "CATALOGID": "1837_xxpl", "txtDate": day.isoformat(),
                "tab1PAGENO": "1"},
        per_day=True,
    )


def build_catalog(
    start: date,
    end: date,
    last_stored: Mapping[SeriesKey, date] | None = None,
    overlap_days: int = 0,
    seeds_dir: Path = SEEDS_DIR,
) -> list[RequestSpec]:
    """All requests for the window [start, end], in a stable order.

    With ``last_stored`` (from :func:`last_stored_dates`) each request starts ``overlap_days``
    before the last date its series reached instead of at ``start``.
    """
    # Seed values become request parameters, filter strings and landing paths.
    check_seeds(seeds_dir)
    windows = Windows(start, end, last_stored or {}, overlap_days)
    securities = read_seed("securities", seeds_dir)
    return [*_bar_specs(windows, read_seed("indices", seeds_dir), securities),
            *_report_specs(windows, securities), *_hkex_specs(start, end)]


def _bar_specs(windows: Windows, indices: pl.DataFrame,
               securities: pl.DataFrame) -> list[RequestSpec]:
    """Daily bars of every seeded index, security and FX pair, with their second sources."""
    end = windows.end
    specs: list[RequestSpec] = []
    for row in indices.iter_rows(named=True):
        since = windows.since([("index_bars", row["index_code"])])
        if row["provider"] == "eastmoney":
            specs.append(kline_request("index_kline", row["index_code"], row["provider_code"], "0",
                                since, end))
        else:
            specs.append(chart_request("index_chart", row["index_code"], row["provider_code"],
                                since, end))
        if row["index_code"] in INDEX_CROSSCHECKS:
            specs.append(chart_request("index_chart_check", row["index_code"],
                                INDEX_CROSSCHECKS[row["index_code"]], since, end))
    for row in securities.iter_rows(named=True):
        since = windows.since([("security_bars", row["symbol"])])
        if row["provider"] == "eastmoney":
            specs.append(kline_request("stock_kline", row["symbol"], row["provider_code"], "1",
                                since, end))
        else:
            specs.append(chart_request("stock_chart", row["symbol"], row["provider_code"],
                                       since, end))
    for pair, ticker in FX_TICKERS.items():
        since = windows.since([("fx_rates", pair)])
        specs.append(chart_request("fx_chart", pair, ticker, since, end))
        specs.append(kline_request("fx_kline_check", pair, FX_CROSSCHECKS[pair], "0", since, end))
    return specs


def _report_specs(windows: Windows, securities: pl.DataFrame) -> list[RequestSpec]:
    """Eastmoney datacenter reports (valuation, forecasts, IPOs, margin) and exchange margin."""
    end = windows.end
    specs: list[RequestSpec] = []
    a_shares = securities.filter(pl.col("board").is_in(["STAR", "CHINEXT", "MAIN"]))["symbol"]
    for symbol in a_shares:
        code = symbol.split(".")[0]
        specs.append(_report("valuation", "RPT_VALUEANALYSIS_DET", symbol, code,
                             f'(SECURITY_CODE="{code}")', "TRADE_DATE",
                             windows.since([("valuation", symbol)]), end))
    secucodes = ",".join(f'"{symbol}"' for symbol in a_shares)
    specs.append(_report("eps_forecast", "RPT_WEB_RESPREDICT", "CN", "CN",
                         f"(SECUCODE in ({secucodes}))", "REPORT_DATE",
                         windows.since([("eps_forecast", s) for s in a_shares]), end,
                         ("REPORT_DATE,SECURITY_CODE,PREDICT_YEAR", "1,1,1")))
    specs.append(_report("ipo_cn", "RPTA_APP_IPOAPPLY", "CN", "CN", "", "LISTING_DATE",
                         windows.since([("ipo_listings", "CN")]), end))
    specs.append(_report("margin_total", "RPTA_WEB_MARGIN_DAILYTRADE", "ALL", "ALL", "",
                         "STATISTICS_DATE", windows.since([("margin", "TOTAL")]), end))
    specs.append(_report("margin_exchange", "RPTA_RZRQ_LSDB", "SSE_SZSE", "SSE_SZSE",
                         '(SCDM in ("007","001"))', "DIM_DATE",
                         windows.since([("margin", "SSE"), ("margin", "SZSE")]), end,
                         ("DIM_DATE,SCDM", "1,-1")))
    specs.append(_sse_margin(windows.since([("margin", "SSE")]), end))
    specs.extend(_szse_margin(day) for day in sessions(
        MARGIN_CALENDAR, windows.since([("margin", "SZSE")]), end))
    return specs


def _hkex_specs(start: date, end: date) -> list[RequestSpec]:
    """HKEX New Listing Reports of the window's last two years."""
    specs: list[RequestSpec] = []
    # HKEX publishes one New Listing Report per year; the current and previous year cover every
    # debut a one-year lookback needs. They are small static files, fetched whole every run.
    for year in range(max(start.year, end.year - 1), end.year + 1):
        specs.append(RequestSpec(
            provider="hkex", host="hkex", dataset="ipo_hk", subject=str(year),
            code=f"NLR{year}_Eng", path=f"hkex/nlr/NLR{year}_Eng.xlsx",
            endpoint=("/-/media/HKEXnews/Homepage/New-Listings/New-Listing-Information/"
                      f"New-Listing-Report/Main/NLR{year}_Eng.xlsx"),
        ))
    return specs
