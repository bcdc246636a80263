"""How the parse step fans out: threads or processes beside the flow, or a Dask cluster.

Parsing is the only step that runs elsewhere. Each task parses a chunk of landed bodies and
writes Parquet files next to the warehouse, returning their paths, never frames; the DuckDB
writer steps stay in the flow's own process, the warehouse's single writer.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import AbstractContextManager
from dataclasses import asdict, fields
from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.futures import wait
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import unmapped

from flows import parse
from flows.settings import Settings
from flows.sources.request import RequestSpec
from warehouse.files import write_atomically

CHUNK_MARKERS = "_chunks"
# From this many bodies on, ``auto`` parses in worker processes (the bundled snapshot has 368).
PROCESS_POOL_MIN_BODIES = 2000


def runner_kind(settings: Settings, bodies: int) -> str:
    """``threads``, ``processes`` or ``dask``, resolving ``auto`` by the number of bodies.

    Parsing is mostly JSON decoding and Python checks, which hold the GIL, so threads barely
    overlap; worker processes use every core but take seconds to start, which only a large
    landing zone (a backfill, a full-market night) repays.
    """
    if settings.task_runner != "auto":
        return settings.task_runner
    return "processes" if bodies >= PROCESS_POOL_MIN_BODIES else "threads"


def task_runner(settings: Settings, bodies: int = 0) -> TaskRunner[Any]:
    """The runner for parsing ``bodies`` bodies: threads, a process pool, a Dask scheduler at
    an address, or a local Dask cluster.

    A local cluster gets ``parse_workers`` single-threaded worker processes, so parsing uses
    every core.
    """
    kind = runner_kind(settings, bodies)
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        cluster: dict[str, Any] = {
            "n_workers": settings.parse_workers, "threads_per_worker": 1,
            "processes": settings.dask_processes, "dashboard_address": None,
        }
        if settings.dask_processes:
            # Worker processes must report to this run's Prefect API; without it each would
            # start an ephemeral API server of its own.
            cluster["env"] = {"PREFECT_API_URL": _api_url()}
        return DaskTaskRunner(cluster_kwargs=cluster)
    if kind == "processes":
        return ProcessPoolTaskRunner(max_workers=settings.parse_workers)
    return ThreadPoolTaskRunner(max_workers=settings.parse_workers)


@task(cache_policy=NO_CACHE)
def parse_chunk(
    landing_root: str, chunk_file: str, out_dir: str, grain: str | None
) -> parse.ParsedChunk:
    """Parse the bodies a chunk file lists to Parquet; a chunk finished earlier is reused."""
    listing = Path(chunk_file)
    marker = listing.with_name(listing.name.replace(".specs.json", ".done.json"))
    if marker.is_file():
        done = json.loads(marker.read_text(encoding="utf-8"))
        last = done.pop("last_date")
        return parse.ParsedChunk(**done, last_date=date.fromisoformat(last) if last else None)
    specs = [RequestSpec(**spec) for spec in json.loads(listing.read_text(encoding="utf-8"))]
    name = listing.name.removesuffix(".specs.json")
    chunk = parse.parse_to_parquet(Path(landing_root), specs, Path(out_dir), name, grain)
    write_atomically(marker, json.dumps(asdict(chunk), default=str))
    return chunk


@flow(name="parse-landing")
def parse_landing(
    landing_root: str, chunk_files: list[str], out_dir: str, grain: str | None = None
) -> list[parse.ParsedChunk]:
    """Fan the chunks out over the flow's task runner and collect what each wrote.

    Chunks travel as the paths of the files listing their requests: flow parameters are
    recorded by the Prefect API, and a full-market catalog is far too big for that.
    """
    futures = parse_chunk.map(unmapped(landing_root), chunk_files, unmapped(out_dir),
                              unmapped(grain))
    wait(futures)
    return [future.result() for future in futures]


def chunk_names(landing_root: Path, chunks: list[list[RequestSpec]], grain: str | None) -> list[
        str]:
    """Names that change whenever a body in the chunk changes (size or mtime), or the grain.

    A resumed backfill reuses a chunk's Parquet only if its bodies are the ones parsed before.
    """
    names = []
    for number, chunk in enumerate(chunks):
        digest = hashlib.sha256(str(grain).encode())
        for spec in chunk:
            path = landing_root / spec.path
            stat = path.stat() if path.exists() else None
            digest.update(f"{spec.path}|{stat and stat.st_size}|{stat and stat.st_mtime_ns}"
                          .encode())
        names.append(f"chunk-{number:05d}-{digest.hexdigest()[:12]}")
    return names


def fan_out_parse(
    settings: Settings, landing_root: Path, specs: list[RequestSpec], out_dir: Path,
    grain: str | None = None,
) -> list[parse.ParsedChunk]:
    """Parse every spec's body in chunks of ``parse_chunk_size`` on the configured runner."""
    size = settings.parse_chunk_size
    chunks = [specs[i:i + size] for i in range(0, len(specs), size)]
    files = []
    for name, chunk in zip(chunk_names(landing_root, chunks, grain), chunks, strict=True):
        listing = out_dir / CHUNK_MARKERS / f"{name}.specs.json"
        if not listing.is_file():
            write_atomically(listing, json.dumps([_fields(spec) for spec in chunk], default=str))
        files.append(str(listing))
    subflow = parse_landing.with_options(task_runner=task_runner(settings, len(specs)))
    if runner_kind(settings, len(specs)) == "processes":
        with _reporting_to_this_api():
            return subflow(str(landing_root), files, str(out_dir), grain)
    return subflow(str(landing_root), files, str(out_dir), grain)


def _fields(spec: RequestSpec) -> dict[str, Any]:
    # A spec holds no nested dataclass, so its fields need no deep copy: asdict's took a full
    # market's listings 0.28 s against 0.06 s, before the workers could start.
    return {field.name: getattr(spec, field.name) for field in fields(spec)}


def _reporting_to_this_api() -> AbstractContextManager[Any]:
    """Settings under which worker processes report to this run's Prefect API.

    A process pool hands its workers the current settings; without the API URL among them each
    worker would start an ephemeral API server of its own.
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    return temporary_settings(updates={PREFECT_API_URL: _api_url()})


def _api_url() -> str:
    """The Prefect API this process reports to (an ephemeral one included)."""
    with get_client(sync_client=True) as client:
        return str(client.api_url).rstrip("/")

