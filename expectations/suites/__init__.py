"""One suite per staging table; each module's `checks` builds that table's checks for a run."""

from __future__ import annotations

from expectations.checks import Check, SuiteInputs
from expectations.suites import (
    crosscheck,
    eps_forecast,
    fx_rates,
    index_bars,
    ipo_listings,
    margin,
    security_bars,
    valuation,
)

SUITES = (
    index_bars, security_bars, fx_rates, valuation, eps_forecast, ipo_listings, margin,
    crosscheck,
)


def all_checks(inputs: SuiteInputs) -> list[Check]:
    """Every check of every suite, in staging-table order."""
    return [check for suite in SUITES for check in suite.checks(inputs)]
