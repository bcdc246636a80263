"""The cross-check suite's row rules (agreement is tested in ``test_crosscheck_gate.py``)."""

from __future__ import annotations

import duckdb

from expectations.checks import SuiteInputs
from expectations.suites import crosscheck
from tests.expectations.gate_fixture import AS_OF
from tests.expectations.judging import broken, inputs


def test_rule_names_follow_the_tolerances() -> None:
    checks = crosscheck.checks(SuiteInputs(as_of=AS_OF, index_codes=("HSI", "NDX")))
    agreement = {rule.rule: rule.severity for rule in checks[1].rules}
    assert agreement["margin_sources_agree"] == "fail"
    assert agreement["usdcny_sources_agree"] == "warn"
    assert agreement["usdcny_sources_agree_within_stress_gap"] == "fail"


def test_an_unknown_dataset_or_a_non_positive_value_fails(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute("UPDATE staging.crosscheck SET dataset = 'valuation' WHERE series = 'NDX' "
                      "AND trade_date = DATE '2026-01-29'")
    warehouse.execute("UPDATE staging.crosscheck SET value = -value WHERE series = 'USDHKD' "
                      "AND trade_date = DATE '2026-01-28'")

    failures = broken(warehouse, crosscheck.checks(inputs(warehouse))[:1])

    assert failures["crosscheck:dataset_known"].sample[0]["dataset"] == "valuation"
    assert failures["crosscheck:value_positive"].sample[0]["series"] == "USDHKD"
