"""Published ``data_origins`` describes the rows in the marts by series and date range, on the
bundled snapshot, after a live night (loopback replay) on top of it and after a night on a
warehouse written before release 0.2.0."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from flows.nightly import RunResult, nightly
from tests.flows.nights import LiveNight
from tests.flows.publishing import copy_data_dir
from tests.warehouse.test_migrate import DATA_ORIGINS_BEFORE_0_2_0

HK_MIXED = ["00020.HK", "00268.HK", "00992.HK", "03888.HK", "09660.HK", "09888.HK", "09999.HK"]
REAL_UNTIL = date(2025, 10, 30)


def _origins(path: Path) -> list[tuple[str, str, str, date, date]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT endpoint, subject, origin, first_date, last_date FROM data_origins "
            "ORDER BY endpoint, subject, first_date").fetchall()


def _assert_story_provenance(rows: list[tuple[str, str, str, date, date]]) -> None:
    assert all(first is not None and last is not None and first <= last
               for _, _, _, first, last in rows)
    bars = [row for row in rows if row[0] in ("stock_kline", "stock_chart")]
    assert not [row for row in bars if row[2] == "synthetic" and row[1] not in HK_MIXED]
    for symbol in HK_MIXED:
        ranges = [row[2:] for row in bars if row[1] == symbol]
        assert ranges[0][0] == "reconstructed" and ranges[0][2] == REAL_UNTIL, symbol
        synthetic = [r for r in ranges if r[0] == "synthetic"]
        assert synthetic and all(first > REAL_UNTIL for _, first, _ in synthetic), symbol
    fx = [row for row in rows if row[1] == "USDHKD"]
    assert fx and {row[2] for row in fx} <= {"recorded", "reconstructed"}


def test_the_snapshot_provenance_has_dates_and_no_synthetic_bars(published: RunResult) -> None:
    assert published.published is not None
    rows = _origins(published.published)
    _assert_story_provenance(rows)
    baidu = [row[2:] for row in rows if row[1] == "09888.HK"]
    assert baidu == [("reconstructed", date(2024, 12, 2), REAL_UNTIL),
                     ("synthetic", date(2025, 10, 31), date(2026, 1, 30))]
    debuts = {row[1]: row[2:] for row in rows if row[1] in ("688795.SH", "688802.SH")}
    assert debuts == {"688795.SH": ("reconstructed", date(2025, 12, 5), date(2026, 1, 30)),
                      "688802.SH": ("reconstructed", date(2025, 12, 17), date(2026, 1, 30))}


def test_provenance_survives_a_live_night_on_top(published_live_night: LiveNight) -> None:
    live = published_live_night.result
    assert live.published is not None
    rows = _origins(live.published)
    _assert_story_provenance(rows)
    baidu = [row[2:] for row in rows if row[1] == "09888.HK"]
    assert [origin for origin, _, _ in baidu] == ["reconstructed", "synthetic", "recorded"]
    assert baidu[1][1] == date(2025, 10, 31) and baidu[2][2] == date(2026, 1, 30)
    assert baidu[1][2] < baidu[2][1]
    valuation = {row[2] for row in rows if row[0] == "valuation"}
    assert "synthetic" in valuation, "the snapshot's synthetic history is still in the marts"


def _to_layout_before_0_2_0(warehouse: Path) -> list[tuple[object, ...]]:
    """Rebuild ``ops.data_origins`` as releases before 0.2.0 wrote it; its rows, without run ids."""
    with duckdb.connect(str(warehouse)) as con:
        rows = con.execute("SELECT * EXCLUDE (loaded_run_id) FROM ops.data_origins "
                           "ORDER BY ALL").fetchall()
        con.execute("ALTER TABLE ops.data_origins RENAME TO data_origins_now")
        con.execute(DATA_ORIGINS_BEFORE_0_2_0)
        con.execute("INSERT INTO ops.data_origins BY NAME "
                    "SELECT * RENAME (endpoint AS dataset) FROM ops.data_origins_now")
        con.execute("DROP TABLE ops.data_origins_now")
    return rows


def test_a_warehouse_written_before_0_2_0_is_migrated_by_the_next_night(
    published: RunResult, tmp_path: Path
) -> None:
    assert published.published is not None
    data_dir = copy_data_dir(published, tmp_path / "data")
    stored = _to_layout_before_0_2_0(data_dir / "warehouse.duckdb")

    night = nightly(source="snapshot", data_dir=str(data_dir))

    assert night.published is not None
    assert _origins(night.published) == _origins(published.published)
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        migrated = con.execute("SELECT * EXCLUDE (loaded_run_id) FROM ops.data_origins "
                               "ORDER BY ALL").fetchall()
        columns = [row[0] for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'ops' "
            "AND table_name = 'data_origins'").fetchall()]
    assert migrated == stored
    assert "endpoint" in columns and "dataset" not in columns
    with duckdb.connect(str(night.published), read_only=True) as con:
        old = con.execute("SELECT dataset, subject, origin FROM compat.data_origins_v1 "
                          "WHERE dataset = 'stock_chart' ORDER BY ALL").fetchall()
        new = con.execute("SELECT endpoint, subject, origin FROM data_origins "
                          "WHERE dataset = 'security_bars' AND endpoint = 'stock_chart' "
                          "ORDER BY ALL").fetchall()
    assert old == new and len(old) > 0
