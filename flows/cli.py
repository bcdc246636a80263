"""The ``cntech`` command: run the pipeline, query and report on the published marts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from flows.cli_read import register as register_reader_commands

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="cntech: an open warehouse of China-tech equity data.")
console = Console()
err = Console(stderr=True)

EXIT_GATE = 1
EXIT_USAGE = 2
EXIT_EXTRACTION = 3


class Source(StrEnum):
    snapshot = "snapshot"
    live = "live"


class Runner(StrEnum):
    auto = "auto"
    threads = "threads"
    processes = "processes"
    dask = "dask"


class Grain(StrEnum):
    month = "month"
    year = "year"


TaskRunnerOption = Annotated[Runner | None, typer.Option(help="Where the parse step fans out: "
                             "threads or worker processes here, or a Dask cluster; auto picks "
                             "processes for large landing zones (default: CNTECH_TASK_RUNNER, "
                             "auto).")]
DaskAddressOption = Annotated[str | None, typer.Option(help="Scheduler of an existing Dask "
                              "cluster, e.g. tcp://10.0.0.5:8786 (default: a local cluster).")]


def _quiet_runtime(verbose: bool) -> None:
    """Telemetry off and logs down before Prefect or GX are imported."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # Prefect logs a failed flow's exception with its traceback at ERROR; expected failures are
    # reported by the CLI as one paragraph instead, so its own logs stay out of the way.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        err.print(f"[red]--as-of must be YYYY-MM-DD, got {value!r}[/red]")
        raise typer.Exit(EXIT_USAGE) from None


@contextmanager
def _expected_failures(*, gate: str, extraction: str) -> Iterator[None]:
    """Map the pipeline's expected failures to one paragraph and the documented exit code."""
    from pydantic import ValidationError

    from flows.nightly import ExtractionFailed, GateFailed
    from flows.sources.errors import ExtractionError
    from warehouse.lock import LockedError, UnsafePathError
    from warehouse.seed_rules import SeedError
    from warehouse.seeds import CalendarRangeError

    try:
        yield
    except GateFailed as exc:
        err.print(gate, style="bold red", markup=False)
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(EXIT_GATE) from None
    except ExtractionFailed as exc:
        err.print(extraction, style="bold red", markup=False)
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(EXIT_EXTRACTION) from None
    except ExtractionError as exc:
        err.print(str(exc), style="bold red", markup=False)
        raise typer.Exit(EXIT_EXTRACTION) from None
    except ValidationError as exc:
        err.print(f"invalid CNTECH_* setting: {exc}", style="bold red", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    except (LockedError, CalendarRangeError, UnsafePathError, SeedError) as exc:
        err.print(str(exc), style="bold red", markup=False)
        raise typer.Exit(EXIT_USAGE) from None


@app.command(epilog="Example: cntech run --source snapshot --data-dir data")
def run(
    source: Annotated[Source, typer.Option(help="Replay a landing zone or fetch live.")] =
        Source.snapshot,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD the run is for; "
                     "rows dated after it are dropped (default: the date of the latest index "
                     "bar staged, at most the end of the window requested: the snapshot's last "
                     "date, or today in Shanghai for live).")] = None,
    snapshot: Annotated[Path | None, typer.Option(help="Landing zone to replay (default: the "
                        "bundled snapshot).")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Where the warehouse and published "
                        "marts live (default ./data).")] = None,
    wait: Annotated[float | None, typer.Option("--wait", min=0, metavar="SECONDS", help="If "
                    "another run is writing to the data dir, wait this long for it instead of "
                    "exiting (default: CNTECH_LOCK_WAIT_SECONDS, 0).")] = None,
    task_runner: TaskRunnerOption = None,
    dask_address: DaskAddressOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Run the nightly pipeline once and publish the marts if every gate passes."""
    as_of_date = _parse_date(as_of)
    if snapshot is not None and not snapshot.is_dir():
        err.print(f"[red]--snapshot {snapshot} is not a directory[/red]")
        raise typer.Exit(EXIT_USAGE)
    _quiet_runtime(verbose)
    from flows.nightly import nightly
    from flows.summary import print_summary

    with _expected_failures(
        gate="Quality gate failed: nothing was merged or published; the last published marts "
        "are untouched.",
        extraction="Extraction failed: these payloads could not be used (their raw bodies are "
        "kept in the landing zone); nothing was published.",
    ):
        result = nightly(
            source=source.value, as_of=as_of_date,
            snapshot=str(snapshot) if snapshot else None,
            data_dir=str(data_dir) if data_dir else None,
            lock_wait_seconds=wait,
            task_runner=task_runner.value if task_runner else None,
            dask_address=dask_address,
        )
    print_summary(console, result)


@app.command(epilog="Example: cntech backfill --start 2025-01-01 --end 2025-12-31 "
                    "--partition month")
def backfill(
    start: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], metavar="YYYY-MM-DD",
                     help="First day to load.")],
    end: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], metavar="YYYY-MM-DD",
                   help="Last day to load.")],
    partition: Annotated[Grain, typer.Option(help="Stage, gate and merge the history one month "
                         "or one year at a time.")] = Grain.month,
    snapshot: Annotated[Path | None, typer.Option(help="Landing zone holding the history "
                        "(default: the bundled snapshot).")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Where the warehouse and published "
                        "marts live (default ./data).")] = None,
    task_runner: TaskRunnerOption = None,
    dask_address: DaskAddressOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Load a landing zone's history partition by partition, then publish the marts once.

    Each partition is gated before it is merged. Partitions merged by an earlier backfill of the
    same landing zone are skipped, so rerunning after an interruption resumes where it stopped.
    """
    if snapshot is not None and not snapshot.is_dir():
        err.print(f"[red]--snapshot {snapshot} is not a directory[/red]")
        raise typer.Exit(EXIT_USAGE)
    if end < start:
        err.print(f"[red]--end {end:%Y-%m-%d} is before --start {start:%Y-%m-%d}[/red]")
        raise typer.Exit(EXIT_USAGE)
    _quiet_runtime(verbose)
    from flows.backfill import backfill as backfill_flow

    with _expected_failures(
        gate="Quality gate failed: the partition below was not merged and nothing was "
        "published; rerun the same command to resume after fixing it.",
        extraction="Extraction failed: these payloads could not be used; nothing was merged.",
    ):
        result = backfill_flow(
            start=start.date(), end=end.date(), partition=partition.value,
            snapshot=str(snapshot) if snapshot else None,
            data_dir=str(data_dir) if data_dir else None,
            task_runner=task_runner.value if task_runner else None, dask_address=dask_address,
        )
    rows = sum(result.rows.values())
    console.print(f"backfill {result.start}..{result.end}: {len(result.merged)} partitions "
                  f"merged ({rows:,} rows), {len(result.skipped)} already merged; marts as of "
                  f"{result.as_of} published to {result.published}", markup=False,
                  highlight=False, soft_wrap=True)


register_reader_commands(app)


def _reader_data_dir(data_dir: Path | None) -> Path:
    from flows.settings import Settings

    return (Settings(data_dir=data_dir) if data_dir else Settings()).resolved_data_dir()


def _reader_failed(exc: Exception, verbose: bool) -> NoReturn:
    """One paragraph for an expected failure; ``--verbose`` adds the underlying error."""
    err.print(str(exc), style="bold red", markup=False)
    if verbose and exc.__cause__ is not None:
        err.print(f"cause: {exc.__cause__!r}", markup=False)
    raise typer.Exit(EXIT_USAGE)


ReaderDataDir = Annotated[Path | None, typer.Option(help="Directory the marts were published to "
                          "(default: CNTECH_DATA_DIR or ./data).")]


@app.command(epilog="Example: cntech report --data-dir data --out report.html")
def report(
    out: Annotated[Path | None, typer.Option(help="Where to write the HTML file (default "
                   "<data-dir>/report.html).")] = None,
    data_dir: ReaderDataDir = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD: a published trade "
                     "date to report on from stored history.")] = None,
) -> None:
    """Write one self-contained HTML report (charts, freshness, gate, data dictionary)."""
    from flows.report import build_report
    from flows.reporting.marts import MartsUnavailable

    try:
        result = build_report(_reader_data_dir(data_dir), out, as_of=as_of)
    except MartsUnavailable as exc:
        _reader_failed(exc, verbose)
    if verbose:
        console.print(f"{result.bytes / 1e6:.1f} MB in {result.seconds:.1f} s ("
                      + ", ".join(f"{k} {v:.2f} s" for k, v in result.steps.items()) + ")")
    console.print(f"report: {result.path}", markup=False, highlight=False, soft_wrap=True)


@app.command(epilog="Example: cntech docs --data-dir data")
def docs(
    data_dir: ReaderDataDir = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Write the data dictionary (Markdown) and the Data Docs of the last quality-gate run."""
    _quiet_runtime(verbose)
    from flows.docs import write_docs
    from flows.reporting.marts import MartsUnavailable

    try:
        result = write_docs(_reader_data_dir(data_dir))
    except MartsUnavailable as exc:
        _reader_failed(exc, verbose)
    for note in result.notes:
        err.print(note, style="yellow", markup=False)
    console.print(f"data dictionary: {result.dictionary}", markup=False, highlight=False,
                  soft_wrap=True)
    if result.gate_docs is not None:
        console.print(f"gate data docs: {result.gate_docs}", markup=False, highlight=False,
                      soft_wrap=True)


@app.command(epilog="Example: cntech status --as-of 2026-01-30 --json")
def status(
    data_dir: ReaderDataDir = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD: judge freshness at "
                     "the end of this day (Asia/Shanghai) instead of now.")] = None,
    grace: Annotated[int, typer.Option("--grace-sessions", min=0, help="Sessions a series may "
                     "lag before it counts as stale.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document, for monitoring.")]
        = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Last runs, gate verdict and freshness per series; exit 1 when stale or the gate failed."""
    from flows.reporting.marts import MartsUnavailable
    from flows.status import (
        EXIT_UNHEALTHY,
        CalendarOutOfRange,
        collect_status,
        print_status,
        status_json,
    )

    as_of_date = _parse_date(as_of)
    try:
        result = collect_status(_reader_data_dir(data_dir), as_of=as_of_date, grace=grace)
    except (MartsUnavailable, CalendarOutOfRange) as exc:
        _reader_failed(exc, verbose)
    if as_json:
        console.print(status_json(result), markup=False, highlight=False, soft_wrap=True)
    else:
        print_status(console, result, verbose=verbose)
    if not result.healthy:
        raise typer.Exit(EXIT_UNHEALTHY)


snapshot_app = typer.Typer(no_args_is_help=True,
                           help="Record a landing zone like the bundled snapshot, live.")
app.add_typer(snapshot_app, name="snapshot")
Day = Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], metavar="YYYY-MM-DD")]


@snapshot_app.command("record", epilog="Example: cntech snapshot record --start 2026-01-26 "
                      "--end 2026-01-30")
def snapshot_record(
    start: Day,
    end: Day,
    out: Annotated[Path | None, typer.Option(help="A new or empty directory (default "
                   "<data-dir>/recorded/<start>_<end>).")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Data directory holding the default "
                        "--out (default: CNTECH_DATA_DIR or ./data).")] = None,
) -> None:
    """Fetch every catalog request from --start to --end live (origin recorded).

    Rate limits, retries and base URLs come from the CNTECH_* settings, as for a live run.
    """
    from pydantic import ValidationError

    from flows.record import RecordRefused, record_snapshot
    from flows.settings import Settings

    try:
        settings = Settings(data_dir=data_dir) if data_dir else Settings()
    except ValidationError as exc:
        err.print(f"Invalid CNTECH_* setting: {exc}", style="bold red", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    first, last = start.date(), end.date()
    target = out or settings.resolved_data_dir() / "recorded" / f"{first}_{last}"
    try:
        result = record_snapshot(settings, first, last, target)
    except RecordRefused as exc:
        err.print(str(exc), style="bold red", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    console.print(f"recorded {result.landed} of {result.requests} requests into {result.out}",
                  markup=False, highlight=False, soft_wrap=True)
    if result.errors:
        err.print("Recording incomplete: these requests have no usable body (whatever arrived "
                  "is kept in the directory).", style="bold red")
        err.print("\n".join(result.errors), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_EXTRACTION)


if __name__ == "__main__":
    app()
