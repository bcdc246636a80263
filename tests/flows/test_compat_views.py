"""The published compatibility views answer the pre-0.2.0 column names with the marts' rows."""

from __future__ import annotations

import subprocess

import duckdb
import pytest

from flows.nightly import RunResult
from tests.flows.test_readers import duckdb_cli
from warehouse import compat


def _columns(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
        "ORDER BY column_index", [schema, name]).fetchall()]


@pytest.mark.parametrize("mart", sorted(compat.RENAMED))
def test_each_view_answers_the_old_names_with_the_marts_rows(
    published: RunResult, mart: str
) -> None:
    assert published.published is not None
    renamed = compat.RENAMED[mart]
    view = f"{compat.SCHEMA}.{compat.view_name(mart)}"
    with duckdb.connect(str(published.published), read_only=True) as con:
        new = _columns(con, "main", mart)
        old = _columns(con, compat.SCHEMA, compat.view_name(mart))
        as_old = ", ".join(f'"{c}" AS "{renamed.get(c, c)}"' for c in new)
        listed = ", ".join(f'"{c}"' for c in old)
        rows = con.execute(f"SELECT count(*) FROM {view}").fetchall()[0][0]
        mart_rows = con.execute(f"SELECT count(*) FROM {mart}").fetchall()[0][0]
        differ = con.execute(
            f"SELECT count(*) FROM ((SELECT {listed} FROM {view} EXCEPT ALL "
            f"SELECT {as_old} FROM {mart}) UNION ALL (SELECT {as_old} FROM {mart} EXCEPT ALL "
            f"SELECT {listed} FROM {view}))").fetchall()[0][0]
        comments = dict(con.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = ? "
            "AND table_name = ?", [compat.SCHEMA, compat.view_name(mart)]).fetchall())
        mart_comments = dict(con.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = 'main' "
            "AND table_name = ?", [mart]).fetchall())
    assert old == [renamed.get(c, c) for c in new]
    assert set(renamed.values()) <= set(old) and not set(renamed) & set(old)
    assert rows == mart_rows > 0
    assert differ == 0
    assert comments == {renamed.get(c, c): text for c, text in mart_comments.items()}


def test_an_old_query_runs_unchanged_against_a_view_in_the_duckdb_1x_cli(
    published: RunResult,
) -> None:
    assert published.published is not None
    query = ("SELECT count(*) FROM compat.mart_index_performance_v1 WHERE as_of_date = "
             "'2026-01-30'; SELECT change_20d_pct IS NOT NULL FROM "
             "compat.mart_margin_financing_v1 WHERE exchange = 'TOTAL' ORDER BY trade_date "
             "DESC LIMIT 1;")
    done = subprocess.run([str(duckdb_cli()), "-readonly", "-csv", "-noheader",
                           str(published.published), "-c", query],
                          capture_output=True, text=True, timeout=60, check=True)
    with duckdb.connect(str(published.published), read_only=True) as con:
        indices = con.execute("SELECT count(*) FROM mart_index_performance "
                              "WHERE trade_date = '2026-01-30'").fetchall()[0][0]
    assert done.stdout.split() == [str(indices), "true"]


def test_data_origins_v1_answers_an_old_query_with_the_endpoint_in_the_duckdb_1x_cli(
    published: RunResult,
) -> None:
    assert published.published is not None
    with duckdb.connect(str(published.published), read_only=True) as con:
        old = _columns(con, compat.SCHEMA, compat.view_name("data_origins"))
        new = _columns(con, "main", "data_origins")
        comments = dict(con.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = ? "
            "AND table_name = 'data_origins_v1'", [compat.SCHEMA]).fetchall())
        [(endpoint_comment,)] = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE schema_name = 'main' AND "
            "table_name = 'data_origins' AND column_name = 'endpoint'").fetchall()
        synthetic = con.execute("SELECT count(*) FROM data_origins WHERE origin = 'synthetic' "
                                "AND endpoint = 'stock_chart'").fetchall()[0][0]
    assert old == ["source_file", "provider", "dataset", "subject", "origin", "first_date",
                   "last_date", "origin_detail", "repairs"]
    assert new == [*old[:2], "endpoint", *old[3:], "dataset"]
    assert comments["dataset"] == endpoint_comment and all(comments.values())
    query = ("SELECT count(*) FROM compat.data_origins_v1 WHERE origin = 'synthetic' "
             "AND dataset = 'stock_chart';")
    done = subprocess.run([str(duckdb_cli()), "-readonly", "-csv", "-noheader",
                           str(published.published), "-c", query],
                          capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == [str(synthetic)] and synthetic > 0
