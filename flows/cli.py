"""The ``cntech`` command: run the pipeline, query and report on the published marts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from flows import run_cli, startup
from flows.cli_read import DataDirOption, reader_data_dir, refusals
from flows.cli_read import register as register_reader_commands
from flows.exit_codes import (
    EXIT_EXTRACTION,
    EXIT_GATE,
    EXIT_HELD_BACK,
    EXIT_STARTUP,
    EXIT_USAGE,
)

__all__ = [
    "EXIT_EXTRACTION", "EXIT_GATE", "EXIT_HELD_BACK", "EXIT_STARTUP", "EXIT_USAGE", "app",
]

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="cntech: an open warehouse of China-tech equity data.")
console = Console()
err = Console(stderr=True)


register_reader_commands(app)


app.command(epilog="Example: cntech run --source snapshot --data-dir data")(run_cli.run)
app.command(epilog="Example: cntech backfill --start 2025-01-01 --end 2025-06-30")(run_cli.backfill)


@app.command(epilog="Example: cntech report --data-dir data --out report.html")
def report(
    out: Annotated[Path | None, typer.Option(help="Where to write the HTML file (default "
                   "<data-dir>/report.html).")] = None,
    data_dir: DataDirOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD: a published trade "
                     "date to report on from stored history.")] = None,
) -> None:
    """Write one self-contained HTML report (charts, freshness, gate, data dictionary)."""
    from flows.progress import progress_bar
    from reporting.report import REPORT_STEPS, build_report

    with refusals(verbose), progress_bar("report", total=REPORT_STEPS) as advance:
        result = build_report(reader_data_dir(data_dir), out, as_of=as_of, advance=advance)
    if verbose:
        console.print(f"{result.bytes / 1e6:.1f} MB in {result.seconds:.1f} s ("
                      + ", ".join(f"{k} {v:.2f} s" for k, v in result.steps.items()) + ")")
    console.print(f"report: {result.path}", markup=False, highlight=False, soft_wrap=True)


@app.command(epilog="Example: cntech docs --data-dir data")
def docs(
    data_dir: DataDirOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Write the data dictionary (Markdown) and the Data Docs of the last quality-gate run."""
    startup.quiet_runtime(verbose)
    from reporting.docs import write_docs

    with refusals(verbose):
        result = write_docs(reader_data_dir(data_dir))
    for note in result.notes:
        err.print(note, style="yellow", markup=False)
    console.print(f"data dictionary: {result.dictionary}", markup=False, highlight=False,
                  soft_wrap=True)
    if result.gate_docs is not None:
        console.print(f"gate data docs: {result.gate_docs}", markup=False, highlight=False,
                      soft_wrap=True)


@app.command(epilog="Example: cntech status --as-of 2026-01-30 --json")
def status(
    data_dir: DataDirOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD: judge freshness at "
                     "the end of this day (Asia/Shanghai) instead of now.")] = None,
    grace: Annotated[int, typer.Option("--grace-sessions", min=0, help="Sessions a series may "
                     "lag before it counts as stale.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document, for monitoring.")]
        = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Last runs, gate verdict and freshness per series; exit 1 when stale or the gate failed."""
    from flows.arguments import Value, parse_day
    from reporting.status import EXIT_UNHEALTHY, collect_status, status_json
    from reporting.status_view import print_status

    with refusals(verbose):
        result = collect_status(reader_data_dir(data_dir),
                                as_of=parse_day(Value(as_of, "--as-of")), grace=grace)
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
    from flows.record import record_snapshot
    from flows.settings import Settings

    first, last = start.date(), end.date()
    with refusals():
        settings = Settings(data_dir=data_dir) if data_dir else Settings()
        target = out or settings.resolved_data_dir() / "recorded" / f"{first}_{last}"
        result = record_snapshot(settings, first, last, target)
    console.print(f"recorded {result.landed} of {result.requests} requests into {result.out}",
                  markup=False, highlight=False, soft_wrap=True)
    if result.errors:
        err.print("Recording incomplete: these requests have no usable body (whatever arrived "
                  "is kept in the directory).", style="bold red")
        err.print("\n".join(result.errors), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_EXTRACTION)


if __name__ == "__main__":
    app()
