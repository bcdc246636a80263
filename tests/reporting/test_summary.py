"""The run summary: headline figures, the HSTECH proxy marked, origins by date range."""

from __future__ import annotations

import re
from datetime import date

from rich.console import Console

from flows.nightly import RunResult
from reporting.summary import not_genuine, origin_phrase, print_summary

OCT30, OCT31, JAN30 = date(2025, 10, 30), date(2025, 10, 31), date(2026, 1, 30)
START = date(2024, 12, 2)


def test_summary_marks_the_hstech_proxy(published: RunResult) -> None:
    console = Console(record=True, width=120, color_system=None)
    print_summary(console, published)
    text = console.export_text()
    # Real SSE STAR 50: 1509.402 on 2026-01-30 against 1344.2 on 2025-12-31.
    assert re.search(r"STAR50 │\s+1,509\.40 │\s+\+12\.3%", text)
    assert re.search(r"HSTECH \(proxy\) │", text)
    assert "CHINEXT (proxy)" not in text and "NDX (proxy)" not in text
    assert "(proxy): HSTECH is a stand-in series" in text
    assert "real to 2025-10-30, synthetic after" in text


def test_a_series_real_to_a_day_reads_real_to_then_synthetic_after() -> None:
    assert origin_phrase([("reconstructed", START, OCT30), ("synthetic", OCT31, JAN30)]) == (
        "real to 2025-10-30, synthetic after")


def test_one_origin_reads_with_its_dates_and_recorded_only_is_genuine() -> None:
    assert origin_phrase([("synthetic", START, JAN30)]) == "synthetic 2024-12-02..2026-01-30"
    assert origin_phrase([("recorded", START, JAN30)]) is None
    assert origin_phrase([("synthetic", START, OCT30), ("synthetic", OCT31, JAN30),
                          ("recorded", date(2026, 2, 2), date(2026, 2, 3))]) == (
        "synthetic 2024-12-02..2025-10-30, synthetic 2025-10-31..2026-01-30, "
        "real 2026-02-02..2026-02-03")


def test_series_are_grouped_by_endpoint_and_phrase() -> None:
    mixed = [("reconstructed", START, OCT30), ("synthetic", OCT31, JAN30)]
    grouped = not_genuine([
        ("stock_chart", "00020.HK", mixed), ("stock_chart", "09888.HK", mixed),
        ("stock_chart", "00700.HK", [("recorded", START, JAN30)]),
    ])
    assert grouped == {("stock_chart", "real to 2025-10-30, synthetic after"):
                       ["00020.HK", "09888.HK"]}
