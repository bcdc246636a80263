"""The checks a dataset's registry declaration implies, whatever its own suite holds.

A dated dataset's rows fall on its calendar's sessions; every declared value column is judged
against its unit's range and the series' own level and steps; a chained dataset's series are
searched for spikes, frozen runs and unadjusted splits at the severities it declares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from expectations.checks import Check, Rule
from expectations.suites.common import in_set
from registry.model import SeriesRules, Severity

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation


def measures_check(table: str) -> Check:
    """Each declared value column of ``table``: plausible range, stable level, plausible steps.

    Units and limits come from the dataset registry; one row per series and column, so a
    whole-market batch costs one aggregate query and a small frame.
    """
    from great_expectations import expectations as gxe

    def verdict(rule: str, column: str, description: str, show: tuple[str, ...]) -> Rule:
        return Rule(rule, gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True]),
                    description, show=("measure", "unit", *show))

    return Check(
        table=table,
        suite=f"{table}.measures",
        sql="measure_plausibility.sql",
        params={"dataset": table},
        keys=("series", "measure"),
        rules=(
            verdict("value_in_plausible_range", "range_ok",
                    "every value must lie within its column's plausible range for its unit "
                    "(sentinel, unit or scale error)",
                    ("out_of_range", "first_bad_date", "first_bad_value", "low", "high")),
            verdict("unit_level_stable", "level_ok",
                    "a series' incoming level must stay within the declared factor of its "
                    "stored level (unit or scale change)",
                    ("level_of", "level_factor", "reference_level", "incoming_level",
                     "likely_level_slip")),
            verdict("step_plausible", "step_ok",
                    "no value may differ from the series' previous one by more than the "
                    "declared factor (unit slip on some rows, spike or unadjusted split)",
                    ("worst_step", "worst_step_date", "likely_step_slip")),
        ),
    )


def sessions_only_check(table: str, date_column: str) -> Check:
    """Every staged row of ``table`` is dated on a session of its series' calendar."""
    return Check(
        table=table,
        suite=f"{table}.calendar",
        sql="dated_rows.sql",
        params={"dataset": table},
        keys=("series",),
        rules=(in_set("all_sessions", [True], f"{date_column}_is_session",
                      f"{date_column} must be a session of the series' trading calendar "
                      "(a row dated on a weekend or holiday)",
                      show=("calendar", "non_sessions", "first_non_session")),),
    )


# A spike must also exceed this many robust deviations of the series' own daily moves, unless its
# market did not move with it: a volatile stock's ordinary day is not a bad print.
SPIKE_SPREADS = 8.0
# Money traded at one price with no intraday range on every day of a run that proves a feed
# froze: a million in any of the covered currencies is thousands of trades, which never all
# print one price for a week (an illiquid name trades a few lots at one price, and warns).
LIQUID_TRADED = 1e6
# A second source that moved 0.1% over the run shows the market moved: the Hong Kong dollar on
# its convertibility limit jitters by hundredths of that, so both sources sit still together.
SECOND_SOURCE_MOVE = 0.001
# Rule names of the two ways a run of one value is judged when they differ in severity.
STALE_RULES = {"stale": "unchanged_while_market_moves", "frozen": "not_frozen"}
SHOWN = {"stale": ("stale_date", "unchanged_sessions"),
         "frozen": ("frozen_date", "frozen_sessions", "frozen_evidence")}


def series_rules_check(table: str, declared: SeriesRules) -> Check:
    """Spike-and-revert, stale and split rules of one chained dataset, at declared severities."""
    rules = []
    if declared.spike is not None:
        rules.append(Rule(
            "no_spike_and_revert", _true("spike_ok"),
            f"no value may jump at least {declared.spike_floor:.0%} and revert the next "
            f"session beyond {SPIKE_SPREADS:g} robust deviations of the series' moves, or "
            "move that far apart from its market and back (bad print)",
            severity=declared.spike, show=("spike_date", "spike_move", "revert_move")))
    rules += _stale_rules(declared)
    if declared.split is not None:
        rules.append(Rule(
            "no_unadjusted_split", _true("split_ok"),
            "no one-day jump may match a split ratio (1/2 .. 1/20 or its inverse) with volume "
            "moving inversely, or with open and close both moved by it while the money traded "
            "stayed usual (split left unadjusted)",
            severity=declared.split,
            show=("split_date", "split_price_ratio", "split_volume_ratio",
                  "split_traded_ratio")))
    return Check(
        table=table,
        suite=f"{table}.series",
        sql="series_plausibility.sql",
        params={"dataset": table, "spike_floor": declared.spike_floor,
                "spread_multiple": SPIKE_SPREADS, "stale_sessions": declared.stale_sessions,
                "peers": list(declared.peers), "liquid_traded": LIQUID_TRADED,
                "home_series": [series for series, _ in declared.home_calendars],
                "home_calendars": [calendar for _, calendar in declared.home_calendars],
                "second_source_move": SECOND_SOURCE_MOVE},
        keys=("series",),
        rules=tuple(rules),
        reads=declared.peers,
    )


def _stale_rules(declared: SeriesRules) -> list[Rule]:
    """``not_stale`` at the stricter of the stale and frozen severities; a laxer one apart.

    Stale: a run while most of the dataset's other series moved. Frozen: a run the series' own
    evidence contradicts (its second source moved, or it traded heavily at one price).
    """
    severities: dict[str, Severity] = {
        kind: severity for kind, severity in
        (("stale", declared.stale), ("frozen", declared.frozen)) if severity}
    if not severities:
        return []
    strict: Severity = "fail" if "fail" in severities.values() else "warn"
    judged = sorted(kind for kind, severity in severities.items() if severity == strict)
    why = {"stale": "most of the dataset's other series moved",
           "frozen": "its second source moved or it traded heavily at one price"}
    rules = [Rule(
        "not_stale", _true("stale_or_frozen_ok" if len(judged) == 2 else f"{judged[0]}_ok"),
        f"a series must not repeat one value for {declared.stale_sessions} sessions while "
        + " or ".join(why[kind] for kind in judged) + " (frozen feed)",
        severity=strict, show=tuple(column for kind in judged for column in SHOWN[kind]))]
    for kind, severity in severities.items():
        if severity != strict:
            rules.append(Rule(
                STALE_RULES[kind], _true(f"{kind}_ok"),
                f"a series must not repeat one value for {declared.stale_sessions} sessions "
                f"while {why[kind]} (frozen feed)",
                severity=severity, show=SHOWN[kind]))
    return rules


def _true(column: str) -> Expectation:
    from great_expectations import expectations as gxe

    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True])
