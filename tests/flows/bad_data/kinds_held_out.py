"""The held-out corpus (issue 10): bad inputs of the classes the first corpus let through.

Written for classes, not around the gate's rules: unit and scale changes in every dataset's value
columns, implausible values that are still numbers (sentinels, spikes that revert, frozen series,
unadjusted splits, a rate off its second source), a non-positive P/E, rows dated on days that
are not sessions or after the as-of date, incomplete answers, a body without its manifest, and
seeds that must be refused before anything is fetched (``kinds_values``, ``kinds_shape``).

Each kind names what must catch it, as ``kinds.Kind`` does; a ``published`` kind must publish
with the value shown as the documented null (``table`` the mart, ``rule`` its column, ``row`` the
mart row). ``PENDING`` lists the kinds the pipeline does not catch yet and why: the corpus test
marks them ``xfail(strict=True)``, so each must leave the list the moment it is caught.
"""

from __future__ import annotations

from tests.flows.bad_data.kinds import Kind
from tests.flows.bad_data.kinds_shape import DATES, INCOMPLETE, SEED_KINDS, SeedKind
from tests.flows.bad_data.kinds_values import PLAUSIBILITY, UNITS

HELD_OUT: list[Kind] = [*UNITS, *PLAUSIBILITY, *DATES, *INCOMPLETE]

FROZEN_WARNS = ("a flat run only warns for FX and security bars: the Hong Kong dollar sits on its "
                "7.85 limit for weeks and illiquid Hong Kong names print one close for days; a "
                "liquid name frozen with volume is not told apart yet")
IPO_IDENTITY = ("no cross-field rule on IPOs: funds raised = offer price x shares issued "
                "(ISSUE_NUM is not parsed), first-day prices against the offer")

PENDING: dict[str, str] = {
    "valuation_pe_in_per_cent": "pe_ttm declares no level shift, and P/E = close / EPS is not "
                                "checked (valuation has no EPS column)",
    "eps_forecast_in_fen": "eps declares no level shift (forecasts cross zero); nothing compares "
                           "a revision with the same fiscal year's previous consensus",
    "ipo_offer_price_in_fen": IPO_IDENTITY,
    "ipo_first_day_close_in_fen": IPO_IDENTITY,
    "ipo_first_day_open_in_fen": IPO_IDENTITY,
    "pe_sentinel_9999": "pe_ttm's plausible range is +-1e4 inclusive, so the 9999 sentinel the "
                        "registry names passes",
    "hsi_spike_copied_by_both_vendors": "a 6% index move that reverts is inside 8 robust "
                                         "deviations of the Hang Seng's own moves (it rose 6.2% "
                                         "and fell 9.4% in October 2024), so it is not a spike",
    "hk_split_left_unadjusted": "prices halved with volume unchanged: without the volume a real "
                                "split brings, a 50% fall on a board with no limit is not told "
                                "from a crash",
    "usdcny_frozen_for_a_week": FROZEN_WARNS,
    "us_large_cap_frozen_with_volume": FROZEN_WARNS,
    "usdcny_a_few_percent_off_second_source": "usdcny_sources_agree only warns, at any gap",
}

__all__ = ["HELD_OUT", "PENDING", "SEED_KINDS", "SeedKind"]
