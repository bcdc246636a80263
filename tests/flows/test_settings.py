"""The one settings object: ``CNTECH_*`` environment, flow parameters over it, nothing else."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from flows.settings import BUNDLED_SNAPSHOT, Settings, settings_from


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No ``CNTECH_*`` or Prefect variables from the caller; an empty working directory."""
    for name in list(os.environ):
        if name.startswith("CNTECH_") or name in {"PREFECT_API_URL", "PREFECT_HOME",
                                                   "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"}:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_replay_the_bundled_snapshot() -> None:
    settings = Settings()
    assert (settings.source, settings.snapshot_dir, settings.as_of) == (
        "snapshot", BUNDLED_SNAPSHOT, None)
    assert (BUNDLED_SNAPSHOT / "manifest.json").is_file()
    assert settings.history_start == date(2024, 12, 2)
    assert settings.resolved_data_dir() == Path.cwd() / "data"


def test_environment_variables_are_parsed_to_their_types(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CNTECH_SOURCE", "live")
    monkeypatch.setenv("CNTECH_AS_OF", "2026-01-30")
    monkeypatch.setenv("CNTECH_KEEP_VERSIONS", "3")
    monkeypatch.setenv("CNTECH_DASK_PROCESSES", "false")
    monkeypatch.setenv("CNTECH_HOST_RATE_LIMITS", '{"yahoo": 1, "sse": 0.5}')
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")

    settings = Settings()

    assert (settings.source, settings.as_of, settings.keep_versions) == (
        "live", date(2026, 1, 30), 3)
    assert settings.dask_processes is False
    assert settings.rate_limit("yahoo") == 1.0
    assert settings.rate_limit("sse") == 0.5
    assert settings.rate_limit("szse") == settings.requests_per_second == 4.0
    assert settings.prefect_api_url == "http://127.0.0.1:4200/api"


@pytest.mark.parametrize(("name", "value", "words"), [
    ("CNTECH_HOST_RATE_LIMITS", '{"sina": 2}', "sina"),
    ("CNTECH_HOST_RATE_LIMITS", '{"yahoo": 0}', "greater than 0"),
    ("CNTECH_SOURCE", "tushare", "'snapshot' or 'live'"),
    ("CNTECH_MARTS_STORAGE_VERSION", "latest", "should match pattern"),
    ("CNTECH_KEEP_VERSIONS", "0", "greater than or equal to 1"),
    ("CNTECH_RATE_JITTER", "1.5", "less than or equal to 1"),
])
def test_bad_values_are_refused_naming_the_rule(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: str,
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=words.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[").replace("]", r"\]")):
        Settings()


def test_a_dotenv_file_is_never_read(clean_env: Path) -> None:
    (clean_env / ".env").write_text("CNTECH_SOURCE=live\nCNTECH_KEEP_VERSIONS=2\n")
    settings = Settings()
    assert (settings.source, settings.keep_versions) == ("snapshot", 7)


def test_given_parameters_override_the_environment_and_none_defers_to_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CNTECH_SOURCE", "live")
    monkeypatch.setenv("CNTECH_DATA_DIR", "/srv/cntech")

    settings = settings_from(source=None, data_dir="elsewhere", snapshot_dir="landing/2026-01",
                             as_of=date(2026, 1, 30))

    assert settings.source == "live"
    assert settings.data_dir == Path("elsewhere")
    assert settings.snapshot_dir == Path("landing/2026-01")
    assert settings.as_of == date(2026, 1, 30)


def test_base_urls_drop_a_trailing_slash_for_every_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CNTECH_YAHOO_BASE_URL", "http://127.0.0.1:8080/")
    settings = Settings()
    assert settings.base_url("yahoo") == "http://127.0.0.1:8080"
    assert settings.base_url("eastmoney_kline") == "https://push2his.eastmoney.com"
    others = ("eastmoney_kline", "eastmoney_datacenter", "hkex", "sse", "szse")
    assert all(settings.base_url(host).startswith("https://") for host in others)
    with pytest.raises(KeyError):
        settings.base_url("sina")
