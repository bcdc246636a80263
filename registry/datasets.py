"""Every dataset the warehouse stores, declared once.

Units are fixed here: prices in the instrument's currency per share, volumes in shares, money in
whole currency units (yuan, HKD, USD), rates as quote currency per USD. Bounds are plausibility
limits, wide enough for every real figure of the covered boards and tight enough that a unit slip
of 100x or more leaves them; the series rules (level shift, step) catch smaller slips against
each series' own history.
"""

from __future__ import annotations

import polars as pl

from registry.model import Calendar, Dataset, Measure, SeriesRules

# A whole column in the wrong unit moves a series' level by a power of ten; the largest real
# change of level between a stored month and the first days of a new batch is far below 8x.
LEVEL_SHIFT = 8.0
# Volumes and turnover swing tenfold on news days and after suspensions: only a shift beyond 30x
# (lots of 100 vs shares, 分 vs 元, 万元 vs 元) is a unit slip.
FLOW_SHIFT = 30.0
# What providers write where a ratio has no meaningful value.
ALL_NINES = tuple(sign * (10.0 ** digits - 1) for digits in (3, 4, 5, 6) for sign in (1, -1))


def _index_level(name: str) -> Measure:
    # Nasdaq-100 and the Hang Seng trade near 20,000-30,000; an index proxied by an ETF (Hang
    # Seng TECH by 513130.SH) is quoted at the ETF's price, under 1 yuan. No covered index has
    # moved 40% in one session.
    return Measure(name, "index_points", low=0.01, high=1e6, shift=LEVEL_SHIFT, step=1.4)


def _price(name: str) -> Measure:
    # Hong Kong penny stocks trade at HKD 0.01, Kweichow Moutai near 2,000 yuan. Debuts without a
    # limit and unadjusted splits move a price several-fold in a day: the board-limit and split
    # rules judge single days, this one only a shift of the series' level.
    return Measure(name, "price", low=0.001, high=1e5, shift=LEVEL_SHIFT)


def _flow(name: str, unit: str, high: float) -> Measure:
    return Measure(name, unit, low=0.0, high=high, shift=FLOW_SHIFT)  # type: ignore[arg-type]


_BAR_FLOWS = (
    # The busiest A-share index trades ~1e11 shares and ~2e12 yuan a day.
    _flow("volume", "shares", 1e13),
    _flow("amount", "money", 1e14),
)

INDEX_BARS = Dataset(
    name="index_bars",
    description="Daily index bars: STAR 50, ChiNext, CSI 300, Hang Seng TECH, Hang Seng, NDX.",
    schema=pl.Schema({
        "index_code": pl.String, "trade_date": pl.Date, "open": pl.Float64,
        "high": pl.Float64, "low": pl.Float64, "close": pl.Float64, "volume": pl.Float64,
        "amount": pl.Float64,
    }),
    keys=("index_code", "trade_date"),
    date="trade_date",
    series="index_code",
    chain="close",
    measures=(*(_index_level(c) for c in ("open", "high", "low", "close")), *_BAR_FLOWS),
    calendar=Calendar(seed_table="indices", seed_key="index_code"),
    lag_sessions=0,
    marts=("mart_index_performance", "mart_index_event_returns", "mart_margin_financing"),
    # An index is an average of many prices: it does not jump 5% and fall back the next day, nor
    # print one level for a week, without a bad print or a frozen feed. Its market is the
    # indices and stocks on its calendar: a 5% index day they did not share a third of is a bad
    # print even where the index's own moves are wide (the Hang Seng rose 6.2% and fell 9.4% in
    # October 2024 with its members).
    series_rules=SeriesRules(spike_floor=0.05, peers=("index_bars", "security_bars")),
)

SECURITY_BARS = Dataset(
    name="security_bars",
    description="Daily bars of the seeded A-share, Hong Kong and US securities.",
    schema=pl.Schema({
        "symbol": pl.String, "trade_date": pl.Date, "open": pl.Float64, "high": pl.Float64,
        "low": pl.Float64, "close": pl.Float64, "volume": pl.Float64, "amount": pl.Float64,
        "currency": pl.String,
    }),
    keys=("symbol", "trade_date"),
    date="trade_date",
    series="symbol",
    chain="close",
    # The most traded single stock turns over ~1e10 shares and ~1e11 in its currency a day.
    measures=(*(_price(c) for c in ("open", "high", "low", "close")),
              _flow("volume", "shares", 1e12), _flow("amount", "money", 1e12)),
    calendar=Calendar(seed_table="securities", seed_key="symbol"),
    lag_sessions=0,
    marts=("mart_basket_market_value", "mart_ipo_debuts", "mart_ipo_monthly"),
    # Real markets do spike and revert (Hong Kong small caps, US meme days) and illiquid Hong
    # Kong names print one close for a week, so those two only warn; a week at one price with
    # no intraday range while a million changes hands every day is a frozen feed, and fails.
    # Kline and chart prices are split-adjusted: a jump matching a split ratio with volume
    # moving inversely, or with the whole bar moved by it on the usual money traded, is a
    # provider that forgot to adjust, and fails.
    series_rules=SeriesRules(spike_floor=0.15, spike="warn", stale="warn", split="fail"),
)

FX_RATES = Dataset(
    name="fx_rates",
    description="Daily USD exchange rates (USD/CNY onshore, USD/HKD), quote currency per USD.",
    schema=pl.Schema({"pair": pl.String, "trade_date": pl.Date, "rate": pl.Float64}),
    keys=("pair", "trade_date"),
    date="trade_date",
    series="pair",
    chain="rate",
    # Every quote currency the marts convert from trades between 0.5 and 200 per USD; a pegged
    # or managed rate moves well under 5% in a day.
    measures=(Measure("rate", "rate", low=0.5, high=200.0, shift=1.5, step=1.05),),
    lag_sessions=0,
    marts=("mart_basket_market_value",),
    # A managed or pegged rate does not move 1% and back; the Hong Kong dollar can sit on its
    # 7.85 convertibility limit for weeks, so an unchanged rate only warns, unless the pair's
    # second source moved meanwhile. Yahoo's onshore USD/CNY sits on one rate through mainland
    # holidays (7.119 from 2025-10-01 to 10-08) while offshore USD/CNH trades on, so such a run
    # counts the home market's sessions only.
    series_rules=SeriesRules(spike_floor=0.01, stale="warn",
                             home_calendars=(("USDCNY", "XSHG"), ("USDHKD", "XHKG"))),
)

VALUATION = Dataset(
    name="valuation",
    description="Daily A-share valuation: close, trailing P/E, market cap and share count.",
    schema=pl.Schema({
        "symbol": pl.String, "trade_date": pl.Date, "close": pl.Float64, "pe_ttm": pl.Float64,
        "market_cap": pl.Float64, "total_shares": pl.Float64,
    }),
    keys=("symbol", "trade_date"),
    date="trade_date",
    series="symbol",
    measures=(
        _price("close"),
        # A P/E beyond ±10,000 means earnings of under 0.01% of the price; providers write
        # "no meaningful P/E" as all nines (999 .. 999999, either sign), never a real quotient of
        # two figures to the cent. The P/E itself moves with the price and crosses zero, but
        # market cap / P/E (the trailing earnings) only moves when a report replaces a quarter:
        # near zero by any factor, by exactly a power of ten only when the P/E's unit changed
        # (per cent for a multiple).
        Measure("pe_ttm", "multiple", low=-1e4, high=1e4, zero_is_missing=True,
                sentinels=ALL_NINES, level_via="market_cap", shift=LEVEL_SHIFT, slip_only=True),
        # The largest company covered is worth ~3e12 in its currency, the smallest ~1e8.
        Measure("market_cap", "money", low=1e7, high=1e14, shift=LEVEL_SHIFT),
        # Share counts change by issues, bonus shares and buy-backs, never tenfold at once.
        Measure("total_shares", "shares", low=1e5, high=1e12, shift=LEVEL_SHIFT, step=5.0),
    ),
    calendar=Calendar(seed_table="securities", seed_key="symbol"),
    lag_sessions=0,
    marts=("mart_valuation", "mart_basket_market_value"),
)

EPS_FORECAST = Dataset(
    name="eps_forecast",
    description="Analysts' consensus EPS forecasts per security and fiscal year, as reported.",
    schema=pl.Schema({
        "symbol": pl.String, "report_date": pl.Date, "fiscal_year": pl.Int32,
        "eps": pl.Float64,
    }),
    keys=("symbol", "report_date", "fiscal_year"),
    date="report_date",
    series="symbol",
    # No covered company earns 1,000 per share. A fiscal year's consensus is revised by tens of
    # per cent between reports and may cross zero, so its level only fails on a power-of-ten
    # shift: 分 (100x) or 角 (10x) for 元.
    measures=(Measure("eps", "eps", low=-1e3, high=1e3, shift=LEVEL_SHIFT, slip_only=True),),
    subseries="fiscal_year",
    # A report is dated the day an analyst published it, weekends included: no calendar.
    marts=("mart_valuation",),
)

IPO_LISTINGS = Dataset(
    name="ipo_listings",
    description="IPO debuts on STAR, ChiNext, the main boards and HKEX: offer and first day.",
    schema=pl.Schema({
        "symbol": pl.String, "name": pl.String, "exchange": pl.String, "board": pl.String,
        "listing_date": pl.Date, "prospectus_date": pl.Date, "offer_price": pl.Float64,
        "first_day_open": pl.Float64, "first_day_close": pl.Float64,
        "funds_raised": pl.Float64, "currency": pl.String,
    }),
    keys=("symbol",),
    date="listing_date",
    series="exchange",
    # An exchange's listings are different companies, not one instrument over time: a month of
    # HKD 0.5 placings after a month of 100-yuan STAR offers is no unit slip, so only the
    # ranges apply.
    measures=(
        # Offer prices run from HKD 0.2 to a few hundred yuan; debuts may multiply them tenfold.
        Measure("offer_price", "price", low=0.05, high=1e4),
        Measure("first_day_open", "price", low=0.01, high=1e5),
        Measure("first_day_close", "price", low=0.01, high=1e5),
        # From a few million for a small GEM placing to ~1e11 for the largest Hong Kong IPO.
        Measure("funds_raised", "money", low=1e6, high=3e11),
    ),
    calendar=Calendar(by_series=(("SSE", "XSHG"), ("SZSE", "XSHG"), ("HKEX", "XHKG"))),
    lag_sessions=0,
    export="whole",
    marts=("mart_ipo_debuts", "mart_ipo_monthly"),
)

MARGIN = Dataset(
    name="margin",
    description="Margin financing and securities lending balances per exchange (SSE, SZSE).",
    schema=pl.Schema({
        "exchange": pl.String, "trade_date": pl.Date, "financing_balance": pl.Float64,
        "lending_balance": pl.Float64, "financing_buy": pl.Float64,
    }),
    keys=("exchange", "trade_date"),
    date="trade_date",
    series="exchange",
    chain="financing_balance",
    measures=(
        # Each exchange's financing balance has stayed between 1e11 and 2e12 yuan since 2010 and
        # never moved 10% in a session; lending is a few per cent of it; daily purchases a
        # tenth at most.
        Measure("financing_balance", "money", low=1e10, high=1e13, shift=1.5, step=1.1),
        Measure("lending_balance", "money", low=0.0, high=1e12, shift=FLOW_SHIFT),
        Measure("financing_buy", "money", low=0.0, high=1e12, shift=FLOW_SHIFT),
    ),
    calendar=Calendar(fixed="XSHG"),
    # The exchanges publish a session's figures before the next session opens.
    lag_sessions=1,
    marts=("mart_margin_financing",),
    # A market-wide balance moves every session and never jumps 3% to fall back the next day.
    series_rules=SeriesRules(spike_floor=0.03),
)

CROSSCHECK = Dataset(
    name="crosscheck",
    description="Second sources' figures for series stored from another provider.",
    schema=pl.Schema({
        "dataset": pl.String, "series": pl.String, "trade_date": pl.Date,
        "provider": pl.String, "value": pl.Float64,
    }),
    keys=("dataset", "series", "provider", "trade_date"),
    date="trade_date",
)

DATASETS: tuple[Dataset, ...] = (
    INDEX_BARS, SECURITY_BARS, FX_RATES, VALUATION, EPS_FORECAST, IPO_LISTINGS, MARGIN,
    CROSSCHECK,
)
_BY_NAME = {dataset.name: dataset for dataset in DATASETS}
# The staging/core table names, in load order: identifiers SQL may be built from.
STAGING_TABLES: tuple[str, ...] = tuple(_BY_NAME)


def by_name(name: str) -> Dataset:
    """The declaration of one dataset; a name not in the registry is a programming error."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}") from None
