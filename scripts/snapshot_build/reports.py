"""Reports from real files: A-share IPOs, HKEX NLR workbooks, margin totals and their split
(as Eastmoney's RPTA_RZRQ_LSDB and as the exchanges' own SSE and SZSE reports)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np

from flows.sources.landing import LandingZone
from flows.sources.sse.bodies import MarginDay
from flows.sources.sse.bodies import margin_body as sse_margin_body
from flows.sources.szse.bodies import margin_body as szse_margin_body
from snapshot_build.cn_sources import listing_facts
from snapshot_build.common import (
    WINDOW_END,
    WINDOW_START,
    Repair,
    blank_repair,
    check_sessions,
    in_window,
    parse_day,
    read_table,
    rng_for,
    seed_of,
    sessions,
    window_rows,
)
from snapshot_build.equities import DEBUTS
from snapshot_build.formats import (
    Request,
    datacenter_body,
    datacenter_request,
    em_datetime,
    land,
    window_filter,
)

IPO_MARKETS = {"科创板": "上交所科创板", "创业板": "深交所创业板", "沪市主板": "上交所主板",
               "深市主板": "深交所主板"}
NLR_URL = ("https://www2.hkexnews.hk/-/media/HKEXnews/Homepage/New-Listings/"
           "New-Listing-Information/New-Listing-Report/Main/NLR{year}_Eng.xlsx")
MARGIN_COLUMNS = {"fin_balance": "FIN_BALANCE", "loan_balance": "LOAN_BALANCE",
                  "fin_buy": "FIN_BUY_AMT", "guarantee": "AVG_GUARANTEE_RATIO"}
# Seeded shares of the market-wide totals; whatever SSE and SZSE leave is the BSE's.
SSE_BAND, SZSE_BAND = (0.51, 0.53), (0.46, 0.48)
MIN_BSE_SHARE = 0.003
SSE_URL = "https://query.sse.com.cn/marketdata/tradedata/queryMargin.do"
SZSE_URL = "https://www.szse.cn/api/report/ShowReport/data"
SPLIT_NOTE = ("SYNTHETIC, like eastmoney/datacenter/RPTA_RZRQ_LSDB/SSE_SZSE.json whose numbers it "
              "carries: the real market-wide margin totals x a seeded exchange share (see that "
              "file's manifest). No public exchange-level series for the window was found.")


def ipo_rows(shared: Path) -> tuple[list[dict[str, object]], list[str]]:
    """NBmao's Chinese-keyed IPO items inside the window, mapped back to provider columns."""
    document = json.loads((shared / "real" / "ipos" / "a_share_ipo_2026_eastmoney_NBmao.json")
                          .read_text(encoding="utf-8"))
    items = [item for item in document["items"]
             if item["上市日期"] and in_window(parse_day(item["上市日期"]))]
    rows: list[dict[str, object]] = []
    for item in sorted(items, key=lambda it: (it["上市日期"], it["股票代码"])):
        rows.append({
            "SECURITY_CODE": item["股票代码"], "SECURITY_NAME_ABBR": item["股票简称"],
            "TRADE_MARKET": IPO_MARKETS[item["板块"]],
            "APPLY_DATE": em_datetime(parse_day(item["申购日期"])),
            "LISTING_DATE": em_datetime(parse_day(item["上市日期"])),
            "ISSUE_PRICE": item["发行价"], "ISSUE_NUM": item["发行总量_万股"],
            "TOTAL_RAISE_FUNDS": float(Decimal(str(item["募集资金_亿元"])) * 10000),
            "AFTER_ISSUE_PE": item["发行市盈率"],
            "LD_OPEN_PRICE": item["首日开盘价"], "LD_CLOSE_PRICE": item["首日收盘价"],
            "LD_CLOSE_CHANGE": item["首日涨跌幅_pct"], "INDUSTRY_NAME": item["行业"],
        })
    return rows, [item["上市日期"] for item in sorted(items, key=lambda it: it["上市日期"])]


def debut_rows(shared: Path) -> list[dict[str, object]]:
    """The STAR debuts of December 2025 from their first kline row (issue price = preKPrice)."""
    rows: list[dict[str, object]] = []
    for code in DEBUTS:
        listed, issue, bar = listing_facts(shared, code)
        name = read_table(shared.joinpath("real", "stocks_cn", "eastmoney_kline_xiedonge",
                                          f"{code}.csv"), "date")[0]["name"]
        if bar.published is None or bar.open is None:
            raise ValueError(f"{code}: the listing-day row lacks the provider's fields")
        rows.append({
            "SECURITY_CODE": code, "SECURITY_NAME_ABBR": name, "TRADE_MARKET": "上交所科创板",
            "APPLY_DATE": None, "LISTING_DATE": em_datetime(listed), "ISSUE_PRICE": issue,
            "ISSUE_NUM": None, "TOTAL_RAISE_FUNDS": None, "AFTER_ISSUE_PE": None,
            "LD_OPEN_PRICE": bar.open, "LD_CLOSE_PRICE": bar.close,
            "LD_CLOSE_CHANGE": float(bar.published[1]), "INDUSTRY_NAME": None,
        })
    return rows


def build_ipos(shared: Path, landing: LandingZone) -> None:
    """Write the A-share IPO report and copy the two HKEX New Listing Reports."""
    rows, listed = ipo_rows(shared)
    rows = sorted(debut_rows(shared) + rows,
                  key=lambda row: (str(row["LISTING_DATE"]), str(row["SECURITY_CODE"])))
    land(landing,
        "eastmoney/datacenter/RPTA_APP_IPOAPPLY/CN.json",
        datacenter_body("RPTA_APP_IPOAPPLY", rows), provider="eastmoney", dataset="ipo_cn",
        subject="CN",
        request=datacenter_request("RPTA_APP_IPOAPPLY", window_filter("LISTING_DATE"),
                                   "LISTING_DATE", "1", len(rows)),
        origin="reconstructed",
        origin_detail=(
            "A-share IPOs listed inside the window, from NBmao/a-share-ipo-2026 @ 385c2bc670 "
            "data/ipo_2026.json (that repo's digest of Eastmoney RPTA_APP_IPOAPPLY + quotes, "
            "rebuilt from index text; byte identity not hash-verified). Chinese keys mapped back "
            "to provider columns, values unchanged except TOTAL_RAISE_FUNDS (see repairs). That "
            "source covers 2026 listings only; the STAR debuts of December 2025, Moore Threads "
            "688795 (2025-12-05) and MetaX 688802 (2025-12-17), come from their listing-day "
            "Eastmoney kline rows (xiedonge/first_codex @ 437ad90a5d data/daily/<code>.csv, "
            "equal to GerryZhang0925/data-driven-stock-picker @ f6e5941e8b): ISSUE_PRICE = the "
            "row's preKPrice, LD_OPEN_PRICE / LD_CLOSE_PRICE = its open / close, LD_CLOSE_CHANGE "
            "= its pct change; their apply date, issue size and funds raised were not found "
            "(null). Other 2025 listings are missing; BSE listings are excluded by the source."),
        repairs=[Repair("unit_raise_funds_yi_to_wan",
                        "募集资金_亿元 x 10000 (exact decimal) = TOTAL_RAISE_FUNDS in 万元",
                        tuple(listed))],
    )
    for year in (2025, 2026):
        name = f"NLR{year}_Eng.xlsx"
        body = (shared / "real" / "ipos" / f"hkex_{name}").read_bytes()
        land(landing,
            f"hkex/nlr/{name}", body, provider="hkex", dataset="ipo_hk", subject="HK",
            request=Request(NLR_URL.format(year=year), {}), origin="recorded",
            origin_detail=(
                f"Official HKEX New Listing Report {year} workbook, byte-identical copy of "
                f"dl512/ipo-update @ f20337f021 {name}; capture time unknown (recorded_at null). "
                "Covers the whole year as published, including listings after the window."),
        )


def margin_totals(shared: Path) -> tuple[list[tuple[date, dict[str, float]]], list[Repair]]:
    """Market-wide margin statistics per session, keyed by the provider's column names (亿元)."""
    rows = read_table(shared / "real" / "margin" / "cn_margin_account_stats_eastmoney.csv",
                      "date")
    cut = window_rows(rows, "date", list(MARGIN_COLUMNS))
    check_sessions([parse_day(row["date"]) for row in cut.rows], "XSHG", "margin")
    totals = [(parse_day(row["date"]),
               {provider: float(row[ours]) for ours, provider in MARGIN_COLUMNS.items()})
              for row in cut.rows]
    return totals, blank_repair(cut.blank, "cn_margin_account_stats_eastmoney.csv")


def slow_share(rng: np.random.Generator, count: int, band: tuple[float, float]) -> np.ndarray:
    """A smooth random path inside ``band``: a mean-reverting walk, lightly smoothed."""
    low, high = band
    centre, half = (low + high) / 2, (high - low) / 2
    level, walk = 0.0, []
    for _ in range(count):
        level = 0.98 * level + float(rng.normal(0, 0.12))
        walk.append(level)
    kernel = np.ones(10) / 10
    smooth = np.convolve(np.pad(np.asarray(walk), (9, 0), mode="edge"), kernel, mode="valid")
    return centre + half * np.tanh(smooth)


def build_margin(shared: Path, landing: LandingZone) -> None:
    """Write the real market-wide margin report and the synthetic SSE/SZSE split."""
    totals, repairs = margin_totals(shared)
    rows: list[dict[str, object]] = [{"STATISTICS_DATE": em_datetime(day), **values}
                                     for day, values in totals]
    land(landing,
        "eastmoney/datacenter/RPTA_WEB_MARGIN_DAILYTRADE/ALL.json",
        datacenter_body("RPTA_WEB_MARGIN_DAILYTRADE", rows), provider="eastmoney",
        dataset="margin_total", subject="ALL",
        request=datacenter_request("RPTA_WEB_MARGIN_DAILYTRADE",
                                   window_filter("STATISTICS_DATE"), "STATISTICS_DATE", "1",
                                   len(rows)),
        origin="reconstructed",
        origin_detail=(
            "Market-wide (SSE+SZSE+BSE, CSF caliber) margin account statistics from "
            "cateatcatx/ai-theme-monitor @ 16995c5d11 data/margin.csv, a dump of Eastmoney "
            "RPTA_WEB_MARGIN_DAILYTRADE whose columns the repo renamed; provider names restored, "
            "values unchanged: FIN_BALANCE, LOAN_BALANCE, FIN_BUY_AMT in 亿元, "
            "AVG_GUARANTEE_RATIO in %."),
        repairs=repairs,
    )
    split = exchange_split(totals)
    build_exchange_margin(landing, split)
    land(landing,
        "eastmoney/datacenter/RPTA_RZRQ_LSDB/SSE_SZSE.json",
        datacenter_body("RPTA_RZRQ_LSDB", split), provider="eastmoney",
        dataset="margin_exchange", subject="SSE_SZSE",
        request=datacenter_request("RPTA_RZRQ_LSDB",
                                   '(SCDM in ("007","001"))' + window_filter("DIM_DATE"),
                                   "DIM_DATE,SCDM", "1,-1", len(split)),
        origin="synthetic",
        origin_detail=(
            "The exchange split is SYNTHETIC, the total is real: for each session RZYE/RQYE/"
            "RZMRE (yuan) = the real market-wide FIN_BALANCE/LOAN_BALANCE/FIN_BUY_AMT (亿元 x "
            "1e8, from RPTA_WEB_MARGIN_DAILYTRADE/ALL.json) x a seeded, slowly varying share: "
            f"SSE ('007') within {SSE_BAND[0]}-{SSE_BAND[1]}, SZSE ('001') within "
            f"{SZSE_BAND[0]}-{SZSE_BAND[1]}, the remainder (at least {MIN_BSE_SHARE}) being the "
            f"BSE's; seed {seed_of('RPTA_RZRQ_LSDB')} = crc32('RPTA_RZRQ_LSDB'). No public "
            f"exchange-level margin series for {WINDOW_START}..{WINDOW_END} was found."),
    )


def exchange_split(totals: list[tuple[date, dict[str, float]]]) -> list[dict[str, object]]:
    """The synthetic SSE ('007') and SZSE ('001') rows of RPTA_RZRQ_LSDB: each session's real
    totals x a seeded, slowly varying share, in yuan."""
    rng = rng_for("RPTA_RZRQ_LSDB")
    days = sessions("XSHG")
    sse = slow_share(rng, len(days), SSE_BAND)
    szse = np.minimum(slow_share(rng, len(days), SZSE_BAND), 1 - MIN_BSE_SHARE - sse)
    split: list[dict[str, object]] = []
    for index, (day, values) in enumerate(totals):
        for market, share in (("007", sse[index]), ("001", szse[index])):
            split.append({
                "DIM_DATE": em_datetime(day), "SCDM": market,
                **{ours: round(values[theirs] * 1e8 * float(share), 2)
                   for ours, theirs in (("RZYE", "FIN_BALANCE"), ("RQYE", "LOAN_BALANCE"),
                                        ("RZMRE", "FIN_BUY_AMT"))},
            })
    return split


def build_exchange_margin(landing: LandingZone, split: list[dict[str, object]]) -> None:
    """The same split as the exchanges publish it: SSE's range report, SZSE's daily reports."""
    sse = [_margin_day(row) for row in split if row["SCDM"] == "007"]
    szse = [_margin_day(row) for row in split if row["SCDM"] == "001"]
    begin, end = WINDOW_START.strftime("%Y%m%d"), WINDOW_END.strftime("%Y%m%d")
    land(landing,
        "sse/margin/SSE.json", sse_margin_body(sse), provider="sse", dataset="margin_sse",
        subject="SSE",
        request=Request(SSE_URL, {
            "isPagination": "true", "beginDate": begin, "endDate": end, "tabType": "",
            "stockCode": "", "pageHelp.pageSize": "5000", "pageHelp.pageNo": "1",
            "pageHelp.beginPage": "1", "pageHelp.cacheSize": "1", "pageHelp.endPage": "1"}),
        origin="synthetic",
        origin_detail=(f"{SPLIT_NOTE} Written as SSE's queryMargin.do summary, newest day first: "
                       "rzye, rzmre, rqylje = RZYE, RZMRE, RQYE rounded to whole yuan; rzrqjyzl = "
                       "rzye + rqylje; the share counts rqyl and rqmcl are not carried."),
    )
    for margin in szse:
        day = margin.day.isoformat()
        land(landing,
            f"szse/margin/{day}.json",
            szse_margin_body(margin.day, financing_balance=margin.financing_balance,
                             financing_buy=margin.financing_buy,
                             lending_balance=margin.lending_balance),
            provider="szse", dataset="margin_szse", subject="SZSE",
            request=Request(SZSE_URL, {"SHOWTYPE": "JSON", "CATALOGID": "1837_xxpl",
                                       "txtDate": day, "tab1PAGENO": "1"}),
            origin="synthetic",
            origin_detail=(f"{SPLIT_NOTE} SZSE summary tab for {day}: RZMRE, RZYE, RQYE in 亿元 "
                           "at 2 decimals with thousands separators; share counts and the "
                           "per-security tab are not carried."),
        )


def _margin_day(row: dict[str, object]) -> MarginDay:
    """An Eastmoney split row as the exchange's own figures of that day, in yuan."""
    return MarginDay(parse_day(str(row["DIM_DATE"])), financing_balance=_yuan(row, "RZYE"),
                     financing_buy=_yuan(row, "RZMRE"), lending_balance=_yuan(row, "RQYE"))


def _yuan(row: dict[str, object], column: str) -> float:
    value = row[column]
    if not isinstance(value, float | int):
        raise ValueError(f"{column} of {row['DIM_DATE']} is not a number")
    return float(value)
