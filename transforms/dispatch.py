"""Which parser handles which dataset, and which staging table it feeds."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from transforms import (
    crosscheck,
    eastmoney_bars,
    eastmoney_datacenter,
    eastmoney_fx,
    hkex_nlr,
    sse_margin,
    szse_margin,
    yahoo_chart,
)
from transforms.eastmoney_kline import KlineBody
from transforms.errors import NotPublished, PayloadError
from transforms.payload import ParsedBatch

Parser = Callable[[bytes, str, str], pl.DataFrame]
# (body, subject, provider code) of one landed request.
Landed = tuple[bytes, str, str]
BatchParser = Callable[[str, Sequence[Landed]], ParsedBatch]

PARSERS: dict[str, tuple[str, Parser]] = {
    "index_kline": ("index_bars", eastmoney_bars.index_bars),
    "stock_kline": ("security_bars", eastmoney_bars.security_bars),
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


# Datasets whose bodies are parsed together in one vectorised pass (the bulk of a backfill).
BATCH_PARSERS: dict[str, BatchParser] = {
    "index_kline": lambda dataset, landed: eastmoney_bars.index_bars_batch(
        [KlineBody(body, dataset, subject, code) for body, subject, code in landed]),
    "stock_kline": lambda dataset, landed: eastmoney_bars.security_bars_batch(
        [KlineBody(body, dataset, subject, code) for body, subject, code in landed]),
    "valuation": lambda dataset, landed: eastmoney_datacenter.valuation_batch(
        [(body, subject) for body, subject, _ in landed]),
}


def parse_many(
    dataset: str, landed: Sequence[Landed]
) -> tuple[str, pl.DataFrame, dict[int, PayloadError | NotPublished]]:
    """Parse many landed bodies of one dataset.

    Returns the staging table, the rows of every body that met its contract with an ``item``
    column (the body's position in ``landed``), and for every other body its error or, when
    the provider had not yet published what was asked, its :class:`NotPublished` outcome.
    """
    table, parser = PARSERS[dataset]
    batch_parser = BATCH_PARSERS.get(dataset)
    if batch_parser is not None:
        batch = batch_parser(dataset, landed)
        return table, batch.frame, dict(batch.errors)
    frames: list[pl.DataFrame] = []
    errors: dict[int, PayloadError | NotPublished] = {}
    for item, (body, subject, code) in enumerate(landed):
        try:
            frame = parser(body, subject, code)
        except (PayloadError, NotPublished) as exc:
            errors[item] = exc
            continue
        frames.append(frame.select(pl.lit(item, dtype=pl.UInt32).alias("item"), pl.all()))
    return table, pl.concat(frames) if frames else pl.DataFrame(), errors


def parse(dataset: str, body: bytes, subject: str, code: str) -> tuple[str, pl.DataFrame]:
    """Parse one landed body: returns the staging table name and the typed frame."""
    table, parser = PARSERS[dataset]
    return table, parser(body, subject, code)
