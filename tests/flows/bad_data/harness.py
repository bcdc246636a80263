"""How the corpus test injects a kind and judges what the pipeline did with it.

The cheap path parses the edited bodies, restages them over the clean staging and runs the gate
in memory; end to end is one ``cntech run`` over a copy of the history's data dir.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from expectations.gate import GateResult
from flows.cli import app
from flows.nightly import RunResult
from flows.sources.request import RequestSpec
from flows.sources.window import META_SUFFIX
from tests.conftest import SNAPSHOT
from tests.flows.bad_data.kinds import Kind
from tests.flows.bad_data.kinds_held_out import SeedKind
from tests.flows.bad_data.payloads import Snapshot
from tests.flows.runs import marts_digest
from warehouse.seeds import SEEDS_DIR

AS_OF = date(2026, 1, 30)
EXIT_CODES = {"gate": 1, "extraction": 3, "quarantine": 0, "published": 0, "seed": 2}
LEDGER_STATUS = {"gate": "gate_failed", "extraction": "extraction_failed",
                 "quarantine": "published", "published": "published"}
QUIET_ENV = ("PREFECT_SERVER_ANALYTICS_ENABLED", "GX_ANALYTICS_ENABLED", "DO_NOT_TRACK",
             "PREFECT_LOGGING_LEVEL", "PREFECT_SERVER_LOGGING_LEVEL",
             "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW")


@dataclass
class Staged:
    """The clean snapshot staged as of 2026-01-30 over the history's warehouse, in memory."""

    con: duckdb.DuckDBPyConnection
    specs: list[RequestSpec]
    frames: dict[str, pl.DataFrame]


def linked_snapshot(root: Path) -> Path:
    """The bundled snapshot at ``root``, its files hard links: a seventh of a copy's cost.

    Every edit replaces a body with a new file (``Snapshot.write``), never writes through a
    link into the bundled one.
    """
    shutil.copytree(SNAPSHOT, root, copy_function=_link_or_copy)
    return root


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        # Another filesystem (a temporary folder in memory) cannot hold a link to the repo's.
        shutil.copy2(source, target)


def edited_snapshot(kind: Kind, root: Path) -> Snapshot:
    """A copy of the bundled snapshot with ``kind`` injected."""
    snapshot = Snapshot(linked_snapshot(root))
    kind.mutate(snapshot)
    assert snapshot.touched, f"{kind.id} changed nothing"
    for relpath in snapshot.touched:
        copy, bundled = root / relpath, SNAPSHOT / relpath
        signed = bundled.with_name(bundled.name + META_SUFFIX)
        if copy.exists() and signed.exists() and os.path.samefile(copy, bundled):
            # Still the bundled file: it must still be the body its manifest signed.
            meta = json.loads(signed.read_bytes())
            assert hashlib.sha256(bundled.read_bytes()).hexdigest() == meta["sha256"], (
                f"{kind.id} wrote through a link into the bundled snapshot")
    return snapshot


def edited_seeds(kind: SeedKind, root: Path) -> Path:
    """A copy of the reference seeds with ``kind`` injected."""
    shutil.copytree(SEEDS_DIR, root)
    before = (SEEDS_DIR / "securities.csv").read_bytes()
    kind.edit(root)
    assert (root / "securities.csv").read_bytes() != before, f"{kind.id} changed nothing"
    return root


def flat(text: str) -> str:
    """Terminal output with its line wrapping undone."""
    return " ".join(text.split())


def assert_names(kind: Kind | SeedKind, report: str) -> None:
    """The failure report names the table (or dataset), the rule and the offending row."""
    text = flat(report)
    assert kind.table in text and kind.rule in text, text[:3000]
    for value in kind.row.values():
        assert str(value) in text, f"{kind.id}: {value!r} not named in\n{text[:3000]}"


def check_gate_result(kind: Kind, result: GateResult, restaged: dict[str, pl.DataFrame],
                      frames: dict[str, pl.DataFrame]) -> None:
    """The cheap path's verdict is what the kind's outcome demands."""
    if kind.outcome == "published":
        assert result.passed, result.summary()
        return
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


@dataclass
class EndToEnd:
    """What one ``cntech run`` over a bad snapshot did to a copy of the history's data dir."""

    exit_code: int
    output: str
    marts_before: str
    marts_after: str
    data_dir: Path


def run_end_to_end(kind: Kind | SeedKind, history: Path, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> EndToEnd:
    """``cntech run`` in this process, against the session's Prefect API.

    A seed kind runs the clean snapshot with ``CNTECH_SEEDS_DIR`` pointing at its edited seeds.
    """
    for name in QUIET_ENV:
        monkeypatch.setenv(name, "CRITICAL" if name == "PREFECT_LOGGING_LEVEL" else "false")
    data_dir = tmp_path / "data"
    shutil.copytree(history, data_dir, symlinks=True)
    marts = data_dir / "marts.duckdb"
    before = hashlib.sha256(marts.read_bytes()).hexdigest()
    with monkeypatch.context() as scoped:
        if isinstance(kind, SeedKind):
            scoped.setenv("CNTECH_SEEDS_DIR", str(edited_seeds(kind, tmp_path / "seeds")))
            root = linked_snapshot(tmp_path / "snapshot")
        else:
            root = edited_snapshot(kind, tmp_path / "snapshot").root
        result = CliRunner().invoke(app, ["run", "--snapshot", str(root),
                                          "--data-dir", str(data_dir)])
    return EndToEnd(result.exit_code, result.output, before,
                    hashlib.sha256(marts.read_bytes()).hexdigest(), data_dir)


def check_end_to_end(kind: Kind | SeedKind, run: EndToEnd, clean: RunResult) -> None:
    """Exit code, report, ledger and the published marts are what the kind's outcome demands."""
    outcome = kind.outcome if isinstance(kind, Kind) else "seed"
    assert run.exit_code == EXIT_CODES[outcome], run.output[-3000:]
    if isinstance(kind, SeedKind):
        assert run.marts_after == run.marts_before
        assert_names(kind, run.output)
        return
    with duckdb.connect(str(run.data_dir / "warehouse.duckdb"), read_only=True) as con:
        [(status, message)] = con.execute(
            "SELECT status, message FROM ops.run_log ORDER BY started_at DESC LIMIT 1").fetchall()
    assert status == LEDGER_STATUS[kind.outcome]
    if kind.outcome == "published":
        check_published_null(kind, run.data_dir / "marts.duckdb")
        return
    if kind.outcome == "quarantine":
        assert clean.published is not None
        assert marts_digest(run.data_dir / "marts.duckdb") == marts_digest(clean.published)
        return
    assert run.marts_after == run.marts_before
    assert_names(kind, run.output)
    assert kind.rule in message


def check_published_null(kind: Kind, marts: Path) -> None:
    """The published mart holds the kind's row, with its column null as documented."""
    with duckdb.connect(str(marts), read_only=True) as con:
        relation = con.table(kind.table)
        for column, value in kind.row.items():
            relation = relation.filter(duckdb.ColumnExpression(column).cast(
                duckdb.sqltype("VARCHAR")) == duckdb.ConstantExpression(str(value)))
        rows = relation.select(duckdb.ColumnExpression(kind.rule)).fetchall()
    assert rows == [(None,)], f"{kind.id}: {kind.table}.{kind.rule} on {kind.row} is {rows}"
