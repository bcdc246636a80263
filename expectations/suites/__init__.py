"""One suite per registered dataset: module ``expectations.suites.<dataset>`` builds its checks."""

from __future__ import annotations

import importlib

from expectations.checks import Check, SuiteInputs
from expectations.measures import dated, measured
from registry import STAGING_TABLES, by_name

SUITES = tuple(importlib.import_module(f"expectations.suites.{table}")
               for table in STAGING_TABLES)


def all_checks(inputs: SuiteInputs) -> list[Check]:
    """Every check of each dataset's suite (those of ``inputs.tables`` when named), then the
    rules its declaration implies.

    A dated dataset's rows must fall on its calendar's sessions (unless its suite judges that
    row by row already); its declared value columns get the unit and plausibility rules.
    """
    # Imported here, not at the top: expectations.derived builds rules from this package's
    # common module, and a program importing derived first would find the package half-loaded.
    from expectations.derived import measures_check, series_rules_check, sessions_only_check

    with_measures = {dataset.name for dataset in measured()}
    with_calendar = {dataset.name for dataset in dated()}
    checks = []
    for suite in SUITES:
        if inputs.tables and getattr(suite, "TABLE", None) not in inputs.tables:
            continue
        own = suite.checks(inputs)
        checks += own
        table = getattr(suite, "TABLE", None)
        if table is None:
            continue
        session_rule = f"{by_name(table).date}_is_session"
        if table in with_calendar and all(rule.rule != session_rule
                                          for check in own for rule in check.rules):
            checks.append(sessions_only_check(table, by_name(table).date))
        if table in with_measures:
            checks.append(measures_check(table))
        declared = by_name(table).series_rules
        if declared is not None:
            checks.append(series_rules_check(table, declared))
    return checks
