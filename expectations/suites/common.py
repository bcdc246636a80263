"""Rules and checks more than one suite is built from.

Great Expectations is imported inside each builder: importing it costs seconds, and suites are
only built when a gate runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from expectations.checks import Check, Rule, Severity
from registry import by_name


def not_empty() -> Rule:
    """The staged dataset holds at least one row."""
    from great_expectations import expectations as gxe

    return Rule(
        "not_empty",
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        "the staged dataset must not be empty (empty dataset)",
    )


def key_rules(keys: tuple[str, ...]) -> list[Rule]:
    """Every natural-key column is present, and the key is unique."""
    from great_expectations import expectations as gxe

    rules = [
        Rule(
            f"{key}_not_null",
            gxe.ExpectColumnValuesToNotBeNull(column=key),
            f"natural-key column {key} must not be null",
        )
        for key in keys
    ]
    # GX refuses a compound-uniqueness expectation over a single column.
    unique = (
        gxe.ExpectColumnValuesToBeUnique(column=keys[0])
        if len(keys) == 1
        else gxe.ExpectCompoundColumnsToBeUnique(column_list=list(keys))
    )
    rules.append(Rule("unique_key", unique, f"the natural key ({', '.join(keys)}) must be unique"))
    return rules


def no_future_date(column: str, as_of: date) -> Rule:
    """No row is dated after the run's as-of date."""
    from great_expectations import expectations as gxe

    # DuckDB dates arrive as pandas timestamps, which refuse to compare with a datetime.date.
    return Rule(
        "no_future_date",
        gxe.ExpectColumnValuesToBeBetween(column=column, max_value=pd.Timestamp(as_of)),
        f"{column} must not be after the as-of date {as_of.isoformat()}",
        show=(column,),
    )


def finite_numbers() -> Rule:
    """No numeric column holds NaN or ±inf, as flagged by the check query's `isfinite`.

    pandas reads NaN as missing, so GX's own numeric expectations would skip it.
    """
    from great_expectations import expectations as gxe

    return Rule(
        "finite_numbers",
        gxe.ExpectColumnValuesToBeNull(column="nonfinite_columns"),
        "numeric columns must not hold NaN or infinity",
        show=("nonfinite_columns",),
    )


def not_null(column: str) -> Rule:
    """The column is populated on every row."""
    from great_expectations import expectations as gxe

    return Rule(
        f"{column}_not_null",
        gxe.ExpectColumnValuesToNotBeNull(column=column),
        f"{column} must not be null",
        show=(column,),
    )


def positive(column: str, *, severity: Severity = "fail") -> Rule:
    """The column is above zero wherever it is populated."""
    from great_expectations import expectations as gxe

    return Rule(
        f"{column}_positive",
        gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, strict_min=True),
        f"{column} must be above zero when present",
        severity=severity,
        show=(column,),
    )


def in_set(column: str, values: Iterable[object], rule: str, description: str,
           show: tuple[str, ...] = ()) -> Rule:
    """The column only holds known values (nulls are the key rules' business)."""
    from great_expectations import expectations as gxe

    return Rule(
        rule,
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values)),
        description,
        show=(column, *show),
    )


def seeded_symbol() -> Rule:
    """The row's security is in the seeds, as the check query's ``is_seeded`` flag says.

    Judged in SQL rather than by a GX value set: a full-market value set of thousands of symbols
    costs GX seconds of configuration copying on every gate run, whatever the data's size.
    """
    return in_set("is_seeded", [True], "symbol_in_seeds",
                  "the symbol must be a seeded security (security missing from the seeds)")


def at_least(
    column_a: str,
    column_b: str,
    rule: str,
    description: str,
    *,
    skip_missing: bool = True,
    show: tuple[str, ...] = (),
) -> Rule:
    """`column_a >= column_b`, on rows where both are populated unless `skip_missing` is off."""
    from great_expectations import expectations as gxe

    return Rule(
        rule,
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=column_a,
            column_B=column_b,
            or_equal=True,
            ignore_row_if="either_value_is_missing" if skip_missing else "neither",
        ),
        description,
        show=(*show, column_a, column_b),
    )


def bar_rules(*, volume_rule: Rule) -> list[Rule]:
    """OHLC sanity shared by index and security bars.

    High and low may be missing (Yahoo index series). Yahoo also publishes close-only bars (no
    open, high, low or volume) for Hong Kong half-day sessions; only those may lack an open.
    """
    from great_expectations import expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    open_present = Rule(
        "open_not_null",
        gxe.ExpectColumnValuesToNotBeNull(
            column="open", row_condition=Column("bar_kind") == "ohlc"
        ),
        "open must not be null unless the bar is close-only (a Yahoo half-day session)",
        show=("open", "high", "low", "volume"),
    )
    return [
        open_present,
        not_null("close"),
        positive("open"),
        positive("close"),
        positive("high"),
        positive("low"),
        at_least("body_low", "low", "low_within_body", "low must not exceed min(open, close)"),
        at_least(
            "high", "body_high", "high_within_body", "high must not be below max(open, close)"
        ),
        volume_rule,
    ]


def sessions_check(table: str, series_key: str) -> Check:
    """No session of the series' calendar is missing between its first and last date."""
    from great_expectations import expectations as gxe

    return Check(
        table=table,
        suite=f"{table}.sessions",
        sql="series_sessions.sql",
        params={"dataset": table},
        keys=(series_key, "trade_date"),
        series_key=series_key,
        rules=(
            Rule(
                "no_missing_sessions",
                gxe.ExpectColumnValuesToBeInSet(column="is_present", value_set=[True]),
                "every session of the calendar between a series' first and last date must be "
                "staged or merged, suspensions excepted (missing trading day)",
            ),
        ),
    )


def freshness_check(table: str, series_key: str, as_of: date) -> Check:
    """Each series reaches the session its provider has published by the as-of date.

    That is the last session of its calendar on or before the as-of date, less the dataset's
    declared publication lag (margin figures come out the next morning).
    """
    lag = by_name(table).lag_sessions or 0
    params: dict[str, object] = {"dataset": table, "as_of": as_of, "lag_sessions": lag}
    return Check(
        table=table,
        suite=f"{table}.freshness",
        sql="series_freshness.sql",
        params=params,
        keys=(series_key,),
        series_key=series_key,
        rules=(
            at_least(
                "last_date",
                "due_date",
                "fresh_as_of",
                f"each series must reach its calendar's last session on or before "
                f"{as_of.isoformat()}, less {lag} session(s) of publication lag (stale feed)",
                skip_missing=False,
            ),
        ),
    )

