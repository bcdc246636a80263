"""The one settings object, read from ``CNTECH_*`` environment variables at flow start."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypedDict, Unpack

from pydantic import Field, PositiveFloat, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from flows.sources import registry

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_SNAPSHOT = REPO_ROOT / "snapshot"


class HostUrls(PydanticBaseSettingsSource):
    """``CNTECH_<HOST>_BASE_URL`` of every host a provider package declares, as ``base_urls``."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Nothing per field: :meth:`__call__` reads one variable per host instead."""
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        urls = {host: os.environ[f"CNTECH_{host.upper()}_BASE_URL"] for host in registry.hosts()
                if f"CNTECH_{host.upper()}_BASE_URL" in os.environ}
        return {"base_urls": urls} if urls else {}


class Settings(BaseSettings):
    """Every knob of a run; CLI options override these per invocation."""

    model_config = SettingsConfigDict(env_prefix="CNTECH_", extra="ignore")

    data_dir: Path = Path("data")
    source: Literal["snapshot", "live"] = "snapshot"
    snapshot_dir: Path = BUNDLED_SNAPSHOT
    as_of: date | None = None
    history_start: date = date(2024, 12, 2)
    lock_wait_seconds: float = 0.0
    # Reference seeds the catalog and ref.* tables come from; benchmarks point it at generated ones.
    seeds_dir: Path = REPO_ROOT / "warehouse" / "seeds"

    # How the parse step fans out; the DuckDB writer always stays in the flow's own process.
    # auto: a process pool once there are enough bodies to repay its start-up, else threads.
    task_runner: Literal["auto", "threads", "processes", "dask"] = "auto"
    dask_address: str | None = None
    # Parse workers: threads, pool processes, or the processes of a local Dask cluster.
    parse_workers: int = Field(default=2, ge=1)
    dask_processes: bool = True
    # Bodies per parse task. Each task pays Prefect's run records and a worker's hand-over
    # (~0.15 s); a chunk of 500 ten-year kline bodies peaks at about 380 MB in a worker, less
    # than 250 did before chunks were written partition by partition and parsed in 4 MiB
    # batches (10 years x 8,000 securities: parse 43-48 -> 37-41 s on a slow hour).
    parse_chunk_size: int = Field(default=500, ge=1)
    # Storage format of the published marts.duckdb: v1.0.0 opens in every DuckDB 1.x reader (CLI,
    # Metabase, duckdb-engine on an older duckdb); newer ones compress better but lock them out.
    marts_storage_version: str = Field(default="v1.0.0", pattern=r"^v\d+\.\d+\.\d+$")
    # Published versions kept on disk (marts file and Parquet set) for `cntech rollback`.
    keep_versions: int = Field(default=7, ge=1)
    # DuckDB's memory for the writer's connections (e.g. "1GB"); unset: DuckDB's 80% of RAM.
    duckdb_memory_limit: str | None = None
    # A landed body without its manifest has lost its provenance and is refused; an operator
    # who knows where such bodies came from adopts them (manifests written, origin "adopted").
    adopt_unmanifested: bool = False

    # Base URL per provider host, defaulting to its package's HOSTS; CNTECH_<HOST>_BASE_URL
    # overrides one (a mirror, a proxy, the tests' loopback server).
    base_urls: dict[str, str] = Field(default_factory=dict)

    requests_per_second: float = Field(default=4.0, gt=0)
    # Overrides per provider host, JSON in the environment: CNTECH_HOST_RATE_LIMITS='{"yahoo": 1}'.
    host_rate_limits: dict[str, PositiveFloat] = Field(default_factory=dict)
    rate_jitter: float = Field(default=0.1, ge=0, le=1)
    max_concurrency: int = Field(default=4, ge=1)
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=20.0, gt=0)
    max_attempts: int = Field(default=4, ge=1)
    backoff_base_seconds: float = Field(default=1.0, ge=0)
    backoff_max_seconds: float = Field(default=30.0, ge=0)
    retry_after_max_seconds: float = Field(default=120.0, ge=0)
    # Days re-fetched before a series' last stored date, so late provider corrections land.
    incremental_overlap_days: int = Field(default=10, ge=0)
    # Landing zones of published live runs older than this are pruned after a publish; 0 keeps all.
    landing_keep_days: int = Field(default=30, ge=0)
    user_agent: str = "cntech/0.1 (+https://github.com/cntech)"

    # Prefect's own variables, read here so the CLI knows its API before Prefect loads.
    prefect_api_url: str | None = Field(default=None, validation_alias="PREFECT_API_URL")
    prefect_startup_timeout: float | None = Field(
        default=None, gt=0, validation_alias="PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS")
    prefect_home: Path = Field(default=Path("~/.prefect"), validation_alias="PREFECT_HOME")
    prefect_profiles_path: Path | None = Field(default=None,
                                               validation_alias="PREFECT_PROFILES_PATH")
    prefect_profile: str | None = Field(default=None, validation_alias="PREFECT_PROFILE")

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The standard sources, with the provider hosts' URLs read after the environment."""
        return (init_settings, env_settings, HostUrls(settings_cls), dotenv_settings,
                file_secret_settings)

    @model_validator(mode="before")
    @classmethod
    def _host_urls(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        known = registry.hosts()
        urls = {**known, **data.get("base_urls", {})}
        _only_known(urls, known)
        return {**data, "base_urls": urls}

    @field_validator("host_rate_limits")
    @classmethod
    def _known_hosts(cls, value: dict[str, float]) -> dict[str, float]:
        _only_known(value, registry.hosts())
        return value

    def resolved_data_dir(self) -> Path:
        """Absolute data directory; every path the pipeline writes lives under it."""
        return self.data_dir.expanduser().resolve()

    def base_url(self, provider_host: str) -> str:
        """Base URL for a provider host key (``eastmoney_kline``, ``yahoo``, ...)."""
        return self.base_urls[provider_host].rstrip("/")

    def rate_limit(self, provider_host: str) -> float:
        """Requests per second allowed to one provider host."""
        return self.host_rate_limits.get(provider_host, self.requests_per_second)


def _only_known(hosts: dict[str, Any], known: dict[str, str]) -> None:
    unknown = sorted(set(hosts) - set(known))
    if unknown:
        raise ValueError(f"unknown provider host(s) {unknown}; known: {list(known)}")


class FlowOverrides(TypedDict, total=False):
    """Flow parameters that override a setting; ``None`` leaves it to the environment."""

    source: str | None
    as_of: date | None
    history_start: date | None
    snapshot_dir: str | Path | None
    data_dir: str | Path | None
    lock_wait_seconds: float | None
    task_runner: str | None
    dask_address: str | None


def settings_from(**parameters: Unpack[FlowOverrides]) -> Settings:
    """The run's settings: flow parameters that were given override the environment.

    The settings' own validators check each value, as they check an environment variable.
    """
    given: dict[str, Any] = {name: value for name, value in parameters.items()
                             if value is not None}
    for name in ("snapshot_dir", "data_dir"):
        if name in given:
            given[name] = Path(str(given[name]))
    return Settings(**given)
