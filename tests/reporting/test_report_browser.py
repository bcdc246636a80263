"""The report in a real browser: headless Chromium opens the file offline and renders every chart.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``), so no
port is opened and nothing beyond the standard library is needed. CI installs Debian's
``chromium`` (see ``.ci/run``); elsewhere the test is skipped when it is missing.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.nightly import RunResult
from reporting.report import CHART_IDS, build_report
from tests.conftest import REPO
from tests.reporting.pages import copy_published

ARTIFACTS = REPO / "artifacts"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--remote-debugging-pipe", "--window-size=1280,900",
)
TIMEOUT = 60.0
# Per chart: plotly's SVG root, how many traces it drew, and whether it reported an error.
CHART_PROBE = """
JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => ({
  id: el.id,
  svgs: el.querySelectorAll('svg.main-svg').length,
  traces: el.querySelectorAll('g.trace, g.point').length,
  data: (el.data || []).length,
  width: el.getBoundingClientRect().width,
})))
"""
# Every headline card's box in page coordinates, and its text.
CARD_PROBE = """
JSON.stringify(Array.from(document.querySelectorAll('.headline-card')).map(el => {
  const r = el.getBoundingClientRect();
  return {key: el.dataset.card, top: r.top + window.scrollY, bottom: r.bottom + window.scrollY,
          left: r.left, right: r.right,
          value: el.querySelector('.value').innerText.trim(), text: el.innerText};
}))
"""
# With every <details> open: each table wider than the box it sits in, and the page's width.
TABLE_PROBE = """
document.querySelectorAll('details').forEach(d => { d.open = true; });
JSON.stringify({
  page: document.documentElement.scrollWidth,
  wide: Array.from(document.querySelectorAll('table')).map(t => {
    const section = t.closest('section');
    const box = section.getBoundingClientRect().right
      - parseFloat(getComputedStyle(section).paddingRight);
    const r = t.getBoundingClientRect();
    return {id: t.id || t.closest('[id]').id, right: r.right, width: r.width, box: box,
            scroll: t.parentElement.scrollWidth > t.parentElement.clientWidth + 1};
  }).filter(t => t.right > t.box + 0.5 || t.scroll),
})
"""


def _chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; .ci/run installs it (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium); CI always runs this test")


class DevTools:
    """A minimal DevTools-protocol client over Chromium's fd 3/4 pipe."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire_pipes() -> None:
            # Chromium reads commands on fd 3 and writes replies on fd 4; lift both ends above
            # 10 first, since either may already sit on 3 or 4.
            read_end = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            write_end = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.log = profile / "chromium.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
                preexec_fn=wire_pipes, close_fds=False, stdout=subprocess.DEVNULL, stderr=log,
            )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        """Send one command and wait for its reply; events meanwhile are kept in order."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """Block until an event named ``method`` arrives (or was already received)."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event.get("method") == method:
                    return event
            if time.monotonic() > deadline:
                raise TimeoutError(method)
            self.events.append(self._read())

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"chromium closed the DevTools pipe; its log ends:\n{tail}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(raw))

    def close(self) -> None:
        """Stop the browser this client started."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


@pytest.fixture(scope="module")
def report_file(published: RunResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert published.published is not None
    out = tmp_path_factory.mktemp("browser") / "report.html"
    return build_report(published.published.parent, out).path


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    client = DevTools(_chromium(), tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield client
    finally:
        client.close()


def _open(browser: DevTools, url: str) -> str:
    targets = browser.send("Target.getTargets")["targetInfos"]
    page = next(t for t in targets if t["type"] == "page")
    session = browser.send("Target.attachToTarget",
                           {"targetId": page["targetId"], "flatten": True})["sessionId"]
    for domain in ("Runtime", "Log", "Page", "Network"):
        browser.send(f"{domain}.enable", session=session)
    # A page opened earlier left its load event behind; wait for this one's.
    browser.events = [e for e in browser.events if e.get("method") != "Page.loadEventFired"]
    browser.send("Page.navigate", {"url": url}, session=session)
    browser.wait_for("Page.loadEventFired")
    return str(session)


def _console_errors(events: list[dict[str, Any]]) -> list[str]:
    errors = []
    for event in events:
        params = event.get("params", {})
        if event.get("method") == "Runtime.exceptionThrown":
            errors.append(json.dumps(params.get("exceptionDetails", {}))[:500])
        elif (event.get("method") == "Runtime.consoleAPICalled"
              and params.get("type") in ("error", "assert")):
            errors.append(json.dumps(params.get("args", []))[:500])
        elif (event.get("method") == "Log.entryAdded"
              and params.get("entry", {}).get("level") == "error"):
            errors.append(params["entry"].get("text", "")[:500])
    return errors


def test_report_renders_every_chart_offline_without_errors(
    browser: DevTools, report_file: Path
) -> None:
    session = _open(browser, report_file.as_uri())
    deadline = time.monotonic() + TIMEOUT
    while True:
        probe = browser.send("Runtime.evaluate", {"expression": CHART_PROBE,
                                                  "returnByValue": True}, session=session)
        charts = {c["id"]: c for c in json.loads(probe["result"]["value"])}
        if all(charts.get(i, {}).get("svgs") for i in CHART_IDS) or time.monotonic() > deadline:
            break
        time.sleep(0.2)

    assert set(charts) == set(CHART_IDS)
    for chart_id, chart in charts.items():
        assert chart["svgs"] >= 1, f"{chart_id} drew no SVG"
        assert chart["data"] >= 1 and chart["traces"] >= 1, f"{chart_id} drew no trace"
        assert chart["width"] > 300, f"{chart_id} has no width"
    assert _console_errors(browser.events) == []
    requests = [e["params"]["request"]["url"] for e in browser.events
                if e.get("method") == "Network.requestWillBeSent"]
    remote = [u for u in requests if not u.startswith(("file:", "data:", "blob:", "about:"))]
    assert remote == [], f"the report tried to reach the network: {remote}"

    metrics = browser.send("Page.getLayoutMetrics", session=session)
    height = int(metrics["cssContentSize"]["height"])
    shot = browser.send("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1},
    }, session=session)
    ARTIFACTS.mkdir(exist_ok=True)
    png = base64.b64decode(shot["data"])
    (ARTIFACTS / "report.png").write_bytes(png)
    assert png.startswith(b"\x89PNG") and len(png) > 50_000


def _viewport(browser: DevTools, session: str, width: int, height: int) -> None:
    browser.send("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False,
    }, session=session)


def _evaluate(browser: DevTools, session: str, expression: str) -> Any:
    reply = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                         session=session)
    return json.loads(reply["result"]["value"])


@pytest.fixture(scope="module")
def mid_january_file(published: RunResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``cntech report --as-of 2026-01-16``, rendered from the marts published as of 01-30."""
    data_dir = copy_published(published, tmp_path_factory.mktemp("as-of") / "data")
    out = data_dir.parent / "mid-january.html"
    result = CliRunner().invoke(app, ["report", "--data-dir", str(data_dir), "--out", str(out),
                                      "--as-of", "2026-01-16"])
    assert result.exit_code == 0, result.output
    return out


def test_headline_cards_fill_the_first_screen(browser: DevTools, mid_january_file: Path) -> None:
    session = _open(browser, mid_january_file.as_uri())
    _viewport(browser, session, 1400, 900)
    found = {c["key"]: c for c in _evaluate(browser, session, CARD_PROBE)}
    assert len(found) == 8
    for key, card in found.items():
        assert card["bottom"] <= 900 and card["right"] <= 1400, f"{key} is below the fold"
    # Real SSE STAR 50: 1514.068 on 2026-01-16 against 1344.2 on 2025-12-31.
    assert found["STAR50"]["value"] == "+12.6%"
    assert "as of 2026-01-16" in found["STAR50"]["text"]
    assert "proxy" in found["HSTECH"]["text"]


def test_tables_fit_at_1024_pixels(browser: DevTools, report_file: Path) -> None:
    session = _open(browser, report_file.as_uri())
    _viewport(browser, session, 1024, 900)
    time.sleep(0.5)
    probe = _evaluate(browser, session, TABLE_PROBE)
    assert probe["wide"] == [], probe["wide"]
    assert probe["page"] <= 1024
