"""Staging frame contracts shared by transforms, the quality gate and the warehouse loader.

Units are fixed here once: prices in the instrument's currency, volumes in shares, money
amounts in whole currency units (yuan, HKD, USD), rates as quote currency per USD.
"""

from __future__ import annotations

import polars as pl

INDEX_BARS = pl.Schema(
    {
        "index_code": pl.String,
        "trade_date": pl.Date,
        "open": pl.Float64,
        "high": pl.Float64,
        "low": pl.Float64,
        "close": pl.Float64,
        "volume": pl.Float64,
        "amount": pl.Float64,
    }
)

SECURITY_BARS = pl.Schema(
    {
        "symbol": pl.String,
        "trade_date": pl.Date,
        "open": pl.Float64,
        "high": pl.Float64,
        "low": pl.Float64,
        "close": pl.Float64,
        "volume": pl.Float64,
        "amount": pl.Float64,
        "currency": pl.String,
    }
)

FX_RATES = pl.Schema(
    {
        "pair": pl.String,
        "trade_date": pl.Date,
        "rate": pl.Float64,
    }
)

VALUATION = pl.Schema(
    {
        "symbol": pl.String,
        "trade_date": pl.Date,
        "close": pl.Float64,
        "pe_ttm": pl.Float64,
        "market_cap": pl.Float64,
        "total_shares": pl.Float64,
    }
)

EPS_FORECAST = pl.Schema(
    {
        "symbol": pl.String,
        "report_date": pl.Date,
        "fiscal_year": pl.Int32,
        "eps": pl.Float64,
    }
)

IPO_LISTINGS = pl.Schema(
    {
        "symbol": pl.String,
        "name": pl.String,
        "exchange": pl.String,
        "board": pl.String,
        "listing_date": pl.Date,
        "prospectus_date": pl.Date,
        "offer_price": pl.Float64,
        "first_day_open": pl.Float64,
        "first_day_close": pl.Float64,
        "funds_raised": pl.Float64,
        "currency": pl.String,
    }
)

MARGIN = pl.Schema(
    {
        "exchange": pl.String,
        "trade_date": pl.Date,
        "financing_balance": pl.Float64,
        "lending_balance": pl.Float64,
        "financing_buy": pl.Float64,
    }
)

# A second source's figure for a series the primary source stages elsewhere: Eastmoney's SSE/SZSE
# margin balances (``margin``), Yahoo's NDX/HSI closes (``index_bars``), Eastmoney's FX closes
# (``fx_rates``). The gate compares the two sources day by day; core keeps the figures so a
# disagreement found later can be traced to both.
CROSSCHECK = pl.Schema(
    {
        "dataset": pl.String,
        "series": pl.String,
        "trade_date": pl.Date,
        "provider": pl.String,
        "value": pl.Float64,
    }
)

STAGING_SCHEMAS: dict[str, pl.Schema] = {
    "index_bars": INDEX_BARS,
    "security_bars": SECURITY_BARS,
    "fx_rates": FX_RATES,
    "valuation": VALUATION,
    "eps_forecast": EPS_FORECAST,
    "ipo_listings": IPO_LISTINGS,
    "margin": MARGIN,
    "crosscheck": CROSSCHECK,
}


def empty(schema: pl.Schema) -> pl.DataFrame:
    """An empty frame with the given staging schema."""
    return pl.DataFrame(schema=schema)


def conform(frame: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """Select and cast exactly the schema's columns, in order."""
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])

QUOTE_SNAPSHOTS = pl.Schema(
    {
        "symbol": pl.String(),
        "quote_time": pl.Datetime("us", "UTC"),
        "price": pl.Float64(),
        "prev_close": pl.Float64(),
        "pe_ttm": pl.Float64(),
        "market_cap": pl.Float64(),
        "currency": pl.String(),
    }
)
