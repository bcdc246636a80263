"""The security_bars suite: daily bars of seeded A-share, Hong Kong and US securities."""

from __future__ import annotations

from expectations.checks import Check, Rule, SuiteInputs
from expectations.suites.common import (
    at_least,
    bar_rules,
    finite_numbers,
    freshness_check,
    in_set,
    key_rules,
    no_future_date,
    not_empty,
    not_null,
    positive,
    seeded_symbol,
    sessions_check,
)
from registry import by_name

TABLE = "security_bars"
KEYS = by_name(TABLE).keys

# Close-to-close moves may overshoot the board limit by rounding to the tick.
TOLERANCE = 0.005
# Boards without a daily limit (HK, US) still get a sanity bound.
UNLIMITED_MOVE = 0.60
# New listings trade without a limit for this many sessions after their first bar.
LISTING_SESSIONS = 5
# The busiest seeded stock turns over a fifth of its shares on its wildest day; a day above all
# of them means the volume unit slipped (shares reported where Eastmoney's lots of 100 were due).
MAX_TURNOVER = 1.0


def checks(inputs: SuiteInputs) -> list[Check]:
    """Row rules on the staged bars, plus session completeness and freshness per symbol."""
    from great_expectations import expectations as gxe

    rows = Check(
        table=TABLE,
        suite=TABLE,
        sql="security_bars.sql",
        params={
            "unlimited_move": UNLIMITED_MOVE,
            "tolerance": TOLERANCE,
            "listing_sessions": LISTING_SESSIONS,
        },
        keys=KEYS,
        rules=(
            not_empty(),
            *key_rules(KEYS),
            no_future_date("trade_date", inputs.as_of),
            finite_numbers(),
            *bar_rules(volume_rule=positive("volume")),
            seeded_symbol(),
            not_null("currency"),
            Rule(
                "currency_matches_seed",
                gxe.ExpectColumnPairValuesToBeEqual(
                    column_A="currency",
                    column_B="seed_currency",
                    ignore_row_if="either_value_is_missing",
                ),
                "the bar's currency must be the seeded security's currency (mixed currencies)",
                show=("currency", "seed_currency"),
            ),
            in_set(
                "is_session",
                [True],
                "trade_date_is_session",
                "trade_date must be a session of the security's calendar",
            ),
            *_move_rules(),
        ),
    )
    return [rows, sessions_check(TABLE, "symbol"), freshness_check(TABLE, "symbol", inputs.as_of)]


def _move_rules() -> list[Rule]:
    """Volume against the seeded share count; the close-to-close move against the board limit."""
    from great_expectations import expectations as gxe

    return [
        Rule(
            "turnover_plausible",
            gxe.ExpectColumnValuesToBeBetween(column="turnover", max_value=MAX_TURNOVER),
            f"daily volume must not exceed {MAX_TURNOVER:.0%} of the seeded shares "
            "outstanding (volume unit change: lots vs shares)",
            show=("volume", "turnover"),
        ),
        at_least(
            "move_ceiling",
            "abs_move",
            "price_within_board_limit",
            f"the close-to-close move must stay within the board's daily limit "
            f"(+{TOLERANCE} tolerance; {UNLIMITED_MOVE} where the board has none)",
            show=("close", "prev_close"),
        ),
    ]
