"""How ``cntech status`` prints: the verdict last, times in Shanghai, stale series counted."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from rich.console import Console

from reporting.status import Freshness, StatusReport
from reporting.status_view import print_status

PUBLISHED_AT = datetime(2026, 1, 30, 14, 5, tzinfo=UTC)


def report(*, behind: int = 0, passed: bool = True, failures: int = 0) -> StatusReport:
    """A status report as ``reporting.status`` reads it from a published snapshot run."""
    results = [{"success": True, "severity": "fail", "message": "margin holds not_empty."}]
    results += [{"success": False, "severity": "fail",
                 "message": f"margin: 1 row breaks parts_within_total ({n})"}
                for n in range(failures)]
    run = {"run_id": "20260130T220500-1a2b3c", "status": "published",
           "as_of_date": date(2026, 1, 30), "gate_passed": True, "gate_failures": 0,
           "published_at": PUBLISHED_AT, "started_at": PUBLISHED_AT, "source": "snapshot",
           "row_counts": '{"index_bars": 1690, "margin": 852}', "message": "31 checks passed"}
    return StatusReport(
        marts=Path("data/marts.duckdb"), reference=datetime(2026, 1, 30, 16, 0, tzinfo=UTC),
        grace=1, basis="as of 2026-01-30", published={
            "run_id": run["run_id"], "as_of_date": date(2026, 1, 30), "source": "snapshot",
            "published_at": PUBLISHED_AT, "gate_checks_run": 31},
        table_rows={"mart_valuation": 12_345, "publish_info": 1}, runs=[run],
        gate={"run_id": "20260131T220500-9f8e7d" if not passed else run["run_id"],
              "as_of": "2026-01-30", "passed": passed, "results": results},
        freshness=[
            Freshness("index_bars", "STAR50", ("XSHG",), date(2026, 1, 30), date(2026, 1, 30),
                      0, 1),
            Freshness("index_bars", "HSI", ("XHKG",), date(2026, 1, 30), date(2026, 1, 30),
                      0, 1),
            Freshness("margin", "SSE", ("XSHG",), date(2026, 1, 29 - behind),
                      date(2026, 1, 29), behind, 1),
        ])


def printed(status: StatusReport, *, verbose: bool = False) -> str:
    console = Console(record=True, width=200, color_system=None)
    print_status(console, status, verbose=verbose)
    return console.export_text()


def test_a_healthy_report_ends_ok_with_times_in_shanghai() -> None:
    text = printed(report())
    assert "published 2026-01-30 22:05+08, 31 gate checks passed" in text
    assert "rows: mart_valuation 12,345" in text and "publish_info" not in text
    assert "PASSED (1 checks, 0 failing, 0 warning)" in text
    assert text.rstrip().endswith("OK: every series is current and the last gate run passed.")


def test_stale_series_and_a_failed_gate_are_named_last() -> None:
    text = printed(report(behind=2, passed=False, failures=7))
    assert "this run is newer than the published marts" in text
    assert text.count("parts_within_total") == 5
    assert "... and 2 more (--verbose)" in text
    assert text.rstrip().endswith(
        "ATTENTION: 1 series stale (margin); the last quality-gate run failed.")


def test_verbose_lists_every_failure_series_and_row_totals() -> None:
    text = printed(report(behind=2, passed=False, failures=7), verbose=True)
    assert text.count("parts_within_total") == 7
    assert "margin/SSE" not in text and "SSE" in text and "XHKG" in text
    assert "2,542" in text
