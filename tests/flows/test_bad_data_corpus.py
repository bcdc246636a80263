"""The bad-data corpus: every kind is stopped by the gate or a parser, or held back by a rule.

The default run takes each kind through the cheap path (parse the edited bodies, restage them
into a copy of the warehouse, run the gate suites of its table) and a few end to end through
``cntech run``; ``-m slow`` runs every kind end to end and checks the published marts stay
byte-identical.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from expectations import suites
from expectations.gate import run_gate
from flows import pipeline
from flows.catalog import RequestSpec, build_catalog
from flows.cli import app
from flows.nightly import RunResult, nightly
from flows.settings import Settings
from flows.sources.landing import LandingZone
from tests.conftest import SNAPSHOT
from tests.flows.bad_data.kinds import KINDS, Kind
from tests.flows.bad_data.payloads import Snapshot
from tests.flows.runs import marts_digest
from warehouse import load, seeds

AS_OF = date(2026, 1, 30)
HISTORY_AS_OF = date(2026, 1, 23)
SUITE_MODULES = {module.__name__.rsplit(".", 1)[1]: module for module in suites.SUITES}
END_TO_END_DEFAULT = ("main_board_60pct_move", "truncated_body", "ipo_scheduled_after_as_of",
                      "index_bar_after_the_window")
EXIT_CODES = {"gate": 1, "extraction": 3, "quarantine": 0}
LEDGER_STATUS = {"gate": "gate_failed", "extraction": "extraction_failed",
                 "quarantine": "published"}


def test_the_corpus_covers_thirty_kinds_and_every_outcome() -> None:
    assert len(KINDS) >= 30
    assert len({kind.id for kind in KINDS}) == len(KINDS)
    assert {kind.outcome for kind in KINDS} == {"gate", "extraction", "quarantine"}
    gated = {kind.table for kind in KINDS if kind.outcome == "gate"}
    assert gated == set(SUITE_MODULES)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory, prefect_server: None) -> Path:
    """A data dir that published the clean snapshot as of 2026-01-23: what each kind meets."""
    data_dir = tmp_path_factory.mktemp("corpus") / "data"
    nightly(source="snapshot", as_of=HISTORY_AS_OF, data_dir=str(data_dir))
    return data_dir


@dataclass
class Staged:
    """The clean snapshot staged as of 2026-01-30 over the history's warehouse, in memory."""

    con: duckdb.DuckDBPyConnection
    specs: list[RequestSpec]
    frames: dict[str, pl.DataFrame]


@pytest.fixture(scope="module")
def staged(history: Path) -> Iterator[Staged]:
    """What the nightly stage task leaves behind for the clean snapshot, built once."""
    specs = build_catalog(Settings().history_start, AS_OF)
    frames, report = pipeline.parse_landed(LandingZone(SNAPSHOT), specs)
    assert report.errors == [] and report.last_date == AS_OF
    frames = pipeline.scheduled_listings_only(frames, AS_OF)
    con = duckdb.connect()
    con.execute("ATTACH ? AS history (READ_ONLY)", [str(history / "warehouse.duckdb")])
    con.execute("COPY FROM DATABASE history TO memory")
    con.execute("DETACH history")
    load.set_run_context(con, run_id="corpus", as_of=AS_OF, source="snapshot")
    seeds.load_sessions(con, Settings().history_start, AS_OF)
    for table, frame in frames.items():
        load.stage(con, table, frame)
    yield Staged(con, specs, frames)
    con.close()


def only_suites(monkeypatch: pytest.MonkeyPatch, table: str) -> None:
    """Run just the suites of one table: the control test shows the others hold."""
    monkeypatch.setattr(suites, "SUITES", (SUITE_MODULES[table],))


def edited_snapshot(kind: Kind, root: Path) -> Snapshot:
    """A copy of the bundled snapshot with ``kind`` injected."""
    shutil.copytree(SNAPSHOT, root)
    snapshot = Snapshot(root)
    kind.mutate(snapshot)
    assert snapshot.touched, f"{kind.id} changed nothing"
    return snapshot


def flat(text: str) -> str:
    """Terminal output with its line wrapping undone."""
    return " ".join(text.split())


def assert_names(kind: Kind, report: str) -> None:
    """The failure report names the table (or dataset), the rule and the offending row."""
    text = flat(report)
    assert kind.table in text and kind.rule in text, text[:3000]
    for value in kind.row.values():
        assert str(value) in text, f"{kind.id}: {value!r} not named in\n{text[:3000]}"


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.id)
def test_kind_is_caught_through_parse_stage_and_gate(
    kind: Kind, staged: Staged, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = edited_snapshot(kind, tmp_path / "snapshot")
    touched = [spec for spec in staged.specs if spec.path in snapshot.touched]
    frames, report = pipeline.parse_landed(LandingZone(snapshot.root), touched)
    if kind.outcome == "extraction":
        assert len(report.errors) == 1, report.errors
        assert_names(kind, report.errors[0])
        return
    assert report.errors == []
    edited = pl.col("source_file").is_in(snapshot.touched)
    changed = [table for table, frame in frames.items()
               if frame.height or staged.frames[table].filter(edited).height]
    restaged = dict(staged.frames)
    for table in changed:
        restaged[table] = pl.concat([staged.frames[table].filter(~edited), frames[table]])
    restaged = pipeline.scheduled_listings_only(restaged, AS_OF)
    only_suites(monkeypatch, kind.table)
    try:
        for table in changed:
            load.stage(staged.con, table, restaged[table])
        result = run_gate(staged.con, run_id=kind.id, as_of=AS_OF, results_dir=tmp_path / "gate")
    finally:
        for table in changed:
            load.stage(staged.con, table, staged.frames[table])

    if kind.outcome == "quarantine":
        assert result.passed, result.summary()
        key, value = next(iter(kind.row.items()))
        assert value not in restaged[kind.table][key].to_list()
        assert value in frames[kind.table][key].to_list(), "the edit never reached the parser"
        return
    assert not result.passed
    found = [f for f in result.failures if (f.table, f.rule) == (kind.table, kind.rule)]
    assert found, result.summary()
    assert found[0].severity == "fail"
    assert any(kind.row.items() <= row.items() for row in found[0].sample), found[0].sample
    assert_names(kind, result.summary())


def test_clean_snapshot_passes_every_suite_on_the_cheap_path(
    staged: Staged, tmp_path: Path
) -> None:
    result = run_gate(staged.con, run_id="clean", as_of=AS_OF, results_dir=tmp_path)
    assert result.passed, result.summary()


@dataclass
class EndToEnd:
    """What one ``cntech run`` over a bad snapshot did to a copy of the history's data dir."""

    exit_code: int
    output: str
    marts_before: str
    marts_after: str
    data_dir: Path


def run_end_to_end(kind: Kind, history: Path, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> EndToEnd:
    """``cntech run`` in this process, against the session's Prefect API."""
    for name in ("PREFECT_SERVER_ANALYTICS_ENABLED", "GX_ANALYTICS_ENABLED", "DO_NOT_TRACK",
                 "PREFECT_LOGGING_LEVEL", "PREFECT_SERVER_LOGGING_LEVEL",
                 "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW"):
        monkeypatch.setenv(name, "CRITICAL" if name == "PREFECT_LOGGING_LEVEL" else "false")
    data_dir = tmp_path / "data"
    shutil.copytree(history, data_dir, symlinks=True)
    marts = data_dir / "marts.duckdb"
    before = hashlib.sha256(marts.read_bytes()).hexdigest()
    snapshot = edited_snapshot(kind, tmp_path / "snapshot")
    result = CliRunner().invoke(app, ["run", "--snapshot", str(snapshot.root),
                                      "--data-dir", str(data_dir)])
    return EndToEnd(result.exit_code, result.output, before,
                    hashlib.sha256(marts.read_bytes()).hexdigest(), data_dir)


def check_end_to_end(kind: Kind, run: EndToEnd, clean: RunResult) -> None:
    """Exit code, report, ledger and the published marts are what the kind's outcome demands."""
    assert run.exit_code == EXIT_CODES[kind.outcome], run.output[-3000:]
    with duckdb.connect(str(run.data_dir / "warehouse.duckdb"), read_only=True) as con:
        [(status, message)] = con.execute(
            "SELECT status, message FROM ops.run_log ORDER BY started_at DESC LIMIT 1").fetchall()
    assert status == LEDGER_STATUS[kind.outcome]
    if kind.outcome == "quarantine":
        assert clean.published is not None
        assert marts_digest(run.data_dir / "marts.duckdb") == marts_digest(clean.published)
        return
    assert run.marts_after == run.marts_before
    assert_names(kind, run.output)
    assert kind.rule in message


@pytest.mark.parametrize("kind", [k for k in KINDS if k.id in END_TO_END_DEFAULT],
                         ids=lambda kind: kind.id)
def test_kind_end_to_end(kind: Kind, history: Path, published: RunResult, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    check_end_to_end(kind, run_end_to_end(kind, history, tmp_path, monkeypatch), published)


@pytest.mark.slow
def test_every_kind_end_to_end_keeps_the_published_marts(
    history: Path, published: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caught: list[str] = []
    for kind in KINDS:
        run = run_end_to_end(kind, history, tmp_path / kind.id, monkeypatch)
        check_end_to_end(kind, run, published)
        caught.append(kind.id)
    with capsys.disabled():
        outcomes = {o: sum(k.outcome == o for k in KINDS) for o in EXIT_CODES}
        print(f"\nbad kinds caught: {len(caught)} of {len(KINDS)} end to end "
              f"(gate {outcomes['gate']}, extraction {outcomes['extraction']}, "
              f"quarantine {outcomes['quarantine']}); published marts byte-identical after "
              "every gate and extraction failure")
