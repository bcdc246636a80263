"""Progress: one line per pipeline stage, a live bar on a terminal, bars for long steps.

A run reports each stage (extract, parse, stage, gate, merge, publish) as it starts and ends,
with the seconds since the run began. On an interactive terminal a bar under those lines shows
the stage in progress; under cron, a pipe or a Prefect worker only the lines are written, since
a bar would fill the log with control characters.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

T = TypeVar("T")
Advance = Callable[..., None]
STAGES = ("extract", "parse", "stage", "gate", "merge", "publish")
# A backfill stages, gates and merges partition by partition, under a bar of its own.
BACKFILL_STAGES = ("extract", "parse", "merge", "publish")
GATE_COUNTS = re.compile(r"\((\d+) checks, (\d+) failing, (\d+) warning")


class StageReporter:
    """Writes the stage lines, and draws the live bar when ``live`` (by default: on a terminal).

    Only the CLI makes one; a flow run by a Prefect worker or called directly gets plain lines
    from :func:`begin_run`.
    """

    def __init__(self, console: Console | None = None, *, started: float | None = None,
                 live: bool | None = None, title: str = "cntech run",
                 stages: tuple[str, ...] = STAGES) -> None:
        self.console = console or Console(stderr=True)
        self.started = time.monotonic() if started is None else started
        self.live = self.console.is_terminal if live is None else live
        self.title = title
        self.stages = stages
        self.bar: Progress | None = None
        self._task: TaskID | None = None
        self._begun: dict[str, float] = {}

    def __enter__(self) -> StageReporter:
        if self.live:
            self.bar = Progress(
                SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
                MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.fields[note]}"),
                console=self.console, transient=True)
            self.bar.start()
            self._task = self.bar.add_task(self.title, total=len(self.stages),
                                           note="start-up")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def elapsed(self) -> float:
        """Seconds since the run began."""
        return time.monotonic() - self.started

    def line(self, text: str) -> None:
        """One line stamped with the seconds since the run began."""
        self.console.print(f"[{self.elapsed():6.1f} s] {text}", markup=False, highlight=False,
                           soft_wrap=True)

    def start(self, stage: str, detail: str = "") -> None:
        """``stage`` begins; ``detail`` says on what (e.g. how many requests)."""
        self._begun[stage] = time.monotonic()
        self.line(f"{stage} started" + (f": {detail}" if detail else ""))
        if self.bar is not None and self._task is not None:
            self.bar.update(self._task, note=f"{stage} {detail}".strip())

    def end(self, stage: str, detail: str = "") -> None:
        """``stage`` is over; ``detail`` says what it did."""
        took = time.monotonic() - self._begun.pop(stage, time.monotonic())
        self.line(f"{stage} done in {took:.1f} s" + (f": {detail}" if detail else ""))
        if self.bar is not None and self._task is not None:
            self.bar.update(self._task, advance=1, note=f"{stage} done")


_reporters: list[StageReporter] = []


@contextmanager
def reporting(reporter: StageReporter) -> Iterator[StageReporter]:
    """Send the stage lines of the flows run inside this block to ``reporter``."""
    with reporter:
        _reporters.append(reporter)
        try:
            yield reporter
        finally:
            _reporters.remove(reporter)


def begin_run(title: str) -> None:
    """A flow starts: without a reporter from the CLI (a worker, a test), plain lines on stderr
    counted from now."""
    if not _reporters or _reporters[-1].title.startswith("(default)"):
        _reporters[:] = [StageReporter(live=False, title=f"(default) {title}")]


def stage_start(stage: str, detail: str = "") -> None:
    """Report that ``stage`` began (see :class:`StageReporter`)."""
    _current().start(stage, detail)


def stage_end(stage: str, detail: str = "") -> None:
    """Report that ``stage`` ended, with what it did."""
    _current().end(stage, detail)


def _current() -> StageReporter:
    if not _reporters:
        begin_run("run")
    return _reporters[-1]


def gate_verdict(summary: str, checks_run: int) -> str:
    """``112 of 112 checks passed`` (and warnings or failures) from the gate's summary line."""
    counts = GATE_COUNTS.search(summary.partition("\n")[0])
    if counts is None:
        return f"{checks_run:,} checks run"
    total, failing, warning = (int(n) for n in counts.groups())
    text = f"{total - failing - warning} of {total} checks passed"
    if failing:
        text += f", {failing} failed"
    if warning:
        text += f", {warning} warned"
    return text


@contextmanager
def progress_bar(
    description: str, total: int | None, *, console: Console | None = None
) -> Iterator[Advance]:
    """Yield ``advance(steps=1, note=None)`` for a bar of ``total`` steps.

    ``note`` replaces the text after the description (e.g. the partition being processed), so
    a user sees what is slow, not only how far along it is. ``total=None`` draws a spinner-style
    bar for work of unknown length. Inside a run with a live stage bar, this bar joins it (a
    terminal holds one live display at a time).
    """
    shared = next((r.bar for r in reversed(_reporters) if r.bar is not None), None)
    if shared is not None and console is None:
        yield from _bar_steps(shared, description, total, remove=True)
        return
    console = console or Console(stderr=True)
    columns = [
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(), TextColumn("{task.fields[note]}"),
    ]
    with Progress(*columns, console=console, disable=not console.is_terminal,
                  transient=False) as bar:
        yield from _bar_steps(bar, description, total, remove=False)


def _bar_steps(bar: Progress, description: str, total: int | None,
               *, remove: bool) -> Iterator[Advance]:
    task = bar.add_task(description, total=total, note="")

    def advance(steps: int = 1, note: str | None = None) -> None:
        if note is None:
            bar.advance(task, steps)
        else:
            bar.update(task, advance=steps, note=note)

    try:
        yield advance
    finally:
        if remove:
            bar.remove_task(task)


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
