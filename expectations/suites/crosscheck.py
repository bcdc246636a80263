"""The crosscheck suite: a second source's figures against the primary series, day by day.

Primary sources and their checks: the exchanges' own SSE and SZSE margin balances against
Eastmoney's ``RPTA_RZRQ_LSDB`` copy of them; Eastmoney's NDX100/HSI klines against Yahoo's
``^NDX``/``^HSI`` closes; Yahoo's ``CNY=X``/``HKD=X`` rates against Eastmoney's ``119.USDHKD`` and
``133.USDCNH`` klines.
"""

from __future__ import annotations

from expectations.checks import Check, Rule, Severity, SuiteInputs
from expectations.suites.common import (
    finite_numbers,
    in_set,
    key_rules,
    no_future_date,
    not_null,
    positive,
)
from registry import by_name

TABLE = "crosscheck"
KEYS = by_name(TABLE).keys
DATASETS = ("margin", "index_bars", "fx_rates")

# (row column, its value, largest relative difference, what the two figures are, severity).
TOLERANCES: tuple[tuple[str, str, float, str, Severity], ...] = (
    # Eastmoney republishes the exchanges' statistics: beyond rounding of 亿元 to two decimals
    # they are one number, so half a percent is a wrong day, a unit slip or a stale copy.
    ("dataset", "margin", 0.005, "the exchange's financing balance and Eastmoney's", "fail"),
    # Both vendors carry the index provider's official close; 0.5% is a stale or wrong bar, and
    # the Nasdaq Composite (100.NDX) in place of the Nasdaq-100 is some 20% off.
    ("dataset", "index_bars", 0.005, "Eastmoney's close and Yahoo's", "fail"),
    # USD/HKD trades in a 7.75-7.85 band: 0.2% is a third of the band.
    ("series", "USDHKD", 0.002, "Yahoo's USD/HKD and Eastmoney's", "fail"),
    # Onshore USD/CNY against offshore USD/CNH: two markets whose gap is usually under 0.3% but
    # has passed 1% in stress (2015-16). A wide gap is news, not bad data, so it only warns.
    ("series", "USDCNY", 0.01, "Yahoo's onshore USD/CNY and Eastmoney's offshore USD/CNH",
     "warn"),
    # The widest onshore/offshore gap on record is about 2.5% (January 2016): beyond 3% one of
    # the two rates is wrong (a mistyped print, a stale day, another pair).
    ("series", "USDCNY", 0.03, "Yahoo's onshore USD/CNY and Eastmoney's offshore USD/CNH",
     "fail"),
)


# Series with a warning tolerance and a wider failing one: the failing rule gets its own name.
WARNED = {(value, severity) for _, value, _, _, severity in TOLERANCES if severity == "warn"}
# Where a wide gap between the sources only warns (two markets), the gap must not open by the
# primary moving alone: onshore USD/CNY's largest day since 2015 (1.9% on 2015-08-11, the
# fixing reform) came with a larger offshore move, and in January 2016 the gap widened by the
# offshore rate moving. A primary that moves 1% past its second source, and stays there, carries
# a bad rate (a mistyped print, another pair's quote).
def confirmation_rules() -> list[Rule]:
    """One failing rule per warned series: its primary's move confirmed by the second source."""
    from great_expectations import expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    return [
        Rule(
            f"{value.lower()}_move_confirmed",
            gxe.ExpectColumnValuesToBeBetween(
                column="primary_alone_move", max_value=max_diff,
                row_condition=Column(column) == value),
            f"{why} must move together: the primary may not move {max_diff:.1%} past the "
            "second source in a day and stay apart (a bad primary rate)",
            show=("provider", "reference_value", "primary_value", "primary_move",
                  "reference_move", "primary_alone_move"),
        )
        for column, value, max_diff, why, severity in TOLERANCES if severity == "warn"
    ]


def checks(inputs: SuiteInputs) -> list[Check]:
    """Row rules on the staged second-source figures, then their agreement with the primary."""
    from great_expectations import expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    rows = Check(
        table=TABLE,
        suite=TABLE,
        sql="crosscheck.sql",
        params={},
        keys=KEYS,
        rules=(
            *key_rules(KEYS),
            no_future_date("trade_date", inputs.as_of),
            finite_numbers(),
            in_set("dataset", DATASETS, "dataset_known", f"dataset must be one of {DATASETS}"),
            not_null("value"),
            positive("value"),
        ),
    )
    agreement = Check(
        table=TABLE,
        suite=f"{TABLE}.agreement",
        sql="crosscheck_agreement.sql",
        params={},
        keys=("dataset", "series", "trade_date"),
        rules=tuple(
            Rule(
                f"{value.lower()}_sources_agree"
                + ("_within_stress_gap" if (value, "warn") in WARNED and severity == "fail"
                   else ""),
                gxe.ExpectColumnValuesToBeBetween(
                    column="rel_diff", max_value=max_diff, row_condition=Column(column) == value
                ),
                f"{why} must agree within {max_diff:.1%} on the same day (sources disagree)",
                severity=severity,
                show=("provider", "reference_value", "primary_value", "rel_diff"),
            )
            for column, value, max_diff, why, severity in TOLERANCES
        ) + tuple(confirmation_rules()),
    )
    return [rows, agreement]
