"""The one settings object, read from ``CNTECH_*`` environment variables at flow start."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_SNAPSHOT = REPO_ROOT / "snapshot"


class Settings(BaseSettings):
    """Every knob of a run; CLI options override these per invocation."""

    model_config = SettingsConfigDict(env_prefix="CNTECH_", extra="ignore")

    data_dir: Path = Path("data")
    source: Literal["snapshot", "live"] = "snapshot"
    snapshot_dir: Path = BUNDLED_SNAPSHOT
    as_of: date | None = None
    history_start: date = date(2024, 12, 2)
    lock_wait_seconds: float = 0.0

    eastmoney_kline_base_url: str = "https://push2his.eastmoney.com"
    eastmoney_datacenter_base_url: str = "https://datacenter-web.eastmoney.com"
    yahoo_base_url: str = "https://query1.finance.yahoo.com"
    hkex_base_url: str = "https://www2.hkexnews.hk"

    requests_per_second: float = Field(default=4.0, gt=0)
    max_concurrency: int = Field(default=4, ge=1)
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=20.0, gt=0)
    max_attempts: int = Field(default=4, ge=1)
    user_agent: str = "cntech/0.1 (+https://github.com/cntech)"

    def resolved_data_dir(self) -> Path:
        """Absolute data directory; every path the pipeline writes lives under it."""
        return self.data_dir.expanduser().resolve()

    def base_url(self, provider_host: str) -> str:
        """Base URL for a provider host key (``eastmoney_kline``, ``yahoo``, ...)."""
        urls = {
            "eastmoney_kline": self.eastmoney_kline_base_url,
            "eastmoney_datacenter": self.eastmoney_datacenter_base_url,
            "yahoo": self.yahoo_base_url,
            "hkex": self.hkex_base_url,
        }
        return urls[provider_host].rstrip("/")
