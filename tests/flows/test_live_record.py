"""``cntech snapshot record`` against the loopback replay: a fresh, self-describing landing zone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from flows.catalog import build_catalog
from flows.cli import EXIT_EXTRACTION, EXIT_USAGE, app
from tests.conftest import SNAPSHOT
from tests.flows.sources.replay import LOOPBACK_RATE, ProviderReplay, install, loopback, status

WINDOW = ["--start", "2026-01-05", "--end", "2026-01-30"]
CATALOG = build_catalog(date(2026, 1, 5), date(2026, 1, 30))


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    with loopback() as running:
        yield running


@pytest.fixture
def providers(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> ProviderReplay:
    replay = ProviderReplay(SNAPSHOT)
    for name, value in {**install(server, replay), "CNTECH_REQUESTS_PER_SECOND": LOOPBACK_RATE,
                        "CNTECH_MAX_ATTEMPTS": "2",
                        "CNTECH_BACKOFF_BASE_SECONDS": "0.01"}.items():
        monkeypatch.setenv(name, value)
    return replay


def test_record_lands_every_request_as_recorded(providers: ProviderReplay, tmp_path: Path
                                                ) -> None:
    out = tmp_path / "recorded"
    result = CliRunner().invoke(app, ["snapshot", "record", *WINDOW, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"recorded {len(CATALOG)} of {len(CATALOG)} requests" in result.output
    index = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(entry["path"] for entry in index) == sorted(spec.path for spec in CATALOG)
    assert {entry["origin"] for entry in index} == {"recorded"}
    for spec in CATALOG:
        meta = json.loads((out / f"{spec.path}.meta.json").read_text(encoding="utf-8"))
        assert meta["request"]["params"] == spec.params
        assert (out / spec.path).read_bytes() == providers.served[spec.path]


def test_record_refuses_a_used_directory(providers: ProviderReplay, tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text("{}")
    result = CliRunner().invoke(app, ["snapshot", "record", *WINDOW, "--out", str(tmp_path)])
    assert result.exit_code == EXIT_USAGE
    assert "not an empty directory" in " ".join(result.output.split())
    assert providers.hits == []


def test_record_reports_what_it_could_not_fetch(providers: ProviderReplay, tmp_path: Path
                                                ) -> None:
    providers.script("yahoo/chart/^HSI.json", forever=status(503, b"busy"))
    out = tmp_path / "recorded"
    result = CliRunner().invoke(app, ["snapshot", "record", *WINDOW, "--out", str(out)])
    assert result.exit_code == EXIT_EXTRACTION
    said = " ".join(result.output.split())
    assert f"recorded {len(CATALOG) - 1} of {len(CATALOG)} requests" in said
    assert "yahoo/index_chart_check/HSI" in said and "last: HTTP 503" in said
    assert (out / "errors" / "yahoo/chart/^HSI.json").read_bytes() == b"busy"
