"""The article's figures beside ours: computed from the marts, explained, and kept in the README."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.nightly import RunResult
from reporting.compare import (
    README_END,
    README_START,
    compare,
    load_article,
    main,
    markdown,
)
from reporting.marts import open_marts
from reporting.report import build_report
from tests.conftest import REPO
from tests.reporting.pages import copy_published, section, table_rows

ARTICLE_DAY = date(2026, 1, 16)


@pytest.fixture(scope="module")
def marts_dir(published: RunResult) -> Path:
    assert published.published is not None
    return published.published.parent


def _mart(marts_dir: Path, sql: str) -> tuple[float, ...]:
    with duckdb.connect(str(marts_dir / "marts.duckdb"), read_only=True) as con:
        row = con.execute(sql, [ARTICLE_DAY]).fetchone()
    assert row is not None
    return tuple(row)


def test_ours_are_the_marts_on_the_articles_date(marts_dir: Path) -> None:
    with open_marts(marts_dir) as con:
        result = compare(con)
    assert result.as_of == ARTICLE_DAY and result.unavailable is None
    rows = {r.key: r for r in result.rows}
    assert list(rows) == [f["key"] for f in load_article()["figure"]]
    star, = _mart(marts_dir, "SELECT ret_mtd FROM mart_index_performance WHERE index_code = "
                  "'STAR50' AND trade_date = ?")
    assert rows["star50"].ours.startswith(f"{star * 100:+.1f}% month to date")
    assert "1,514.07 on 2026-01-16 vs 1,344.20 on 2025-12-31" in rows["star50"].ours
    gain, ratio = _mart(marts_dir, "SELECT change_1y_usd, china_us_ratio FROM "
                        "mart_basket_market_value WHERE basket = 'china_ai' AND trade_date = ?")
    assert rows["china_ai_1y"].ours.startswith(f"+${gain / 1e9:,.0f}bn")
    assert rows["china_us_ratio"].ours.startswith(f"{ratio * 100:.1f}%")
    for row in rows.values():
        assert "{" not in row.ours + row.why and "–" not in row.ours, row


def test_each_difference_is_explained_by_its_definition(marts_dir: Path) -> None:
    with open_marts(marts_dir) as con:
        rows = {r.key: r for r in compare(con).rows}
    assert "Basket membership" in rows["china_ai_1y"].why
    assert "close x share count" in rows["china_ai_1y"].why
    assert "10-name US basket" in rows["china_us_ratio"].why
    assert "HSTECH proxy" in rows["hstech"].why and "513130.SH" in rows["hstech"].why
    cap, us_cap = _mart(marts_dir, "SELECT max(market_cap_usd) FILTER (WHERE basket = "
                        "'china_ai'), max(market_cap_usd) FILTER (WHERE basket = 'us_ai') FROM "
                        "mart_basket_market_value WHERE trade_date = ?")
    assert f"US total of ${cap / 0.065 / 1e12:,.1f}tn" in rows["china_us_ratio"].why
    assert f"{cap / 0.065 / us_cap:.1f}x our 10 names" in rows["china_us_ratio"].why
    with duckdb.connect(str(marts_dir / "marts.duckdb"), read_only=True) as con:
        eps = con.execute("SELECT string_agg(DISTINCT origin, ' and ' ORDER BY origin) FROM "
                          "data_origins WHERE endpoint = 'eps_forecast'").fetchone()
        synthetic = con.execute("SELECT count(DISTINCT b.symbol) FROM ref_baskets AS b JOIN "
                                "data_origins AS o ON o.subject = b.symbol WHERE b.basket = "
                                "'china_ai' AND o.origin = 'synthetic' AND o.endpoint IN "
                                "('stock_kline', 'stock_chart')").fetchone()
    assert eps is not None and synthetic is not None
    assert f"forecasts in this data are {eps[0]}" in rows["cambricon"].why
    assert f"and {synthetic[0]} of them have synthetic prices" in rows["china_ai_1y"].why


def test_the_article_side_alone_changes_nothing_of_ours(marts_dir: Path) -> None:
    article = copy.deepcopy(load_article())
    for figure in article["figure"]:
        figure["article"] = "about 99%" if figure["key"] == "china_us_ratio" else "other"
    with open_marts(marts_dir) as con:
        original, changed = compare(con).rows, compare(con, article).rows
    assert [r.ours for r in original] == [r.ours for r in changed]


def test_a_data_dir_without_the_articles_date_says_so(marts_dir: Path) -> None:
    article = {**load_article(), "compared_on": date(2023, 6, 30)}
    with open_marts(marts_dir) as con:
        result = compare(con, article)
    assert result.rows == () and "No data for 2023-06-30" in str(result.unavailable)


def test_report_section_is_on_every_report_date(
    published: RunResult, tmp_path: Path, marts_dir: Path
) -> None:
    data_dir = copy_published(published, tmp_path / "data")
    page = build_report(data_dir).path.read_text("utf-8")
    block = section(page, "compare")
    assert "How our figures compare with the article's" in block
    rows = table_rows(block)
    with open_marts(marts_dir) as con:
        expected = {r.key: r for r in compare(con).rows}
    assert set(rows) == set(expected)
    assert rows["star50"][2] == expected["star50"].ours


def test_readme_block_is_the_snapshots_comparison(marts_dir: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    block = readme[readme.index(README_START):readme.index(README_END) + len(README_END)]
    with open_marts(marts_dir) as con:
        generated = markdown(compare(con))
    assert block == generated, (
        "README's comparison is stale: .venv/bin/python -m reporting.compare "
        "--data-dir data --readme README.md")
    copy_ = tmp_path / "README.md"
    copy_.write_text(readme.replace(block, f"{README_START}\nold\n{README_END}"), "utf-8")
    assert main(["--data-dir", str(marts_dir), "--readme", str(copy_)]) == 0
    assert copy_.read_text("utf-8") == readme
    assert capsys.readouterr().out.strip().endswith("README.md: updated")
