"""The held-out corpus (issue 10): bad inputs of the classes the first corpus let through.

Written for classes, not around the gate's rules: unit and scale changes in every dataset's value
columns, implausible values that are still numbers (sentinels, spikes that revert, frozen series,
unadjusted splits, a rate off its second source), a non-positive P/E, rows dated on days that
are not sessions or after the as-of date, incomplete answers, a body without its manifest, and
seeds that must be refused before anything is fetched (``kinds_values``, ``kinds_shape``).

Each kind names what must catch it, as ``kinds.Kind`` does; a ``published`` kind must publish
with the value shown as the documented null (``table`` the mart, ``rule`` its column, ``row`` the
mart row). ``PENDING`` lists the kinds the pipeline does not catch yet and why: the corpus test
marks them ``xfail(strict=True)``, so each must leave the list the moment it is caught.
"""

from __future__ import annotations

from tests.flows.bad_data.kinds import Kind
from tests.flows.bad_data.kinds_shape import DATES, INCOMPLETE, SEED_KINDS, SeedKind
from tests.flows.bad_data.kinds_values import PLAUSIBILITY, UNITS

HELD_OUT: list[Kind] = [*UNITS, *PLAUSIBILITY, *DATES, *INCOMPLETE]

PENDING: dict[str, str] = {}

__all__ = ["HELD_OUT", "PENDING", "SEED_KINDS", "SeedKind"]
