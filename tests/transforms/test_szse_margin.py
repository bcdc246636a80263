"""SZSE report ``1837_xxpl`` summary parser: 亿元 strings to yuan, and every kind of drift."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.conftest import REPO
from transforms import szse_margin
from transforms.errors import NotPublished, PayloadError

BODY = (REPO / "tests/data/exchanges/1837_xxpl_2026-01-30.json").read_bytes()
DAY = "2026-01-30"


def _edit(change: Callable[[list[Any]], None]) -> bytes:
    doc = json.loads(BODY)
    change(doc)
    return json.dumps(doc, ensure_ascii=False).encode()


def test_summary_row_converts_yi_with_separators_to_yuan() -> None:
    row = szse_margin.margin(BODY, "SZSE", DAY).row(0, named=True)
    assert row == {"exchange": "SZSE", "trade_date": date(2026, 1, 30),
                   "financing_balance": pytest.approx(13982.04e8),
                   "lending_balance": pytest.approx(72.31e8),
                   "financing_buy": pytest.approx(1014.15e8)}


def test_the_summary_tab_is_found_by_its_key_not_its_position() -> None:
    body = _edit(lambda doc: doc.reverse())
    assert szse_margin.margin(body, "SZSE", DAY)["financing_balance"][0] == pytest.approx(
        13982.04e8)


def _unit_yuan(doc: list[Any]) -> None:
    doc[0]["metadata"]["cols"]["jrrzye"] = "融资余额(元)"


def _renamed(doc: list[Any]) -> None:
    doc[0]["data"][0]["rzye"] = doc[0]["data"][0].pop("jrrzye")


def _text(doc: list[Any]) -> None:
    doc[0]["data"][0]["jrrzmr"] = "--"


def _older_day(doc: list[Any]) -> None:
    doc[0]["metadata"]["subname"] = "2026-01-22"


def _later_day(doc: list[Any]) -> None:
    doc[0]["metadata"]["subname"] = "2026-02-02"


def _no_summary(doc: list[Any]) -> None:
    del doc[0]


def _empty(doc: list[Any]) -> None:
    doc[0]["data"] = []


def _no_labels(doc: list[Any]) -> None:
    del doc[0]["metadata"]["cols"]


@pytest.mark.parametrize(("body", "field", "wording"), [
    (b"<html><head><title>502 Bad Gateway</title></head></html>", None, "HTML/XML page"),
    (BODY[:-40], None, "truncated JSON"),
    (BODY.decode("utf-8").encode("gbk"), None, "GBK-encoded text is not accepted"),
    (_edit(_unit_yuan), "metadata.cols.jrrzye", "labelled '融资余额(元)', expected 亿元"),
    (_edit(_renamed), "jrrzye", "summary row lacks the field"),
    (_edit(_text), "financing_buy", "non-numeric value '--'"),
    (_edit(_older_day), "metadata.subname", "report of 2026-01-22, requested 2026-01-30"),
    (_edit(_later_day), "metadata.subname", "report of 2026-02-02, requested 2026-01-30"),
    (_edit(_no_summary), "metadata.tabkey", "no report tab with tabkey 'tab1'"),
    (_edit(_empty), "data", "expected one summary row, got 0"),
    (_edit(_no_labels), "cols", "missing field"),
    (b"{}", None, "expected a non-empty list of report tabs"),
])
def test_drift_is_a_payload_error_naming_provider_dataset_and_field(
    body: bytes, field: str | None, wording: str
) -> None:
    with pytest.raises(PayloadError) as caught:
        szse_margin.margin(body, "SZSE", DAY)
    assert (caught.value.provider, caught.value.endpoint) == ("szse", "margin_szse")
    assert caught.value.field == field
    assert wording in str(caught.value)


def test_a_report_without_its_date_is_refused() -> None:
    def undated(doc: list[Any]) -> None:
        for tab in doc:
            tab["metadata"].pop("subname", None)

    with pytest.raises(PayloadError, match="no report date") as caught:
        szse_margin.margin(_edit(undated), "SZSE", DAY)
    assert caught.value.field == "metadata.subname"


def _report_of(day: str) -> bytes:
    def dated(doc: list[Any]) -> None:
        for tab in doc:
            tab["metadata"]["subname"] = day

    return _edit(dated)


@pytest.mark.parametrize(("requested", "answered"), [
    ("2026-02-02", "2026-01-30"),  # Monday, answered with Friday's report
    ("2026-01-30", "2026-01-29"),
    ("2025-10-09", "2025-09-30"),  # after the National Day holiday
    ("2026-02-24", "2026-02-13"),  # after the Spring Festival
])
def test_the_previous_sessions_report_means_not_yet_published(requested: str,
                                                               answered: str) -> None:
    with pytest.raises(NotPublished) as caught:
        szse_margin.margin(_report_of(answered), "SZSE", requested)
    assert not isinstance(caught.value, PayloadError)
    assert (caught.value.provider, caught.value.endpoint, caught.value.what) == (
        "szse", "margin_szse", requested)
    assert caught.value.note == (f"szse/margin_szse [SZSE]: {requested} is not yet published "
                                 f"(the answer is the report of the session before, {answered})")


def test_a_report_two_sessions_old_is_still_a_contract_breach() -> None:
    with pytest.raises(PayloadError, match="report of 2026-01-28, requested 2026-01-30"):
        szse_margin.margin(_report_of("2026-01-28"), "SZSE", DAY)


def test_previous_session_follows_the_shanghai_calendar() -> None:
    assert szse_margin.previous_session(date(2026, 2, 2)) == date(2026, 1, 30)
    assert szse_margin.previous_session(date(2026, 2, 1)) == date(2026, 1, 30)
    assert szse_margin.previous_session(date(1990, 1, 2)) is None


def test_a_batch_of_days_gives_what_each_day_parsed_alone_gives() -> None:
    landed = [(BODY, "SZSE", DAY), (_edit(_text), "SZSE", DAY),
              (_report_of("2026-01-29"), "SZSE", DAY),
              (_report_of("2026-02-02"), "SZSE", "2026-02-02"),
              (_edit(lambda doc: doc[0]["data"][0].update(jrrzye="-")), "SZSE", DAY)]
    batch = szse_margin.margin_batch(landed)

    assert batch.frame["item"].to_list() == [0, 3]
    assert batch.frame["trade_date"].to_list() == [date(2026, 1, 30), date(2026, 2, 2)]
    for item, (body, subject, day) in enumerate(landed):
        if item in batch.errors:
            with pytest.raises((PayloadError, NotPublished)) as caught:
                szse_margin.margin(body, subject, day)
            assert type(batch.errors[item]) is type(caught.value)
            assert str(batch.errors[item]) == str(caught.value)
    assert isinstance(batch.errors[2], NotPublished)
    assert str(batch.errors[1]).endswith("non-numeric value '--' (1 row(s))")
    assert "no financing balance" in str(batch.errors[4])
