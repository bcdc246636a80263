"""Which failures are late rather than bad, and which marts a late dataset holds back."""

from __future__ import annotations

from datetime import date

from registry import DATASETS
from reporting.status import Freshness, expected_lag
from warehouse.holdback import Late, plan, states, unheld
from warehouse.mart_states import MartState, from_json, marts_reading, to_json
from warehouse.marts import MARTS

BEFORE = date(2026, 1, 27)
PREVIOUS = {mart: MartState(mart, BEFORE) for mart in MARTS}
SZSE_LATE = Late.of([], [("margin", "szse/margin_szse/SZSE 2026-01-29"),
                         ("margin", "szse/margin_szse/SZSE 2026-01-30")])


def test_a_not_yet_published_day_beyond_the_lag_holds_back_the_margin_mart() -> None:
    result = plan(SZSE_LATE, [("margin", "fresh_as_of")], PREVIOUS)

    assert result.bad == []
    [held] = result.held_back
    assert (held.mart, held.as_of_date, held.status) == ("mart_margin_financing", BEFORE,
                                                          "held_back")
    assert held.reason == ("margin: 2 requests not yet published beyond the declared lag "
                           "(fresh_as_of; szse/margin_szse/SZSE 2026-01-29, "
                           "szse/margin_szse/SZSE 2026-01-30)")


def test_a_not_yet_published_day_within_the_lag_holds_nothing_back() -> None:
    result = plan(SZSE_LATE, [], PREVIOUS)
    assert (result.held_back, result.bad, result.late_datasets) == ([], [], {})


def test_stale_data_that_every_request_delivered_is_bad_not_late() -> None:
    result = plan(SZSE_LATE, [("index_bars", "fresh_as_of"), ("margin", "fresh_as_of")],
                  PREVIOUS)
    assert result.bad == [("index_bars", "fresh_as_of")]


def test_any_other_rule_on_a_late_dataset_is_bad() -> None:
    late = Late.of([("margin", "sse/margin_sse/SSE")], [])
    result = plan(late, [("margin", "no_missing_sessions"), ("margin", "not_empty")], PREVIOUS)
    assert result.bad == [("margin", "no_missing_sessions")]
    assert result.marts == ["mart_margin_financing"]


def test_a_failed_provider_holds_back_every_mart_reading_its_datasets() -> None:
    late = Late.of([("security_bars", "yahoo/stock_chart/00700.HK"),
                    ("fx_rates", "yahoo/fx_chart/USDCNY"),
                    ("crosscheck", "yahoo/index_chart_check/HSI")], [])
    result = plan(late, [("fx_rates", "not_empty")], PREVIOUS)

    assert result.bad == []
    assert result.marts == ["mart_basket_market_value", "mart_ipo_debuts", "mart_ipo_monthly"]
    basket = next(s for s in result.held_back if s.mart == "mart_basket_market_value")
    assert basket.reason == ("security_bars: 1 request failed after retries "
                             "(yahoo/stock_chart/00700.HK); fx_rates: 1 request failed after "
                             "retries (yahoo/fx_chart/USDCNY)")
    assert set(result.late_datasets) == {"security_bars", "fx_rates", "crosscheck"}


def test_without_a_published_version_nothing_can_be_held_back() -> None:
    result = plan(SZSE_LATE, [("margin", "fresh_as_of")], {})
    assert unheld(result, {}) == ["mart_margin_financing"]
    assert unheld(result, PREVIOUS) == []


def test_held_back_marts_keep_their_date_and_the_rest_are_current() -> None:
    held_twice = {**PREVIOUS, "mart_margin_financing": MartState(
        "mart_margin_financing", date(2026, 1, 20), "held_back", "margin: earlier")}
    result = plan(SZSE_LATE, [("margin", "fresh_as_of")], held_twice)
    new = states(date(2026, 1, 30), result.held_back, MARTS)

    assert [(s.mart, s.as_of_date, s.status) for s in new] == [
        (mart, date(2026, 1, 20), "held_back") if mart == "mart_margin_financing"
        else (mart, date(2026, 1, 30), "current") for mart in MARTS]
    assert from_json(to_json(new), None) == new
    assert from_json(None, BEFORE) == list(PREVIOUS.values())


def test_marts_reading_is_the_registry_declaration() -> None:
    for dataset in DATASETS:
        assert list(marts_reading([dataset.name])) == [m for m in MARTS if m in dataset.marts]
    assert marts_reading(["margin"]) == {"mart_margin_financing": ["margin"]}


def test_status_allows_each_mart_the_lag_of_the_datasets_it_reads() -> None:
    assert expected_lag("mart_margin_financing") == 1
    assert expected_lag("mart_index_performance") == expected_lag("mart_valuation") == 0
    day = date(2026, 1, 30)
    margin = Freshness("margin financing", "SZSE", ("XSHG",), day, day, 2, 1, 1)
    index = Freshness("index levels", "STAR50", ("XSHG",), day, day, 2, 1, 0)
    assert (margin.stale, index.stale) == (False, True)
