"""Bad-data cases for the gate: each breaks the clean fixture one way and names its failure."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    """Bad data: statements that break the clean warehouse, and the failure they must cause."""

    id: str
    sql: tuple[str, ...]
    table: str
    rule: str
    row: dict[str, object] = field(default_factory=dict)


def update(table: str, where: str, assignments: str) -> str:
    """An UPDATE of the staged rows matching `where`."""
    return f"UPDATE staging.{table} SET {assignments} WHERE {where}"


def at(key: str, code: str, day: str) -> str:
    """A WHERE clause selecting one staged row."""
    return f"{key} = '{code}' AND trade_date = DATE '{day}'"


CASES = [
    Case(
        "negative_price",
        (update("security_bars", at("symbol", "688256.SH", "2026-01-20"), "close = -close"),),
        "security_bars",
        "close_positive",
        {"symbol": "688256.SH", "trade_date": "2026-01-20"},
    ),
    Case(
        "open_missing_from_a_full_bar",
        (update("security_bars", at("symbol", "00700.HK", "2026-01-26"), "open = NULL"),),
        "security_bars",
        "open_not_null",
        {"symbol": "00700.HK", "trade_date": "2026-01-26", "open": None},
    ),
    Case(
        "zero_price",
        (update("index_bars", at("index_code", "STAR50", "2026-01-21"), "open = 0"),),
        "index_bars",
        "open_positive",
        {"index_code": "STAR50", "trade_date": "2026-01-21"},
    ),
    Case(
        "high_below_low",
        (update("security_bars", at("symbol", "00700.HK", "2026-01-22"), "high = low - 1"),),
        "security_bars",
        "high_within_body",
        {"symbol": "00700.HK", "trade_date": "2026-01-22"},
    ),
    Case(
        "main_board_60pct_move",
        (
            update(
                "security_bars",
                at("symbol", "603019.SH", "2026-01-27"),
                "open = open * 1.6, high = high * 1.6, low = low * 1.6, close = close * 1.6",
            ),
        ),
        "security_bars",
        "price_within_board_limit",
        {"symbol": "603019.SH", "trade_date": "2026-01-27"},
    ),
    Case(
        "duplicated_key",
        (
            "INSERT INTO staging.fx_rates SELECT * FROM staging.fx_rates "
            f"WHERE {at('pair', 'USDCNY', '2026-01-15')}",
        ),
        "fx_rates",
        "unique_key",
        {"pair": "USDCNY", "trade_date": "2026-01-15"},
    ),
    Case(
        "null_key",
        (update("security_bars", at("symbol", "NVDA.US", "2026-01-09"), "symbol = NULL"),),
        "security_bars",
        "symbol_not_null",
        {"symbol": None, "trade_date": "2026-01-09"},
    ),
    Case(
        "missing_trading_day",
        (f"DELETE FROM staging.security_bars WHERE {at('symbol', '688256.SH', '2026-01-14')}",),
        "security_bars",
        "no_missing_sessions",
        {"symbol": "688256.SH", "trade_date": "2026-01-14"},
    ),
    Case(
        "margin_missing_session",
        (f"DELETE FROM staging.margin WHERE {at('exchange', 'SZSE', '2026-01-15')}",),
        "margin",
        "no_missing_sessions",
        {"exchange": "SZSE", "trade_date": "2026-01-15"},
    ),
    Case(
        "bar_on_a_saturday",
        (
            "INSERT INTO staging.index_bars SELECT index_code, DATE '2026-01-24', open, high, low,"
            " close, volume, amount, source_file FROM staging.index_bars"
            f" WHERE {at('index_code', 'STAR50', '2026-01-23')}",
        ),
        "index_bars",
        "trade_date_is_session",
        {"index_code": "STAR50", "trade_date": "2026-01-24"},
    ),
    Case(
        "future_date",
        (
            "INSERT INTO staging.index_bars SELECT index_code, DATE '2026-02-02', open, high, low,"
            " close, volume, amount, source_file FROM staging.index_bars"
            f" WHERE {at('index_code', 'STAR50', '2026-01-30')}",
        ),
        "index_bars",
        "no_future_date",
        {"index_code": "STAR50", "trade_date": "2026-02-02"},
    ),
    Case(
        "stale_feed",
        ("DELETE FROM staging.index_bars WHERE index_code = 'NDX' AND trade_date >= '2026-01-29'",),
        "index_bars",
        "fresh_as_of",
        {"index_code": "NDX", "last_date": "2026-01-28", "due_date": "2026-01-30"},
    ),
    Case(
        "stale_fx",
        ("DELETE FROM staging.fx_rates WHERE pair = 'USDHKD' AND trade_date > '2026-01-23'",),
        "fx_rates",
        "fresh_as_of",
        {"pair": "USDHKD", "days_stale": 7},
    ),
    Case(
        "nan",
        (update("valuation", at("symbol", "688256.SH", "2026-01-16"), "pe_ttm = 'nan'::DOUBLE"),),
        "valuation",
        "finite_numbers",
        {"symbol": "688256.SH", "trade_date": "2026-01-16", "nonfinite_columns": "pe_ttm"},
    ),
    Case(
        "inf",
        (update("index_bars", at("index_code", "HSI", "2026-01-23"), "volume = 'inf'::DOUBLE"),),
        "index_bars",
        "finite_numbers",
        {"index_code": "HSI", "trade_date": "2026-01-23", "nonfinite_columns": "volume"},
    ),
    Case(
        "fx_off_by_100x",
        (update("fx_rates", at("pair", "USDCNY", "2026-01-16"), "rate = rate * 100"),),
        "fx_rates",
        "usdcny_in_range",
        {"pair": "USDCNY", "trade_date": "2026-01-16"},
    ),
    Case(
        "fx_daily_jump",
        (
            update(
                "fx_rates", "pair = 'USDCNY' AND trade_date >= '2026-01-22'", "rate = rate * 1.04"
            ),
        ),
        "fx_rates",
        "move_within_limit",
        {"pair": "USDCNY", "trade_date": "2026-01-22"},
    ),
    Case(
        "valuation_unit_change",
        (
            update(
                "valuation",
                "symbol = '603019.SH' AND trade_date >= '2026-01-26'",
                "close = close * 100, market_cap = market_cap * 100",
            ),
        ),
        "valuation",
        "close_matches_bars",
        {"symbol": "603019.SH", "trade_date": "2026-01-26"},
    ),
    Case(
        "market_cap_off",
        (
            update(
                "valuation", at("symbol", "688256.SH", "2026-01-07"), "market_cap = market_cap * 2"
            ),
        ),
        "valuation",
        "market_cap_consistent",
        {"symbol": "688256.SH", "trade_date": "2026-01-07"},
    ),
    Case(
        "ipo_listing_before_prospectus",
        (update("ipo_listings", "symbol = '02513.HK'", "prospectus_date = DATE '2026-01-20'"),),
        "ipo_listings",
        "prospectus_before_listing",
        {"symbol": "02513.HK", "listing_date": "2026-01-08", "prospectus_date": "2026-01-20"},
    ),
    Case(
        "ipo_unknown_exchange",
        (update("ipo_listings", "symbol = '688795.SH'", "exchange = 'NASDAQ'"),),
        "ipo_listings",
        "exchange_known",
        {"symbol": "688795.SH", "exchange": "NASDAQ"},
    ),
    Case(
        "security_missing_from_seeds",
        (
            "INSERT INTO staging.security_bars SELECT '688999.SH', trade_date, open, high, low,"
            " close, volume, amount, currency, source_file FROM staging.security_bars"
            f" WHERE {at('symbol', '688256.SH', '2026-01-30')}",
        ),
        "security_bars",
        "symbol_in_seeds",
        {"symbol": "688999.SH", "trade_date": "2026-01-30"},
    ),
    Case(
        "eps_symbol_missing_from_seeds",
        (update("eps_forecast", "fiscal_year = 2025 AND symbol = '603019.SH'", "symbol = 'X.SH'"),),
        "eps_forecast",
        "symbol_in_seeds",
        {"symbol": "X.SH", "fiscal_year": 2025},
    ),
    Case(
        "eps_fiscal_year_typo",
        (update("eps_forecast", "symbol = '603019.SH'", "fiscal_year = 20250"),),
        "eps_forecast",
        "fiscal_year_in_range",
        {"symbol": "603019.SH", "fiscal_year": 20250},
    ),
    Case(
        "mixed_currency",
        (update("security_bars", at("symbol", "00700.HK", "2026-01-23"), "currency = 'USD'"),),
        "security_bars",
        "currency_matches_seed",
        {"symbol": "00700.HK", "currency": "USD", "seed_currency": "HKD"},
    ),
    Case(
        "zero_volume_halt_filler",
        (
            update(
                "security_bars",
                at("symbol", "603019.SH", "2026-01-21"),
                "volume = 0, amount = 0, open = close, high = close, low = close",
            ),
        ),
        "security_bars",
        "volume_positive",
        {"symbol": "603019.SH", "trade_date": "2026-01-21"},
    ),
    Case(
        "margin_unit_break",
        (
            update(
                "margin",
                "exchange = 'SSE' AND trade_date >= '2026-01-26'",
                "financing_balance = financing_balance / 1e8",
            ),
        ),
        "margin",
        "balance_move_within_limit",
        {"exchange": "SSE", "trade_date": "2026-01-26"},
    ),
    Case(
        "margin_parts_exceed_total",
        (
            update(
                "margin",
                at("exchange", "SZSE", "2026-01-29"),
                "financing_balance = financing_balance * 1.01",
            ),
        ),
        "margin",
        "parts_within_total",
        {"exchange": "TOTAL", "trade_date": "2026-01-29"},
    ),
    Case(
        "volume_in_shares_not_lots",
        (
            update(
                "security_bars", at("symbol", "688256.SH", "2026-01-22"), "volume = volume * 100"
            ),
        ),
        "security_bars",
        "turnover_plausible",
        {"symbol": "688256.SH", "trade_date": "2026-01-22"},
    ),
    Case(
        "valuation_symbol_missing_from_seeds",
        (update("valuation", at("symbol", "603019.SH", "2026-01-28"), "symbol = '603999.SH'"),),
        "valuation",
        "symbol_in_seeds",
        {"symbol": "603999.SH", "trade_date": "2026-01-28"},
    ),
    *(
        Case(f"empty_{table}", (f"DELETE FROM staging.{table}",), table, "not_empty")
        for table in ("index_bars", "security_bars", "fx_rates", "margin")
    ),
    Case(
        "main_board_debut_beyond_its_limit",
        ("UPDATE staging.ipo_listings SET board = 'MAIN', listing_date = DATE '2022-12-05', "
         "prospectus_date = DATE '2022-11-24' WHERE symbol = '688795.SH'",),
        "ipo_listings",
        "debut_within_board_limit",
        {"symbol": "688795.SH", "board": "MAIN"},
    ),
]
