"""The bad-data corpora: every kind is stopped by the gate or a parser, or held back by a rule.

Two corpora: the project's own (``kinds``) and the held-out one written for issue 10's classes
(``kinds_held_out``), whose kinds not caught yet are strict xfails. The default run takes each
kind through the cheap path (parse the edited bodies, restage them into a copy of the warehouse,
run the gate suites of its table, only the checks holding its rule for a kind the gate must stop;
a bad seed must stop the request catalog from being built)
and a few end to end through ``cntech run``; ``-m slow`` runs every kind of both end to end,
checks the published marts stay byte-identical and prints how many were caught.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest
from _pytest.mark import ParameterSet

from expectations import suites
from expectations.gate import run_gate
from flows import parse, pipeline
from flows.catalog import build_catalog
from flows.nightly import RunResult
from flows.settings import Settings
from flows.sources.landing import LandingZone
from tests.conftest import SNAPSHOT
from tests.expectations.narrowed import run_gate_on
from tests.flows.bad_data import harness
from tests.flows.bad_data.harness import (
    AS_OF,
    Staged,
    assert_names,
    check_end_to_end,
    check_gate_result,
    edited_seeds,
    edited_snapshot,
    linked_snapshot,
    run_end_to_end,
)
from tests.flows.bad_data.kinds import KINDS, Kind
from tests.flows.bad_data.kinds_held_out import HELD_OUT, PENDING, SEED_KINDS, SeedKind
from warehouse import load, seeds

SUITE_MODULES = {module.__name__.rsplit(".", 1)[1]: module for module in suites.SUITES}
END_TO_END_DEFAULT = ("main_board_60pct_move", "truncated_body", "ipo_scheduled_after_as_of",
                      "index_bar_after_the_window")


ALL_HELD_OUT: list[Kind | SeedKind] = [*HELD_OUT, *SEED_KINDS]


def pending(kinds: list[Kind] | list[SeedKind]) -> list[ParameterSet]:
    """Kinds as test parameters; the ones the pipeline does not catch yet are strict xfails."""
    return [pytest.param(kind, id=kind.id, marks=[pytest.mark.xfail(
        strict=True, reason=PENDING[kind.id])] if kind.id in PENDING else [])
        for kind in kinds]


def test_the_corpus_covers_thirty_kinds_and_every_outcome() -> None:
    assert len(KINDS) >= 30
    assert len({kind.id for kind in KINDS}) == len(KINDS)
    assert {kind.outcome for kind in KINDS} == {"gate", "extraction", "quarantine"}
    gated = {kind.table for kind in KINDS if kind.outcome == "gate"}
    assert gated == set(SUITE_MODULES)


def test_the_held_out_corpus_has_forty_new_kinds_with_unique_ids() -> None:
    held_out = [kind.id for kind in ALL_HELD_OUT]
    assert len(held_out) >= 40
    assert len(set(held_out)) == len(held_out)
    assert not set(held_out) & {kind.id for kind in KINDS}
    assert set(PENDING) <= set(held_out)
    assert {kind.outcome for kind in HELD_OUT} == {"gate", "extraction", "published"}


@pytest.fixture(scope="module")
def staged(published_history: Path) -> Iterator[Staged]:
    """What the nightly stage task leaves behind for the clean snapshot, built once."""
    specs = build_catalog(Settings().history_start, AS_OF)
    frames, report = parse.parse_landed(LandingZone(SNAPSHOT), specs)
    assert report.errors == [] and report.last_date == AS_OF
    frames = pipeline.scheduled_listings_only(frames, AS_OF)
    con = duckdb.connect()
    con.execute("ATTACH ? AS history (READ_ONLY)", [str(published_history / "warehouse.duckdb")])
    con.execute("COPY FROM DATABASE history TO memory")
    con.execute("DETACH history")
    load.set_run_context(con, run_id="corpus", as_of=AS_OF, source="snapshot")
    seeds.load_sessions(con, Settings().history_start, AS_OF)
    for table, frame in frames.items():
        load.stage(con, table, frame)
    yield Staged(con, specs, frames)
    con.close()


@pytest.mark.parametrize("kind", [*KINDS, *pending(HELD_OUT)], ids=lambda kind: kind.id)
def test_kind_is_caught_through_parse_stage_and_gate(
    kind: Kind, staged: Staged, tmp_path: Path
) -> None:
    snapshot = edited_snapshot(kind, tmp_path / "snapshot")
    touched = [spec for spec in staged.specs if spec.path in snapshot.touched]
    frames, report = parse.parse_landed(LandingZone(snapshot.root), touched)
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
    # A mart's documented nulls are judged end to end; here every suite must pass. A kind the
    # gate must stop is judged by the checks holding its rule (the clean control passes them all).
    tables = (kind.table,) if kind.table in SUITE_MODULES else ()
    rules = (kind.rule,) if kind.outcome == "gate" else ()
    try:
        for table in changed:
            load.stage(staged.con, table, restaged[table])
        result = run_gate_on(staged.con, *tables, rules=rules, run_id=kind.id, as_of=AS_OF,
                             results_dir=tmp_path / "gate")
    finally:
        for table in changed:
            load.stage(staged.con, table, staged.frames[table])
    check_gate_result(kind, result, restaged, frames)


@pytest.mark.parametrize("kind", pending(SEED_KINDS), ids=lambda kind: kind.id)
def test_bad_seed_is_refused_before_any_request_is_built(kind: SeedKind, tmp_path: Path) -> None:
    root = edited_seeds(kind, tmp_path / "seeds")
    with pytest.raises(Exception) as refused:  # noqa: PT011 - the message is what is checked
        build_catalog(Settings().history_start, AS_OF, seeds_dir=root)
    assert_names(kind, str(refused.value))


def test_clean_snapshot_passes_every_suite_on_the_cheap_path(
    staged: Staged, tmp_path: Path
) -> None:
    result = run_gate(staged.con, run_id="clean", as_of=AS_OF, results_dir=tmp_path)
    assert result.passed, result.summary()


@pytest.mark.parametrize("kind", [k for k in KINDS if k.id in END_TO_END_DEFAULT],
                         ids=lambda kind: kind.id)
def test_kind_end_to_end(kind: Kind, published_history: Path, published: RunResult,
                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_end_to_end(kind, run_end_to_end(kind, published_history, tmp_path, monkeypatch),
                     published)


@pytest.mark.slow
def test_every_kind_end_to_end_keeps_the_published_marts(
    published_history: Path, published: RunResult, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """Both corpora end to end; a held-out kind on the pending list must still get through."""
    caught: list[str] = []
    missed: dict[str, str] = {}
    for kind in [*KINDS, *ALL_HELD_OUT]:
        run = run_end_to_end(kind, published_history, tmp_path / kind.id, monkeypatch)
        try:
            check_end_to_end(kind, run, published)
        except AssertionError as exc:
            why = " ".join(str(exc).split())[:200] or "an unhandled exception, no report"
            missed[kind.id] = f"exit {run.exit_code}: {why}"
        else:
            caught.append(kind.id)
    held_out = ALL_HELD_OUT
    with capsys.disabled():
        print(f"\nbad kinds caught: {len(caught)} of {len(KINDS) + len(held_out)} end to end "
              f"(project corpus {sum(k.id in caught for k in KINDS)} of {len(KINDS)}, held-out "
              f"{sum(k.id in caught for k in held_out)} of {len(held_out)}, "
              f"{len(PENDING)} pending); published marts byte-identical after every gate, "
              "extraction and seed failure")
        for kind_id, why in missed.items():
            print(f"  not caught: {kind_id}: {why}")
    assert set(missed) == set(PENDING), {
        "caught but still pending": sorted(set(PENDING) - set(missed)),
        "missed and not pending": {k: v for k, v in missed.items() if k not in PENDING}}


@pytest.mark.parametrize("links", [True, False], ids=["linked", "across_filesystems"])
def test_a_snapshot_copy_links_the_bundled_files_or_copies_them_where_links_cannot_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: bool,
) -> None:
    if not links:
        def refused(source: str, target: str) -> None:
            raise OSError(errno.EXDEV, "Invalid cross-device link")

        monkeypatch.setattr(harness.os, "link", refused)
    root = linked_snapshot(tmp_path / "snapshot")
    bundled = sorted(p.relative_to(SNAPSHOT) for p in SNAPSHOT.rglob("*") if p.is_file())
    assert sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file()) == bundled
    assert all(os.path.samefile(root / relpath, SNAPSHOT / relpath) == links
               for relpath in bundled)

