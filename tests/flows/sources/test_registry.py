"""The provider registry: the bundled packages, and a new provider that is one package."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import flows.sources
from flows.catalog import build_catalog
from flows.parse import parse_landed
from flows.settings import Settings
from flows.sources import registry
from flows.sources.extract import land_all
from flows.sources.landing import LandingZone
from registry import STAGING_TABLES
from tests.flows.sources.replay import ProviderReplay, fast_settings, install, loopback
from warehouse.seed_rules import SeedError
from warehouse.seeds import SEEDS_DIR

START, END = date(2026, 1, 26), date(2026, 1, 30)
PACKAGES = Path(__file__).with_name("packages")
SINA_KLINES = [
    {"day": "2026-01-29", "open": "1290.10", "high": "1301.00", "low": "1285.50",
     "close": "1299.90", "volume": "123456"},
    {"day": "2026-01-30", "open": "1299.90", "high": "1320.00", "low": "1295.00",
     "close": "1310.20", "volume": "150000"},
]


@pytest.fixture
def sina(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's ``sina`` package is found beside the bundled ones."""
    monkeypatch.setattr(flows.sources, "__path__", [*flows.sources.__path__, str(PACKAGES)])


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """The bundled seeds with STAR 50's bars taken from Sina instead of Eastmoney."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, target)
    indices = pl.read_csv(target / "indices.csv", infer_schema=False)
    star = pl.col("index_code") == "STAR50"
    indices.with_columns(
        provider=pl.when(star).then(pl.lit("sina")).otherwise("provider"),
        provider_code=pl.when(star).then(pl.lit("sh000688")).otherwise("provider_code"),
    ).write_csv(target / "indices.csv")
    return target


def test_the_bundled_providers_and_what_they_declare() -> None:
    names = [provider.name for provider in registry.providers()]
    assert names == ["eastmoney", "hkex", "sse", "szse", "yahoo"]
    assert set(registry.hosts()) == {"eastmoney_kline", "eastmoney_datacenter", "hkex", "sse",
                                     "szse", "yahoo"}
    endpoints = [name for provider in registry.providers() for name in provider.endpoints]
    assert len(endpoints) == len(set(endpoints)) == 15
    assert {registry.endpoint(name).table for name in endpoints} <= set(STAGING_TABLES)
    specs = build_catalog(START, END)
    # No bundled index takes its primary bars from Yahoo; every other endpoint is asked for.
    assert set(endpoints) - {spec.endpoint for spec in specs} == {"index_chart"}
    assert [spec for spec in specs if registry.provider(spec.provider).route(
        spec.url_path, spec.params) != (spec.host, spec.path)] == []


def test_each_endpoint_names_the_dataset_it_feeds_a_new_provider_included(sina: None) -> None:
    datasets = registry.endpoint_datasets()
    assert set(datasets.values()) <= set(STAGING_TABLES)
    assert datasets["stock_kline"] == datasets["stock_chart"] == "security_bars"
    assert datasets["margin_exchange"] == "crosscheck"
    assert datasets["index_kline_sina"] == "index_bars"


def test_an_unknown_provider_or_endpoint_is_named() -> None:
    with pytest.raises(LookupError, match="no provider package 'sina'"):
        registry.provider("sina")
    with pytest.raises(LookupError, match="no provider registers endpoint 'index_kline_sina'"):
        registry.endpoint("index_kline_sina")


def test_seeds_naming_a_provider_without_a_package_are_refused(seeds: Path) -> None:
    with pytest.raises(SeedError, match="unknown provider 'sina'"):
        build_catalog(START, END, seeds_dir=seeds)


@pytest.mark.usefixtures("sina")
def test_a_second_kline_provider_is_one_package(seeds: Path, tmp_path: Path) -> None:
    specs = build_catalog(START, END, seeds_dir=seeds)
    star = [spec for spec in specs if spec.subject == "STAR50"]
    assert [(spec.provider, spec.endpoint, spec.path, spec.params["datalen"])
            for spec in star] == [("sina", "index_kline_sina", "sina/kline/sh000688.json", "5")]
    assert Settings().base_url("sina") == "https://quotes.sina.cn"

    recorded = tmp_path / "recorded"
    (recorded / "sina" / "kline").mkdir(parents=True)
    (recorded / star[0].path).write_text(json.dumps(SINA_KLINES), encoding="utf-8")
    replay = ProviderReplay(recorded)
    zone = LandingZone(tmp_path / "landing")
    with loopback() as server:
        assert land_all(fast_settings(install(server, replay)), zone, star) == []
    assert [(hit.host, hit.path, hit.args["symbol"]) for hit in replay.hits] == [
        ("sina", "sina/kline/sh000688.json", "sh000688")]

    frames, report = parse_landed(zone, star)
    assert report.errors == []
    assert frames["index_bars"].select("index_code", "trade_date", "close", "source_file").rows(
    ) == [("STAR50", date(2026, 1, 29), 1299.9, "sina/kline/sh000688.json"),
          ("STAR50", date(2026, 1, 30), 1310.2, "sina/kline/sh000688.json")]


def test_host_urls_default_from_the_packages_and_are_overridden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CNTECH_YAHOO_BASE_URL", "http://127.0.0.1:9/")
    settings = Settings(base_urls={"sse": "http://127.0.0.1:8"})
    assert settings.base_url("yahoo") == "http://127.0.0.1:9"
    assert settings.base_url("sse") == "http://127.0.0.1:8"
    assert settings.base_url("szse") == registry.hosts()["szse"] == "https://www.szse.cn"
    overridden = Settings(base_urls={"yahoo": "http://127.0.0.1:7"})
    assert overridden.base_url("yahoo") == "http://127.0.0.1:7"
    with pytest.raises(ValueError, match=r"unknown provider host\(s\) \['sina'\]"):
        Settings(base_urls={"sina": "https://quotes.sina.cn"})
