"""The index_bars suite: daily bars of the seeded indices."""

from __future__ import annotations

from expectations.checks import Check, Rule, SuiteInputs
from expectations.suites.common import (
    bar_rules,
    finite_numbers,
    freshness_check,
    in_set,
    key_rules,
    no_future_date,
    not_empty,
    sessions_check,
)
from registry import by_name

TABLE = "index_bars"
KEYS = by_name(TABLE).keys

# No index in the seeds has ever moved this far in a day; a bigger move is a broken feed.
INDEX_MOVE_LIMIT = 0.25
TOLERANCE = 0.005
# Day-over-day change of turnover per share traded; real series stay within 0.5x..2x.
TURNOVER_PRICE_BAND = (0.2, 5.0)


def checks(inputs: SuiteInputs) -> list[Check]:
    """Row rules on the staged bars, plus session completeness and freshness per index."""
    from great_expectations import expectations as gxe

    rows = Check(
        table=TABLE,
        suite=TABLE,
        sql="index_bars.sql",
        params={},
        keys=KEYS,
        rules=(
            not_empty(),
            *key_rules(KEYS),
            no_future_date("trade_date", inputs.as_of),
            finite_numbers(),
            *bar_rules(
                volume_rule=Rule(
                    "volume_non_negative",
                    gxe.ExpectColumnValuesToBeBetween(column="volume", min_value=0),
                    "volume must not be negative when present",
                    show=("volume",),
                )
            ),
            in_set(
                "index_code",
                inputs.index_codes,
                "index_in_seeds",
                "the index_code must be a seeded index",
            ),
            in_set(
                "is_session",
                [True],
                "trade_date_is_session",
                "trade_date must be a session of the index's calendar",
            ),
            *_continuity_rules(),
        ),
    )
    return [
        rows,
        sessions_check(TABLE, "index_code"),
        freshness_check(TABLE, "index_code", inputs.as_of),
    ]


def _continuity_rules() -> list[Rule]:
    """Day-over-day moves of the close and of turnover per share traded."""
    from great_expectations import expectations as gxe

    return [
        Rule(
            "move_within_index_limit",
            gxe.ExpectColumnValuesToBeBetween(
                column="abs_move", max_value=INDEX_MOVE_LIMIT + TOLERANCE
            ),
            f"the close-to-close move must stay within {INDEX_MOVE_LIMIT} "
            f"(+{TOLERANCE} tolerance)",
            show=("close", "prev_close", "abs_move"),
        ),
        Rule(
            "amount_unit_stable",
            gxe.ExpectColumnValuesToBeBetween(
                column="turnover_price_ratio",
                min_value=TURNOVER_PRICE_BAND[0],
                max_value=TURNOVER_PRICE_BAND[1],
            ),
            "turnover per share traded must not jump between days (a unit change in "
            "amount or volume)",
            show=("volume", "amount", "turnover_price_ratio"),
        ),
    ]
