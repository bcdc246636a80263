"""The one error base class: every expected failure carries its exit code and its old base."""

from __future__ import annotations

import pytest
import typer

from errors import EXIT_EXTRACTION, EXIT_GATE, EXIT_STARTUP, EXIT_USAGE, CntechError
from flows.arguments import BadArgument
from flows.record import RecordRefused
from flows.rollback import RollbackRefused
from flows.run_cli import expected_failures
from flows.sources.errors import ExtractionError
from flows.startup import StartupFailed
from flows.tasks import ExtractionFailed, GateFailed
from reporting.marts import MartsUnavailable
from reporting.query import QueryRefused
from reporting.status import CalendarOutOfRange
from transforms.errors import PayloadError
from warehouse.lock import LockedError, UnsafePathError
from warehouse.seed_rules import SeedError
from warehouse.seeds import CalendarRangeError


@pytest.mark.parametrize(("error", "code", "builtin"), [
    (GateFailed, EXIT_GATE, RuntimeError),
    (ExtractionFailed, EXIT_EXTRACTION, RuntimeError),
    (ExtractionError, EXIT_EXTRACTION, RuntimeError),
    (PayloadError, EXIT_EXTRACTION, ValueError),
    (StartupFailed, EXIT_STARTUP, RuntimeError),
    (BadArgument, EXIT_USAGE, ValueError),
    (LockedError, EXIT_USAGE, RuntimeError),
    (UnsafePathError, EXIT_USAGE, ValueError),
    (SeedError, EXIT_USAGE, ValueError),
    (CalendarRangeError, EXIT_USAGE, ValueError),
    (RecordRefused, EXIT_USAGE, ValueError),
    (RollbackRefused, EXIT_USAGE, ValueError),
    (MartsUnavailable, EXIT_USAGE, RuntimeError),
    (QueryRefused, EXIT_USAGE, ValueError),
    (CalendarOutOfRange, EXIT_USAGE, ValueError),
])
def test_each_error_carries_its_exit_code_and_keeps_its_builtin_base(
    error: type[CntechError], code: int, builtin: type[Exception],
) -> None:
    assert issubclass(error, CntechError) and issubclass(error, builtin)
    assert error.exit_code == code


def test_only_a_failed_gate_or_extraction_is_headed() -> None:
    headed = {GateFailed, ExtractionFailed}
    assert all(error.headed for error in headed)
    assert not any(error.headed for error in (ExtractionError, LockedError, StartupFailed))


def test_a_new_error_is_caught_by_its_base_with_its_own_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    class Unheard(CntechError):
        exit_code = EXIT_STARTUP

    with pytest.raises(typer.Exit) as caught, expected_failures(gate="g", extraction="e"):
        raise Unheard("the scheduler\nwent away")
    assert caught.value.exit_code == EXIT_STARTUP
    assert capsys.readouterr().err.strip() == "the scheduler went away"
