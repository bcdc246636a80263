"""The transforms' errors: where a broken payload is, and what a late one lacks."""

from __future__ import annotations

import pytest

from transforms.errors import NotPublished, PayloadError


def test_a_payload_error_locates_the_body_and_field() -> None:
    error = PayloadError("eastmoney", "index_kline", "expected list, got null",
                         field="data.klines", subject="1.000300")
    assert str(error) == ("eastmoney/index_kline [1.000300] field 'data.klines': "
                          "expected list, got null")
    assert (error.provider, error.field, error.subject, error.detail) == (
        "eastmoney", "data.klines", "1.000300", "expected list, got null")


def test_subject_and_field_are_left_out_when_unknown() -> None:
    assert str(PayloadError("hkex", "nlr", "sheet 'NLR' missing")) == (
        "hkex/nlr: sheet 'NLR' missing")
    assert str(PayloadError("sse", "margin", "no rows", subject="2026-01-30")) == (
        "sse/margin [2026-01-30]: no rows")


def test_a_payload_error_is_a_value_error_and_not_published_is_not() -> None:
    with pytest.raises(ValueError):
        raise PayloadError("yahoo", "chart", "bad")
    late = NotPublished("szse", "margin", "2026-01-30", "the 2026-01-30 report",
                        "answered with 2026-01-29")
    assert not isinstance(late, ValueError)
    assert late.note == str(late) == (
        "szse/margin [2026-01-30]: the 2026-01-30 report is not yet published "
        "(answered with 2026-01-29)")
    assert (late.provider, late.subject, late.what) == (
        "szse", "2026-01-30", "the 2026-01-30 report")
