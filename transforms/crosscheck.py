"""Second-source figures → ``crosscheck`` rows the gate compares with the primary series."""

from __future__ import annotations

import polars as pl

from registry.datasets import CROSSCHECK
from transforms import eastmoney_datacenter, yahoo_chart
from transforms.schemas import conform


def reference_rows(
    frame: pl.DataFrame, *, dataset: str, series: str | pl.Expr, provider: str, value: str
) -> pl.DataFrame:
    """``frame``'s ``value`` column per ``trade_date`` as the ``crosscheck`` of ``dataset``."""
    name = pl.lit(series) if isinstance(series, str) else series
    return conform(
        frame.with_columns(
            pl.lit(dataset).alias("dataset"), name.alias("series"),
            pl.lit(provider).alias("provider"), pl.col(value).alias("value"),
        ),
        CROSSCHECK,
    )


def margin_by_exchange(body: bytes, subject: str) -> pl.DataFrame:
    """Eastmoney's ``RPTA_RZRQ_LSDB`` SSE/SZSE financing balances, to check the exchanges'.

    A day without a balance (``-``) has nothing to compare and is dropped.
    """
    frame = eastmoney_datacenter.margin_by_exchange(body, subject)
    return reference_rows(frame.filter(pl.col("financing_balance").is_not_null()),
                          dataset="margin", series=pl.col("exchange"),
                          provider="eastmoney", value="financing_balance")


def index_closes(body: bytes, index_code: str, ticker: str) -> pl.DataFrame:
    """Yahoo's closes of an index whose bars come from Eastmoney; close-less bars are dropped."""
    frame = yahoo_chart.parse_chart(body, "index_chart_check", index_code, ticker)
    return reference_rows(frame.filter(pl.col("close").is_not_null()), dataset="index_bars",
                          series=index_code, provider="yahoo", value="close")
