"""Rows in SSE's wire format (the ``queryMargin.do`` market summary): the inverse of its
transform, for the snapshot builder, the benchmark generator and tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flows.sources.bodies import api_json

# What the site's own pages ask for: the whole window on one page of up to 5,000 days.
PAGE_SIZE = 5000


@dataclass(frozen=True)
class MarginDay:
    """One session's market-wide margin figures, in yuan."""

    day: date
    financing_balance: float
    financing_buy: float
    lending_balance: float


def margin_body(days: Sequence[MarginDay]) -> bytes:
    """A ``queryMargin.do`` answer: one page, newest day first, whole yuan.

    ``rzrqjyzl`` (the margin total) is the rounded sum of the two balances, as SSE reports it;
    no days gives the exchange's "nothing published yet" answer (``pageHelp.total`` 0).
    """
    rows = [{"opDate": d.day.strftime("%Y%m%d"), "rzye": round(d.financing_balance),
             "rzmre": round(d.financing_buy), "rqylje": round(d.lending_balance),
             "rzrqjyzl": round(d.financing_balance + d.lending_balance)}
            for d in sorted(days, key=lambda d: d.day, reverse=True)]
    return api_json({"actionErrors": [], "isPagination": "true", "jsonCallBack": None,
                     "pageHelp": {"beginPage": 1, "cacheSize": 1, "data": rows, "pageCount": 1,
                                  "pageNo": 1, "pageSize": PAGE_SIZE, "total": len(rows)},
                     "result": rows, "stockCode": "", "type": ""})
