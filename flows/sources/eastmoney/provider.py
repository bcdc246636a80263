"""Eastmoney as the catalog, the client and the parse stage see it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from flows.sources.eastmoney.catalog import bars, reports, route
from flows.sources.eastmoney.client import Eastmoney
from flows.sources.provider import Provider
from transforms import crosscheck, eastmoney_bars, eastmoney_datacenter, eastmoney_fx
from transforms.dispatch import Landed, Parsing, by_subject
from transforms.eastmoney_kline import KlineBody
from transforms.payload import ParsedBatch


def _klines(endpoint: str, landed: Sequence[Landed]) -> list[KlineBody]:
    return [KlineBody(body, endpoint, subject, code) for body, subject, code in landed]


def _index_bars(endpoint: str, landed: Sequence[Landed]) -> ParsedBatch:
    return eastmoney_bars.index_bars_batch(_klines(endpoint, landed))


def _security_bars(endpoint: str, landed: Sequence[Landed]) -> ParsedBatch:
    return eastmoney_bars.security_bars_batch(_klines(endpoint, landed))


def _valuations(endpoint: str, landed: Sequence[Landed]) -> ParsedBatch:
    return eastmoney_datacenter.valuation_batch([(body, subject) for body, subject, _ in landed])


PROVIDER = Provider(
    name="eastmoney",
    endpoints={
        "index_kline": Parsing("index_bars", eastmoney_bars.index_bars, _index_bars),
        "stock_kline": Parsing("security_bars", eastmoney_bars.security_bars, _security_bars),
        "valuation": Parsing("valuation", by_subject(eastmoney_datacenter.valuation),
                             _valuations),
        "eps_forecast": Parsing("eps_forecast", by_subject(eastmoney_datacenter.eps_forecast)),
        "ipo_cn": Parsing("ipo_listings", by_subject(eastmoney_datacenter.ipo_listings)),
        "margin_total": Parsing("margin", by_subject(eastmoney_datacenter.margin_total)),
        "margin_exchange": Parsing("crosscheck", by_subject(crosscheck.margin_by_exchange)),
        "fx_kline_check": Parsing("crosscheck", eastmoney_fx.fx_closes),
    },
    route=route,
    client=Eastmoney(),
    bars=bars,
    # Market prefix (0 Shenzhen, 1 Shanghai, 100 global indices, 105-107 US, 116 HK, 119/133
    # forex) and the code.
    code_pattern=re.compile(r"(0|1|100|105|106|107|116|119|133)\.[0-9A-Z]{1,12}"),
    # Second source of the Yahoo FX pairs (see expectations/suites/crosscheck). Eastmoney has
    # no onshore USD/CNY kline; offshore USD/CNH stands in for it.
    checks={"fx_rates": {"USDCNY": "133.USDCNH", "USDHKD": "119.USDHKD"}},
    requests=reports,
)
