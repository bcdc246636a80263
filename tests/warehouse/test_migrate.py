"""A warehouse written by an earlier release is brought to this layout in place, once."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from warehouse import db, migrate

# ops.data_origins as releases before 0.2.0 created it: the endpoint in a column named dataset.
DATA_ORIGINS_BEFORE_0_2_0 = """
CREATE TABLE ops.data_origins (
    dataset VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    first_date DATE NOT NULL,
    last_date DATE NOT NULL,
    provider VARCHAR,
    source_file VARCHAR,
    origin_detail VARCHAR,
    repairs VARCHAR,
    loaded_run_id VARCHAR NOT NULL,
    PRIMARY KEY (dataset, subject, origin, first_date)
)
"""
ROW = ("stock_kline", "688256.SH", "reconstructed", date(2024, 12, 2), date(2026, 1, 30),
       "eastmoney", "eastmoney/kline/1.688256.json", "rebuilt", "[]", "snap")


def _columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'ops' "
        "AND table_name = 'data_origins' ORDER BY column_index").fetchall()]


def _warehouse_holding(ddl: str, table: str, row: tuple) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with one table as an earlier release created it, ``row`` in it."""
    con = duckdb.connect()
    db.run_sql_file(con, "ddl/schemas.sql")
    con.execute(ddl)
    con.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(row))})", row)
    return con


def test_an_old_data_origins_is_renamed_in_place_once_keeping_its_rows() -> None:
    con = _warehouse_holding(DATA_ORIGINS_BEFORE_0_2_0, "ops.data_origins", ROW)

    assert migrate.migrate(con) == ["ops_data_origins_endpoint"]
    assert migrate.migrate(con) == []
    db.apply_ddl(con)

    assert _columns(con)[:3] == ["endpoint", "subject", "origin"]
    assert "dataset" not in _columns(con)
    assert con.execute("SELECT * FROM ops.data_origins").fetchall() == [ROW]
    [(key,)] = con.execute("SELECT constraint_column_names FROM duckdb_constraints() WHERE "
                           "table_name = 'data_origins' AND constraint_type = 'PRIMARY KEY'"
                           ).fetchall()
    assert key == ["endpoint", "subject", "origin", "first_date"]
    with pytest.raises(duckdb.ConstraintException):
        con.execute(f"INSERT INTO ops.data_origins VALUES ({', '.join('?' * len(ROW))})", ROW)


def test_a_new_warehouse_needs_no_migration() -> None:
    con = duckdb.connect()
    db.apply_ddl(con)
    assert migrate.migrate(con) == []
    assert _columns(con)[0] == "endpoint"


# core.security_bars as releases up to 0.2.0 created it, keyed by a primary key: frozen here,
# not read from ddl/, which describes the layout the migration arrives at.
SECURITY_BARS_UP_TO_0_2_0 = """
CREATE TABLE core.security_bars (
    symbol VARCHAR NOT NULL,
    trade_date DATE NOT NULL,
    open DOUBLE,
    high DOUBLE,
    low DOUBLE,
    close DOUBLE NOT NULL,
    volume DOUBLE,
    amount DOUBLE,
    currency VARCHAR NOT NULL,
    loaded_run_id VARCHAR NOT NULL,
    PRIMARY KEY (symbol, trade_date)
)
"""
BAR = ("688256.SH", date(2026, 1, 30), 1400.0, 1450.0, 1390.0, 1432.5, 1.2e6, 1.7e9, "CNY", "snap")


def test_a_keyed_core_table_is_rebuilt_without_its_key_once_keeping_rows_and_not_nulls() -> None:
    con = _warehouse_holding(SECURITY_BARS_UP_TO_0_2_0, "core.security_bars", BAR)

    assert migrate.migrate(con) == ["core_security_bars_unkeyed"]
    assert migrate.migrate(con) == []
    db.apply_ddl(con)

    assert con.execute("SELECT * FROM core.security_bars").fetchall() == [BAR]
    assert con.execute("SELECT constraint_type FROM duckdb_constraints() WHERE schema_name = "
                       "'core' AND table_name = 'security_bars' ORDER BY ALL").fetchall() == [
        ("NOT NULL",)] * 5
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%keyed'"
                       ).fetchall() == [(0,)]
