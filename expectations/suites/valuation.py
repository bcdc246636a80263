"""The valuation suite: daily A-share close, PE, market cap and share count."""

from __future__ import annotations

from expectations.checks import Check, Rule, SuiteInputs
from expectations.suites.common import (
    finite_numbers,
    key_rules,
    no_future_date,
    positive,
    seeded_symbol,
)
from registry import by_name

TABLE = "valuation"
KEYS = by_name(TABLE).keys

# Both datasets quote yuan for the same close; a wider gap is a unit or decimal-scale shift.
MAX_CLOSE_GAP = 0.02
MAX_CAP_DRIFT = 0.02


def checks(inputs: SuiteInputs) -> list[Check]:
    """Row rules on the staged valuations, cross-checked against the staged bars."""
    from great_expectations import expectations as gxe

    rows = Check(
        table=TABLE,
        suite=TABLE,
        sql="valuation.sql",
        params={},
        keys=KEYS,
        rules=(
            *key_rules(KEYS),
            no_future_date("trade_date", inputs.as_of),
            finite_numbers(),
            seeded_symbol(),
            positive("close"),
            positive("market_cap"),
            positive("total_shares"),
            # Loss-making companies publish a negative PE TTM (Cambricon did through 2024), so a
            # non-positive PE is worth a look but must not block a publish.
            positive("pe_ttm", severity="warn"),
            Rule(
                "close_matches_bars",
                gxe.ExpectColumnValuesToBeBetween(column="close_gap", max_value=MAX_CLOSE_GAP),
                f"the valuation close must agree with the staged bar close within "
                f"{MAX_CLOSE_GAP:.0%} (unit change between datasets)",
                show=("close", "bar_close", "close_gap"),
            ),
            Rule(
                "market_cap_consistent",
                gxe.ExpectColumnValuesToBeBetween(
                    column="cap_ratio", min_value=1 - MAX_CAP_DRIFT, max_value=1 + MAX_CAP_DRIFT
                ),
                f"market_cap must equal close × total_shares within {MAX_CAP_DRIFT:.0%}",
                show=("close", "market_cap", "total_shares", "cap_ratio"),
            ),
        ),
    )
    return [rows]
