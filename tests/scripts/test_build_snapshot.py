"""The bundled snapshot is complete, self-describing, and keeps the real values it was built from.

These tests read only ``snapshot/`` and ``tests/data/``; the public sources in ``../shared`` are
a maintainer-only input of ``scripts/build_snapshot.py``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import exchange_calendars as xcals
import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "snapshot"
DATA = ROOT / "tests" / "data"
WINDOW = (date(2024, 12, 2), date(2026, 1, 30))
ORIGINS = {"recorded", "reconstructed", "synthetic"}
META_KEYS = {"provider", "dataset", "subject", "request", "sha256", "bytes", "origin",
             "origin_detail", "repairs", "recorded_at"}
NOT_BODIES = {"README.md", "manifest.json"}


def manifest() -> list[dict[str, Any]]:
    """The snapshot index."""
    return json.loads((SNAPSHOT / "manifest.json").read_text(encoding="utf-8"))


def meta(path: str) -> dict[str, Any]:
    """A body's ``.meta.json``."""
    return json.loads((SNAPSHOT / f"{path}.meta.json").read_text(encoding="utf-8"))


def body(path: str) -> Any:
    """A JSON body, decoded."""
    return json.loads((SNAPSHOT / path).read_text(encoding="utf-8"))


def bodies_on_disk() -> set[str]:
    """Every file under snapshot/ that is a provider body."""
    return {
        str(path.relative_to(SNAPSHOT)) for path in SNAPSHOT.rglob("*")
        if path.is_file() and path.name not in NOT_BODIES
        and not path.name.endswith(".meta.json")
    }


def slice_rows(name: str) -> list[dict[str, str]]:
    """A real CSV slice from tests/data/real."""
    with (DATA / "real" / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def klines(path: str) -> dict[str, list[str]]:
    """Eastmoney kline rows keyed by date."""
    return {line.split(",", 1)[0]: line.split(",") for line in body(path)["data"]["klines"]}


def chart(path: str, timezone: str) -> dict[str, dict[str, Any]]:
    """Yahoo chart bars keyed by local session date."""
    result = body(path)["chart"]["result"][0]
    quote = result["indicators"]["quote"][0]
    bars: dict[str, dict[str, Any]] = {}
    for index, stamp in enumerate(result["timestamp"]):
        day = datetime.fromtimestamp(stamp, UTC).astimezone(ZoneInfo(timezone)).date()
        bars[day.isoformat()] = {name: values[index] for name, values in quote.items()}
    return bars


def sessions(calendar: str) -> list[str]:
    """Exchange sessions inside the window, as text."""
    cal = xcals.get_calendar(calendar, start="2024-01-02", end="2026-12-31")
    return [day.date().isoformat() for day in cal.sessions_in_range(*WINDOW)]


def test_manifest_lists_every_body_once_sorted() -> None:
    entries = manifest()
    paths = [entry["path"] for entry in entries]
    assert paths == sorted(paths)
    assert len(set(paths)) == len(paths)
    assert set(paths) == bodies_on_disk()
    assert len(paths) == 370


def test_every_body_has_a_matching_meta() -> None:
    for entry in manifest():
        info = meta(entry["path"])
        raw = (SNAPSHOT / entry["path"]).read_bytes()
        assert set(info) - {"origin_ranges"} == META_KEYS, entry["path"]
        assert info.get("origin_ranges") == entry.get("origin_ranges"), entry["path"]
        assert info["sha256"] == hashlib.sha256(raw).hexdigest(), entry["path"]
        assert info["bytes"] == len(raw), entry["path"]
        for key in ("provider", "dataset", "subject", "origin", "origin_detail"):
            assert info[key] == entry[key], (entry["path"], key)
        assert set(info["request"]) == {"url", "params"}
        assert info["request"]["url"].startswith("https://")


def test_origins_and_repairs_are_well_formed() -> None:
    for entry in manifest():
        info = meta(entry["path"])
        assert info["origin"] in ORIGINS
        assert info["origin_detail"].strip()
        assert info["recorded_at"] is None
        for repair in info["repairs"]:
            assert set(repair) == {"rule", "detail", "rows"}
            assert re.fullmatch(r"[a-z0-9_]+", repair["rule"])
            assert repair["rows"], (entry["path"], repair["rule"])
            assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row) for row in repair["rows"])


def test_snapshot_fits_the_size_budget() -> None:
    total = sum(path.stat().st_size for path in SNAPSHOT.rglob("*") if path.is_file())
    assert total < 5 * 1024 * 1024


def test_json_bodies_are_compact_like_the_apis() -> None:
    for entry in manifest():
        if not entry["path"].endswith(".json"):
            continue
        raw = (SNAPSHOT / entry["path"]).read_bytes()
        compact = json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":"))
        assert raw == compact.encode("utf-8"), entry["path"]


def test_hkex_workbooks_are_recorded_xlsx() -> None:
    for year in (2025, 2026):
        path = f"hkex/nlr/NLR{year}_Eng.xlsx"
        assert (SNAPSHOT / path).read_bytes()[:2] == b"PK"
        assert meta(path)["origin"] == "recorded"


def test_star50_closes_survive_unchanged() -> None:
    rows = {row["date"]: row for row in slice_rows("star50_000688_daily.csv")}
    bars = klines("eastmoney/kline/1.000688.json")
    assert list(bars) == sessions("XSHG")
    assert bars["2026-01-30"][2] == "1509.402"
    assert float(bars["2025-12-31"][2]) == float(rows["2025-12-31"]["close"]) == 1344.2
    for day, row in rows.items():
        got = bars[day]
        assert [float(v) for v in got[1:5]] == [float(row[k]) for k in
                                                ("open", "close", "high", "low")], day
        # the source's shares, written as Eastmoney's lots
        assert int(got[5]) == round(int(row["volume"]) / 100)


def test_chinext_prices_and_converted_amount() -> None:
    bars = klines("eastmoney/kline/0.399006.json")
    for row in slice_rows("chinext_399006_daily.csv"):
        got = bars[row["date"]]
        assert float(got[1]) == float(row["open"])
        assert float(got[2]) == float(row["close"])
        assert float(got[3]) == float(row["high"])
        assert float(got[4]) == float(row["low"])
        assert float(got[6]) == pytest.approx(float(row["amount"]) * 1000, abs=0.01)
    assert float(bars["2024-12-31"][2]) == pytest.approx(2141.60, abs=0.005)


def test_hstech_proxy_keeps_the_etf_rows_and_flags_the_extension() -> None:
    bars = klines("eastmoney/kline/1.513130.json")
    rows = slice_rows("hstech_proxy_513130_etf_daily.csv")
    for row in rows:
        assert float(bars[row["date"]][2]) == float(row["close"])
    assert list(bars) == sessions("XSHG")
    extension = [day for day in bars if day > rows[-1]["date"]]
    info = meta("eastmoney/kline/1.513130.json")
    (repair,) = [r for r in info["repairs"] if r["rule"] == "extend_proxy_with_constituents"]
    assert repair["rows"] == extension
    assert "not the Hang Seng TECH index" in info["origin_detail"]
    for day in extension:
        open_, close, high, low = bars[day][1:5]
        assert open_ == close == high == low
        assert bars[day][5:7] == ["-", "-"]


@pytest.mark.parametrize(("path", "name", "timezone"), [
    ("yahoo/chart/^NDX.json", "nasdaq100_NDX_daily.csv", "America/New_York"),
    ("yahoo/chart/^HSI.json", "hsi_daily.csv", "Asia/Hong_Kong"),
])
def test_yahoo_index_values_survive_unchanged(path: str, name: str, timezone: str) -> None:
    bars = chart(path, timezone)
    rows = slice_rows(name)
    assert list(bars) == [row["date"] for row in rows]
    for row in rows:
        got = bars[row["date"]]
        assert got["open"] == float(row["open"])
        assert got["close"] == float(row["close"])
        assert got["volume"] == int(row["volume"])
        assert got["high"] is None and got["low"] is None


def test_ndx_last_close() -> None:
    assert chart("yahoo/chart/^NDX.json", "America/New_York")["2026-01-30"]["close"] == 25552.3906


def test_zhipu_listing_day() -> None:
    bars = chart("yahoo/chart/2513.HK.json", "Asia/Hong_Kong")
    first = next(iter(bars))
    assert first == "2026-01-08"
    assert (bars[first]["open"], bars[first]["close"]) == (120.0, 131.5)


def test_usd_cny_sits_on_london_weekdays() -> None:
    bars = chart("yahoo/chart/CNY=X.json", "Europe/London")
    assert all(date.fromisoformat(day).weekday() < 5 for day in bars)
    assert "2025-04-18" not in bars and "2025-04-22" in bars


def test_usd_hkd_is_the_ecb_cross_rate_inside_the_peg_band() -> None:
    bars = chart("yahoo/chart/HKD=X.json", "Europe/London")
    for bar in bars.values():
        assert 7.75 <= bar["close"] <= 7.85
        assert bar["open"] is None and bar["high"] is None and bar["low"] is None
    # ECB 2026-01-30: HKD 9.3067 and USD 1.1919 per euro; no fixing on Good Friday 2025.
    assert bars["2026-01-30"]["close"] == 7.8083
    assert "2025-04-18" not in bars
    assert meta("yahoo/chart/HKD=X.json")["origin"] == "reconstructed"
    check = {line.split(",")[0]: line.split(",")[2]
             for line in body("eastmoney/kline/119.USDHKD.json")["data"]["klines"]}
    assert {day: float(close) for day, close in check.items()} == {
        day: bar["close"] for day, bar in bars.items()}


def test_no_a_share_bars_are_synthetic() -> None:
    klines_ = [entry for entry in manifest() if entry["dataset"] == "stock_kline"]
    assert len(klines_) == 22
    assert {entry["origin"] for entry in klines_} == {"reconstructed"}


def test_hong_kong_names_are_real_to_2025_10_30_and_synthetic_after() -> None:
    mixed = [entry for entry in manifest() if entry.get("origin_ranges")
             and entry["dataset"] == "stock_chart"]
    assert sorted(entry["subject"] for entry in mixed) == [
        "00020.HK", "00268.HK", "00992.HK", "03888.HK", "09660.HK", "09888.HK", "09999.HK"]
    for entry in mixed:
        real, generated = entry["origin_ranges"]
        assert (real["origin"], real["first_date"], real["last_date"]) == (
            "reconstructed", "2024-12-02", "2025-10-30")
        assert (generated["origin"], generated["first_date"], generated["last_date"]) == (
            "synthetic", "2025-10-31", "2026-01-30")
        assert entry["origin"] == "synthetic"
    # Baidu's real closes on the last two days of the public dump.
    baidu = chart("yahoo/chart/9888.HK.json", "Asia/Hong_Kong")
    assert baidu["2025-10-28"]["close"] == pytest.approx(123.9, abs=1e-5)
    assert baidu["2025-10-30"]["close"] == pytest.approx(120.6, abs=1e-5)


def test_valuation_on_2026_01_30_is_the_real_eastmoney_cross_section() -> None:
    real = {row["f12"]: int(row["f9"]) / 100 for row in slice_rows(
        "eastmoney_clist_snapshot_2026-01-30_xlxwhy_subset.csv")}
    files = [entry for entry in manifest() if entry["dataset"] == "valuation"]
    assert len(files) == 20
    for entry in files:
        rows = body(entry["path"])["result"]["data"]
        last = [row for row in rows if row["TRADE_DATE"].startswith("2026-01-30")]
        assert [row["PE_TTM"] for row in last] == [real[entry["subject"][:6]]], entry["path"]
        assert [(r["origin"], r["first_date"], r["last_date"]) for r in entry["origin_ranges"]] \
            == [("synthetic", "2024-12-02", "2025-10-31"),
                ("reconstructed", "2025-11-03", "2026-01-30")]


@pytest.mark.parametrize(("code", "listed", "issue", "first_close", "pop"), [
    ("688795", "2025-12-05", 114.28, 600.50, 425.46),
    ("688802", "2025-12-17", 104.66, 829.90, 692.95),
])
def test_star_debuts_are_in_the_ipo_report_with_their_klines(
    code: str, listed: str, issue: float, first_close: float, pop: float
) -> None:
    rows = body("eastmoney/datacenter/RPTA_APP_IPOAPPLY/CN.json")["result"]["data"]
    [row] = [row for row in rows if row["SECURITY_CODE"] == code]
    assert (row["LISTING_DATE"][:10], row["ISSUE_PRICE"], row["LD_CLOSE_PRICE"],
            row["LD_CLOSE_CHANGE"]) == (listed, issue, first_close, pop)
    assert round((first_close / issue - 1) * 100, 2) == pop
    bars = klines(f"eastmoney/kline/1.{code}.json")
    assert min(bars) == listed and max(bars) == "2026-01-30"
    assert float(bars[listed][2]) == first_close
    assert body(f"eastmoney/kline/1.{code}.json")["data"]["preKPrice"] == issue
    assert bars["2026-01-27"][1] == "-"


def test_kline_bars_are_consistent() -> None:
    for entry in manifest():
        if not entry["path"].startswith("eastmoney/kline/"):
            continue
        for day, fields in klines(entry["path"]).items():
            if "-" in fields[3:5]:
                continue
            open_, close, high, low = (float(v) for v in fields[1:5])
            assert low <= min(open_, close) and high >= max(open_, close), (entry["path"], day)


def test_exchange_margin_bodies_carry_the_eastmoney_split_for_every_session() -> None:
    split = body("eastmoney/datacenter/RPTA_RZRQ_LSDB/SSE_SZSE.json")["result"]["data"]
    eastmoney = {(row["SCDM"], row["DIM_DATE"][:10]): row["RZYE"] for row in split}
    sse = body("sse/margin/SSE.json")["result"]
    assert [row["opDate"] for row in sse] == sorted((row["opDate"] for row in sse), reverse=True)
    for row in sse:
        day = f"{row['opDate'][:4]}-{row['opDate'][4:6]}-{row['opDate'][6:]}"
        assert row["rzye"] == pytest.approx(eastmoney[("007", day)], abs=1)
    days = sorted(path.stem for path in (SNAPSHOT / "szse/margin").glob("*.json")
                  if not path.name.endswith(".meta.json"))
    assert days == sorted(day for market, day in eastmoney if market == "001")
    for day in days[:: len(days) // 10]:
        [tab] = body(f"szse/margin/{day}.json")
        balance = float(tab["data"][0]["jrrzye"].replace(",", "")) * 1e8
        assert balance == pytest.approx(eastmoney[("001", day)], abs=0.005e8)
        assert meta(f"szse/margin/{day}.json")["origin"] == "synthetic"


def test_cambricon_forward_pe_is_calibrated() -> None:
    close = float(klines("eastmoney/kline/1.688256.json")["2026-01-30"][2])
    rows = body("eastmoney/datacenter/RPT_WEB_RESPREDICT/CN.json")["result"]["data"]
    latest = max(row["REPORT_DATE"] for row in rows)
    (eps,) = [row["EPS"] for row in rows if row["SECUCODE"] == "688256.SH"
              and row["REPORT_DATE"] == latest and row["PREDICT_YEAR"] == 2026]
    assert close / eps == pytest.approx(120, rel=0.01)


def test_valuation_close_matches_kline() -> None:
    bars = klines("eastmoney/kline/1.688256.json")
    rows = body("eastmoney/datacenter/RPT_VALUEANALYSIS_DET/688256.json")["result"]["data"]
    for row in rows:
        assert row["CLOSE_PRICE"] == float(bars[row["TRADE_DATE"][:10]][2])
        assert row["TOTAL_MARKET_CAP"] == pytest.approx(row["CLOSE_PRICE"] * row["TOTAL_SHARES"])


def test_margin_split_stays_below_the_real_total() -> None:
    totals = {row["STATISTICS_DATE"]: row for row in
              body("eastmoney/datacenter/RPTA_WEB_MARGIN_DAILYTRADE/ALL.json")["result"]["data"]}
    split: dict[str, float] = {}
    for row in body("eastmoney/datacenter/RPTA_RZRQ_LSDB/SSE_SZSE.json")["result"]["data"]:
        split[row["DIM_DATE"]] = split.get(row["DIM_DATE"], 0.0) + row["RZYE"]
    assert set(split) == set(totals)
    for day, rzye in split.items():
        assert 0.97 < rzye / (totals[day]["FIN_BALANCE"] * 1e8) < 1


def test_flawed_inputs_are_small_and_described() -> None:
    flawed = sorted(p for p in (DATA / "flawed").iterdir() if not p.name.endswith(".meta.json"))
    assert len(flawed) == 5
    for path in flawed:
        note = json.loads(path.with_name(path.name + ".meta.json").read_text(encoding="utf-8"))
        assert {"source", "source_rows", "flaw"} <= set(note)
        document = json.loads(path.read_text(encoding="utf-8"))
        if "chart" in document:
            count = len(document["chart"]["result"][0]["timestamp"])
        else:
            count = len(document["data"]["klines"])
        assert 0 < count <= 40, path.name


def test_recorded_payloads_are_present() -> None:
    payload = DATA / "payloads" / "yahoo" / "v8_chart_0700.HK_1d_5d_2026-08-07.json"
    result = json.loads(payload.read_text(encoding="utf-8"))["chart"]["result"][0]
    assert result["meta"]["regularMarketPrice"] == 478.8
    assert len(list((DATA / "payloads").rglob("*.*"))) == 2
