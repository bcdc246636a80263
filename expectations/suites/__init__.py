"""One suite per registered dataset: module ``expectations.suites.<dataset>`` builds its checks."""

from __future__ import annotations

import importlib

from expectations.checks import Check, SuiteInputs
from registry import STAGING_TABLES

SUITES = tuple(importlib.import_module(f"expectations.suites.{table}")
               for table in STAGING_TABLES)


def all_checks(inputs: SuiteInputs) -> list[Check]:
    """Every check of every dataset's suite, in registry order."""
    return [check for suite in SUITES for check in suite.checks(inputs)]
