"""The first screen: headline cards from the marts, for the published date or an earlier one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.nightly import RunResult
from reporting.marts import AsOfUnavailable
from reporting.report import CHART_IDS, build_report
from tests.reporting.pages import cards, copy_published, section, table_rows

MID_JANUARY = date(2026, 1, 16)
# Real SSE STAR 50 closes (snapshot index_kline 1.000688, from daqingguaizi/kcb50-strategy).
STAR50_2025_12_31, STAR50_2026_01_16 = 1344.2, 1514.068


@pytest.fixture(scope="module")
def data_dir(published: RunResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_published(published, tmp_path_factory.mktemp("headline") / "data")


@pytest.fixture(scope="module")
def mid_january(data_dir: Path) -> str:
    return build_report(data_dir, as_of=MID_JANUARY).path.read_text("utf-8")


def _mart(data_dir: Path, sql: str, *params: object) -> tuple[object, ...]:
    with duckdb.connect(str(data_dir / "marts.duckdb"), read_only=True) as con:
        row = con.execute(sql, list(params)).fetchone()
    assert row is not None
    return tuple(row)


def test_cards_tell_the_story_and_link_their_charts(mid_january: str, data_dir: Path) -> None:
    found = cards(mid_january)
    assert list(found) == ["STAR50", "CHINEXT", "HSTECH", "china_ai_1y", "china_us_ratio",
                           "ai_ipo", "cambricon", "margin"]
    for card in found.values():
        assert card["href"].lstrip("#") in CHART_IDS
        assert card["asof"].startswith("as of 20")
    star = found["STAR50"]
    assert star["value"] == "+12.6%" and star["asof"].startswith("as of 2026-01-16")
    assert STAR50_2026_01_16 / STAR50_2025_12_31 - 1 == pytest.approx(0.12637, abs=1e-5)
    ndx_mtd, = _mart(data_dir, "SELECT ret_mtd FROM mart_index_performance WHERE index_code = "
                     "'NDX' AND trade_date = ?", MID_JANUARY)
    assert f"vs Nasdaq-100 {ndx_mtd * 100:+.1f}%" in star["note"]  # type: ignore[operator]
    assert "proxy" in found["HSTECH"]["label"] and "proxy" not in found["CHINEXT"]["label"]


def test_card_figures_are_the_marts_on_that_date(mid_january: str, data_dir: Path) -> None:
    found = cards(mid_january)
    gain, ratio = _mart(data_dir, "SELECT change_1y_usd, china_us_ratio FROM "
                        "mart_basket_market_value WHERE basket = 'china_ai' AND trade_date = ?",
                        MID_JANUARY)
    assert found["china_ai_1y"]["value"] == f"+${gain / 1e9:,.0f}bn"  # type: ignore[operator]
    assert found["china_us_ratio"]["value"] == f"{ratio * 100:.1f}%"  # type: ignore[operator]
    pe, = _mart(data_dir, "SELECT pe_forward FROM mart_valuation WHERE symbol = '688256.SH' "
                "AND trade_date = ?", MID_JANUARY)
    assert found["cambricon"]["value"] == f"{pe:.1f}x" and "寒武纪" in found["cambricon"]["label"]
    base, last = _mart(data_dir, "SELECT arg_max(financing_balance_cny, trade_date) FILTER "
                       "(WHERE trade_date <= e.event_date), arg_max(financing_balance_cny, "
                       "trade_date) FROM mart_margin_financing, ref_events AS e WHERE exchange "
                       "= 'TOTAL' AND e.event_id = 'margin_tightening' AND trade_date <= ?",
                       MID_JANUARY)
    assert found["margin"]["value"] == f"{last / base - 1:+.1%}"  # type: ignore[operator]
    median, = _mart(data_dir, "SELECT median(first_day_return) FROM mart_ipo_debuts WHERE is_ai "
                    "AND listing_date <= ?", MID_JANUARY)
    assert found["ai_ipo"]["value"] == f"{median * 100:+.0f}%"  # type: ignore[operator]


def test_the_earlier_date_reaches_every_section(mid_january: str) -> None:
    rows = table_rows(mid_january)
    assert rows["STAR50"][1] == "2026-01-16" and rows["STAR50"][2] == "1,514.07 CNY"
    assert "<title>cntech report — as of 2026-01-16" in mid_january
    ipos = section(mid_january, "ipos")
    assert "688785.SH" not in ipos and "603352.SH" in ipos  # listed 2026-01-28 and 2026-01-15
    assert "left empty" in ipos
    assert "2026-01-30" not in section(mid_january, "valuation")


def test_a_date_without_data_is_one_line_and_exit_2(data_dir: Path) -> None:
    with pytest.raises(AsOfUnavailable, match=r"published trade dates run 2024-12-02 to "
                                              r"2026-01-30"):
        build_report(data_dir, as_of="2026-01-17")
    for wrong in ("2026-01-17", "2027-03-01", "16/01/2026"):
        result = CliRunner().invoke(app, ["report", "--data-dir", str(data_dir),
                                          "--as-of", wrong])
        assert result.exit_code == 2, result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert "Traceback" not in result.output
        assert not (data_dir / f"report-{wrong}.html").exists()


def test_cli_as_of_writes_a_dated_report(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--data-dir", str(data_dir), "--as-of",
                                      "2026-01-16"])
    assert result.exit_code == 0, result.output
    path = data_dir / "report-2026-01-16.html"
    assert result.output.strip().splitlines()[-1] == f"report: {path}"
    assert cards(path.read_text("utf-8"))["STAR50"]["value"] == "+12.6%"


def test_before_the_story_cards_say_what_is_missing(data_dir: Path) -> None:
    page = build_report(data_dir, as_of=date(2025, 1, 10)).path.read_text("utf-8")
    found = cards(page)
    assert found["margin"]["value"] == "–" and "later than this date" in found["margin"]["note"]
    assert found["china_ai_1y"]["value"] == "–"
    assert found["china_ai_1y"]["note"].startswith("no value a year earlier")
    assert found["ai_ipo"]["value"] == "–" and found["STAR50"]["asof"].startswith(
        "as of 2025-01-10")
    assert 'data-figure="star50"' in section(page, "compare")
