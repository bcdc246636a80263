"""Progress bars: drawn on a terminal, silent in logs."""

from __future__ import annotations

import io

from rich.console import Console

from flows.progress import progress_bar, track


def test_bar_is_drawn_on_a_terminal() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    with progress_bar("backfill", total=3, console=console) as advance:
        advance(note="2025-01")
        advance(note="2025-02")
        advance(note="2025-03")
    text = out.getvalue()
    assert "backfill" in text and "3/3" in text and "2025-03" in text


def test_nothing_is_written_when_not_a_terminal() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False)
    seen = list(track(["a", "b"], "record", console=console, label=str))
    assert seen == ["a", "b"]
    assert out.getvalue() == ""


def test_track_counts_every_item() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    assert sum(track(range(5), "sum", console=console)) == 10
    assert "5/5" in out.getvalue()
