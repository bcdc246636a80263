"""Where the gate's frames are judged: in a worker process that loaded Great Expectations
beside the run, or in this one.

Importing Great Expectations costs about 3 s of one core, and judging a frame is pure Python
that holds the GIL. The CLI calls :func:`start` once the pipeline is loaded: a worker process
imports it on the core a run leaves idle while its Prefect API starts, and the gate then runs
the next check query here while the worker judges the previous frame, a core each. A large
frame goes to the worker as a file streamed from DuckDB, so this process never holds it (nor
Great Expectations). Without a worker (a flow run by a Prefect worker, a test), frames are
judged here. A worker that dies leaves the rest of the gate to this process.
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

import duckdb
import pyarrow as pa

from expectations import lanes
from expectations.checks import Check, SuiteInputs
from expectations.frames import check_result, frames_ahead, spill_directory, spilled_table
from expectations.runner import Outcome
from expectations.tables import judge_table
from warehouse.db import release_memory

if TYPE_CHECKING:
    from great_expectations.core.batch_definition import BatchDefinition

log = logging.getLogger(__name__)
T = TypeVar("T")

# A frame this large reaches the worker as a file, streamed from DuckDB: pickled, it would be
# held whole in both processes.
SPILL_FROM_ROWS = 100_000
_workers: list[Worker] = []


@dataclass(frozen=True)
class Worker:
    """A judging worker: its one-process pool and that process."""

    pool: ProcessPoolExecutor
    processes: tuple[BaseProcess, ...]


def start() -> None:
    """Start this process's judging worker, once; it imports Great Expectations at once."""
    if _workers:
        return
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_warm)
    # A pool starts its process on the first submission.
    pool.submit(os.getpid)
    _workers.append(Worker(pool, tuple(pool._processes.values())))
    atexit.register(stop)


def stop() -> None:
    """Stop this process's judging worker, if any, at once.

    The process is terminated rather than sent the pool's stop sentinel: a worker still
    importing when the run ended (a run refused by the writer lock) was seen never to receive
    it, and both processes then waited for each other at exit; a finished worker would spend
    seconds tearing down the modules it loaded. It holds nothing but memory.

    The pool's manager thread is then waited for: it releases the pool's queues, whose
    semaphores are unlinked and only then unregistered from the resource tracker. The CLI
    leaves with ``os._exit`` and so never joins that thread; one caught between the two steps
    left the tracker to warn of a leaked semaphore it could no longer find (seen once in CI).
    """
    while _workers:
        worker = _workers.pop()
        # typeshed names this attribute's type wrongly (_ThreadWakeup): it is the thread.
        manager = cast("threading.Thread | None", worker.pool._executor_manager_thread)
        # Terminated before the pool is shut down: shutting down sends the worker the stop
        # sentinel, and a worker leaving on it was caught by the SIGTERM between a semaphore's
        # unlink and its unregistering in its own exit (seen once in CI).
        for process in worker.processes:
            process.terminate()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        worker.pool.shutdown(wait=False, cancel_futures=True)
        if manager is not None:
            manager.join(timeout=5)


def started() -> bool:
    """Whether frames go to a worker process."""
    return bool(_workers)


@dataclass
class Suites:
    """The checks built from ``inputs`` in this process, when a frame is judged here."""

    inputs: SuiteInputs
    built: tuple[list[Check], BatchDefinition] | None = field(default=None, repr=False)

    def checks(self) -> list[Check]:
        """Every check, rules included, built on first use."""
        if self.built is None:
            self.built = _build(self.inputs)
        return self.built[0]

    def judge(self, position: int, table: pa.Table) -> list[Outcome]:
        """The outcomes of check ``position``'s rules on its query's result, ``table``."""
        check = self.checks()[position]
        assert self.built is not None
        return judge_table(check, table, self.built[1])


@contextmanager
def readers(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[duckdb.DuckDBPyConnection, ...]]:
    """The connections the gate's queries run on beside ``con``: with a worker, a second one
    for the light checks (:mod:`expectations.lanes`); none when frames are judged here."""
    if not started():
        yield ()
        return
    with closing(con.cursor()) as side:
        yield (side,)


def judged(con: duckdb.DuckDBPyConnection, inputs: SuiteInputs,
           beside: Sequence[duckdb.DuckDBPyConnection] = ()) -> list[Outcome]:
    """Every check's outcomes for the suites built from ``inputs``, in suite order.

    ``con`` and the connections ``beside`` it (from :func:`readers`, with the gate's views) are
    only read from, and by no other thread once the call returns.
    """
    suites = Suites(inputs)
    token = uuid.uuid4().hex
    asked = _submit(_queries, token, inputs)
    queries = _result(asked) if asked is not None else None
    if queries is not None:
        return list(_judged_beside((con, *beside), suites, token, queries))
    with closing(frames_ahead(con, suites.checks())) as frames:
        return [outcome for position, (_, table) in enumerate(frames)
                for outcome in suites.judge(position, table)]


def _judged_beside(connections: Sequence[duckdb.DuckDBPyConnection], suites: Suites, token: str,
                   queries: list[Check]) -> Iterator[Outcome]:
    """Outcomes with each frame judged by the worker while the next query runs here.

    A large frame is spilled to a file beside the warehouse and read by the worker, so this
    process, which runs DuckDB's queries, never holds a large frame or Great Expectations.
    At most one frame is being judged at a time: a query's frame waits for the previous verdict.
    With a second of ``connections``, the light checks run on it beside the heavy ones.
    """
    con = connections[0]
    is_light = lanes.light(con, queries)

    def run(lane: duckdb.DuckDBPyConnection, query: Check) -> pa.Table | Path:
        result = check_result(lane, query, SPILL_FROM_ROWS, Path(spill))
        if isinstance(result, Path):
            # What DuckDB's allocator kept of the queries so far is handed back before the
            # next query runs beside the worker mapping the file (1,199 -> 530 MB after a
            # year's bar rows, in 0.07 s). The next query once waited for the verdict
            # instead: a year's gate took 0.2-0.4 s longer, for 100 MB less at its peak.
            release_memory(lane)
        return result

    with (spill_directory(con) as spill,
          closing(lanes.results(connections, queries, is_light, run)) as results):
        pending: tuple[int, pa.Table | Path, Future[list[Outcome]] | None] | None = None
        for position, result in enumerate(results):
            if pending is not None:
                yield from _collect(suites, *pending)
            pending = (position, result, _submit(_judge, token, position, result))
        if pending is not None:
            yield from _collect(suites, *pending)


def _collect(suites: Suites, position: int, result: pa.Table | Path,
             future: Future[list[Outcome]] | None) -> list[Outcome]:
    """The worker's outcomes for the result it was given; this process's if it died."""
    judged = _result(future) if future is not None else None
    if judged is None:
        judged = suites.judge(position, result if isinstance(result, pa.Table)
                              else spilled_table(result))
    if isinstance(result, Path):
        result.unlink()
    return judged


def _submit(fn: Callable[..., T], *args: object) -> Future[T] | None:
    """``fn(*args)`` on the worker; None without a working one."""
    if not _workers:
        return None
    try:
        return _workers[0].pool.submit(fn, *args)
    except BrokenProcessPool:
        _lost()
        return None


def _result(future: Future[T]) -> T | None:
    try:
        return future.result()
    except BrokenProcessPool:
        _lost()
        return None


def _lost() -> None:
    """Forget a worker that died: the rest of the gate, and later gates, judge here."""
    if _workers:
        log.warning("the gate's judging worker died; frames are judged in this process")
        stop()


def _build(inputs: SuiteInputs) -> tuple[list[Check], BatchDefinition]:
    from expectations.gate import batch_definition
    from expectations.suites import all_checks

    # The batch definition first: it imports Great Expectations the way the gate does.
    definition = batch_definition()
    return all_checks(inputs), definition


# The worker's side: the suites of the gate in progress, built once from its inputs.
_current: dict[str, Suites] = {}


def _warm() -> None:
    from expectations.gate import batch_definition

    signal.signal(signal.SIGTERM, _exit_on_stop)
    batch_definition()
    # Great Expectations' modules are most of this process's objects, and a full collection
    # walks them all (0.16 s); frozen, the collection after a large frame takes 0.02 s.
    gc.freeze()


def _exit_on_stop(signum: int, frame: object) -> None:
    """Leave at :func:`stop`'s SIGTERM, its exit handlers run but not the modules' tear-down.

    Judging creates a multiprocessing lock (tqdm's, under Great Expectations' progress bars),
    whose exit handler unregisters it from the resource tracker: killed without it, the
    tracker warned of a leaked semaphore at the end of the run.
    """
    atexit._run_exitfuncs()
    os._exit(0)


def _queries(token: str, inputs: SuiteInputs) -> list[Check]:
    """The checks without their rules: what the gate's process needs to run the queries."""
    _current.clear()
    suites = _current[token] = Suites(inputs, _build(inputs))
    assert suites.built is not None
    return [replace(check, rules=()) for check in suites.built[0]]


def _judge(token: str, position: int, result: pa.Table | Path) -> list[Outcome]:
    suites = _current[token]
    if isinstance(result, pa.Table):
        return suites.judge(position, result)
    outcomes = suites.judge(position, spilled_table(result))
    _return_freed_memory()
    return outcomes


def _return_freed_memory() -> None:
    """Give the memory a large frame held back to the system once it is judged.

    The C allocator and Arrow's pool keep freed memory for reuse, so the worker stayed near
    its largest frame's size for the rest of the run, beside the gate's process at its peak.
    """
    import pyarrow as pa

    # Errors GX's validators raise and catch keep the judging frames, the frame's table among
    # them, in reference cycles: a year's bar rows stayed held (240 MB) until a later collection.
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        # Not glibc (macOS, musl): its allocator returns memory on its own terms.
        pass
