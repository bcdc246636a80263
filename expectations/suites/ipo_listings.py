"""The ipo_listings suite: new listings on the Shanghai, Shenzhen and Hong Kong exchanges."""

from __future__ import annotations

from expectations.checks import Check, Rule, SuiteInputs
from expectations.suites.common import (
    at_least,
    finite_numbers,
    in_set,
    key_rules,
    not_null,
    positive,
)
from registry import by_name

TABLE = "ipo_listings"
KEYS = by_name(TABLE).keys
EXCHANGES = ("SSE", "SZSE", "HKEX")
# Until 2023-04-10 a main-board A-share closed its debut at most 44% above and 36% below its
# offer price (registration-based listings since trade without a limit for five sessions); half
# a per cent covers the tick the limit price is rounded to.
DEBUT_LIMITS = (-0.36 - 0.005, 0.44 + 0.005)
# Whatever the board, a debut's first-day open and close stay between a fifth of the offer and
# 30 times it: the biggest first-day gains on record in these markets are around tenfold (MetaX,
# 688802.SH, closed its STAR debut in December 2025 at 7.9x its offer) and a debut that loses
# half its offer on the day is already rare. A price or offer in 分 instead of 元 lands 100x off.
FIRST_DAY_MULTIPLES = (0.2, 30.0)


def checks(inputs: SuiteInputs) -> list[Check]:
    """Row rules on the staged listings.

    Funds raised cannot be checked against offer price x shares issued: neither provider's
    listing report carries the share count.

    There is no future-date rule: an IPO calendar legitimately announces upcoming listings.
    """
    rows = Check(
        table=TABLE,
        suite=TABLE,
        sql="ipo_listings.sql",
        params={"lowest_multiple": FIRST_DAY_MULTIPLES[0],
                "highest_multiple": FIRST_DAY_MULTIPLES[1]},
        keys=KEYS,
        rules=(
            *key_rules(KEYS),
            finite_numbers(),
            not_null("listing_date"),
            positive("offer_price"),
            positive("first_day_open"),
            positive("first_day_close"),
            at_least(
                "listing_date",
                "prospectus_date",
                "prospectus_before_listing",
                "the prospectus must not be dated after the listing (listing before its offer)",
            ),
            in_set("exchange", EXCHANGES, "exchange_known", f"exchange must be one of {EXCHANGES}"),
            *_debut_rules(),
        ),
    )
    return [rows]


def _debut_rules() -> list[Rule]:
    """The first day's prices against the offer: the board's limit, and any debut's bounds."""
    from great_expectations import expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    return [
        Rule(
            "debut_within_board_limit",
            gxe.ExpectColumnValuesToBeBetween(
                column="first_day_return", min_value=DEBUT_LIMITS[0],
                max_value=DEBUT_LIMITS[1], row_condition=Column("debut_limit") == "limited",
            ),
            "a main-board debut before 2023-04-10 must close within +44% / -36% of its offer "
            "price (a price or offer in the wrong unit, or the wrong security)",
            show=("board", "offer_price", "first_day_close", "first_day_return"),
        ),
        in_set(
            "first_day_plausible", [True], "first_day_move_plausible",
            f"a debut's first-day open and close must lie between {FIRST_DAY_MULTIPLES[0]:g}x "
            f"and {FIRST_DAY_MULTIPLES[1]:g}x its offer price (a price or the offer in 分 "
            "instead of 元, or another security's prices)",
            show=("offer_price", "first_day_open", "first_day_close"),
        ),
    ]
