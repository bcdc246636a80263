"""Eastmoney forex klines (``133.USDCNH``, ``119.USDHKD``) → ``crosscheck`` rows for fx_rates.

The kline envelope is the stocks' one, so ``eastmoney_kline.parse_kline`` enforces it; what is
FX-specific is the pair the answer is for and the plausible size of the rate, which catches an
inverted quote (HKD per USD read as USD per HKD) or a rate per 100 USD.
"""

from __future__ import annotations

import polars as pl

from transforms import eastmoney_kline
from transforms.crosscheck import reference_rows
from transforms.errors import PayloadError

PROVIDER = "eastmoney"
DATASET = "fx_kline_check"
# Quote currency units per USD that any real daily close of these pairs has stayed within.
RATE_BOUNDS = {"USDCNY": (5.0, 9.0), "USDHKD": (7.0, 8.5)}


def fx_closes(body: bytes, pair: str, secid: str) -> pl.DataFrame:
    """Daily closes of ``secid`` as the cross-check of ``pair`` in ``fx_rates``; a day without
    a close (``-``) has nothing to compare and is dropped."""
    frame = eastmoney_kline.parse_kline(body, DATASET, pair, secid).filter(
        pl.col("close").is_not_null())
    low, high = RATE_BOUNDS[pair]
    off = frame.filter(~pl.col("close").is_between(low, high))
    if off.height:
        raise PayloadError(PROVIDER, DATASET, f"close {off['close'][0]} on "
                           f"{off['trade_date'][0]} is outside {low}-{high}: not a "
                           f"{pair} rate (inverted or rescaled quote)", field="data.klines",
                           subject=pair)
    return reference_rows(frame, dataset="fx_rates", series=pair, provider=PROVIDER,
                          value="close")
