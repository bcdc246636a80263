"""The run summary: headline figures of the just-published marts, the HSTECH proxy marked."""

from __future__ import annotations

import re

from rich.console import Console

from flows.nightly import RunResult
from flows.summary import print_summary


def test_summary_marks_the_hstech_proxy(published: RunResult) -> None:
    console = Console(record=True, width=120, color_system=None)
    print_summary(console, published)
    text = console.export_text()
    # Real SSE STAR 50: 1509.402 on 2026-01-30 against 1344.2 on 2025-12-31.
    assert re.search(r"STAR50 │\s+1,509\.40 │\s+\+12\.3%", text)
    assert re.search(r"HSTECH \(proxy\) │", text)
    assert "CHINEXT (proxy)" not in text and "NDX (proxy)" not in text
    assert "(proxy): HSTECH is a stand-in series" in text
