"""``cntech snapshot record`` refuses a window or a folder it cannot use before fetching.

Recording against a replay server runs in ``test_live_record.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.record import RecordRefused, record_snapshot
from flows.settings import Settings


@pytest.fixture
def offline(tmp_path: Path) -> Settings:
    """Settings whose every provider host is a closed loopback port: a fetch would fail."""
    hosts = ("eastmoney_kline", "eastmoney_datacenter", "yahoo", "hkex", "sse", "szse")
    return Settings(data_dir=tmp_path / "data", max_attempts=1,
                    **{f"{h}_base_url": "http://127.0.0.1:9" for h in hosts})  # type: ignore[arg-type]


def test_a_window_ending_before_it_starts_is_refused(offline: Settings, tmp_path: Path) -> None:
    with pytest.raises(RecordRefused, match="--start 2026-01-30 is after --end 2026-01-02"):
        record_snapshot(offline, date(2026, 1, 30), date(2026, 1, 2), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_recording_never_mixes_with_an_earlier_one(offline: Settings, tmp_path: Path) -> None:
    out = tmp_path / "landing"
    (out / "eastmoney").mkdir(parents=True)
    with pytest.raises(RecordRefused, match="is not an empty directory"):
        record_snapshot(offline, date(2026, 1, 26), date(2026, 1, 30), out)
    afile = tmp_path / "landing.json"
    afile.write_text("{}")
    with pytest.raises(RecordRefused, match="is not an empty directory"):
        record_snapshot(offline, date(2026, 1, 26), date(2026, 1, 30), afile)
    assert [p.name for p in out.iterdir()] == ["eastmoney"]

