"""The ``cntech`` entry point: bad ``run``/``backfill`` arguments are refused before the CLI
framework loads, then the command runs and the process exits promptly.

The checks (``flows.arguments``) need only the standard library and the settings object, so a
refusal costs the interpreter's start-up and pydantic's, nothing else. Options are read from
``argv`` leniently: anything this scan does not understand is left to the command's own parser,
which checks again.
"""

from __future__ import annotations

import atexit
import os
import sys

from flows.arguments import BadArgument, Options, check_backfill, check_run, load_settings

CHECKED_OPTIONS = frozenset({"--source", "--as-of", "--snapshot", "--data-dir", "--task-runner",
                             "--dask-address", "--start", "--end"})
FLAGS = frozenset({"--verbose", "-v"})
CHECKS = {"run": check_run, "backfill": check_backfill}


def scan(argv: list[str]) -> tuple[str, Options] | None:
    """The command and the checked options' values, or None to leave ``argv`` to typer."""
    if not argv or argv[0] not in CHECKS or "--help" in argv:
        return None
    options: Options = {}
    rest = iter(argv[1:])
    for word in rest:
        name, equals, value = word.partition("=")
        if not name.startswith("-") or name in FLAGS:
            continue
        if not equals:
            value = next(rest, "")
        if name in CHECKED_OPTIONS:
            options[name] = value
    if argv[0] == "backfill" and not {"--start", "--end"} <= options.keys():
        return None
    return argv[0], options


def precheck(argv: list[str]) -> None:
    """Refuse a bad argument with one line and exit code 2, before anything else loads; with
    good ones, start the run's Prefect API while the CLI loads."""
    scanned = scan(argv)
    if scanned is None:
        return
    command, options = scanned
    try:
        settings = load_settings()
        CHECKS[command](options, settings)
    except BadArgument as exc:
        sys.stderr.write(f"{exc}\n")
        sys.stderr.flush()
        os._exit(exc.exit_code)
    from flows import startup

    startup.begin_early(settings, verbose=bool(FLAGS & set(argv)))


def main() -> None:
    """Run ``cntech``; then its exit handlers, and exit without tearing the modules down.

    Tearing down the few thousand modules a run loads takes seconds on a busy machine, and
    nothing is left to do once the output is flushed and the exit handlers have run (Prefect's
    flush of logs and events, then the stop of the temporary API server).
    """
    precheck(sys.argv[1:])
    from flows.cli import app

    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        if isinstance(exc.code, str):
            sys.stderr.write(f"{exc.code}\n")
    except KeyboardInterrupt:
        code = 130
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
