"""Behind every chart its SQL, behind every table its rows as CSV; charts as the issue asks."""

from __future__ import annotations

import base64
import html
import io
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from flows.nightly import RunResult
from reporting import charts
from reporting.marts import SQL_DIR, open_marts, query
from reporting.report import CHART_IDS, build_report
from tests.reporting.pages import copy_published, section, table_rows

AS_OF = date(2026, 1, 30)


@pytest.fixture(scope="module")
def page(published: RunResult, tmp_path_factory: pytest.TempPathFactory) -> str:
    data_dir = copy_published(published, tmp_path_factory.mktemp("tables") / "data")
    return build_report(data_dir).path.read_text("utf-8")


def _csv(href: str) -> pl.DataFrame:
    prefix = "data:text/csv;charset=utf-8;base64,"
    assert href.startswith(prefix)
    return pl.read_csv(io.BytesIO(base64.b64decode(href[len(prefix):])),
                       infer_schema_length=None)


def test_every_chart_shows_its_sql_with_the_bound_date(page: str) -> None:
    for chart_id in CHART_IDS:
        block = re.search(rf'<details class="sql" data-chart="{chart_id}">(.*?)</details>', page,
                          flags=re.S)
        assert block, chart_id
        names = re.findall(r"<code>(\w+\.sql)</code>", block.group(1))
        assert names, chart_id
        text = html.unescape(block.group(1))
        for name in names:
            assert (SQL_DIR / name).read_text("utf-8").strip() in text
        assert "$as_of = DATE '2026-01-30'" in text


def test_every_table_downloads_its_rows(page: str) -> None:
    rows = table_rows(page)
    links = re.findall(r'<a download="([^"]+)" href="([^"]+)">Download CSV</a>', page)
    assert {name for name, _ in links} >= {
        "index_performance_2026-01-30.csv", "event_returns_2026-01-30.csv",
        "valuation_2026-01-30.csv", "ipo_debuts_2026-01-30.csv", "baskets_2026-01-30.csv",
        "freshness.csv", "gate_suites.csv", "recent_runs.csv", "data_origins.csv",
        "margin_total_2026-01-30.csv", "ipo_monthly_2026-01-30.csv"}
    found = {name: _csv(href) for name, href in links}
    ipos = found["ipo_debuts_2026-01-30.csv"]
    assert ipos.height == len(re.findall(r"<tr [^>]*data-symbol=", section(page, "ipos")))
    pop = ipos.filter(pl.col("symbol") == "688785.SH")["first_day_return"][0]
    assert f"{pop * 100:+.1f}%" == rows["688785.SH"][6]
    index = found["index_performance_2026-01-30.csv"]
    assert set(index["index_code"]) == {k for k in rows if k.isupper() and "." not in k}
    assert found["valuation_2026-01-30.csv"]["pe_forward"].drop_nulls().is_sorted(
        descending=True)


def test_baskets_are_rebased_to_100_on_one_axis(published: RunResult) -> None:
    assert published.published is not None
    with open_marts(published.published.parent) as con:
        baskets = query(con, "basket_value", as_of=AS_OF)
    fig = charts.basket_chart(baskets, AS_OF)
    lines = {t.name: t for t in fig.data if t.name in ("china_ai", "us_ai")}
    assert set(lines) == {"china_ai", "us_ai"} and {t.yaxis for t in lines.values()} == {"y"}
    for name, trace in lines.items():
        rows = baskets.filter(pl.col("basket") == name)
        base = rows.filter(pl.col("trade_date") <= charts.year_earlier(AS_OF))
        assert trace.y[0] == 100 and trace.x[0] == str(base["trade_date"][-1])
        expected = 100 * rows["market_cap_usd"][-1] / base["market_cap_usd"][-1]
        assert trace.y[-1] == pytest.approx(expected, abs=0.01)


def test_valuations_are_ranked_by_forward_pe(published: RunResult, page: str) -> None:
    assert published.published is not None
    with open_marts(published.published.parent) as con:
        latest = query(con, "valuation_latest", as_of=AS_OF)
    bars = charts.valuation_chart(latest).data[0]
    top = latest.sort("pe_forward", nulls_last=True, descending=True).row(0, named=True)
    assert list(bars.x) == sorted(bars.x) and bars.y[-1].startswith(top["name"])
    ranked = list(table_rows(section(page, "valuation")))
    assert ranked == latest["symbol"].to_list()
    assert "寒武纪" in table_rows(page)["688256.SH"][0]


def test_report_file_names_its_date(published: RunResult, tmp_path: Path) -> None:
    data_dir = copy_published(published, tmp_path / "data")
    assert build_report(data_dir, as_of=AS_OF).path.name == "report-2026-01-30.html"
