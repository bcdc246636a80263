"""Seeds are data too: symbols, codes, keys, calendars and currencies are checked up front."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from flows.catalog import check_seeds
from warehouse.seed_rules import SeedError
from warehouse.seeds import SEEDS_DIR


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, target)
    return target


def edit(seeds: Path, name: str, row_key: str, changes: dict[str, str]) -> None:
    path = seeds / f"{name}.csv"
    frame = pl.read_csv(path, infer_schema=False)
    key = frame.columns[0]
    frame = frame.with_columns(**{
        column: pl.when(pl.col(key) == row_key).then(pl.lit(value)).otherwise(pl.col(column))
        for column, value in changes.items()})
    frame.write_csv(path)


def test_the_bundled_seeds_hold() -> None:
    check_seeds()


@pytest.mark.parametrize(
    ("seed", "key", "changes", "message"),
    [
        ("securities", "688256.SH", {"symbol": "688256.SZ"}, "SSE symbol pattern"),
        ("securities", "688256.SH", {"symbol": "../../etc/x.SH"}, "SSE symbol pattern"),
        ("securities", "00700.HK", {"symbol": "700.HK"}, "HKEX symbol pattern"),
        ("securities", "00700.HK", {"currency": "CNY"}, "is not HKEX's HKD"),
        ("securities", "NVDA.US", {"calendar": "XNAS2"}, "unknown calendar"),
        ("securities", "688256.SH", {"provider_code": "1.688257"}, "is not Eastmoney's 1.688256"),
        ("securities", "NVDA.US", {"provider_code": "NVDA/../x"}, "yahoo pattern"),
        ("securities", "002230.SZ", {"symbol": "688256.SH", "exchange": "SSE",
                                      "provider_code": "1.688256"}, "not unique: listed 2 times"),
        ("securities", "002230.SZ", {"exchange": "BSE"}, "unknown exchange"),
        ("indices", "STAR50", {"index_code": "star 50"}, "not an index code"),
        ("indices", "HSI", {"provider": "sina"}, "unknown provider"),
    ],
)
def test_a_bad_seed_is_refused_naming_the_row(
    seeds: Path, seed: str, key: str, changes: dict[str, str], message: str
) -> None:
    edit(seeds, seed, key, changes)
    with pytest.raises(SeedError, match=message):
        check_seeds(seeds)


def test_basket_members_must_be_seeded_securities(seeds: Path) -> None:
    with (seeds / "baskets.csv").open("a", encoding="utf-8") as handle:
        handle.write("china_ai,688999.SH\n")
    with pytest.raises(SeedError, match="baskets: '688999.SH' is not a seeded security"):
        check_seeds(seeds)
