"""The eps_forecast suite: analyst consensus EPS per security, report date and fiscal year."""

from __future__ import annotations

from expectations.checks import Check, Rule, SuiteInputs
from expectations.suites.common import (
    finite_numbers,
    key_rules,
    no_future_date,
    not_null,
    seeded_symbol,
)
from registry import by_name

TABLE = "eps_forecast"
KEYS = by_name(TABLE).keys


def checks(inputs: SuiteInputs) -> list[Check]:
    """Row rules on the staged forecasts."""
    from great_expectations import expectations as gxe

    rows = Check(
        table=TABLE,
        suite=TABLE,
        sql="eps_forecast.sql",
        params={},
        keys=KEYS,
        rules=(
            *key_rules(KEYS),
            no_future_date("report_date", inputs.as_of),
            finite_numbers(),
            not_null("eps"),
            Rule(
                "fiscal_year_in_range",
                gxe.ExpectColumnValuesToBeBetween(
                    column="fiscal_year", min_value=2000, max_value=2100
                ),
                "fiscal_year must lie between 2000 and 2100",
                show=("fiscal_year",),
            ),
            seeded_symbol(),
        ),
    )
    return [rows]
