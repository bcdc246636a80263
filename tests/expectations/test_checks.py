"""The suites' vocabulary: rules carry their id to GX, checks name queries that exist."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from great_expectations import expectations as gxe

from expectations.checks import SQL_DIR, Check, Rule, SuiteInputs, read_sql
from expectations.suites import all_checks


def test_a_rule_tags_its_expectation_with_its_id_so_results_match_back() -> None:
    expectation = gxe.ExpectColumnValuesToNotBeNull(column="close")
    rule = Rule("close_not_null", expectation, "close must not be null", show=("close",))
    assert expectation.meta == {"rule": "close_not_null"}
    assert (rule.severity, rule.show) == ("fail", ("close",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.severity = "warn"  # type: ignore[misc]


def test_read_sql_reads_the_query_files_and_refuses_unknown_ones() -> None:
    assert "FROM ref.indices" in read_sql("seeded_indices.sql")
    with pytest.raises(FileNotFoundError):
        read_sql("no_such_check.sql")


def test_every_check_names_a_query_file_and_unique_rules_within_its_suite() -> None:
    checks = all_checks(SuiteInputs(as_of=date(2026, 1, 30), index_codes=("STAR50", "NDX")))
    assert all(isinstance(check, Check) for check in checks)
    assert {check.sql for check in checks} <= {p.name for p in SQL_DIR.glob("*.sql")}
    for check in checks:
        rules = [rule.rule for rule in check.rules]
        assert len(rules) == len(set(rules)), check.suite
        assert check.suite.split(".")[0] == check.table
        assert all(rule.severity in ("fail", "warn") for rule in check.rules)
    assert len({check.suite for check in checks}) == len(checks)
