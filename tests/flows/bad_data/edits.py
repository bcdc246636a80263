"""How each kind breaks a payload: edits of kline rows, chart results, report rows and bodies."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any

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

PRICES = (KLINE_OPEN, KLINE_CLOSE, KLINE_HIGH, KLINE_LOW)
VALUATION = "RPT_VALUEANALYSIS_DET"
EPS = "RPT_WEB_RESPREDICT"
IPO_CN = "RPTA_APP_IPOAPPLY"
MARGIN_TOTAL = "RPTA_WEB_MARGIN_DAILYTRADE"
MARGIN_EXCHANGE = "RPTA_RZRQ_LSDB"


def negate_close(rows: list[list[str]]) -> None:
    """A negative close on 2026-01-27."""
    row = kline_row(rows, "2026-01-27")
    row[KLINE_CLOSE] = "-" + row[KLINE_CLOSE]


def zero_open(rows: list[list[str]]) -> None:
    """An open of zero on 2026-01-27."""
    row = kline_row(rows, "2026-01-27")
    row[KLINE_OPEN] = like(row[KLINE_OPEN], 0.0)


def high_below_low(rows: list[list[str]]) -> None:
    """A high a yuan below the low on 2026-01-26."""
    row = kline_row(rows, "2026-01-26")
    row[KLINE_HIGH] = like(row[KLINE_HIGH], float(row[KLINE_LOW]) - 1)


def jump_60pct(rows: list[list[str]]) -> None:
    """Every price of 2026-01-27 up 60 %."""
    scale(kline_row(rows, "2026-01-27"), PRICES, 1.6)


def crash_30pct(rows: list[list[str]]) -> None:
    """Every price of 2026-01-27 down 30 %."""
    row = kline_row(rows, "2026-01-27")
    scale(row, PRICES, 0.7)


def drop_day(day: str) -> Callable[[list[list[str]]], None]:
    """Remove the row of ``day``: a missing trading day."""

    def edit(rows: list[list[str]]) -> None:
        rows.remove(kline_row(rows, day))

    return edit


def drop_from(day: str) -> Callable[[list[list[str]]], None]:
    """Remove every row from ``day`` on: the feed stopped."""

    def edit(rows: list[list[str]]) -> None:
        rows[:] = [row for row in rows if row[KLINE_DATE] < day]

    return edit


def append_day(day: str) -> Callable[[list[list[str]]], None]:
    """Add a copy of the last row dated ``day``, in date order."""

    def edit(rows: list[list[str]]) -> None:
        extra = [day, *rows[-1][1:]]
        rows.append(extra)
        rows.sort(key=lambda row: row[KLINE_DATE])

    return edit


def volume_in_shares(rows: list[list[str]]) -> None:
    """Volumes in shares where the provider's unit is lots of 100."""
    for row in rows:
        row[KLINE_VOLUME] = str(int(row[KLINE_VOLUME]) * 100)


def halt_filler(rows: list[list[str]]) -> None:
    """A suspended-day filler on 2026-01-27: the previous close, no volume."""
    previous = rows[rows.index(kline_row(rows, "2026-01-27")) - 1]
    row = kline_row(rows, "2026-01-27")
    for index in PRICES:
        row[index] = previous[KLINE_CLOSE]
    row[KLINE_VOLUME] = "0"


def duplicate_kline_day(rows: list[list[str]]) -> None:
    """The row of 2026-01-27 twice."""
    row = kline_row(rows, "2026-01-27")
    rows.insert(rows.index(row), list(row))


def non_numeric(rows: list[list[str]]) -> None:
    """A close of ``N/A`` on 2026-01-27."""
    kline_row(rows, "2026-01-27")[KLINE_CLOSE] = "N/A"


def valuation_day(day: str, **changes: object) -> Callable[[list[dict[str, Any]]], None]:
    """Overwrite fields of the valuation row of ``day``."""

    def edit(rows: list[dict[str, Any]]) -> None:
        report_row(rows, "TRADE_DATE", day).update(changes)

    return edit


def duplicate_valuation_row(rows: list[dict[str, Any]]) -> None:
    """The valuation row of 2026-01-27 twice."""
    row = report_row(rows, "TRADE_DATE", "2026-01-27")
    rows.insert(rows.index(row), dict(row))


def valuation_in_fen(rows: list[dict[str, Any]]) -> None:
    """Close and market cap in fen (x100) from 2026-01-26 on."""
    for row in rows:
        if row["TRADE_DATE"] >= "2026-01-26":
            row["CLOSE_PRICE"] = round(row["CLOSE_PRICE"] * 100, 2)
            row["TOTAL_MARKET_CAP"] = row["TOTAL_MARKET_CAP"] * 100


def double_market_cap(rows: list[dict[str, Any]]) -> None:
    """Twice the market cap on 2026-01-27."""
    row = report_row(rows, "TRADE_DATE", "2026-01-27")
    row["TOTAL_MARKET_CAP"] = row["TOTAL_MARKET_CAP"] * 2


def rename_pe(rows: list[dict[str, Any]]) -> None:
    """``PE_TTM`` renamed upstream."""
    for row in rows:
        row["PE_TTM_NEW"] = row.pop("PE_TTM")


def eps_edit(**changes: object) -> Callable[[list[dict[str, Any]]], None]:
    """Overwrite fields of Sugon's 2026 consensus row."""

    def edit(rows: list[dict[str, Any]]) -> None:
        row = next(r for r in rows if r["SECUCODE"] == "603019.SH" and r["PREDICT_YEAR"] == 2026)
        row.update(changes)

    return edit


def duplicate_eps_row(rows: list[dict[str, Any]]) -> None:
    """Cambricon's 2026 consensus row twice."""
    row = next(r for r in rows if r["SECUCODE"] == "688256.SH" and r["PREDICT_YEAR"] == 2026)
    rows.insert(rows.index(row), dict(row))


def margin_total_in_yuan(rows: list[dict[str, Any]]) -> None:
    """Market-wide balances in yuan, not 亿元, from 2026-01-26 on."""
    for row in rows:
        if row["STATISTICS_DATE"] >= "2026-01-26":
            row["FIN_BALANCE"] = row["FIN_BALANCE"] * 1e8


def margin_total_infinite(rows: list[dict[str, Any]]) -> None:
    """An infinite market-wide balance on 2026-01-27."""
    report_row(rows, "STATISTICS_DATE", "2026-01-27")["FIN_BALANCE"] = float("inf")


def szse_day_above_total(tabs: list[dict[str, Any]]) -> None:
    """SZSE's own report of its day with the financing balance up by half (亿元 text)."""
    row = tabs[0]["data"][0]
    row["jrrzye"] = f"{float(row['jrrzye'].replace(',', '')) * 1.5:,.2f}"


def empty(rows: list[Any]) -> None:
    """No rows at all."""
    rows.clear()


def ipo_edit(code: str, **changes: object) -> Callable[[list[dict[str, Any]]], None]:
    """Overwrite fields of one A-share IPO row."""

    def edit(rows: list[dict[str, Any]]) -> None:
        next(r for r in rows if r["SECURITY_CODE"] == code).update(changes)

    return edit


def duplicate_ipo(rows: list[dict[str, Any]]) -> None:
    """One A-share IPO listed twice."""
    rows.append(dict(next(r for r in rows if r["SECURITY_CODE"] == "688785")))


def scheduled_ipo(rows: list[dict[str, Any]]) -> None:
    """An A-share IPO scheduled to list after the as-of date."""
    row = copy.deepcopy(next(r for r in rows if r["SECURITY_CODE"] == "688785"))
    row.update({"SECURITY_CODE": "688799", "SECURITY_NAME_ABBR": "待上市",
                "LISTING_DATE": "2026-02-06 00:00:00", "LD_OPEN_PRICE": None,
                "LD_CLOSE_PRICE": None, "LD_CLOSE_CHANGE": None})
    rows.append(row)


def prospectus_after_listing(sheet: Any) -> None:
    """Knowledge Atlas' prospectus dated after its listing."""
    sheet.cell(row=nlr_row(sheet, "02513"), column=4).value = datetime(2026, 1, 20)


def currency(code: str) -> Callable[[dict[str, Any]], None]:
    """The chart quoted in another currency."""

    def edit(result: dict[str, Any]) -> None:
        result["meta"]["currency"] = code

    return edit


def chart_day(day: str, **values: float | None) -> Callable[[dict[str, Any]], None]:
    """Set quote fields of one chart day."""
    return lambda result: chart_set(result, day, **values)


def chart_from(day: str, factor: float) -> Callable[[dict[str, Any]], None]:
    """Scale chart prices from ``day`` on."""
    return lambda result: chart_scale_from(result, day, factor)


def chart_until(day: str) -> Callable[[dict[str, Any]], None]:
    """Cut the chart after ``day``."""
    return lambda result: chart_truncate_after(result, day)


def no_bars(result: dict[str, Any]) -> None:
    """A chart with no timestamps and no quotes."""
    result["timestamp"] = []
    result["indicators"]["quote"][0] = {name: [] for name in result["indicators"]["quote"][0]}


def other_code(doc: dict[str, Any]) -> None:
    """A kline answer for another security's code."""
    doc["data"]["code"] = "688981"


def chart_error(doc: dict[str, Any]) -> None:
    """Yahoo's error envelope in place of a result."""
    error = {"code": "Not Found", "description": "No data found, symbol may be delisted"}
    doc["chart"] = {"result": None, "error": error}


def truncate(snapshot: Snapshot, relpath: str) -> None:
    """The first half of the body: a dropped connection."""
    body = snapshot.read(relpath)
    snapshot.write(relpath, body[: len(body) // 2])


def html(snapshot: Snapshot, relpath: str) -> None:
    """A gateway's HTML error page in place of JSON."""
    snapshot.write(relpath, b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>")


def tamper(snapshot: Snapshot, relpath: str) -> None:
    """A byte changed without re-signing the manifest."""
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
