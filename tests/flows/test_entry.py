"""The entry point's scan of ``argv``: what it checks itself and what it leaves to typer."""

from __future__ import annotations

from flows.entry import scan


def test_scan_reads_both_option_spellings_and_skips_other_options() -> None:
    assert scan(["run", "-v", "--wait", "5", "--as-of=2026-01-30", "--data-dir", "d",
                 "--task-runner", "dask", "--dask-address=tcp://h:1"]) == ("run", {
                     "--as-of": "2026-01-30", "--data-dir": "d", "--task-runner": "dask",
                     "--dask-address": "tcp://h:1"})


def test_scan_leaves_help_other_commands_and_incomplete_backfills_to_typer() -> None:
    assert scan(["run", "--help"]) is None
    assert scan(["sql", "SELECT 1"]) is None
    assert scan([]) is None
    assert scan(["backfill", "--start", "2025-01-01"]) is None
    assert scan(["backfill", "--start", "2025-01-01", "--end", "2025-02-01",
                 "--partition", "year"]) == ("backfill", {"--start": "2025-01-01",
                                                          "--end": "2025-02-01"})
