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

SPIKES = "the spike-and-revert detector is not in the gate yet"
FROZEN = "the stale-series detector is not in the gate yet"
SPLITS = "the split detector is not in the gate yet"
PAGES = ("a report whose page 1 declares more pages (result.pages, count) than landed is read "
         "as complete: the landing zone only pages by the manifest's own count")
FIELDS = ("a kline row one field short still has the 7 fields the parser needs: later fields "
          "shift into amount/volume and parse; the declared 11 (fields2) are not checked")
MANIFEST = "a body without its .meta.json is read with no sha256 check and no refusal"
SEED = ("seeds are not validated: build_catalog accepts the row (exchange code patterns, path "
        "separators, quotes in filter strings, duplicate keys, currencies and calendars)")
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
    "index_spike_reverts": SPIKES,
    "hsi_spike_copied_by_both_vendors": SPIKES,
    "usdcny_spike_reverts": SPIKES,
    "margin_total_spike_reverts": SPIKES,
    "index_frozen_while_market_moves": FROZEN,
    "usdcny_frozen_for_a_week": FROZEN,
    "us_large_cap_frozen_with_volume": FROZEN,
    "us_split_left_unadjusted": SPLITS + " (price_within_board_limit fails, blaming a 75% move)",
    "hk_split_left_unadjusted": SPLITS + " (a 50% drop is inside Hong Kong's 60% sanity bound)",
    "a_share_bonus_issue_left_unadjusted": SPLITS + " (price_within_board_limit fails instead)",
    "usdcny_a_few_percent_off_second_source": "usdcny_sources_agree only warns, at any gap",
    "valuation_only_page_one_landed": PAGES,
    "margin_total_only_page_one_landed": PAGES,
    "ipo_report_only_page_one_landed": PAGES,
    "stock_kline_row_without_amount": FIELDS,
    "index_kline_row_without_volume": FIELDS,
    "fx_check_kline_row_without_close": FIELDS,
    "kline_manifest_gone": MANIFEST,
    "report_manifest_gone": MANIFEST,
    "workbook_manifest_gone": MANIFEST,
    **{kind.id: SEED for kind in SEED_KINDS},
}

__all__ = ["HELD_OUT", "PENDING", "SEED_KINDS", "SeedKind"]
