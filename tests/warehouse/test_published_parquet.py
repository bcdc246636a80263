"""Published tables as Parquet files that carry the DuckDB comments as metadata."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from warehouse import published_parquet


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A published file attached as ``pub``: one described mart, one table without comments."""
    connection = duckdb.connect()
    connection.execute("ATTACH ? AS pub", [str(tmp_path / "marts.duckdb")])
    connection.execute("""
        CREATE TABLE pub.mart_margin_financing (
            trade_date DATE, exchange VARCHAR, financing_balance DOUBLE, change_1d DOUBLE);
        INSERT INTO pub.mart_margin_financing VALUES
            (DATE '2026-01-29', 'SSE', 1.318e12, NULL), (DATE '2026-01-30', 'SSE', 1.32e12, 0.0015);
        COMMENT ON TABLE pub.mart_margin_financing IS 'Daily margin balances per exchange';
        COMMENT ON COLUMN pub.mart_margin_financing.financing_balance IS 'yuan';
        COMMENT ON COLUMN pub.mart_margin_financing.change_1d IS 'fraction, 1-day change';
    """)
    connection.execute('CREATE TABLE pub."odd ""name""" AS SELECT \'STAR50\' AS index_code')
    yield connection
    connection.close()


def test_each_table_becomes_one_parquet_with_its_rows_and_descriptions(
    con: duckdb.DuckDBPyConnection, tmp_path: Path,
) -> None:
    [path] = published_parquet.export_published(con, "pub", ["mart_margin_financing"], tmp_path)

    assert path == tmp_path / "mart_margin_financing.parquet"
    assert pl.read_parquet(path).rows() == [(date(2026, 1, 29), "SSE", 1.318e12, None),
                                            (date(2026, 1, 30), "SSE", 1.32e12, 0.0015)]
    schema = pq.read_schema(path)
    assert schema.metadata[b"table"] == b"mart_margin_financing"
    assert schema.metadata[b"description"].decode() == "Daily margin balances per exchange"
    assert json.loads(schema.metadata[b"column_descriptions"]) == {
        "trade_date": "", "exchange": "", "financing_balance": "yuan",
        "change_1d": "fraction, 1-day change"}
    assert {f.name: (f.metadata or {}).get(b"description") for f in schema} == {
        "trade_date": b"", "exchange": b"", "financing_balance": b"yuan",
        "change_1d": b"fraction, 1-day change"}


def test_a_table_without_comments_and_an_odd_name_are_exported(
    con: duckdb.DuckDBPyConnection, tmp_path: Path,
) -> None:
    assert published_parquet.published_metadata(con, "pub", 'odd "name"') == {
        "table": 'odd "name"', "description": "", "column_descriptions": '{"index_code": ""}'}
    [path] = published_parquet.export_published(con, "pub", ['odd "name"'], tmp_path)
    assert pl.read_parquet(path)["index_code"].to_list() == ["STAR50"]


def test_a_table_the_database_lacks_is_an_error(
    con: duckdb.DuckDBPyConnection, tmp_path: Path,
) -> None:
    with pytest.raises(duckdb.CatalogException):
        published_parquet.export_published(con, "pub", ["mart_valuation"], tmp_path)
    assert list(tmp_path.glob("*.parquet")) == []
