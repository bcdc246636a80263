"""The margin suite: financing balances per exchange (SSE, SZSE) and market-wide (TOTAL)."""

from __future__ import annotations

from expectations.checks import Check, Rule, SuiteInputs
from expectations.suites.common import (
    at_least,
    finite_numbers,
    freshness_check,
    in_set,
    key_rules,
    no_future_date,
    not_empty,
    positive,
    sessions_check,
)
from registry import by_name

TABLE = "margin"
KEYS = by_name(TABLE).keys
EXCHANGES = ("SSE", "SZSE", "TOTAL")

# Financing balances drift by a percent or two a day; 5% means a 亿元/yuan unit break.
MAX_DAILY_CHANGE = 0.05


def checks(inputs: SuiteInputs) -> list[Check]:
    """Row rules, the exchange parts against the total, session completeness and freshness."""
    from great_expectations import expectations as gxe

    rows = Check(
        table=TABLE,
        suite=TABLE,
        sql="margin.sql",
        params={},
        keys=KEYS,
        rules=(
            not_empty(),
            *key_rules(KEYS),
            no_future_date("trade_date", inputs.as_of),
            finite_numbers(),
            in_set("exchange", EXCHANGES, "exchange_known", f"exchange must be one of {EXCHANGES}"),
            positive("financing_balance"),
            Rule(
                "balance_move_within_limit",
                gxe.ExpectColumnValuesToBeBetween(column="abs_change", max_value=MAX_DAILY_CHANGE),
                f"the day-over-day financing balance change must stay within "
                f"{MAX_DAILY_CHANGE:.0%} (unit break)",
                show=("financing_balance", "prev_balance", "abs_change"),
            ),
        ),
    )
    totals = Check(
        table=TABLE,
        suite=f"{TABLE}.totals",
        sql="margin_totals.sql",
        params={},
        keys=KEYS,
        rules=(
            at_least(
                "total_balance",
                "parts_balance",
                "parts_within_total",
                "SSE + SZSE financing balance must not exceed the TOTAL of the same date",
            ),
        ),
    )
    return [
        rows,
        totals,
        sessions_check(TABLE, "exchange"),
        freshness_check(TABLE, "exchange", inputs.as_of),
    ]
