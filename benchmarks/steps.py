"""The measured steps, each run in a fresh process: ``python -m benchmarks.steps NAME JSON``.

A step prints one JSON line: its own wall time, the rows it handled, and the peak resident set
size of the process itself and of its largest child (the Prefect API server, parse and judging
workers), read from ``resource.getrusage`` when it ends, and of the whole process tree at once,
sampled while it runs.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import duckdb
import psutil

from flows.catalog import build_catalog
from flows.sources.request import RequestSpec
from warehouse.db import quote_literal

SQL = Path(__file__).parent / "sql"
BAR_DATASETS = ("index_kline", "stock_kline", "index_chart", "stock_chart")
Step = Callable[..., dict[str, Any]]
PEER_REPEATS = 3


def _specs(zone: str, seeds: str, start: str, end: str, endpoints: tuple[str, ...]) -> list[
        RequestSpec]:
    specs = build_catalog(date.fromisoformat(start), date.fromisoformat(end),
                          seeds_dir=Path(seeds))
    return [spec for spec in specs if spec.endpoint in endpoints]


def floor_json(zone: str, seeds: str, start: str, end: str, db: str) -> dict[str, Any]:
    """Floor (a): DuckDB alone reads the bar and valuation bodies and splits the kline strings."""
    Path(db).unlink(missing_ok=True)
    groups = {
        "floor_klines.sql": ("index_kline", "stock_kline"),
        "floor_charts.sql": ("index_chart", "stock_chart"),
        "floor_valuation.sql": ("valuation",),
    }
    with duckdb.connect(db) as con:
        con.execute((SQL / "floor_tables.sql").read_text(encoding="utf-8"))
        started = time.perf_counter()
        for name, endpoints in groups.items():
            files = [str(Path(zone) / s.path) for s in _specs(zone, seeds, start, end, endpoints)]
            con.execute((SQL / name).read_text(encoding="utf-8"), {"files": files})
        con.execute("CHECKPOINT")
        wall = time.perf_counter() - started
        [(bars,)] = con.execute("SELECT count(*) FROM floor_bars").fetchall()
        [(valuations,)] = con.execute("SELECT count(*) FROM floor_valuation").fetchall()
    return {"wall_s": wall, "rows": bars + valuations, "bar_rows": bars,
            "valuation_rows": valuations}


def export_parquet(db: str, parquet: str) -> dict[str, Any]:
    """Untimed preparation for floor (b): the floor's bar rows as one Parquet file."""
    with duckdb.connect(db, read_only=True) as con:
        con.execute(f"COPY floor_bars TO {quote_literal(parquet)} (FORMAT parquet)")
    return {"wall_s": 0.0, "rows": 0}


def floor_parquet(parquet: str, db: str) -> dict[str, Any]:
    """Floor (b): DuckDB loads the same bar rows from one Parquet file."""
    Path(db).unlink(missing_ok=True)
    with duckdb.connect(db) as con:
        con.execute((SQL / "floor_tables.sql").read_text(encoding="utf-8"))
        started = time.perf_counter()
        con.execute((SQL / "floor_parquet.sql").read_text(encoding="utf-8"), {"file": parquet})
        con.execute("CHECKPOINT")
        wall = time.perf_counter() - started
        [(rows,)] = con.execute("SELECT count(*) FROM floor_bars").fetchall()
    return {"wall_s": wall, "rows": rows}


def _task_seconds(flow_run_id: Any) -> dict[str, float]:
    """Seconds per task name (the part before the run suffix) of a flow run and its subflows."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        FlowRunFilterParentFlowRunId,
    )

    seconds: dict[str, float] = {}
    with get_client(sync_client=True) as client:
        children = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[flow_run_id])))
        ids = [flow_run_id, *(child.id for child in children)]
        offset = 0
        while True:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids)), limit=200,
                offset=offset)
            for run in runs:
                name = run.name.rsplit("-", 1)[0]
                seconds[name] = seconds.get(name, 0.0) + run.total_run_time.total_seconds()
            if len(runs) < 200:
                return seconds
            offset += 200


def _warm_prefect() -> None:
    """Start the ephemeral Prefect API before the clock starts: runs pay that once a process.

    The gate's judging worker starts beside it, as under ``cntech run`` and ``cntech backfill``.
    """
    from prefect.client.orchestration import get_client

    from expectations import judges

    judges.start()

    with get_client(sync_client=True) as client:
        client.hello()


def _heartbeats_as_the_cli() -> AbstractContextManager[None]:
    """Flow-run heartbeats as ``cntech`` sends them: none to a temporary API (Prefect's own here,
    the CLI's there), every few minutes to a configured server."""
    from prefect.settings import PREFECT_API_URL

    from flows import startup

    return startup.heartbeats(temporary=not PREFECT_API_URL.value())


def backfill(zone: str, seeds: str, data_dir: str, start: str, end: str,
             partition: str) -> dict[str, Any]:
    """The cntech backfill flow over the zone, as ``cntech backfill`` runs it."""
    os.environ["CNTECH_SEEDS_DIR"] = seeds
    _warm_prefect()
    from flows.backfill import backfill as backfill_flow

    started = time.perf_counter()
    with _heartbeats_as_the_cli():
        state = backfill_flow(date.fromisoformat(start), date.fromisoformat(end), partition,
                              snapshot=zone, data_dir=data_dir, return_state=True)
    wall = time.perf_counter() - started
    result = state.result()
    return {"wall_s": wall, "rows": sum(result.rows.values()), "table_rows": result.rows,
            "partitions": len(result.merged),
            "tasks": _task_seconds(state.state_details.flow_run_id)}


def nightly(zone: str, seeds: str, data_dir: str, history_start: str) -> dict[str, Any]:
    """One nightly run replaying a new day's landing zone into an existing warehouse."""
    os.environ["CNTECH_SEEDS_DIR"] = seeds
    os.environ["CNTECH_HISTORY_START"] = history_start
    _warm_prefect()
    from flows.nightly import nightly as nightly_flow

    started = time.perf_counter()
    with _heartbeats_as_the_cli():
        state = nightly_flow(source="snapshot", snapshot=zone, data_dir=data_dir,
                             return_state=True)
    wall = time.perf_counter() - started
    result = state.result()
    return {"wall_s": wall, "rows": sum(result.rows.values()), "as_of": str(result.as_of),
            "tasks": _task_seconds(state.state_details.flow_run_id)}


def peer_akshare(zone: str, seeds: str, start: str, end: str, files: int) -> dict[str, Any]:
    """akshare's ``stock_zh_a_hist`` over the same kline bodies, its HTTP served from the zone.

    The best of ``PEER_REPEATS`` passes, as for cntech: first-call costs are not parsing.
    """
    import akshare
    import responses

    specs = _specs(zone, seeds, start, end, ("stock_kline",))[:files]
    bodies = {spec.provider_code: (Path(zone) / spec.path).read_bytes() for spec in specs}
    walls = []
    with responses.RequestsMock() as mock:
        mock.add_callback(
            responses.GET, "https://push2his.eastmoney.com/api/qt/stock/kline/get",
            callback=lambda request: (200, {"Content-Type": "application/json"},
                                      bodies[parse_qs(urlsplit(str(request.url)).query)["secid"][0]]))
        for _ in range(PEER_REPEATS):
            rows = 0
            started = time.perf_counter()
            for spec in specs:
                frame = akshare.stock_zh_a_hist(
                    symbol=spec.provider_code.split(".")[1], period="daily",
                    start_date="19900101", end_date="20500101", adjust="qfq")
                rows += len(frame)
            walls.append(time.perf_counter() - started)
    return {"wall_s": min(walls), "walls_s": walls, "rows": rows, "files": len(specs)}


def peer_cntech(zone: str, seeds: str, start: str, end: str, files: int) -> dict[str, Any]:
    """cntech's extract + transform of the same bodies, as a parse chunk of the flows runs it:
    every body read from the landing zone and checked against its manifest's sha256, then the
    kline parser over all of them at once. The best of ``PEER_REPEATS`` passes."""
    from flows.parse import parse_landed
    from flows.sources.landing import LandingZone

    specs = _specs(zone, seeds, start, end, ("stock_kline",))[:files]
    walls = []
    for _ in range(PEER_REPEATS):
        started = time.perf_counter()
        frames, report = parse_landed(LandingZone(Path(zone)), specs)
        walls.append(time.perf_counter() - started)
        if report.errors:
            raise RuntimeError(f"{len(report.errors)} bodies failed: {report.errors[0]}")
    return {"wall_s": min(walls), "walls_s": walls, "rows": frames["security_bars"].height,
            "files": len(specs)}


STEPS: dict[str, Step] = {
    "floor_json": floor_json, "export_parquet": export_parquet,
    "floor_parquet": floor_parquet, "backfill": backfill, "nightly": nightly,
    "peer_akshare": peer_akshare, "peer_cntech": peer_cntech,
}


class TreeSampler:
    """The largest resident set size of this process and all its descendants together, and
    what each kind of process held at that moment.

    Peak RSS per process misses memory a step moves into another process; the tree's sum,
    sampled a few times a second, does not (it can miss a spike shorter than the interval).
    """

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_bytes = 0
        self.peak_parts: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="tree-rss", daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(self.interval):
            parts: dict[str, int] = {}
            for process in [me, *me.children(recursive=True)]:
                try:
                    label = "flow" if process == me else _kind(process.cmdline())
                    parts[label] = parts.get(label, 0) + process.memory_info().rss
                except psutil.Error:
                    continue
            if sum(parts.values()) > self.peak_bytes:
                self.peak_bytes = sum(parts.values())
                self.peak_parts = {label: rss / 2**20 for label, rss in parts.items()}


def _kind(cmdline: list[str]) -> str:
    """What a child process of a step is, from its command line."""
    text = " ".join(cmdline)
    if "prefect" in text and "server" in text:
        return "Prefect API"
    if "multiprocessing" in text:
        return "workers"
    return cmdline[0].rsplit("/", 1)[-1] if cmdline else "other"


def main() -> None:
    """Run one step and print its measurements as one JSON line."""
    name, arguments = sys.argv[1], json.loads(sys.argv[2])
    with TreeSampler() as tree:
        measured = STEPS[name](**arguments)
    measured["tree_peak_rss_mb"] = tree.peak_bytes / 2**20
    measured["tree_peak_parts_mb"] = tree.peak_parts
    measured["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    measured["children_peak_rss_mb"] = (
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    print(json.dumps(measured, default=str))


if __name__ == "__main__":
    main()
