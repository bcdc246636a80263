"""``cntech sql``, ``cntech versions`` and ``cntech rollback``: the reader's side of the CLI.

:mod:`flows.cli` registers these and shares :func:`refusals`, which turns every expected failure
of a read command into one line and its exit code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from errors import CntechError
from flows.run_cli import refuse

console = Console()

SQL_EXAMPLE = "Example: cntech sql \"FROM mart_valuation WHERE is_stretched\" --format csv"
VERSIONS_EXAMPLE = "Example: cntech versions --data-dir data"
ROLLBACK_EXAMPLE = "Example: cntech rollback --to 20260130T221500-1a2b3c"


class Format(StrEnum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"


DataDirOption = Annotated[Path | None, typer.Option(help="Directory the marts were published to "
                          "(default: CNTECH_DATA_DIR or ./data).")]


@contextmanager
def refusals(verbose: bool = False) -> Iterator[None]:
    """A read command's expected failure (any :class:`CntechError`, or a ``CNTECH_*`` setting
    the settings refuse): its message on one line on stderr and its exit code, no traceback;
    ``verbose`` adds the underlying error to the line."""
    from pydantic import ValidationError

    try:
        yield
    except CntechError as exc:
        cause = exc.__cause__ if verbose else None
        message = str(exc) if cause is None else f"{exc} (cause: {cause!r})"
        refuse(message.replace("\n", " "), exc.exit_code)
    except ValidationError as exc:
        refuse(f"invalid CNTECH_* setting: {exc}".replace("\n", " "))


def reader_data_dir(data_dir: Path | None) -> Path:
    """The directory the marts were published to: the option, else the settings' data dir."""
    from flows.settings import Settings

    return (Settings(data_dir=data_dir) if data_dir else Settings()).resolved_data_dir()


def sql(
    query: Annotated[str, typer.Argument(help="One read-only SQL statement over the published "
                     "marts (SELECT, FROM ..., WITH, DESCRIBE, SUMMARIZE, EXPLAIN SELECT).")],
    fmt: Annotated[Format, typer.Option("--format", help="table and markdown round numbers and "
                   "show fractions as percentages; csv and json keep full precision.")] =
        Format.table,
    timeout: Annotated[float, typer.Option(min=0.001, metavar="SECONDS", help="Stop the query "
                       "after this long (exit 2).")] = 60.0,
    data_dir: DataDirOption = None,
) -> None:
    """Query the published marts read-only (statements that write are refused)."""
    from reporting.query import run_query

    with refusals():
        text = run_query(reader_data_dir(data_dir), query, fmt.value, timeout=timeout)
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def versions(data_dir: DataDirOption = None) -> None:
    """List the kept published versions, newest first; the live one is marked."""
    from flows.rollback import list_published

    with refusals():
        rows = list_published(reader_data_dir(data_dir))
    if not rows:
        refuse("no kept versions yet: run `cntech run` to publish one")
    table = Table("", "run", "as of", "source", "published (UTC)", "mart rows", "MB")
    for column in table.columns[5:]:
        column.justify = "right"
    for row in rows:
        table.add_row("live" if row.live else "", row.run_id, str(row.as_of_date or ""),
                      row.source or "", row.published_at, f"{row.mart_rows:,}",
                      f"{row.size_bytes / 1e6:.1f}")
    console.print(table)


def rollback(
    to: Annotated[str | None, typer.Option("--to", metavar="RUN_ID", help="The kept version to "
                  "republish (default: the one published before the live one).")] = None,
    data_dir: DataDirOption = None,
    wait: Annotated[float | None, typer.Option("--wait", min=0, metavar="SECONDS", help="Wait "
                    "this long for a run holding the writer lock (default: "
                    "CNTECH_LOCK_WAIT_SECONDS, 0).")] = None,
) -> None:
    """Republish a kept version atomically (under the writer lock), recorded in the run ledger."""
    from flows.rollback import rollback as restore

    with refusals():
        result = restore(reader_data_dir(data_dir), to=to, lock_wait_seconds=wait)
    console.print(f"rolled back: {result.restored} is live again (was {result.replaced}); "
                  f"ledger run {result.ledger_run_id}", markup=False, highlight=False,
                  soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add these commands to the ``cntech`` app."""
    app.command(epilog=SQL_EXAMPLE)(sql)
    app.command(epilog=VERSIONS_EXAMPLE)(versions)
    app.command(epilog=ROLLBACK_EXAMPLE)(rollback)
