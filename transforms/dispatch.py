"""Which parser handles which dataset, and which staging table it feeds."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from transforms import (
    crosscheck,
    eastmoney_datacenter,
    eastmoney_fx,
    eastmoney_kline,
    hkex_nlr,
    sse_margin,
    szse_margin,
    yahoo_chart,
)

Parser = Callable[[bytes, str, str], pl.DataFrame]

PARSERS: dict[str, tuple[str, Parser]] = {
    "index_kline": ("index_bars", eastmoney_kline.index_bars),
    "stock_kline": ("security_bars", eastmoney_kline.security_bars),
    "index_chart": ("index_bars", yahoo_chart.index_bars),
    "stock_chart": ("security_bars", yahoo_chart.security_bars),
    "fx_chart": ("fx_rates", yahoo_chart.fx_rates),
    "valuation": ("valuation", lambda body, subject, code: eastmoney_datacenter.valuation(
        body, subject)),
    "eps_forecast": ("eps_forecast", lambda body, subject, code: (
        eastmoney_datacenter.eps_forecast(body, subject))),
    "ipo_cn": ("ipo_listings", lambda body, subject, code: eastmoney_datacenter.ipo_listings(
        body, subject)),
    "ipo_hk": ("ipo_listings", lambda body, subject, code: hkex_nlr.ipo_listings(body, subject)),
    "margin_total": ("margin", lambda body, subject, code: eastmoney_datacenter.margin_total(
        body, subject)),
    "margin_sse": ("margin", lambda body, subject, code: sse_margin.margin(body, subject)),
    "margin_szse": ("margin", szse_margin.margin),
    "margin_exchange": ("crosscheck", lambda body, subject, code: (
        crosscheck.margin_by_exchange(body, subject))),
    "index_chart_check": ("crosscheck", crosscheck.index_closes),
    "fx_kline_check": ("crosscheck", eastmoney_fx.fx_closes),
}


def parse(dataset: str, body: bytes, subject: str, code: str) -> tuple[str, pl.DataFrame]:
    """Parse one landed body: returns the staging table name and the typed frame."""
    table, parser = PARSERS[dataset]
    return table, parser(body, subject, code)
