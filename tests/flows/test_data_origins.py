"""Published ``data_origins`` describes the rows in the marts by series and date range, on the
bundled snapshot and after a live night (loopback replay) on top of it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from flows.nightly import RunResult
from tests.flows.nights import LiveNight

HK_MIXED = ["00020.HK", "00268.HK", "00992.HK", "03888.HK", "09660.HK", "09888.HK", "09999.HK"]
REAL_UNTIL = date(2025, 10, 30)


def _origins(path: Path) -> list[tuple[str, str, str, date, date]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT dataset, subject, origin, first_date, last_date FROM data_origins "
            "ORDER BY dataset, subject, first_date").fetchall()


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
