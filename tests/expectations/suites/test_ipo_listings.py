"""The IPO suite: announced listings may lie ahead; a debut without a price may not."""

from __future__ import annotations

import duckdb

from expectations.suites import ipo_listings
from tests.expectations.judging import broken, inputs


def test_the_clean_listings_hold_every_rule(warehouse: duckdb.DuckDBPyConnection) -> None:
    checks = ipo_listings.checks(inputs(warehouse))
    assert "no_future_date" not in {rule.rule for rule in checks[0].rules}
    assert broken(warehouse, checks) == {}


def test_a_listing_announced_for_next_month_passes(warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.execute("INSERT INTO staging.ipo_listings VALUES ('688812.SH', 'Biren', 'SSE', "
                      "'STAR', DATE '2026-02-20', DATE '2026-02-05', 19.6, NULL, NULL, 3.0e9, "
                      "'CNY', 'eastmoney/datacenter/RPTA_APP_IPOAPPLY/2026.json')")
    assert broken(warehouse, ipo_listings.checks(inputs(warehouse))) == {}


def test_a_zero_offer_price_fails_naming_the_listing(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute("UPDATE staging.ipo_listings SET offer_price = 0 WHERE symbol = '02513.HK'")
    failures = broken(warehouse, ipo_listings.checks(inputs(warehouse)))
    assert failures["ipo_listings:offer_price_positive"].sample[0]["symbol"] == "02513.HK"
