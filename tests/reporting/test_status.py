"""``cntech status``: freshness against the exchange calendars, gate verdict, exit codes."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.nightly import RunResult
from reporting.status import collect_status, evaluate_freshness, reference_instant


@pytest.fixture
def data_dir(published: RunResult, tmp_path: Path) -> Path:
    """A copy of the published marts and gate results only: no writer's warehouse in sight."""
    assert published.published is not None
    target = tmp_path / "data"
    target.mkdir()
    shutil.copy2(published.published, target / "marts.duckdb")
    shutil.copytree(published.published.parent / "gate", target / "gate")
    return target


def _flat(text: str) -> str:
    """CLI output without the terminal's line wrapping."""
    return " ".join(text.split())


def _behind(data_dir: Path, as_of: date, grace: int = 1) -> dict[str, tuple[int, bool]]:
    report = collect_status(data_dir, as_of=as_of, grace=grace)
    return {f"{f.dataset}/{f.series}": (f.behind, f.stale) for f in report.freshness}


def test_snapshot_is_fresh_on_its_as_of_date(data_dir: Path) -> None:
    report = collect_status(data_dir, as_of=date(2026, 1, 30))
    assert report.healthy and not report.gate_failed
    assert report.published["as_of_date"] == date(2026, 1, 30)
    assert len(report.freshness) == 7 + 2 + 20 + 3
    assert all(f.behind == 0 and f.latest == date(2026, 1, 30) for f in report.freshness)
    assert report.table_rows["mart_index_performance"] > 0


def test_sessions_behind_follow_each_calendar(data_dir: Path) -> None:
    # Wednesday 2026-02-04, end of day in Shanghai: Shanghai and Hong Kong have closed Mon-Wed;
    # New York's Wednesday session closes only the next Shanghai morning.
    behind = _behind(data_dir, date(2026, 2, 4))
    assert behind["index levels/STAR50"] == (3, True)
    assert behind["index levels/HSI"] == (3, True)
    assert behind["index levels/NDX"] == (2, True)
    assert behind["margin financing/TOTAL"] == (3, True)


def test_grace_allows_the_session_before_the_nightly_run(data_dir: Path) -> None:
    # Monday 2026-02-02: one Shanghai session closed since the snapshot's Friday.
    assert _behind(data_dir, date(2026, 2, 2))["index levels/STAR50"] == (1, False)
    assert _behind(data_dir, date(2026, 2, 2), grace=0)["index levels/STAR50"] == (1, True)
    assert collect_status(data_dir, as_of=date(2026, 2, 2)).healthy


def test_a_basket_on_two_calendars_is_due_when_either_has_closed() -> None:
    # Golden Week 2026: Shanghai is shut 1-7 October, Hong Kong trades on the 2nd and the 5th-7th.
    con = duckdb.connect()
    con.execute("""
        CREATE TABLE ref_indices AS SELECT 'STAR50' AS index_code, 'XSHG' AS calendar;
        CREATE TABLE mart_index_performance AS
            SELECT 'STAR50' AS index_code, DATE '2026-09-30' AS trade_date;
        CREATE TABLE ref_securities AS
            SELECT * FROM (VALUES ('688256.SH', 'XSHG'), ('00700.HK', 'XHKG')) t(symbol, calendar);
        CREATE TABLE ref_baskets AS SELECT 'china_ai' AS basket, symbol FROM ref_securities;
        CREATE TABLE mart_basket_market_value AS
            SELECT 'china_ai' AS basket, DATE '2026-09-30' AS trade_date;
        CREATE TABLE mart_valuation AS
            SELECT '688256.SH' AS symbol, DATE '2026-09-30' AS trade_date;
        CREATE TABLE mart_margin_financing AS
            SELECT 'TOTAL' AS exchange, DATE '2026-09-30' AS trade_date;
        CREATE TABLE publish_info AS SELECT 'r1' AS run_id, DATE '2026-09-30' AS as_of_date,
            'live' AS source, now() AS published_at, 1 AS gate_checks_run;
    """)
    items = {f.series: f for f in evaluate_freshness(
        con, reference_instant(date(2026, 10, 7)), grace=1)}
    assert items["STAR50"].behind == 0 and not items["STAR50"].stale
    basket = items["china_ai"]
    assert basket.calendars == ("XHKG", "XSHG")
    assert basket.due == date(2026, 10, 7) and basket.behind == 4 and basket.stale


def test_a_newer_failed_gate_run_makes_status_unhealthy(data_dir: Path) -> None:
    latest = data_dir / "gate" / "latest.json"
    doc = json.loads(latest.read_text(encoding="utf-8"))
    doc["results"][0].update(success=False, message="index_bars breaks not_empty")
    doc.update(run_id="20990101T000000-abcdef", passed=False)
    latest.write_text(json.dumps(doc), encoding="utf-8")
    report = collect_status(data_dir, as_of=date(2026, 1, 30))
    assert not report.stale and report.gate_failed and not report.healthy
    result = CliRunner().invoke(app, ["status", "--data-dir", str(data_dir),
                                      "--as-of", "2026-01-30"])
    assert result.exit_code == 1
    assert "FAILED" in result.output and "newer than the published marts" in _flat(result.output)


def test_cli_exit_codes(data_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    fresh = runner.invoke(app, ["status", "--data-dir", str(data_dir), "--as-of", "2026-01-30"])
    assert fresh.exit_code == 0, fresh.output
    assert "OK" in fresh.output and "20261" in fresh.output
    stale = runner.invoke(app, ["status", "--data-dir", str(data_dir), "--as-of", "2026-03-02"])
    assert stale.exit_code == 1
    assert "stale" in stale.output and "index levels" in stale.output
    as_json = runner.invoke(app, ["status", "--data-dir", str(data_dir), "--as-of",
                                  "2026-03-02", "--json"])
    doc = json.loads(as_json.output)
    assert as_json.exit_code == 1 and doc["healthy"] is False
    assert {f["series"] for f in doc["freshness"] if f["stale"]} >= {"STAR50", "NDX"}
    assert doc["runs"] and all(isinstance(r["row_counts"], dict) for r in doc["runs"])
    assert doc["runs"][0]["row_counts"]["index_bars"] > 0

    missing = runner.invoke(app, ["status", "--data-dir", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "Run `cntech run`" in _flat(missing.output)
    beyond = runner.invoke(app, ["status", "--data-dir", str(data_dir), "--as-of", "2031-01-02"])
    assert beyond.exit_code == 2 and "calendar" in _flat(beyond.output)
    assert "Traceback" not in missing.output + beyond.output


def _as_live(data_dir: Path) -> Path:
    """The same marts as if a live run had published them."""
    with duckdb.connect(str(data_dir / "marts.duckdb")) as con:
        con.execute("UPDATE publish_info SET source = 'live'")
    return data_dir


def test_live_freshness_now_is_judged_at_the_current_time(data_dir: Path) -> None:
    # A fixed "now" keeps the test valid after the calendars' end date.
    now = datetime(2026, 2, 3, 1, 0, tzinfo=UTC)  # 09:00 Shanghai, before the open
    behind = _behind_at(_as_live(data_dir), now)
    assert behind["index levels/STAR50"] == 1 and behind["index levels/NDX"] == 1
    assert collect_status(data_dir, now=now).basis.startswith("now")


def test_a_snapshot_is_judged_on_its_own_as_of_date(data_dir: Path) -> None:
    months_later = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
    report = collect_status(data_dir, now=months_later)
    assert report.healthy and report.reference == reference_instant(date(2026, 1, 30))
    assert "snapshot's as-of date 2026-01-30" in report.basis
    assert all(f.behind == 0 for f in report.freshness)
    # An explicit --as-of still judges the snapshot against that day.
    assert _behind(data_dir, date(2026, 2, 4))["index levels/STAR50"] == (3, True)
    # The report's freshness section reads the same shared judgement.
    with duckdb.connect(str(data_dir / "marts.duckdb"), read_only=True) as con:
        items = evaluate_freshness(con, reference_instant(None, months_later), grace=1)
    assert max(f.behind for f in items) == 0


def test_status_right_after_make_run_exits_0(data_dir: Path) -> None:
    # `make run` replays the bundled snapshot; `cntech status` then needs no --as-of.
    result = CliRunner().invoke(app, ["status", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    said = _flat(result.output)
    assert "snapshot's as-of date 2026-01-30" in said and "OK" in said


def _behind_at(data_dir: Path, now: datetime) -> dict[str, int]:
    report = collect_status(data_dir, now=now)
    return {f"{f.dataset}/{f.series}": f.behind for f in report.freshness}
