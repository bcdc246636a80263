"""Compatibility views: each renamed mart under its old column names, with its comments."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from warehouse import compat, db, load, marts, seeds


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's marts over an empty core, in a warehouse file built once."""
    path = tmp_path_factory.mktemp("compat") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        db.apply_ddl(con)
        seeds.load_seeds(con)
        load.set_run_context(con, run_id="compat", as_of=date(2026, 1, 30), source="snapshot")
        marts.build_marts(con)
    return path


def _publish(built: Path, target: Path, *, held_back_old: str | None = None) -> list[str]:
    """Copy the marts into ``target`` as publish does, then create the views there."""
    con = duckdb.connect()
    con.execute("ATTACH ? AS wh (READ_ONLY)", [str(built)])
    con.execute("ATTACH ? AS pub", [str(target)])
    for mart in marts.MARTS:
        con.execute(f"CREATE TABLE pub.main.{mart} AS SELECT * FROM wh.marts.{mart}")
    con.execute("COMMENT ON COLUMN pub.main.mart_valuation.pe_ttm IS 'Price / EPS.'")
    if held_back_old:
        con.execute(f"ALTER TABLE pub.main.{held_back_old} RENAME trade_date TO as_of_date")
    created = compat.create_views(con)
    con.execute("DETACH pub")
    con.close()
    return created


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
        "ORDER BY column_index", [schema, table]).fetchall()]


def test_each_view_lists_the_marts_columns_under_their_old_names(
    built: Path, tmp_path: Path
) -> None:
    created = _publish(built, tmp_path / "marts.duckdb")

    assert created == [f"compat.{mart}_v1" for mart in compat.RENAMED]
    with duckdb.connect(str(tmp_path / "marts.duckdb"), read_only=True) as con:
        for mart, renamed in compat.RENAMED.items():
            assert _columns(con, "compat", compat.view_name(mart)) == [
                renamed.get(c, c) for c in _columns(con, "main", mart)], mart
        [(comment,)] = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE schema_name = 'compat' AND "
            "table_name = 'mart_valuation_v1' AND column_name = 'pe_ttm'").fetchall()
        [(about,)] = con.execute("SELECT comment FROM duckdb_views() "
                                 "WHERE view_name = 'mart_valuation_v1'").fetchall()
    assert comment == "Price / EPS."
    assert "as_of_date (now trade_date)" in about and compat.REMOVED_IN in about


def test_a_mart_held_back_under_its_old_names_gets_no_view(built: Path, tmp_path: Path) -> None:
    created = _publish(built, tmp_path / "marts.duckdb", held_back_old="mart_valuation")

    assert "compat.mart_valuation_v1" not in created
    assert len(created) == len(compat.RENAMED) - 1
    with duckdb.connect(str(tmp_path / "marts.duckdb"), read_only=True) as con:
        assert "as_of_date" in _columns(con, "main", "mart_valuation")


def test_a_mart_without_renames_has_no_view() -> None:
    with pytest.raises(ValueError, match="no compatibility view"):
        compat.view_name("mart_ipo_debuts")


def test_data_origins_answers_its_old_names_and_leaves_the_new_dataset_out(
    tmp_path: Path,
) -> None:
    con = duckdb.connect()
    con.execute("ATTACH ? AS pub", [str(tmp_path / "marts.duckdb")])
    con.execute("CREATE TABLE pub.main.data_origins AS SELECT 'eastmoney/kline/1.688256.json' "
                "AS source_file, 'eastmoney' AS provider, 'stock_kline' AS endpoint, "
                "'688256.SH' AS subject, 'recorded' AS origin, 'security_bars' AS dataset")
    con.execute("COMMENT ON COLUMN pub.main.data_origins.endpoint IS 'The request kind.'")
    con.execute("COMMENT ON COLUMN pub.main.data_origins.dataset IS 'The staging table.'")

    created = compat.create_views(con)

    assert created == ["compat.data_origins_v1"]
    rows = con.execute("SELECT * FROM pub.compat.data_origins_v1").fetchall()
    names = [d[0] for d in con.execute("SELECT * FROM pub.compat.data_origins_v1").description]
    comments = dict(con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = 'pub' AND "
        "schema_name = 'compat'").fetchall())
    [(about,)] = con.execute("SELECT comment FROM duckdb_views() "
                             "WHERE view_name = 'data_origins_v1'").fetchall()
    con.close()
    assert names == ["source_file", "provider", "dataset", "subject", "origin"]
    assert rows == [("eastmoney/kline/1.688256.json", "eastmoney", "stock_kline", "688256.SH",
                     "recorded")]
    assert comments["dataset"] == "The request kind."
    assert "dataset (now endpoint)" in about and "data_origins.dataset is a new column" in about


def test_data_origins_without_its_new_dataset_column_gets_no_view(tmp_path: Path) -> None:
    con = duckdb.connect()
    con.execute("ATTACH ? AS pub", [str(tmp_path / "marts.duckdb")])
    con.execute("CREATE TABLE pub.main.data_origins AS SELECT 'stock_kline' AS endpoint, "
                "'688256.SH' AS subject")
    assert compat.create_views(con) == []
    con.close()
