"""The ipo_listings suite: new listings on the Shanghai, Shenzhen and Hong Kong exchanges."""

from __future__ import annotations

from expectations.checks import Check, SuiteInputs
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


def checks(inputs: SuiteInputs) -> list[Check]:
    """Row rules on the staged listings.

    There is no future-date rule: an IPO calendar legitimately announces upcoming listings.
    """
    rows = Check(
        table=TABLE,
        suite=TABLE,
        sql="ipo_listings.sql",
        params={},
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
        ),
    )
    return [rows]
