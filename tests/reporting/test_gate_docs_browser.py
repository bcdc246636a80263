"""The gate's Data Docs in headless Chromium, offline: statuses, observed values, failing rows."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.nightly import RunResult
from reporting.gate_docs import GateDocs, build_gate_docs
from tests.reporting.test_report_browser import DevTools, _chromium, _console_errors, _open

SAMPLE = {"symbol": "688256.SH", "trade_date": "2025-05-07", "source_file": "kline/x.json"}


@pytest.fixture(scope="module")
def site(published: RunResult, tmp_path_factory: pytest.TempPathFactory) -> GateDocs:
    """The Data Docs of the session's gate run, with one rule turned into a failure."""
    assert published.published is not None
    doc = json.loads((published.published.parent / "gate" / "latest.json").read_text("utf-8"))
    broken = next(r for r in doc["results"]
                  if r["suite"] == "security_bars" and r["rule"] == "unique_key")
    broken.update(success=False, unexpected_count=2, sample=[SAMPLE])
    doc["passed"] = False
    return build_gate_docs(doc, tmp_path_factory.mktemp("gate-docs") / "gate")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    client = DevTools(_chromium(), tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield client
    finally:
        client.close()


def test_no_page_of_the_site_loads_anything_remote(site: GateDocs) -> None:
    for page in site.index.parent.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"https?:",
                          html) == [], page
        assert "<script" not in html, page
        # What a page links to of the site's own (its favicon) is there: a miss is a console
        # error the browser may log while the page is read.
        local = re.findall(r"<link\b[^>]*\bhref=\"(?!https?:|data:|#)([^\"]+)\"", html)
        assert [href for href in local if not (page.parent / href).exists()] == [], page


def read_page(browser: DevTools, page: Path) -> str:
    """Open ``page`` offline; its visible text, after checking it reached for nothing remote."""
    browser.events.clear()
    session = _open(browser, page.as_uri())
    text = browser.send("Runtime.evaluate", {"expression": "document.body.innerText",
                                             "returnByValue": True}, session=session)
    assert _console_errors(browser.events) == []
    requests = [e["params"]["request"]["url"] for e in browser.events
                if e.get("method") == "Network.requestWillBeSent"]
    assert [u for u in requests if not u.startswith(("file:", "data:", "about:"))] == []
    return str(text["result"]["value"])


def test_the_index_shows_the_verdict_every_suite_and_the_failing_rows(
    browser: DevTools, site: GateDocs
) -> None:
    text = read_page(browser, site.index)
    assert "✘ FAILED" in text
    for suite in site.pages:
        assert suite in text
    assert "security_bars.unique_key" in text and "2 unexpected" in text
    assert "688256.SH" in text and "2025-05-07" in text


def test_a_suite_page_shows_status_observed_value_and_sample_per_expectation(
    browser: DevTools, site: GateDocs
) -> None:
    text = read_page(browser, site.pages["security_bars"])
    # The suite's own status and its one broken rule fail; its other 20 rules pass.
    assert text.count("✘ failed") == 2 and text.count("✔ passed") == 20
    assert "Status: ✘ failed" in " ".join(text.split())
    assert "Observed Value" in text and "2 unexpected values found" in text
    assert "688256.SH" in text and "0% unexpected" in text
