"""Start-up and run time of ``cntech run`` on the bundled snapshot, with where the time went.

    python -m benchmarks.bench_startup [--runs 5] [--cntech PATH] [--compare PATH]

Each run replays the bundled snapshot into a fresh data dir as a user would, with a temporary
Prefect API server unless ``PREFECT_API_URL`` is set. The stage lines ``cntech run`` prints
(``[  6.1 s] parse started``) give the breakdown: start-up until the first stage begins, each
stage's own time, and the exit after the closing summary. ``--compare`` runs another ``cntech``
(e.g. an older checkout's) alternately under the same load; one without stage lines is timed as
a whole. Prints figures, asserts nothing: a shared machine's load decides the wall times, so the
load average is printed beside them, and so is an estimate of the wall time on an idle 2-core
machine from CPU seconds, which load barely changes: the CPU of the CLI, the API server and the
gate's judging worker until the server is ready (side by side on two cores: the largest of one
process's CPU and half of all three), plus the CLI's and the judging worker's CPU from then to
the end of publish (the larger of the CLI's and half of both), plus the measured exit.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from flows.settings import Settings

STAMP = re.compile(r"^\[ *(\d+\.\d) s\] (\S+) (started|done in (\d+\.\d) s)")
READY = re.compile(r"ready after (\d+\.\d) s")
COLUMNS = ("wall", "cpu", "idle est.", "cli cpu@ready", "api cpu@ready", "flow cpu",
           "judge cpu", "api", "start-up", "extract", "parse", "stage", "gate", "merge", "publish",
           "exit")


@dataclass
class Timing:
    """One run: wall and CPU seconds (the CLI and its children), and the breakdown."""

    wall: float
    cpu: float
    load: float
    code: int
    parts: dict[str, float] = field(default_factory=dict)
    cpu_at: dict[str, float] = field(default_factory=dict)


def measure(cntech: Path, snapshot: Path | None) -> Timing:
    """Time one ``cntech run`` into a fresh data dir, reading its stage lines as they come."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CNTECH_")}
    env.update({"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false",
                "DO_NOT_TRACK": "1"})
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="cntech-bench-startup-") as data_dir:
        args = [str(cntech), "run", "--data-dir", data_dir]
        if snapshot is not None:
            args += ["--snapshot", str(snapshot)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
        lines, cpu_at = _follow(child)
        code = child.wait(timeout=900)
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    timing = Timing(wall, cpu, load, code, breakdown(lines, wall), cpu_at)
    if code != 0:
        print("\n".join(lines[-20:]), file=sys.stderr)
    return timing


def _follow(child: subprocess.Popen[str]) -> tuple[list[str], dict[str, float]]:
    """The child's stderr lines, and CPU seconds of it and its API server at two moments."""
    assert child.stderr is not None
    lines: list[str] = []
    cpu_at: dict[str, float] = {}
    for line in child.stderr:
        lines.append(line.rstrip("\n"))
        if "ready" not in cpu_at and (READY.search(line) or " extract started" in line):
            cpu_at["ready"], cpu_at["api"], cpu_at["judge@ready"] = _cpu(child.pid)
        elif " publish done" in line:
            cpu_at["published"], _, cpu_at["judge"] = _cpu(child.pid)
    return lines, cpu_at


def _cpu(pid: int) -> tuple[float, float, float]:
    """CPU seconds of process ``pid``, of its temporary API server and of its other children
    (the gate's judging worker)."""
    with contextlib.suppress(psutil.Error):
        process = psutil.Process(pid)
        own = sum(process.cpu_times()[:2])
        api = other = 0.0
        for descendant in process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                seconds = sum(descendant.cpu_times()[:2])
                if "uvicorn" in descendant.cmdline():
                    api += seconds
                else:
                    other += seconds
        return own, api, other
    return 0.0, 0.0, 0.0


def breakdown(lines: list[str], wall: float) -> dict[str, float]:
    """Seconds per part from the stage lines; empty for a ``cntech`` that prints none."""
    parts: dict[str, float] = {}
    first = last = None
    for line in lines:
        ready = READY.search(line)
        if ready:
            parts["api"] = float(ready.group(1))
        stamp = STAMP.match(line)
        if stamp is None:
            continue
        at, stage, _, took = stamp.groups()
        first = float(at) if first is None else first
        if took is not None:
            parts[stage] = float(took)
            last = float(at)
    if first is None or last is None:
        return parts
    parts["start-up"] = first
    parts["exit"] = wall - last
    return parts


def table(label: str, runs: list[Timing]) -> str:
    """Every run, then min / median / max of each column."""
    rows = [f"{label}", "| run | load | exit code | " + " | ".join(COLUMNS) + " |",
            "|---|---:|---:|" + "---:|" * len(COLUMNS)]
    for number, run in enumerate(runs, 1):
        rows.append(f"| {number} | {run.load:.1f} | {run.code} | "
                    + " | ".join(_cell(_value(run, c)) for c in COLUMNS) + " |")
    for name, pick in (("min", min), ("median", statistics.median), ("max", max)):
        cells = []
        for column in COLUMNS:
            values = [v for v in (_value(run, column) for run in runs) if v is not None]
            cells.append(_cell(pick(values) if values else None))
        rows.append(f"| **{name}** | | | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _value(run: Timing, column: str) -> float | None:
    at = run.cpu_at
    if column == "wall":
        return run.wall
    if column == "cpu":
        return run.cpu
    if column == "cli cpu@ready":
        return at.get("ready")
    if column == "api cpu@ready":
        return at.get("api")
    if column == "flow cpu":
        return at["published"] - at["ready"] if {"published", "ready"} <= at.keys() else None
    if column == "judge cpu":
        return at.get("judge")
    if column == "idle est.":
        flow = _value(run, "flow cpu")
        if flow is None or "exit" not in run.parts:
            return None
        # Two cores: the three processes' CPU until the API is ready, and the CLI's and the
        # judging worker's after it, run side by side as far as two cores let them.
        ready = max(at["ready"], at["api"], (at["ready"] + at["api"] + at["judge@ready"]) / 2)
        judging = at["judge"] - at["judge@ready"]
        return ready + max(flow, (flow + judging) / 2) + run.parts["exit"]
    return run.parts.get(column)


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def main() -> None:
    """Parse the arguments, time the runs alternately, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cntech", type=Path, default=Path(sys.executable).with_name("cntech"))
    parser.add_argument("--compare", type=Path, help="another cntech, run alternately")
    parser.add_argument("--snapshot", type=Path, help="landing zone (default: the bundled one)")
    args = parser.parse_args()
    api = Settings().prefect_api_url
    print(f"cntech run on {args.snapshot or 'the bundled snapshot'}, {args.runs} runs, "
          f"{os.cpu_count()} cores, Prefect API: {api or 'a temporary server per run'}")
    ours: list[Timing] = []
    theirs: list[Timing] = []
    for number in range(args.runs):
        for cntech, runs in ((args.cntech, ours), (args.compare, theirs)):
            if cntech is None:
                continue
            runs.append(measure(cntech, args.snapshot))
            print(f"  run {number + 1} {cntech}: {runs[-1].wall:.1f} s (load "
                  f"{runs[-1].load:.1f}, exit {runs[-1].code})", flush=True)
    print(table(f"\n{args.cntech}", ours))
    if theirs:
        print(table(f"\n{args.compare}", theirs))


if __name__ == "__main__":
    main()
