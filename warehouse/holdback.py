"""Publish per mart: which marts a late or failed feed holds back, and which failures stay fatal.

A dataset is **late** when

* a request of it failed after its retries (the provider was down or refused: no body landed), or
* a request of it came back "not yet published" (SZSE's previous report, SSE's empty window)
  and the gate's lateness rules on it fail: its freshness rule (a series behind its calendar's
  due session, the declared publication lag allowed) or its not-empty rule.

A not-yet-published day within the declared lag is on time: nothing is held back for it. Every
other failing rule (a value out of range, a missing session inside a series, a broken cross
check, ...) and the freshness rule of a dataset whose every request arrived are **bad data**: the
run fails with nothing published, as does any body a parser refused (a broken contract).

A late dataset holds back exactly the marts the registry says read it (``Dataset.marts``); they
keep the version published before, every other mart advances. Without a published version of a
mart to keep, the run cannot hold it back and fails as it always did.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from warehouse.mart_states import MartState, marts_reading

# The rules a dataset breaks when its newest rows have not arrived, rather than arrived wrong.
LATENESS_RULES = frozenset({"fresh_as_of", "not_empty"})


@dataclass(frozen=True)
class Late:
    """What the run's extraction left missing: failed requests and not-yet-published answers.

    Both map a staging table to the request keys (``provider/dataset/subject``) concerned.
    """

    failed: Mapping[str, list[str]] = field(default_factory=dict)
    not_published: Mapping[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, failed: Iterable[tuple[str, str]],
           not_published: Iterable[tuple[str, str]]) -> Late:
        """From ``(table, request)`` pairs of failed and of not-yet-published requests."""
        return cls(_grouped(failed), _grouped(not_published))


@dataclass(frozen=True)
class Plan:
    """What to publish: the held-back marts, and the failing rules that are bad data."""

    held_back: list[MartState]
    late_datasets: dict[str, str]
    bad: list[tuple[str, str]]

    @property
    def marts(self) -> list[str]:
        """The names of the held-back marts."""
        return [state.mart for state in self.held_back]


def plan(late: Late, blocking: Iterable[tuple[str, str]],
         previous: Mapping[str, MartState]) -> Plan:
    """Sort the gate's failing ``(table, rule)`` pairs into late and bad; hold back by registry.

    ``previous`` is the live version's state per mart: a held-back mart keeps its as-of date.
    A mart to hold back that the live version lacks is left out of ``held_back`` and reported
    by :func:`unheld`.
    """
    reasons = {table: _failed_reason(keys) for table, keys in late.failed.items()}
    bad = []
    for table, rule in blocking:
        if rule in LATENESS_RULES and (table in late.failed or table in late.not_published):
            reasons.setdefault(table, _not_published_reason(late.not_published.get(table, []),
                                                            rule))
        else:
            bad.append((table, rule))
    held = []
    for mart, datasets in marts_reading(reasons).items():
        kept = previous.get(mart)
        reason = "; ".join(f"{name}: {reasons[name]}" for name in datasets)
        as_of = kept.as_of_date if kept is not None else date.min
        held.append(MartState(mart, as_of, "held_back", reason))
    return Plan(held, reasons, bad)


def unheld(plan: Plan, previous: Mapping[str, MartState]) -> list[str]:
    """Marts the plan must hold back but cannot: no published version of them to keep."""
    return [state.mart for state in plan.held_back if state.mart not in previous]


def states(as_of: date, held_back: Iterable[MartState],
           marts: Iterable[str]) -> list[MartState]:
    """Every mart's state in the new version: as held back, else current at ``as_of``."""
    held = {state.mart: state for state in held_back}
    return [held.get(mart, MartState(mart, as_of)) for mart in marts]


def describe(held_back: Iterable[MartState]) -> list[str]:
    """One line per held-back mart, for the run summary and the ledger's message."""
    return [f"{state.mart} held back at {state.as_of_date} ({state.reason})"
            for state in held_back]


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for table, request in pairs:
        grouped.setdefault(table, []).append(request)
    return grouped


def _failed_reason(keys: list[str]) -> str:
    return f"{_count(keys)} failed after retries ({_sample(keys)})"


def _not_published_reason(keys: list[str], rule: str) -> str:
    return f"{_count(keys)} not yet published beyond the declared lag ({rule}; {_sample(keys)})"


def _count(keys: list[str]) -> str:
    return f"{len(keys)} request{'s' if len(keys) != 1 else ''}"


def _sample(keys: list[str]) -> str:
    shown = sorted(set(keys))
    return ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
