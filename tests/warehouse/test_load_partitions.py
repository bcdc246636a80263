"""Core merges: a backfill partition over empty dates is inserted, anything else upserted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from expectations.checks import SuiteInputs
from expectations.suites import all_checks
from registry import STAGING_TABLES, by_name
from warehouse import db, load, seeds

PART = load.Partition("zone", date(2026, 1, 1), date(2026, 1, 31), "2026-01")
FILE = "eastmoney/kline/0.300001.json"


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    db.apply_ddl(connection)
    seeds.load_seeds(connection)
    load.set_run_context(connection, run_id="r1", as_of=date(2026, 1, 31), source="snapshot")
    yield connection
    connection.close()


def _stage_bars(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, date, float]]) -> None:
    db.run_sql_file(con, "staging/security_bars.sql")
    for symbol, day, close in rows:
        con.execute("INSERT INTO staging.security_bars VALUES (?, ?, 1, 1, 1, ?, 1, 1, 'CNY', ?)",
                    [symbol, day, close, FILE])


def _core_bars(con: duckdb.DuckDBPyConnection) -> list[tuple[str, date, float]]:
    return con.execute("SELECT symbol, trade_date, close FROM core.security_bars "
                       "ORDER BY ALL").fetchall()


def test_a_partition_over_empty_dates_is_inserted_and_recorded(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _stage_bars(con, [("300001.SZ", date(2025, 12, 31), 9.0)])
    load.merge_core(con)
    _stage_bars(con, [("300001.SZ", date(2026, 1, 5), 10.0), ("300002.SZ", date(2026, 1, 5), 20.0)])
    assert load.inserts_outright(con, "security_bars")
    load.merge_core(con, PART, {"security_bars": 2})
    assert _core_bars(con) == [("300001.SZ", date(2025, 12, 31), 9.0),
                               ("300001.SZ", date(2026, 1, 5), 10.0),
                               ("300002.SZ", date(2026, 1, 5), 20.0)]
    assert load.merged_partitions(con, "zone") == {(PART.start, PART.end)}


def test_a_partition_reaching_into_stored_dates_is_upserted_keeping_other_series(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _stage_bars(con, [("300001.SZ", date(2026, 1, 5), 10.0), ("300002.SZ", date(2026, 1, 5), 20.0)])
    load.merge_core(con)
    _stage_bars(con, [("300001.SZ", date(2026, 1, 5), 11.0), ("300001.SZ", date(2026, 1, 6), 12.0)])
    assert not load.inserts_outright(con, "security_bars")
    load.merge_core(con, PART, {"security_bars": 2})
    assert _core_bars(con) == [("300001.SZ", date(2026, 1, 5), 11.0),
                               ("300001.SZ", date(2026, 1, 6), 12.0),
                               ("300002.SZ", date(2026, 1, 5), 20.0)]


def test_a_duplicate_staged_key_is_still_refused_and_nothing_is_merged(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _stage_bars(con, [("300001.SZ", date(2026, 1, 5), 10.0), ("300001.SZ", date(2026, 1, 5), 11.0)])
    with pytest.raises(load.DuplicateKey, match=r"\(symbol=300001.SZ, trade_date=2026-01-05\)"):
        load.merge_core(con, PART, {"security_bars": 2})
    assert _core_bars(con) == []
    assert load.merged_partitions(con, "zone") == set()


def test_a_duplicate_is_refused_unless_the_gate_proved_that_table_distinct(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _stage_bars(con, [("300001.SZ", date(2026, 1, 5), 10.0), ("300001.SZ", date(2026, 1, 5), 11.0)])
    with pytest.raises(load.DuplicateKey):
        load.merge_core(con, PART, {"security_bars": 2}, keys_proved=("index_bars", "margin"))
    assert _core_bars(con) == []

    # A proof is trusted: the merge does not aggregate the keys the gate already judged.
    load.merge_core(con, PART, {"security_bars": 2}, keys_proved=("security_bars",))
    assert len(_core_bars(con)) == 2


def test_a_dataset_keyed_without_its_date_is_always_upserted(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert by_name("ipo_listings").date not in by_name("ipo_listings").keys
    assert not load.inserts_outright(con, "ipo_listings")


def test_every_outright_insert_is_gated_by_a_failing_uniqueness_rule_on_its_keys() -> None:
    """The gate proves the staged keys distinct before a partition is inserted outright."""
    inputs = SuiteInputs(as_of=date(2026, 1, 31), index_codes=("STAR50",))
    unique = {
        check.table: rule
        for check in all_checks(inputs) if check.suite == check.table
        for rule in check.rules if rule.rule == "unique_key"
    }
    for table in STAGING_TABLES:
        dataset = by_name(table)
        if dataset.date not in dataset.keys:
            continue
        rule = unique[table]
        assert rule.severity == "fail"
        columns = (getattr(rule.expectation, "column_list", None)
                   or [getattr(rule.expectation, "column", None)])
        assert tuple(columns) == dataset.keys
