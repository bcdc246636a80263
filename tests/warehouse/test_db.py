"""Connections and SQL files: the warehouse's statements come from ``warehouse/**.sql``."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from registry import STAGING_TABLES
from warehouse import db


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {f"{schema}.{name}" for schema, name in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables()").fetchall()}


def test_sql_text_reads_a_file_under_the_warehouse_folder() -> None:
    text = db.sql_text("ops/last_index_date.sql")
    assert "FROM core.series_tails" in text
    with pytest.raises(FileNotFoundError):
        db.sql_text("ops/no_such_query.sql")


def test_apply_ddl_is_idempotent_keeps_core_and_empties_staging() -> None:
    con = duckdb.connect()
    db.apply_ddl(con)
    created = tables(con)
    assert {f"staging.{t}" for t in STAGING_TABLES} <= created
    assert {f"core.{t}" for t in STAGING_TABLES} <= created
    assert {"ops.run_log", "ref.securities", "ref.sessions"} <= created
    con.execute("INSERT INTO core.fx_rates VALUES ('USDCNY', DATE '2026-01-30', 6.98, 'run-1')")
    con.execute("INSERT INTO staging.fx_rates VALUES ('USDCNY', DATE '2026-01-30', 6.98, "
                "'yahoo/chart/CNY=X.json')")

    db.apply_ddl(con)

    assert tables(con) == created
    assert con.execute("SELECT count(*) FROM core.fx_rates").fetchall() == [(1,)]
    assert con.execute("SELECT count(*) FROM staging.fx_rates").fetchall() == [(0,)]


def test_run_sql_file_runs_every_statement_of_a_file() -> None:
    con = duckdb.connect()
    db.run_sql_file(con, "ddl/schemas.sql")
    db.run_sql_file(con, "staging/margin.sql")
    assert tables(con) == {"staging.margin"}


def test_connect_creates_the_folder_and_readers_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "warehouse.duckdb"
    with db.connect(path) as writer:
        writer.execute("CREATE TABLE t AS SELECT 1 AS x")
    with db.connect(path, read_only=True) as reader:
        assert reader.execute("SELECT x FROM t").fetchall() == [(1,)]
        with pytest.raises(duckdb.InvalidInputException, match="read-only"):
            reader.execute("INSERT INTO t VALUES (2)")


def test_quote_literal_doubles_quotes_so_a_path_stays_one_literal(tmp_path: Path) -> None:
    assert db.quote_literal("it's") == "'it''s'"
    con = duckdb.connect()
    text = "Hong Kong's 'TECH' index"
    assert con.execute(f"SELECT {db.quote_literal(text)}").fetchall() == [(text,)]


class Recording:
    """A connection that records each statement it is given, then runs it."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.statements: list[tuple[str, list[object] | None]] = []

    def execute(self, sql: str, params: list[object] | None = None) -> duckdb.DuckDBPyConnection:
        self.statements.append((sql, params))
        return self.con.execute(sql, params)


def test_release_memory_sets_the_exact_cap_again() -> None:
    # What setting the cap hands back depends on the allocator's state (1,199 -> 530 MB after
    # a year's bar rows, benchmarks/RESULTS.md section 12); that it is set, exactly, does not.
    con = duckdb.connect()
    db.cap_memory(con, "1GB")
    recording = Recording(con)
    db.release_memory(recording)  # type: ignore[arg-type]
    assert recording.statements[-1] == ("SET memory_limit = ?", ["1GB"])
    # Set again from its rounded reading, the cap would drift to 953.5 MiB.
    assert con.execute("SELECT current_setting('memory_limit')").fetchall() == [("953.6 MiB",)]


def test_release_memory_leaves_an_uncapped_connection_alone() -> None:
    con = duckdb.connect()
    cap = "SELECT current_setting('memory_limit')"
    before = con.execute(cap).fetchall()
    db.release_memory(con)
    assert con.execute(cap).fetchall() == before
