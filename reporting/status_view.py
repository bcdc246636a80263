"""How ``cntech status`` prints a status report on a terminal."""

from __future__ import annotations

import json
from datetime import datetime

from rich.console import Console
from rich.table import Table

from reporting.marts import gate_counts
from reporting.status import MONITOR_TZ, Freshness, StatusReport


def _when(value: datetime | None) -> str:
    if value is None:
        return "-"
    return value.astimezone(MONITOR_TZ).strftime("%Y-%m-%d %H:%M+08")


def _rows_total(row_counts: str | None) -> str:
    if not row_counts:
        return "-"
    counts = json.loads(row_counts)
    return f"{sum(counts.values()):,}" if isinstance(counts, dict) else "-"


def print_status(console: Console, report: StatusReport, *, verbose: bool = False) -> None:
    """Published run, last gate verdict, recent runs and freshness, most important last."""
    pub = report.published
    console.print(f"[bold]Published marts[/bold] {report.marts}")
    console.print(f"  run {pub.get('run_id')}, as of {pub.get('as_of_date')}, source "
                  f"{pub.get('source')}, published {_when(pub.get('published_at'))}, "
                  f"{pub.get('gate_checks_run')} gate checks passed")
    marts = {k: v for k, v in report.table_rows.items() if k.startswith("mart_")}
    console.print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in marts.items()))
    for state in report.held_back:
        console.print(f"  [yellow]held back: {state.mart} as of {state.as_of_date}[/yellow] "
                      f"({state.reason})", highlight=False)
    _print_gate(console, report, verbose)
    _print_runs(console, report, verbose)
    _print_freshness(console, report, verbose)
    if report.healthy:
        console.print("[bold green]OK[/bold green]: every series is current and the last gate "
                      "run passed.")
        return
    problems = []
    if report.stale:
        datasets = sorted({f.dataset for f in report.stale})
        problems.append(f"{len(report.stale)} series stale ({', '.join(datasets)})")
    if report.gate_failed:
        problems.append("the last quality-gate run failed")
    if report.held_back:
        problems.append(f"{len(report.held_back)} mart(s) held back at their last version")
    console.print(f"[bold red]ATTENTION[/bold red]: {'; '.join(problems)}.")


def _print_gate(console: Console, report: StatusReport, verbose: bool) -> None:
    gate = report.gate
    if gate is None:
        console.print("[yellow]Last gate run: no results found (gate/latest.json).[/yellow]")
        return
    counts = gate_counts(gate)
    verdict = "[green]PASSED[/green]" if gate.get("passed") else "[red]FAILED[/red]"
    console.print(f"Last gate run {gate.get('run_id')} as of {gate.get('as_of')}: {verdict} "
                  f"({counts['checks']} checks, {counts['failing']} failing, "
                  f"{counts['warning']} warning)")
    if gate.get("run_id") != report.published.get("run_id"):
        console.print("  [yellow]this run is newer than the published marts, which were "
                      "not replaced[/yellow]")
    elif not gate.get("passed") and report.held_back:
        console.print("  [yellow]published: its failing rules are the late datasets' "
                      "(their marts were held back)[/yellow]")
    broken = [r for r in gate.get("results", []) if not r.get("success")]
    for result in broken if verbose else broken[:5]:
        console.print(f"  [{result.get('severity')}] {result.get('message')}", markup=False)
    if not verbose and len(broken) > 5:
        console.print(f"  ... and {len(broken) - 5} more (--verbose)")


def _print_runs(console: Console, report: StatusReport, verbose: bool) -> None:
    table = Table(title="Recent runs (ledger as published)", title_justify="left")
    columns = ["run", "status", "as of", "gate", "published"]
    if verbose:
        columns += ["started", "source", "rows", "message"]
    for column in columns:
        table.add_column(column, no_wrap=column in ("run", "as of", "published"))
    for run in report.runs:
        gate = ("-" if run["gate_passed"] is None else
                "passed" if run["gate_passed"] else f"failed ({run['gate_failures']})")
        cells = [run["run_id"], run["status"], str(run["as_of_date"] or "-"), gate,
                 _when(run["published_at"])]
        if verbose:
            cells += [_when(run["started_at"]), run["source"], _rows_total(run["row_counts"]),
                      run["message"] or ""]
        table.add_row(*cells)
    console.print(table)


def _print_freshness(console: Console, report: StatusReport, verbose: bool) -> None:
    title = (f"Freshness at {_when(report.reference)}: {report.basis}; grace {report.grace} "
             f"session{'s' if report.grace != 1 else ''} beyond each dataset's publication lag")
    table = Table(title=title, title_justify="left")
    first = ["dataset", "series", "calendar"] if verbose else ["dataset", "stale/series"]
    for column in (*first, "latest", "due", "behind", "status"):
        table.add_column(column, no_wrap=column in ("latest", "due"))
    groups: dict[str, list[Freshness]] = {}
    for item in report.freshness:
        groups.setdefault(item.dataset if not verbose else f"{item.dataset}/{item.series}",
                          []).append(item)
    for items in groups.values():
        head = items[0]
        stale = sum(f.stale for f in items)
        cells = ([head.dataset, head.series, "+".join(head.calendars)] if verbose
                 else [head.dataset, f"{stale}/{len(items)}"])
        cells += [str(min(f.latest for f in items)), str(max(f.due for f in items)),
                  str(max(f.behind for f in items)),
                  "[red]stale[/red]" if stale else "[green]fresh[/green]"]
        table.add_row(*cells)
    console.print(table)
