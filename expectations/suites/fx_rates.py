"""The fx_rates suite: USD fixing rates quoted as CNY and HKD per USD."""

from __future__ import annotations

from expectations.checks import Check, Rule, SuiteInputs
from expectations.suites.common import (
    finite_numbers,
    in_set,
    key_rules,
    no_future_date,
    not_empty,
    not_null,
)
from registry import by_name

TABLE = "fx_rates"
KEYS = by_name(TABLE).keys

# Plausible bands per pair: a rate quoted per 100 USD or inverted lands far outside them.
RATE_BANDS = {"USDCNY": (6.0, 8.0), "USDHKD": (7.70, 7.90)}
MAX_DAILY_MOVE = 0.03
# FX trades on weekdays whatever the exchanges do, so freshness is counted in calendar days.
MAX_STALE_DAYS = 5


def checks(inputs: SuiteInputs) -> list[Check]:
    """Row rules on the staged rates, plus freshness per pair."""
    from great_expectations import expectations as gxe

    rows = Check(
        table=TABLE,
        suite=TABLE,
        sql="fx_rates.sql",
        params={},
        keys=KEYS,
        rules=(
            not_empty(),
            *key_rules(KEYS),
            no_future_date("trade_date", inputs.as_of),
            finite_numbers(),
            not_null("rate"),
            in_set("pair", RATE_BANDS, "pair_known", f"pair must be one of {sorted(RATE_BANDS)}"),
            *_band_rules(),
            Rule(
                "move_within_limit",
                gxe.ExpectColumnValuesToBeBetween(column="abs_change", max_value=MAX_DAILY_MOVE),
                f"the day-over-day rate change must stay within {MAX_DAILY_MOVE:.0%}",
                show=("rate", "prev_rate", "abs_change"),
            ),
        ),
    )
    freshness = Check(
        table=TABLE,
        suite=f"{TABLE}.freshness",
        sql="fx_rates_freshness.sql",
        params={"as_of": inputs.as_of},
        keys=("pair",),
        rules=(
            Rule(
                "fresh_as_of",
                gxe.ExpectColumnValuesToBeBetween(column="days_stale", max_value=MAX_STALE_DAYS),
                f"each pair's latest rate must be at most {MAX_STALE_DAYS} calendar days older "
                f"than {inputs.as_of.isoformat()} (stale feed)",
                show=("last_date", "days_stale"),
            ),
        ),
    )
    return [rows, freshness]


def _band_rules() -> list[Rule]:
    """Each pair between the bounds its peg or managed band keeps it in."""
    from great_expectations import expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    return [
        Rule(
            f"{pair.lower()}_in_range",
            gxe.ExpectColumnValuesToBeBetween(
                column="rate",
                min_value=low,
                max_value=high,
                row_condition=Column("pair") == pair,
            ),
            f"{pair} must lie between {low} and {high} (FX off by a factor)",
            show=("rate",),
        )
        for pair, (low, high) in RATE_BANDS.items()
    ]
