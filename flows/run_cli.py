"""``cntech run`` and ``cntech backfill``: check the arguments, start the Prefect API beside the
imports, run the flow with progress lines, and map its outcome to the documented exit code.

Nothing heavy is imported until every argument has been checked (``flows.arguments``), so a bad
one is refused in well under a second.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console

from errors import CntechError
from flows import arguments
from flows.exit_codes import (
    EXIT_EXTRACTION,
    EXIT_GATE,
    EXIT_HELD_BACK,
    EXIT_STARTUP,
    EXIT_USAGE,
)

if TYPE_CHECKING:
    from flows.nightly import RunResult
    from flows.progress import StageReporter
    from flows.settings import Settings
    from flows.startup import PrefectApi

console = Console()
err = Console(stderr=True)


class Source(StrEnum):
    snapshot = "snapshot"
    live = "live"


class Grain(StrEnum):
    month = "month"
    year = "year"


TaskRunnerOption = Annotated[str | None, typer.Option(
    metavar="auto|threads|processes|dask", help="Where the parse step fans out: threads or "
    "worker processes here, or a Dask cluster; auto picks processes for large landing zones "
    "(default: CNTECH_TASK_RUNNER, auto).")]
DaskAddressOption = Annotated[str | None, typer.Option(help="Scheduler of an existing Dask "
                              "cluster, e.g. tcp://10.0.0.5:8786 (default: a local cluster).")]
SnapshotOption = Annotated[Path | None, typer.Option(help="Landing zone to replay (default: "
                           "CNTECH_SNAPSHOT_DIR or the bundled snapshot).")]
DataDirOption = Annotated[Path | None, typer.Option(help="Where the warehouse and published "
                          "marts live (default: CNTECH_DATA_DIR or ./data).")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v")]


def refuse(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """One line on stderr and the exit code; no traceback."""
    err.print(message, style="bold red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def expected_failures(*, gate: str, extraction: str) -> Iterator[None]:
    """Map the command's expected failures to their message and exit code, without a traceback.

    ``gate`` and ``extraction`` head the list a failed gate or extraction carries.
    """
    from pydantic import ValidationError

    headlines = {EXIT_GATE: gate, EXIT_EXTRACTION: extraction}
    try:
        yield
    except CntechError as exc:
        if exc.headed:
            err.print(headlines[exc.exit_code], style="bold red", markup=False)
            err.print(str(exc), markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from None
        refuse(str(exc).replace("\n", " "), exc.exit_code)
    except ValidationError as exc:
        refuse(f"invalid CNTECH_* setting: {exc}".replace("\n", " "))
    except RuntimeError as exc:
        # Prefect's own temporary server (a Dask worker without our API, say) timing out.
        if "ephemeral Prefect API" not in str(exc):
            raise
        refuse(str(exc).partition(" stdout:")[0], EXIT_STARTUP)


def launch(started: float, verbose: bool, settings: Settings,
           **options: Any) -> tuple[StageReporter, PrefectApi]:
    """Start the Prefect API (or find the configured one) before the pipeline is imported."""
    from flows import startup
    from flows.progress import StageReporter

    startup.quiet_runtime(verbose)
    api = startup.take_early() or startup.begin(settings)
    reporter = StageReporter(err, started=started, **options)
    if api.process is None:
        # A configured server is asked at once: if it is down, say so before loading.
        startup.ready(api)
        reporter.line(f"start-up: {api.describe()}")
    else:
        reporter.line(f"start-up: temporary Prefect API server launching on {api.url}; "
                      "loading the pipeline meanwhile")
    return reporter, api


def call_flow(reporter: StageReporter, api: PrefectApi, flow: Callable[..., Any],
              **parameters: Any) -> Any:
    """Wait for the API, then run ``flow`` reporting to it, with stage lines on ``reporter``."""
    from expectations import judges
    from flows import progress, startup

    # The gate's judging worker loads Great Expectations while the API finishes starting; a
    # process that loaded it already (the CLI called from Python) judges its frames itself
    # rather than pay a second import in a new process.
    if "great_expectations" not in sys.modules:
        judges.start()
    with progress.reporting(reporter):
        try:
            if api.ready_after is None and api.process is not None:
                reporter.line("start-up: pipeline loaded; waiting for the Prefect API server")
                startup.ready(api, lambda seconds: reporter.line(
                    f"start-up: still waiting for the Prefect API server ({seconds:.0f} s; "
                    f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"))
                reporter.line(f"start-up: {api.describe()}")
            with startup.heartbeats(temporary=api.process is not None):
                return flow(**parameters)
        finally:
            # The worker lives as long as the flow it judges for.
            judges.stop()


def run(
    source: Annotated[Source, typer.Option(help="Replay a landing zone or fetch live.")] =
        Source.snapshot,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="YYYY-MM-DD", help="Inside the landing zone's window (default: the "
        "date of the latest index bar staged, at most the end of the window requested: the "
        "snapshot's last date, or today in Shanghai for live).")] = None,
    snapshot: SnapshotOption = None,
    data_dir: DataDirOption = None,
    wait: Annotated[float | None, typer.Option("--wait", min=0, metavar="SECONDS", help="If "
                    "another run is writing to the data dir, wait this long for it instead of "
                    "exiting (default: CNTECH_LOCK_WAIT_SECONDS, 0).")] = None,
    task_runner: TaskRunnerOption = None,
    dask_address: DaskAddressOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Run the nightly pipeline once and publish the marts if every gate passes.

    A late or failed feed holds back only the marts reading it (exit 4); the others advance.
    """
    started = time.monotonic()
    with expected_failures(
        gate="Quality gate failed: nothing was merged or published; the last published marts "
        "are untouched.",
        extraction="Extraction failed: these payloads could not be used (their raw bodies are "
        "kept in the landing zone); nothing was published.",
    ):
        settings = arguments.load_settings()
        as_of_date = arguments.check_run({
            "--source": source.value, "--as-of": as_of, "--snapshot": _text(snapshot),
            "--data-dir": _text(data_dir), "--task-runner": task_runner,
            "--dask-address": dask_address}, settings)
        reporter, api = launch(started, verbose, settings)
        from flows.nightly import nightly

        result: RunResult = call_flow(
            reporter, api, nightly, source=source.value, as_of=as_of_date,
            snapshot=str(snapshot) if snapshot else None,
            data_dir=str(data_dir) if data_dir else None, lock_wait_seconds=wait,
            task_runner=task_runner, dask_address=dask_address)
    from flows.progress import gate_verdict
    from reporting.summary import print_summary

    print_summary(console, result)
    console.print(f"gate: {gate_verdict(result.gate_summary, 0)}; run took "
                  f"{reporter.elapsed():.1f} s", markup=False, highlight=False)
    if result.held_back:
        _held_back(result)


def _held_back(result: RunResult) -> NoReturn:
    """Published, but not every mart advanced: say which kept their last version, exit 4."""
    err.print(f"Published with {len(result.held_back)} mart(s) held back at their last "
              "version: " + ", ".join(f"{s.mart} ({s.as_of_date})" for s in result.held_back),
              style="bold yellow", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_HELD_BACK)


def backfill(
    start: Annotated[str, typer.Option(metavar="YYYY-MM-DD", help="First day to load.")],
    end: Annotated[str, typer.Option(metavar="YYYY-MM-DD", help="Last day to load.")],
    partition: Annotated[Grain, typer.Option(help="Stage, gate and merge the history one month "
                         "or one year at a time.")] = Grain.month,
    snapshot: SnapshotOption = None,
    data_dir: DataDirOption = None,
    task_runner: TaskRunnerOption = None,
    dask_address: DaskAddressOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Load a landing zone's history partition by partition, then publish the marts once.

    Each partition is gated before it is merged. Partitions merged by an earlier backfill of the
    same landing zone are skipped, so rerunning after an interruption resumes where it stopped.
    """
    started = time.monotonic()
    with expected_failures(
        gate="Quality gate failed: the partition below was not merged and nothing was "
        "published; rerun the same command to resume after fixing it.",
        extraction="Extraction failed: these payloads could not be used; nothing was merged.",
    ):
        settings = arguments.load_settings()
        first, last = arguments.check_backfill({
            "--start": start, "--end": end, "--snapshot": _text(snapshot),
            "--data-dir": _text(data_dir), "--task-runner": task_runner,
            "--dask-address": dask_address}, settings)
        from flows.progress import BACKFILL_STAGES

        reporter, api = launch(started, verbose, settings, title="cntech backfill",
                               stages=BACKFILL_STAGES)
        from flows.backfill import backfill as backfill_flow

        result = call_flow(
            reporter, api, backfill_flow, start=first, end=last, partition=partition.value,
            snapshot=str(snapshot) if snapshot else None,
            data_dir=str(data_dir) if data_dir else None, task_runner=task_runner,
            dask_address=dask_address)
    rows = sum(result.rows.values())
    console.print(f"backfill {result.start}..{result.end}: {len(result.merged)} partitions "
                  f"merged ({rows:,} rows), {len(result.skipped)} already merged; marts as of "
                  f"{result.as_of} published to {result.published}; took "
                  f"{reporter.elapsed():.1f} s", markup=False, highlight=False, soft_wrap=True)


def _text(path: Path | None) -> str | None:
    return None if path is None else str(path)
