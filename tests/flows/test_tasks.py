"""The nightly's steps as plain functions: the prepared warehouse, the ledger guard, verdicts.

Flow runs are covered by ``test_nightly.py``; here each step's function is called directly.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.settings import Settings
from flows.tasks import ExtractionFailed, GateFailed, GateVerdict, ledger_guard, prepare
from warehouse import ledger


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def runs(settings: Settings) -> dict[str, tuple[object, ...]]:
    path = settings.resolved_data_dir() / "warehouse.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        return {r[0]: r[1:] for r in con.execute(
            "SELECT run_id, status, message FROM ops.run_log").fetchall()}


def test_prepare_builds_the_warehouse_clears_leftovers_and_opens_the_run(
    settings: Settings,
) -> None:
    data_dir = settings.resolved_data_dir()
    (data_dir / "parsed" / "chunk-00000").mkdir(parents=True)
    (data_dir / ".marts.run-0.tmp").write_bytes(b"half a publish")

    prepare.fn(settings, "run-1")
    prepare.fn(settings, "run-2")

    assert not (data_dir / "parsed").exists() and not (data_dir / ".marts.run-0.tmp").exists()
    assert runs(settings)["run-2"] == ("running", None)
    assert runs(settings)["run-1"][0] == "abandoned"
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) > 0 FROM ref.securities").fetchall() == [(True,)]


def test_an_unexpected_error_closes_the_run_as_failed(settings: Settings) -> None:
    prepare.fn(settings, "run-1")
    with pytest.raises(KeyError), ledger_guard(settings, "run-1"):
        raise KeyError("index_bars")
    assert runs(settings)["run-1"] == ("failed", "KeyError: 'index_bars'")


@pytest.mark.parametrize("error", [GateFailed("2 rules broke"), ExtractionFailed("3 bodies")])
def test_expected_failures_pass_through_for_the_flow_to_record(
    settings: Settings, error: Exception,
) -> None:
    prepare.fn(settings, "run-1")
    with pytest.raises(type(error)), ledger_guard(settings, "run-1"):
        raise error
    assert runs(settings)["run-1"] == ("running", None)


def test_the_guard_does_not_hide_the_error_when_the_ledger_cannot_be_written(
    settings: Settings,
) -> None:
    with pytest.raises(ZeroDivisionError), ledger_guard(settings, "run-1"):
        settings.resolved_data_dir().mkdir(parents=True)
        (settings.resolved_data_dir() / "warehouse.duckdb").mkdir()
        raise ZeroDivisionError


def test_a_verdicts_headline_is_its_first_line() -> None:
    verdict = GateVerdict(False, 1, "Quality gate run-1 as of 2026-01-30: FAILED (31 checks, "
                          "1 failing, 0 warning)\n  [fail] margin: 1 row breaks ...", 31)
    assert verdict.headline.endswith("FAILED (31 checks, 1 failing, 0 warning)")
    assert verdict.warnings == []
    assert ledger.Outcome("failed").rows is None
