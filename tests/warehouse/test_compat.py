"""Compatibility views: built from the columns a published mart has, under their old names."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse import compat


def _published(path: Path, date_column: str) -> None:
    with duckdb.connect(str(path)) as con:
        for mart in compat.RENAMED:
            con.execute(f"CREATE TABLE {mart} AS SELECT 'STAR50' AS code, "
                        f"DATE '2026-01-30' AS {date_column}, 0.25 AS change_1y_frac, "
                        "-0.5 AS change_20d_frac")
        con.execute("COMMENT ON COLUMN mart_valuation.change_1y_frac IS 'A change, fraction.'")


def test_renamed_columns_take_their_old_names_and_comments(tmp_path: Path) -> None:
    _published(tmp_path / "pub.duckdb", "trade_date")
    con = duckdb.connect()
    con.execute("ATTACH ? AS pub", [str(tmp_path / "pub.duckdb")])
    created = compat.create_views(con, "pub")
    con.execute("DETACH pub")

    assert created == [f"compat.{mart}_v1" for mart in compat.RENAMED]
    with duckdb.connect(str(tmp_path / "pub.duckdb"), read_only=True) as reader:
        basket = reader.execute("SELECT * FROM compat.mart_basket_market_value_v1")
        assert [d[0] for d in basket.description] == ["code", "as_of_date", "change_1y_pct",
                                                      "change_20d_frac"]
        margin = reader.execute("SELECT * FROM compat.mart_margin_financing_v1")
        assert [d[0] for d in margin.description] == ["code", "trade_date", "change_1y_frac",
                                                      "change_20d_pct"]
        [(comment,)] = reader.execute(
            "SELECT comment FROM duckdb_columns() WHERE schema_name = 'compat' AND "
            "table_name = 'mart_valuation_v1' AND column_name = 'change_1y_frac'").fetchall()
        [(about,)] = reader.execute("SELECT comment FROM duckdb_views() "
                                    "WHERE view_name = 'mart_valuation_v1'").fetchall()
    assert comment == "A change, fraction."
    assert "as_of_date (now trade_date)" in about and compat.REMOVED_IN in about


def test_a_mart_still_under_its_old_names_passes_through(tmp_path: Path) -> None:
    _published(tmp_path / "pub.duckdb", "as_of_date")
    con = duckdb.connect()
    con.execute("ATTACH ? AS pub", [str(tmp_path / "pub.duckdb")])
    compat.create_views(con, "pub")
    columns = con.execute("SELECT * FROM pub.compat.mart_index_performance_v1").description
    assert [d[0] for d in columns] == ["code", "as_of_date", "change_1y_frac", "change_20d_frac"]


def test_a_mart_without_renames_has_no_view() -> None:
    with pytest.raises(ValueError, match="no compatibility view"):
        compat.view_name("mart_ipo_debuts")
