"""The ``cntech`` command: run the pipeline, query the published marts."""

from __future__ import annotations

import os
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

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


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


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


@app.command()
def run(
    source: Annotated[Source, typer.Option(help="Replay a landing zone or fetch live.")] =
        Source.snapshot,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: the "
                     "snapshot's last date, or today for live).")] = None,
    snapshot: Annotated[Path | None, typer.Option(help="Landing zone to replay (default: the "
                        "bundled snapshot).")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Where the warehouse and published "
                        "marts live (default ./data).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Run the nightly pipeline once and publish the marts if every gate passes."""
    as_of_date = _parse_date(as_of)
    if snapshot is not None and not snapshot.is_dir():
        err.print(f"[red]--snapshot {snapshot} is not a directory[/red]")
        raise typer.Exit(EXIT_USAGE)
    _quiet_runtime(verbose)
    from flows.nightly import ExtractionFailed, GateFailed, nightly
    from flows.summary import print_summary
    from warehouse.lock import LockedError
    from warehouse.seeds import CalendarRangeError

    try:
        result = nightly(
            source=source.value, as_of=as_of_date,
            snapshot=str(snapshot) if snapshot else None,
            data_dir=str(data_dir) if data_dir else None,
        )
    except GateFailed as exc:
        err.print("[bold red]Quality gate failed: nothing was merged or published; the last "
                  "published marts are untouched.[/bold red]")
        err.print(str(exc))
        raise typer.Exit(EXIT_GATE) from None
    except ExtractionFailed as exc:
        err.print("[bold red]Extraction failed: these payloads could not be used (their raw "
                  "bodies are kept in the landing zone); nothing was published.[/bold red]")
        err.print(str(exc))
        raise typer.Exit(EXIT_EXTRACTION) from None
    except (LockedError, CalendarRangeError) as exc:
        err.print(f"[bold red]{exc}[/bold red]")
        raise typer.Exit(EXIT_USAGE) from None
    print_summary(console, result)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A read-only SQL query over the published marts.")],
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    data_dir: Annotated[Path, typer.Option(help="Data directory.")] = Path("data"),
) -> None:
    """Query the published marts read-only (statements that write are refused)."""
    from flows.query import QueryRefused, run_query

    try:
        text = run_query(data_dir, query, fmt.value)
    except QueryRefused as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    console.print(text, markup=False, highlight=False, soft_wrap=True)


if __name__ == "__main__":
    app()
