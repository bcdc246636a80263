"""Progress bars for long steps (backfill partitions, recording payloads, building docs).

Bars are drawn only on an interactive terminal: under cron, a Prefect worker or a pipe they
would only fill the log with control characters, so there ``advance`` just counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

T = TypeVar("T")
Advance = Callable[..., None]


@contextmanager
def progress_bar(
    description: str, total: int | None, *, console: Console | None = None
) -> Iterator[Advance]:
    """Yield ``advance(steps=1, note=None)`` for a bar of ``total`` steps.

    ``note`` replaces the text after the description (e.g. the partition being processed), so
    a user sees what is slow, not only how far along it is. ``total=None`` draws a spinner-style
    bar for work of unknown length.
    """
    console = console or Console(stderr=True)
    columns = [
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(), TextColumn("{task.fields[note]}"),
    ]
    with Progress(*columns, console=console, disable=not console.is_terminal,
                  transient=False) as bar:
        task = bar.add_task(description, total=total, note="")

        def advance(steps: int = 1, note: str | None = None) -> None:
            if note is None:
                bar.advance(task, steps)
            else:
                bar.update(task, advance=steps, note=note)

        yield advance


def track(
    items: Iterable[T], description: str, *, total: int | None = None,
    console: Console | None = None, label: Callable[[T], str] | None = None,
) -> Iterator[T]:
    """Iterate ``items`` under a progress bar; ``label(item)`` names the step in progress."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with progress_bar(description, total, console=console) as advance:
        for item in items:
            if label is not None:
                advance(0, label(item))
            yield item
            advance()
