"""Rows in SZSE's wire format (report ``1837_xxpl``, the margin summary): the inverse of its
transform, for the snapshot builder, the benchmark generator and tests."""

from __future__ import annotations

from datetime import date

from flows.sources.bodies import api_json

CATALOG_ID = "1837_xxpl"
# The summary tab's columns as the exchange labels them; the labels carry the unit.
COLUMNS = {"jrrzmr": "融资买入额(亿元)", "jrrzye": "融资余额(亿元)",
           "jrrjmc": "融券卖出量(亿股/亿份)", "jrrjyl": "融券余量(亿股/亿份)",
           "jrrjye": "融券余额(亿元)", "jrrzrjye": "融资融券余额(亿元)"}
YI = 1e8


def margin_body(
    day: date, *, financing_balance: float, financing_buy: float, lending_balance: float
) -> bytes:
    """The summary tab of one session's report: yuan figures written in 亿元 at 2 decimals
    with thousands separators; the share counts (``jrrjmc``, ``jrrjyl``) are not carried."""
    values = {"jrrzmr": _yi(financing_buy), "jrrzye": _yi(financing_balance),
              "jrrjye": _yi(lending_balance),
              "jrrzrjye": _yi(financing_balance + lending_balance)}
    return api_json([{"metadata": {"catalogid": CATALOG_ID, "name": "融资融券交易总量",
                                   "tabkey": "tab1", "subname": day.isoformat(),
                                   "cols": COLUMNS, "pagecount": 1, "recordcount": 1},
                      "data": [values], "error": None}])


def _yi(yuan: float) -> str:
    return f"{yuan / YI:,.2f}"
