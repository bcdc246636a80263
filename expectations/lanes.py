"""Check queries on two connections to the warehouse: each heavy query on the gate's own in
turn, the light ones beside them on a second.

A full-market partition's row checks and series rules keep both cores busy, but the gate's many
small queries (a few thousand index, rate or margin rows) run on one thread, and while the
judging worker works on the previous frame the gate's cores idled for a fifth of a year's gate.
Run beside the heavy queries, the light ones fill that idle time: a year's gate 4.96 -> 4.58 s.
Two heavy queries side by side gained nothing and would hold two full-market results at once.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future
from typing import TypeVar

import duckdb

from expectations.checks import Check, read_sql

T = TypeVar("T")

# A check whose datasets stage fewer rows than this is light: its query runs on one thread.
LIGHT_BELOW_ROWS = 100_000
# Heavy results run but not yet taken by the gate, the one running included: their frames are
# spilled to disk, and the next heavy query need not wait for the verdict on the last.
HEAVY_AHEAD = 2


def light(con: duckdb.DuckDBPyConnection, checks: Sequence[Check]) -> list[bool]:
    """Whether each check is light: every dataset it reads stages fewer than
    ``LIGHT_BELOW_ROWS`` rows, as DuckDB counts them without a scan."""
    staged = dict(con.execute(read_sql("staged_rows.sql")).fetchall())
    return [all(staged.get(table, 0) < LIGHT_BELOW_ROWS for table in (check.table, *check.reads))
            for check in checks]


def results(lanes: Sequence[duckdb.DuckDBPyConnection], checks: Sequence[Check],
            is_light: Sequence[bool],
            run: Callable[[duckdb.DuckDBPyConnection, Check], T]) -> Generator[T, None, None]:
    """Each check's ``run`` on a lane, the results in the checks' order.

    A thread on the first lane runs the heavy checks in order, then helps with the light ones; a
    thread on the second runs the light ones only, so two heavy queries never run at once. The
    heavy lane runs at most ``HEAVY_AHEAD`` results ahead of the caller. An error is raised where
    its result would have been yielded. No lane is in use once the iterator is exhausted or
    closed (closing waits for the queries in flight).
    """
    if len(lanes) < 2 or not any(is_light):
        for check in checks:
            yield run(lanes[0], check)
        return
    futures: list[Future[T]] = [Future() for _ in checks]
    schedule = _Schedule(is_light)

    def lane(con: duckdb.DuckDBPyConnection, kinds: tuple[bool, ...]) -> None:
        while (position := schedule.take(kinds)) is not None:
            _fulfil(futures[position], run, con, checks[position])

    threads = [threading.Thread(target=lane, args=(con, kinds), name=f"gate-lane-{number}",
                                daemon=True)
               for number, (con, kinds) in enumerate(zip(lanes[:2], ((False, True), (True,)),
                                                          strict=True))]
    for thread in threads:
        thread.start()
    try:
        for position, future in enumerate(futures):
            result = future.result()
            schedule.taken(position)
            yield result
    finally:
        schedule.stop()
        for thread in threads:
            thread.join()


class _Schedule:
    """Which check each lane runs next: heavy (False) and light (True) ones each in order, a
    heavy one only while fewer than ``HEAVY_AHEAD`` heavy results wait for the caller."""

    def __init__(self, is_light: Sequence[bool]) -> None:
        self.is_light = is_light
        self.waiting = {kind: deque(i for i, flag in enumerate(is_light) if flag is kind)
                        for kind in (False, True)}
        self.turn = threading.Condition()
        self.heavy_started = 0
        self.heavy_taken = 0
        self.stopping = False

    def take(self, kinds: tuple[bool, ...]) -> int | None:
        """The next check of the first of ``kinds`` that has one; None once there is none."""
        with self.turn:
            for kind in kinds:
                if self.waiting[kind]:
                    position = self.waiting[kind].popleft()
                    if not kind:
                        self.turn.wait_for(lambda: self.stopping or (
                            self.heavy_started - self.heavy_taken < HEAVY_AHEAD))
                        self.heavy_started += 1
                    return None if self.stopping else position
            return None

    def taken(self, position: int) -> None:
        """The caller took check ``position``'s result."""
        if not self.is_light[position]:
            with self.turn:
                self.heavy_taken += 1
                self.turn.notify_all()

    def stop(self) -> None:
        """No lane starts another check."""
        with self.turn:
            self.stopping = True
            self.turn.notify_all()


def _fulfil(future: Future[T], run: Callable[[duckdb.DuckDBPyConnection, Check], T],
            lane: duckdb.DuckDBPyConnection, check: Check) -> None:
    try:
        future.set_result(run(lane, check))
    except BaseException as error:
        future.set_exception(error)
