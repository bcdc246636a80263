"""Great Expectations Data Docs for the last gate run, rebuilt from its saved results file.

The gate validates in an ephemeral, in-memory GX context and keeps only its own results JSON
(``gate/<run_id>.json``). The expectations themselves are code: rebuilding the suites for the
run's as-of date gives back every expectation's configuration, and each saved outcome becomes a
GX validation result for it. GX's own site builder then renders them into a Data Docs site.

GX's pages load their styles, icons and scripts from CDNs; :mod:`reporting.offline_docs`
rewrites the built site so it needs no network (statuses as text, a static index page).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from expectations.checks import Rule, SuiteInputs
from expectations.gate import quiet_context
from reporting.offline_docs import make_offline
from warehouse.seeds import read_seed

BATCH_IDENTIFIER = "staging"
# GX renders a warn rule as a warning only when its configuration says so.
GX_SEVERITY = {"fail": "critical", "warn": "warning"}


@dataclass
class GateDocs:
    """Where the site landed, its page per suite, and saved results no current suite defines."""

    index: Path
    pages: dict[str, Path]
    unmatched: list[str] = field(default_factory=list)


def build_gate_docs(
    doc: dict[str, Any], out_dir: Path, results_file: Path | None = None
) -> GateDocs:
    """Render the gate results ``doc`` as a GX Data Docs site in ``out_dir`` (replaced whole)."""
    inputs = SuiteInputs(
        as_of=date.fromisoformat(doc["as_of"]),
        index_codes=tuple(sorted(read_seed("indices")["index_code"])),
    )
    from expectations.suites import all_checks

    rules = {(c.suite, r.rule): r for c in all_checks(inputs) for r in c.rules}
    by_suite: dict[str, list[dict[str, Any]]] = {}
    for outcome in doc["results"]:
        by_suite.setdefault(outcome["suite"], []).append(outcome)
    unmatched = [f"{o['suite']}.{o['rule']}" for o in doc["results"]
                 if (o["suite"], o["rule"]) not in rules]

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}."))
    try:
        _render_site(staging, doc, by_suite, rules, _run_time(doc, results_file))
        make_offline(staging, doc, validation_pages(staging, doc["run_id"]))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_in(staging, out_dir)
    return GateDocs(index=out_dir / "index.html",
                    pages=validation_pages(out_dir, doc["run_id"]), unmatched=unmatched)


def _render_site(
    site_dir: Path, doc: dict[str, Any], by_suite: dict[str, list[dict[str, Any]]],
    rules: dict[tuple[str, str], Rule], run_time: datetime,
) -> None:
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    context = quiet_context(data_docs_sites={"gate": {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(site_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }})
    run_id = RunIdentifier(run_name=doc["run_id"], run_time=run_time)
    for suite, outcomes in by_suite.items():
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite),
            run_id=run_id, batch_identifier=BATCH_IDENTIFIER,
        )
        meta = {"great_expectations_version": gx.__version__, "run_id": run_id,
                "batch_spec": {"data_asset_name": f"staging.{outcomes[0]['table']}"},
                "as_of": doc["as_of"]}
        context.validation_results_store.set(key, _suite_result(suite, outcomes, rules, meta))
    context.build_data_docs()


def _suite_result(
    suite: str, outcomes: list[dict[str, Any]], rules: dict[tuple[str, str], Rule],
    meta: dict[str, Any],
) -> Any:
    """One suite's saved outcomes as a GX suite validation result."""
    from great_expectations.core import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )

    results = []
    for outcome in outcomes:
        rule = rules.get((suite, outcome["rule"]))
        if rule is None:
            continue
        configuration = rule.expectation.configuration
        configuration.severity = GX_SEVERITY.get(outcome["severity"], "critical")
        results.append(ExpectationValidationResult(
            success=outcome["success"], expectation_config=configuration,
            result=_result_details(outcome),
        ))
    passed = sum(bool(r.success) for r in results)
    return ExpectationSuiteValidationResult(
        # A broken warn rule does not fail the gate, so it does not fail the suite either.
        success=all(o["success"] or o["severity"] == "warn" for o in outcomes),
        results=results,
        suite_name=suite,
        statistics={
            "evaluated_expectations": len(results), "successful_expectations": passed,
            "unsuccessful_expectations": len(results) - passed,
            "success_percent": 100.0 * passed / len(results) if results else None,
        },
        meta=meta,
    )


def _result_details(outcome: dict[str, Any]) -> dict[str, Any]:
    """The saved counts and sample rows, in the shape GX's renderers read."""
    details: dict[str, Any] = {"unexpected_count": outcome["unexpected_count"]}
    count = outcome.get("element_count")
    if count is not None:
        details["element_count"] = count
        if count:
            details["unexpected_percent"] = 100.0 * outcome["unexpected_count"] / count
    if outcome.get("sample"):
        details["partial_unexpected_list"] = outcome["sample"]
    return details


def _run_time(doc: dict[str, Any], results_file: Path | None) -> datetime:
    """When the gate ran: run ids start with their UTC start time, else the file's mtime."""
    try:
        return datetime.strptime(doc["run_id"][:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        if results_file is not None and results_file.exists():
            return datetime.fromtimestamp(results_file.stat().st_mtime, UTC)
        return datetime.now(UTC)


def validation_pages(site_dir: Path, run_id: str) -> dict[str, Path]:
    """The Data Docs page of every suite validated in ``run_id``, by suite name."""
    root = site_dir / "validations"
    pages = {}
    # validations/<suite parts>/<run name>/<run time>/<batch>.html; suite names may hold dots.
    for page in sorted(root.glob(f"**/{run_id}/*/{BATCH_IDENTIFIER}.html")):
        parts = page.relative_to(root).parts[:-3]
        pages[".".join(parts)] = page
    return pages


def _swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` with the freshly built ``staging`` directory."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
