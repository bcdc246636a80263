"""The scale generator writes payloads the real parsers accept, with the market's rules in them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from benchmarks.generate import Generated, generate
from flows.catalog import build_catalog, replayable
from flows.sources.landing import LandingZone
from flows.sources.registry import parse
from flows.sources.window import request_window
from warehouse.seeds import read_seed

START, END = date(2025, 3, 3), date(2025, 11, 28)
LIMITS = {"STAR": 0.20, "CHINEXT": 0.20, "MAIN": 0.10}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """60 securities over nine months and two new days."""
    return generate(tmp_path_factory.mktemp("gen") / "g60", 60, START, END, days=2, workers=1)


@pytest.fixture(scope="module")
def bars(made: Generated) -> pl.DataFrame:
    """Every security bar of the history zone, parsed by the pipeline's own parsers."""
    zone = LandingZone(made.history)
    frames = []
    for spec in build_catalog(made.start, made.end, seeds_dir=made.seeds):
        table, frame = parse(spec.endpoint, zone.read(spec), spec.subject, spec.provider_code)
        if table == "security_bars":
            frames.append(frame)
    securities = read_seed("securities", made.seeds).select("symbol", "board")
    return pl.concat(frames).join(securities, on="symbol").sort("symbol", "trade_date")


def test_every_catalog_request_has_a_body_the_parsers_accept(made: Generated) -> None:
    for zone_root, end in [(made.history, made.end),
                           *[(made.day_zone(d), d) for d in made.new_days]]:
        zone = LandingZone(zone_root)
        specs = replayable(build_catalog(made.start, end, seeds_dir=made.seeds), zone_root)
        # A day zone holds its own day of the per-day SZSE report, the history every earlier one.
        szse = [spec.provider_code for spec in specs if spec.endpoint == "margin_szse"]
        assert szse[-1] == end.isoformat() and (len(szse) == 1) == (zone_root != made.history)
        for spec in specs:
            table, frame = parse(spec.endpoint, zone.read(spec), spec.subject, spec.provider_code)
            assert frame.height > 0, (zone_root, spec.key)
        index = json.loads((zone_root / "manifest.json").read_text())
        assert sorted(entry["path"] for entry in index) == sorted(
            str(path.relative_to(zone_root))[:-len(".meta.json")]
            for path in zone_root.rglob("*.meta.json"))
        assert request_window(zone_root) == (made.start, end)


def test_closes_respect_board_limits_after_the_first_sessions(bars: pl.DataFrame) -> None:
    moves = bars.with_columns(
        (pl.col("close") / pl.col("close").shift().over("symbol") - 1).abs().alias("move"),
        pl.int_range(pl.len()).over("symbol").alias("session"),
    )
    for board, limit in LIMITS.items():
        limited = moves.filter((pl.col("board") == board) & (pl.col("session") > 5))
        assert limited.height > 0
        largest = float(limited["move"].max())  # type: ignore[arg-type]
        assert largest <= limit + 0.005
        # The walk really reaches the limit sometimes (limit-up and limit-down days).
        assert largest > limit - 0.01
    unlimited = moves.filter(pl.col("board").is_in(["HK", "US"]))
    assert float(unlimited["move"].max()) < 0.6  # type: ignore[arg-type]


def test_ipos_list_mid_window_and_debut_as_the_ipo_feed_says(
    made: Generated, bars: pl.DataFrame
) -> None:
    body = (made.history / "eastmoney/datacenter/RPTA_APP_IPOAPPLY/CN.json").read_bytes()
    _, ipos = parse("ipo_cn", body, "CN", "RPTA_APP_IPOAPPLY")
    assert ipos.height >= 3
    first_bars = bars.group_by("symbol").agg(pl.all().first())
    debuts = ipos.join(first_bars, on="symbol")
    assert debuts.height == ipos.height
    assert (debuts["listing_date"] == debuts["trade_date"]).all()
    assert (debuts["first_day_close"] == debuts["close"]).all()
    assert (debuts["listing_date"] > START).all()


def test_suspended_securities_have_no_bars_inside_their_halt(
    made: Generated, bars: pl.DataFrame
) -> None:
    halts = read_seed("suspensions", made.seeds)
    assert halts.height >= 1
    inside = bars.join(halts, on="symbol").filter(
        pl.col("trade_date").is_between(pl.col("start_date"), pl.col("end_date")))
    assert inside.height == 0
    around = bars.join(halts, on="symbol")
    assert around.filter(pl.col("trade_date") > pl.col("end_date")).height > 0


def test_hong_kong_splits_are_published_split_adjusted(made: Generated) -> None:
    split = None
    for path in sorted((made.history / "yahoo/chart").glob("*.HK.json")):
        result = json.loads(path.read_bytes())["chart"]["result"][0]
        if "events" in result:
            split = result
            break
    if split is None:
        pytest.skip("no split drawn for this seed and size")
    closes = [c for c in split["indicators"]["quote"][0]["close"] if c is not None]
    jumps = [abs(b / a - 1) for a, b in zip(closes, closes[1:], strict=False)]
    assert max(jumps) < 0.6


def test_a_new_day_continues_the_history(made: Generated) -> None:
    day = made.new_days[0]
    history = json.loads((made.history / "eastmoney/kline/0.000001.json").read_bytes())
    new = json.loads((made.day_zone(day) / "eastmoney/kline/0.000001.json").read_bytes())
    last_close = history["data"]["klines"][-1].split(",")[2]
    assert [line[:10] for line in new["data"]["klines"]] == [day.isoformat()]
    assert new["data"]["preKPrice"] == float(last_close)


def test_rerunning_with_the_same_parameters_reuses_the_data(made: Generated) -> None:
    stamp = (made.root / "generated.json").stat().st_mtime_ns
    again = generate(made.root, 60, START, END, days=2, workers=1)
    assert again == made
    assert (made.root / "generated.json").stat().st_mtime_ns == stamp
    assert isinstance(again.history, Path)


def test_ipo_proceeds_stay_within_the_registry_range_for_the_largest_listing() -> None:
    """A quarter of 20 bn shares at 60 would raise 3e11, beyond what the gate finds plausible."""
    from benchmarks.reports import _offered
    from registry import by_name

    [funds] = [m for m in by_name("ipo_listings").measures if m.name == "funds_raised"]
    assert funds.high is not None
    large = {"shares": 2e10, "offer": 60.0}
    assert _offered(large) * large["offer"] <= funds.high
    small = {"shares": 4e8, "offer": 10.0}
    assert _offered(small) == 1e8
