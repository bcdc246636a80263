"""How `cntech run` and `backfill` turn expected failures into one paragraph and an exit code,
and when they start the gate's judging worker."""

from __future__ import annotations

import io
import sys
import types

import pytest
import typer
from rich.console import Console

from expectations import judges
from flows.exit_codes import EXIT_EXTRACTION, EXIT_GATE, EXIT_STARTUP, EXIT_USAGE
from flows.progress import StageReporter
from flows.run_cli import call_flow, expected_failures, refuse
from flows.settings import Settings
from flows.sources.errors import ExtractionError
from flows.startup import PrefectApi
from flows.tasks import ExtractionFailed, GateFailed
from warehouse.lock import LockedError
from warehouse.seeds import CalendarRangeError


@pytest.mark.parametrize(("error", "code", "said"), [
    (GateFailed("margin: 1 row breaks parts_within_total"), EXIT_GATE,
     "margin: 1 row breaks parts_within_total"),
    (ExtractionFailed("3 of 368 bodies failed"), EXIT_EXTRACTION, "3 of 368 bodies failed"),
    (ExtractionError("eastmoney/stock_kline/002230.SZ", "HTTP 502"), EXIT_EXTRACTION, "HTTP 502"),
    (LockedError("data is locked by pid 4242"), EXIT_USAGE, "data is locked by pid 4242"),
    (CalendarRangeError("the XSHG trading calendar\nends on 2026-12-31"), EXIT_USAGE,
     "the XSHG trading calendar ends on 2026-12-31"),
    (RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server. "
                  "stdout: ..."), EXIT_STARTUP, "ephemeral Prefect API server."),
])
def test_expected_failures_exit_with_their_documented_code(
    capsys: pytest.CaptureFixture[str], error: Exception, code: int, said: str,
) -> None:
    with pytest.raises(typer.Exit) as caught, expected_failures(gate="Quality gate failed.",
                                                                 extraction="Extraction failed."):
        raise error
    assert caught.value.exit_code == code
    printed = " ".join(capsys.readouterr().err.split())
    assert said in printed
    assert "stdout:" not in printed and "Traceback" not in printed


def test_a_bad_setting_is_a_usage_error_naming_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CNTECH_KEEP_VERSIONS", "0")
    with pytest.raises(typer.Exit) as caught, expected_failures(gate="", extraction=""):
        Settings()
    assert caught.value.exit_code == EXIT_USAGE
    assert "invalid CNTECH_* setting" in capsys.readouterr().err


def test_unexpected_errors_are_not_swallowed() -> None:
    with pytest.raises(RuntimeError, match="boom"), expected_failures(gate="", extraction=""):
        raise RuntimeError("boom")
    with pytest.raises(KeyError), expected_failures(gate="", extraction=""):
        raise KeyError("index_bars")


def test_refuse_prints_one_line_and_exits(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as caught:
        refuse("--as-of 2027-01-04 is past the XSHG calendar", EXIT_USAGE)
    assert caught.value.exit_code == EXIT_USAGE
    assert capsys.readouterr().err.strip() == "--as-of 2027-01-04 is past the XSHG calendar"


@pytest.mark.parametrize("loaded", [False, True])
def test_a_judging_worker_starts_only_where_great_expectations_is_not_loaded_yet(
    monkeypatch: pytest.MonkeyPatch, loaded: bool,
) -> None:
    started: list[bool] = []
    monkeypatch.setattr(judges, "start", lambda: started.append(True))
    if loaded:
        monkeypatch.setitem(sys.modules, "great_expectations", types.ModuleType("stand-in"))
    else:
        monkeypatch.delitem(sys.modules, "great_expectations", raising=False)
    api = PrefectApi(url="http://127.0.0.1:1/api", source="PREFECT_API_URL")
    reporter = StageReporter(Console(file=io.StringIO()), live=False)
    assert call_flow(reporter, api, lambda answer: answer, answer=42) == 42
    assert started == ([] if loaded else [True])
