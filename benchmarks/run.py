"""Run the three benchmarks side by side on this machine and print their tables.

    python -m benchmarks.run --securities 8000 --years 10

1. Backfill of the generated Y-year landing zone against two floors measured in the same run:
   (a) DuckDB alone parsing and loading the same bodies (read_json + string splitting) and
   (b) DuckDB loading the same bar rows from one Parquet file.
2. A nightly run for one new day after a Y-year history and after a one-year history.
3. Parsing the same Eastmoney kline bodies with akshare's ``stock_zh_a_hist`` (HTTP served
   locally by ``responses``) and with cntech's extract + transform.

Every measured step runs in its own process (``benchmarks.steps``); results are also written to
``<work>/results.json``. Generated data is reused when the parameters match.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from benchmarks.generate import DEFAULT_END, Generated, generate
from benchmarks.universe import window_start

TARGET_BACKFILL_RATIO = 2.0
TARGET_RSS_MB = 2048
TARGET_NIGHTLY_RATIO = 1.3
TARGET_GATE_SHARE = 0.20
TARGET_PEER_RATIO = 10.0
DUCKDB_MEMORY_LIMIT = "1GB"


def step(name: str, **arguments: object) -> dict[str, Any]:
    """Run one step in a fresh interpreter and return its measurements."""
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING", "DO_NOT_TRACK": "1",
           "GX_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    # The writer's buffer pool is capped so peak memory is the pipeline's, not DuckDB's cache.
    env.setdefault("CNTECH_DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT)
    # Each step starts a temporary Prefect API before its clock starts; on a busy machine that
    # takes longer than Prefect's default 20 s wait.
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
    print(f"  {name} {json.dumps(arguments, default=str)}", file=sys.stderr, flush=True)
    load_before = os.getloadavg()[0]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.steps", name, json.dumps(arguments, default=str)],
        capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"step {name} failed:\n{done.stderr[-4000:]}")
    measured: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    # The machine may be shared: the 1-minute load around a step says how far to trust its time.
    measured["load"] = [load_before, os.getloadavg()[0]]
    print(f"    {measured['wall_s']:.1f} s, {measured['rows']:,} rows, "
          f"peak {measured['peak_rss_mb']:.0f} MB (tree {measured['tree_peak_rss_mb']:.0f} MB)",
          file=sys.stderr, flush=True)
    return measured


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import duckdb
    import polars
    import prefect

    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory / 2**20, 1),
            "python": platform.python_version(), "duckdb": duckdb.__version__,
            "polars": polars.__version__, "prefect": prefect.__version__,
            "load_average": os.getloadavg(),
            "date": datetime.now(UTC).isoformat(timespec="minutes")}


def warm(root: Path) -> None:
    """Read every file under ``root`` once, untimed."""
    for path in root.rglob("*"):
        if path.is_file():
            path.read_bytes()


def rate(measured: dict[str, Any]) -> float:
    """Rows per second of a step."""
    return float(measured["rows"]) / max(float(measured["wall_s"]), 1e-9)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Generate (or reuse) the data, then measure every step; returns all figures."""
    work = args.work / f"{args.securities}x{args.years}"
    start = window_start(args.end, args.years)
    one_year = max(start, window_start(args.end, 1))
    began = time.perf_counter()
    made = generate(work / "landing", args.securities, start, args.end, days=2,
                    workers=args.workers)
    results: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, "-m", "benchmarks.run", *sys.argv[1:]]),
        "machine": machine(), "securities": args.securities, "years": args.years,
        "window": [str(start), str(args.end)], "partition": args.partition,
        "generate_s": round(time.perf_counter() - began, 1), "files": made.files,
    }
    zone, seeds = str(made.history), str(made.seeds)
    window = {"zone": zone, "seeds": seeds, "start": str(start), "end": str(args.end)}
    floor_a = {**window, "db": str(work / "floor_a.duckdb")}
    results["floor_a_before"] = step("floor_json", **floor_a)
    step("export_parquet", db=str(work / "floor_a.duckdb"), parquet=str(work / "bars.parquet"))
    results["floor_b"] = step("floor_parquet", parquet=str(work / "bars.parquet"),
                              db=str(work / "floor_b.duckdb"))
    histories = {"full": (work / "data-full", start), "one_year": (work / "data-1y", one_year)}
    if args.backfill_only:
        del histories["one_year"]
    for key, (data_dir, first) in histories.items():
        shutil.rmtree(data_dir, ignore_errors=True)
        results[f"backfill_{key}"] = step(
            "backfill", zone=zone, seeds=seeds, data_dir=str(data_dir), start=str(first),
            end=str(args.end), partition=args.partition)
    # Floor (a) again after the backfill: on a shared machine one floor run cannot settle the
    # ratio, which is taken against the faster of the two.
    results["floor_a_after"] = step("floor_json", **floor_a)
    results["floor_a"] = min(results["floor_a_before"], results["floor_a_after"],
                             key=lambda measured: measured["wall_s"])
    if not args.backfill_only:
        _other_runs(args, results, made, work, histories, window)
    results["machine"]["load_average_end"] = os.getloadavg()
    (work / "results.json").write_text(json.dumps(results, indent=2, default=str))
    return results


def _other_runs(args: argparse.Namespace, results: dict[str, Any], made: Generated, work: Path,
                histories: dict[str, tuple[Path, date]], window: dict[str, str]) -> None:
    """The backfill by the other grain, the nightly runs and the parser comparison."""
    zone, seeds, start = window["zone"], window["seeds"], window["start"]
    other = "month" if args.partition == "year" else "year"
    other_dir = work / f"data-{other}"
    shutil.rmtree(other_dir, ignore_errors=True)
    results["backfill_other"] = step(
        "backfill", zone=zone, seeds=seeds, data_dir=str(other_dir), start=start,
        end=str(args.end), partition=other)
    results["backfill_other"]["partition"] = other
    shutil.rmtree(other_dir, ignore_errors=True)
    results["nightly"] = []
    for day in made.new_days:
        # Both histories replay the same day zone: read it once first so neither run pays for
        # a cold page cache that the other then finds warm.
        warm(made.day_zone(day))
        for key, (data_dir, first) in histories.items():
            measured = step("nightly", zone=str(made.day_zone(day)), seeds=seeds,
                            data_dir=str(data_dir), history_start=str(first))
            results["nightly"].append({"history": key, "day": str(day), **measured})
    peer = {**window, "files": args.peer_files}
    results["akshare"] = step("peer_akshare", **peer)
    results["cntech_parse"] = step("peer_cntech", **peer)


def tables(results: dict[str, Any]) -> str:
    """The benchmark tables in Markdown, with each target and whether it was met."""
    lines = _backfill_table(results)
    if "nightly" in results:
        lines += _nightly_table(results)
        lines += _peer_table(results)
    return "\n".join(lines)


def _backfill_table(results: dict[str, Any]) -> list[str]:
    full, floor_a, floor_b = results["backfill_full"], results["floor_a"], results["floor_b"]
    ratio_a = rate(floor_a) / rate(full)
    lines = [
        f"## Backfill: {results['securities']:,} securities x {results['years']} years "
        f"({results['window'][0]} .. {results['window'][1]}, by {results['partition']})", "",
        "| step | wall s | rows | rows/s | peak RSS MB | largest child / process tree MB | "
        "load (1 min) before / after | time vs floor (a) |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    steps = [("cntech backfill (parse, stage, gate, merge, marts, publish)", full)]
    if "backfill_other" in results:
        other = results["backfill_other"]
        steps.append((f"cntech backfill by {other['partition']} (same zone)", other))
    steps += [("floor (a) before: DuckDB read_json + string split", results["floor_a_before"]),
              ("floor (a) after", results["floor_a_after"]),
              ("floor (b): DuckDB from one Parquet file (bars only)", floor_b)]
    for label, measured in steps:
        load = measured.get("load", [float("nan")] * 2)
        lines.append(f"| {label} | {measured['wall_s']:.1f} | {measured['rows']:,} | "
                     f"{rate(measured):,.0f} | {measured['peak_rss_mb']:,.0f} | "
                     f"{measured.get('children_peak_rss_mb', 0):,.0f} / "
                     f"{measured.get('tree_peak_rss_mb', 0):,.0f} | "
                     f"{load[0]:.1f} / {load[1]:.1f} | {rate(floor_a) / rate(measured):.2f}x |")
    lines += ["", "Backfill time by task (summed over partitions; parse tasks run in parallel):",
              "", "| task | seconds |", "|---|---:|"]
    for name, seconds in sorted(full["tasks"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {name} | {seconds:.1f} |")
    lines += ["", f"Target: cntech ≤ {TARGET_BACKFILL_RATIO:g}x the faster floor (a): "
              f"{'met' if ratio_a <= TARGET_BACKFILL_RATIO else 'MISSED'} ({ratio_a:.2f}x); "
              f"peak RSS ≤ {TARGET_RSS_MB} MB: "
              f"{'met' if full['peak_rss_mb'] <= TARGET_RSS_MB else 'MISSED'} "
              f"({full['peak_rss_mb']:,.0f} MB).", ""]
    if full.get("tree_peak_parts_mb"):
        parts = ", ".join(f"{label} {mb:,.0f} MB" for label, mb
                          in sorted(full["tree_peak_parts_mb"].items(), key=lambda kv: -kv[1]))
        lines += [f"The backfill's process tree at its peak ({full['tree_peak_rss_mb']:,.0f} MB): "
                  f"{parts}.", ""]
    return lines


def _peer_table(results: dict[str, Any]) -> list[str]:
    akshare, cntech = results["akshare"], results["cntech_parse"]
    peer = rate(cntech) / rate(akshare)
    return [
        "## Parsing the same Eastmoney kline bodies", "",
        "| parser | files | rows | seconds (best of 3) | rows/s |", "|---|---:|---:|---:|---:|",
        f"| akshare stock_zh_a_hist (HTTP via responses) | {akshare['files']} | "
        f"{akshare['rows']:,} | {akshare['wall_s']:.2f} | {rate(akshare):,.0f} |",
        f"| cntech landing read (sha256) + transforms parser | {cntech['files']} | "
        f"{cntech['rows']:,} | {cntech['wall_s']:.2f} | {rate(cntech):,.0f} |", "",
        f"Target: ≥ {TARGET_PEER_RATIO:g}x akshare: "
        f"{'met' if peer >= TARGET_PEER_RATIO else 'MISSED'} ({peer:.1f}x).",
    ]


def _nightly_table(results: dict[str, Any]) -> list[str]:
    lines = ["## Nightly run for one new day", "",
             "| history | day | wall s | stage s | gate s | merge + marts s | publish s | "
             "gate share |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    walls: dict[str, list[float]] = {}
    shares = []
    for run_ in results["nightly"]:
        tasks = run_["tasks"]
        share = tasks.get("gate", 0.0) / run_["wall_s"]
        shares.append(share)
        walls.setdefault(run_["history"], []).append(run_["wall_s"])
        lines.append(
            f"| {run_['history']} | {run_['day']} | {run_['wall_s']:.1f} | "
            f"{tasks.get('stage', 0.0) + tasks.get('parse_chunk', 0.0):.1f} | "
            f"{tasks.get('gate', 0.0):.1f} | {tasks.get('merge_and_build', 0.0):.1f} | "
            f"{tasks.get('publish_marts', 0.0):.1f} | {share:.0%} |")
    ratio = (sum(walls["full"]) / len(walls["full"])) / (
        sum(walls["one_year"]) / len(walls["one_year"]))
    lines += ["", f"Target: full-history / one-year-history wall ≤ {TARGET_NIGHTLY_RATIO:g}: "
              f"{'met' if ratio <= TARGET_NIGHTLY_RATIO else 'MISSED'} ({ratio:.2f}); gate "
              f"share ≤ {TARGET_GATE_SHARE:.0%}: "
              f"{'met' if max(shares) <= TARGET_GATE_SHARE else 'MISSED'} "
              f"(max {max(shares):.0%}).", ""]
    return lines


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--securities", type=int, default=8000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--end", type=lambda text: datetime.strptime(text, "%Y-%m-%d").date(),
                        default=DEFAULT_END)
    parser.add_argument("--partition", choices=("month", "year"), default="year")
    parser.add_argument("--peer-files", type=int, default=400,
                        help="kline bodies akshare and cntech both parse")
    parser.add_argument("--work", type=Path, default=Path("data/bench"))
    parser.add_argument("--workers", type=int, default=2, help="generator processes")
    parser.add_argument("--backfill-only", action="store_true",
                        help="only the backfill by --partition between two floor (a) runs, "
                        "and floor (b)")
    args = parser.parse_args()
    results = run(args)
    print(tables(results))


if __name__ == "__main__":
    main()
