"""Configurations built once per expectation change no verdict, and only while validating."""

from __future__ import annotations

import contextlib
import threading

import duckdb
import great_expectations.expectations as gxe
import pytest

from expectations import runner
from expectations.configurations import built_once
from expectations.suites import all_checks
from tests.expectations.bad_data import CASES
from tests.expectations.judging import inputs, judge

BROKEN = ("negative_price", "open_missing_from_a_full_bar", "duplicated_key", "fx_off_by_100x",
          "ipo_unknown_exchange", "nan")


# The checks the broken rows fail in, and one that holds throughout.
SUITES = ("security_bars", "fx_rates", "ipo_listings", "index_bars")


def test_every_verdict_and_sample_is_what_configurations_rebuilt_on_each_access_give(
    warehouse: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = [case for case in CASES if case.id in BROKEN]
    assert len(broken) == len(BROKEN)
    for case in broken:
        for statement in case.sql:
            warehouse.execute(statement)
    checks = [check for check in all_checks(inputs(warehouse)) if check.suite in SUITES]
    assert len(checks) == len(SUITES)
    once = judge(warehouse, checks)
    monkeypatch.setattr(runner, "built_once", contextlib.nullcontext)
    rebuilt = judge(warehouse, checks)
    assert once == rebuilt
    assert sum(not outcome.success for outcome in once.values()) >= len(BROKEN)
    assert all(outcome.sample for outcome in once.values() if not outcome.success)


def test_outside_the_block_a_changed_expectation_reads_its_current_configuration() -> None:
    expectation = gxe.ExpectColumnValuesToNotBeNull(column="close")
    with built_once():
        first = expectation.configuration
        assert expectation.configuration is first
    expectation.column = "open"
    assert expectation.configuration.kwargs["column"] == "open"
    assert expectation.configuration is not expectation.configuration


def test_blocks_nested_or_on_two_threads_leave_the_property_as_it_was() -> None:
    from great_expectations.expectations.expectation import Expectation

    original = Expectation.__dict__["configuration"]
    expectation = gxe.ExpectColumnValuesToNotBeNull(column="close")
    with built_once(), built_once():
        assert expectation.configuration is expectation.configuration
    assert Expectation.__dict__["configuration"] is original

    inside = threading.Barrier(2, timeout=5)
    seen: list[bool] = []

    def block() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            inside.wait()
        with built_once():
            seen.append(expectation.configuration is expectation.configuration)

    threads = [threading.Thread(target=block) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [True, True]
    assert Expectation.__dict__["configuration"] is original
