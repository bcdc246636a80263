"""Progress: stage lines everywhere, bars drawn only on a terminal."""

from __future__ import annotations

import io
import re
import time

import pytest
from rich.console import Console

from flows.progress import (
    StageReporter,
    begin_run,
    gate_verdict,
    progress_bar,
    reporting,
    stage_end,
    stage_start,
    track,
)


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


def stage_lines(console: Console) -> None:
    """A run's stages as the nightly flow reports them."""
    with reporting(StageReporter(console, started=time.monotonic())):
        stage_start("extract", "368 requests, snapshot")
        stage_end("extract", "368/368 requests landed")
        stage_start("gate")
        stage_end("gate", "112 of 112 checks passed")


def test_piped_run_writes_one_plain_line_per_stage_start_and_end() -> None:
    out = io.StringIO()
    stage_lines(Console(file=out, force_terminal=False, width=40))
    lines = out.getvalue().splitlines()
    assert len(lines) == 4 and "\x1b" not in out.getvalue()
    assert re.fullmatch(r"\[ +\d+\.\d s\] extract started: 368 requests, snapshot", lines[0])
    assert re.fullmatch(r"\[ +\d+\.\d s\] extract done in \d+\.\d s: 368/368 requests landed",
                        lines[1])
    assert re.fullmatch(r"\[ +\d+\.\d s\] gate started", lines[2])
    assert re.fullmatch(r"\[ +\d+\.\d s\] gate done in \d+\.\d s: 112 of 112 checks passed",
                        lines[3])


def test_terminal_run_draws_a_live_bar_beside_the_same_lines() -> None:
    out = io.StringIO()
    stage_lines(Console(file=out, force_terminal=True, width=120))
    text = out.getvalue()
    assert "\x1b[" in text and "cntech run" in text
    assert "extract done in" in text and "gate done in" in text
    assert "112 of 112 checks passed" in text


def test_flows_without_a_cli_reporter_write_plain_lines_to_stderr(
    capsys: pytest.CaptureFixture[str]
) -> None:
    begin_run("nightly")
    stage_start("merge")
    stage_end("merge", "23,935 core rows")
    err = capsys.readouterr().err.splitlines()
    assert [line.split("] ", 1)[1].split(" in ")[0] for line in err] == [
        "merge started", "merge done"]


def test_a_step_bar_joins_the_live_stage_bar() -> None:
    out = io.StringIO()
    with reporting(StageReporter(Console(file=out, force_terminal=True, width=120))):
        with progress_bar("backfill", total=2) as advance:
            advance(note="2025")
            advance(note="2026")
    assert "backfill" in out.getvalue()


@pytest.mark.parametrize(("summary", "verdict"), [
    ("Quality gate r as of 2026-01-30: PASSED (112 checks, 0 failing, 0 warning)\n  results: x",
     "112 of 112 checks passed"),
    ("Quality gate r as of 2026-01-30: PASSED (112 checks, 0 failing, 2 warning)",
     "110 of 112 checks passed, 2 warned"),
    ("Quality gate r as of 2026-01-30: FAILED (112 checks, 3 failing, 1 warning)",
     "108 of 112 checks passed, 3 failed, 1 warned"),
    ("backfill 2025-01-01..2025-12-31: 12 partitions merged", "1,332 checks run"),
])
def test_gate_verdict(summary: str, verdict: str) -> None:
    assert gate_verdict(summary, 1332) == verdict
