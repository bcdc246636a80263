"""Reference seeds and trading sessions in ``ref.*``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from warehouse import db, seeds


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty warehouse from the repo's DDL."""
    connection = duckdb.connect()
    db.apply_ddl(connection)
    yield connection
    connection.close()


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    [(n,)] = con.execute(f"SELECT count(*) FROM ref.{table}").fetchall()
    return int(n)


def test_a_seed_is_read_with_its_declared_types() -> None:
    securities = seeds.read_seed("securities")
    assert securities.schema == pl.Schema(seeds.SEED_SCHEMAS["securities"])
    cambricon = securities.filter(pl.col("symbol") == "688256.SH").row(0, named=True)
    assert (cambricon["calendar"], cambricon["is_ai"], cambricon["provider_code"]) == (
        "XSHG", True, "1.688256")
    assert cambricon["shares_outstanding"] == 416594451.0
    # Leading zeros of provider codes and symbols are text, never numbers.
    assert "0.002230" in securities["provider_code"].to_list()


def test_loading_seeds_twice_replaces_rather_than_appends(con: duckdb.DuckDBPyConnection) -> None:
    seeds.load_seeds(con)
    first = {name: count(con, name) for name in seeds.SEED_SCHEMAS}
    seeds.load_seeds(con)
    assert {name: count(con, name) for name in seeds.SEED_SCHEMAS} == first
    assert first["indices"] == seeds.read_seed("indices").height > 0


def test_seeds_come_from_the_folder_given(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    for path in seeds.SEEDS_DIR.glob("*.csv"):
        shutil.copy(path, tmp_path)
    (tmp_path / "indices.csv").write_text(
        "index_code,name,calendar,currency,provider,provider_code,is_proxy,note\n"
        "STAR50,SSE STAR 50,XSHG,CNY,eastmoney,1.000688,false,\n", encoding="utf-8")

    seeds.load_seeds(con, tmp_path)

    assert con.execute("SELECT index_code, is_proxy FROM ref.indices").fetchall() == [
        ("STAR50", False)]


def test_sessions_skip_weekends_and_each_exchanges_holidays() -> None:
    xshg = seeds.sessions("XSHG", date(2025, 12, 22), date(2026, 1, 5))
    xhkg = seeds.sessions("XHKG", date(2025, 12, 22), date(2026, 1, 5))
    assert date(2025, 12, 25) in xshg and date(2025, 12, 25) not in xhkg
    assert date(2026, 1, 1) not in xshg and date(2026, 1, 1) not in xhkg
    assert all(day.weekday() < 5 for day in [*xshg, *xhkg])
    assert xshg == sorted(xshg) and xshg[0] == date(2025, 12, 22) and xshg[-1] == date(2026, 1, 5)


def test_a_date_past_a_calendars_horizon_is_an_error_not_a_holiday() -> None:
    with pytest.raises(seeds.CalendarRangeError, match="XSHG trading calendar .* ends on"):
        seeds.sessions("XSHG", date(2026, 12, 1), date(2027, 1, 8))


def test_load_sessions_fills_every_seeded_calendar_and_replaces(
    con: duckdb.DuckDBPyConnection,
) -> None:
    seeds.load_sessions(con, date(2026, 1, 26), date(2026, 1, 30))
    seeds.load_sessions(con, date(2026, 1, 26), date(2026, 1, 30))
    assert con.execute("SELECT calendar, count(*) FROM ref.sessions GROUP BY ALL ORDER BY ALL"
                       ).fetchall() == [("XHKG", 5), ("XNYS", 5), ("XSHG", 5)]
