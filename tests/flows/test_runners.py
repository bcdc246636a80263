"""Which runner parses a landing zone, and names that tell a resumed backfill what changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from flows.catalog import RequestSpec
from flows.runners import PROCESS_POOL_MIN_BODIES, chunk_names, runner_kind, task_runner
from flows.settings import Settings


def spec(path: str) -> RequestSpec:
    code = Path(path).stem
    # (provider, host, request kind, subject, provider's code, landed path, URL path)
    return RequestSpec("eastmoney", "eastmoney_kline", "stock_kline", code, code, path,
                       "/api/qt/stock/kline/get")


@pytest.mark.parametrize(("configured", "bodies", "kind"), [
    ("auto", 368, "threads"),
    ("auto", PROCESS_POOL_MIN_BODIES - 1, "threads"),
    ("auto", PROCESS_POOL_MIN_BODIES, "processes"),
    ("threads", 100_000, "threads"),
    ("dask", 10, "dask"),
])
def test_auto_takes_processes_only_for_a_large_landing_zone(
    configured: str, bodies: int, kind: str,
) -> None:
    assert runner_kind(Settings(task_runner=configured), bodies) == kind  # type: ignore[arg-type]


def test_the_runner_has_parse_workers_workers() -> None:
    threads = task_runner(Settings(parse_workers=3), 10)
    processes = task_runner(Settings(task_runner="processes", parse_workers=2))
    assert isinstance(threads, ThreadPoolTaskRunner) and threads._max_workers == 3
    assert isinstance(processes, ProcessPoolTaskRunner) and processes._max_workers == 2


def test_chunk_names_change_with_a_bodys_size_or_time_or_the_grain(tmp_path: Path) -> None:
    body = tmp_path / "eastmoney/kline/0.002230.json"
    body.parent.mkdir(parents=True)
    body.write_bytes(b'{"rc":0}')
    os.utime(body, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    chunks = [[spec("eastmoney/kline/0.002230.json")], [spec("eastmoney/kline/1.688256.json")]]

    first = chunk_names(tmp_path, chunks, "month")
    assert first == chunk_names(tmp_path, chunks, "month")
    assert [n[:12] for n in first] == ["chunk-00000-", "chunk-00001-"]
    assert chunk_names(tmp_path, chunks, "year")[0] != first[0]
    os.utime(body, ns=(1_700_000_000_000_000_001, 1_700_000_000_000_000_001))
    touched = chunk_names(tmp_path, chunks, "month")
    assert touched[0] != first[0] and touched[1] == first[1]
