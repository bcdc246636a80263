"""Checks on ``run`` and ``backfill`` arguments, made before Prefect or any data library loads.

Each check takes milliseconds and refuses a bad value with one line naming the argument (or the
``CNTECH_*`` variable it came from), the problem and what would be valid, so a mistake costs a
second instead of a start-up and a traceback. Values the options leave out come from the
settings object; nothing else is imported.
"""

from __future__ import annotations

import socket
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from errors import CntechError
from flows.sources.window import INDEX_NAME, request_window

if TYPE_CHECKING:
    from flows.settings import Settings

BUNDLED_SNAPSHOT = Path(__file__).resolve().parents[1] / "snapshot"
RUNNERS = ("auto", "threads", "processes", "dask")
DASK_DEFAULT_PORT = 8786
DASK_CONNECT_TIMEOUT = 0.5


class BadArgument(CntechError, ValueError):
    """An argument that cannot work; the message is the one line the user sees."""


@dataclass(frozen=True)
class Value:
    """An argument's value and how to name it: the option, or the variable it came from."""

    value: str | None
    label: str


def pick(option: object, name: str, settings: Settings, field: str) -> Value:
    """The option if given, else the settings' value, named by its ``CNTECH_*`` variable when
    the environment set it."""
    if option is not None:
        return Value(str(option), name)
    value = getattr(settings, field)
    if field in settings.model_fields_set:
        return Value(None if value is None else str(value), f"CNTECH_{field.upper()}")
    return Value(None, name)


@dataclass(frozen=True)
class Window:
    """The dates a landing zone's requests cover."""

    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"


def check_data_dir(arg: Value) -> Path:
    """The data dir, proved writable by creating a file in it (or, if it does not exist yet, a
    directory in its nearest existing parent, removed at once): a refusal leaves nothing."""
    path = Path(arg.value or "data").expanduser()
    if path.exists() and not path.is_dir():
        raise BadArgument(f"{arg.label} {path} is a file: give a directory (created if missing)")
    parent = next((p for p in [path, *path.absolute().parents] if p.exists()), Path("/"))
    if not parent.is_dir():
        raise BadArgument(f"{arg.label} {path}: {parent} is a file, not a directory")
    try:
        if parent == path:
            tempfile.TemporaryFile(dir=path, prefix=".cntech-probe-").close()
        else:
            tempfile.TemporaryDirectory(dir=parent, prefix=".cntech-probe-").cleanup()
    except OSError as exc:
        raise BadArgument(f"{arg.label} {path} is not writable ({exc.strerror}): give a "
                          "directory this user can create files in") from None
    return path


def landing_window(arg: Value) -> tuple[Path, Window | None]:
    """The landing zone and its request window, read from ``manifest.json`` and the manifests
    of the Eastmoney klines it lists (every catalog asks them for the whole window)."""
    root = Path(arg.value).expanduser() if arg.value else BUNDLED_SNAPSHOT
    if not root.is_dir():
        raise BadArgument(f"{arg.label} {root} is not a directory: give a landing zone such as "
                          f"{BUNDLED_SNAPSHOT}")
    manifest = root / INDEX_NAME
    if not manifest.is_file():
        raise BadArgument(f"{arg.label} {root} has no {INDEX_NAME}: not a landing zone (a "
                          f"recorded or bundled zone lists its bodies there)")
    try:
        window = request_window(root)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BadArgument(f"{arg.label} {root}: {INDEX_NAME} is unreadable ({exc})") from None
    return root, None if window is None else Window(*window)


def parse_day(arg: Value) -> date | None:
    """``YYYY-MM-DD`` as a date; None when not given."""
    if arg.value is None:
        return None
    try:
        return datetime.strptime(arg.value, "%Y-%m-%d").date()
    except ValueError:
        raise BadArgument(f"{arg.label} must be a date YYYY-MM-DD, got {arg.value!r}") from None


def check_as_of(arg: Value, root: Path, window: Window | None) -> date | None:
    """The as-of date, refused outside the window of the landing zone it replays."""
    as_of = parse_day(arg)
    if as_of is not None and window is not None and not window.start <= as_of <= window.end:
        raise BadArgument(f"{arg.label} {as_of} is outside the window of {root}, {window}: "
                          f"give a date in it (default: its last day, {window.end})")
    return as_of


def check_span(start: date, end: date, root: Path, window: Window | None) -> None:
    """A backfill's ``--start..--end``: in order, and overlapping the zone's window."""
    if end < start:
        raise BadArgument(f"--end {end} is before --start {start}")
    if window is not None and (end < window.start or start > window.end):
        raise BadArgument(f"--start {start} --end {end} misses the window of {root}, {window}: "
                          "give dates that overlap it")


def check_task_runner(arg: Value) -> str:
    """One of the known task runners (default ``auto``)."""
    if arg.value is None:
        return "auto"
    if arg.value not in RUNNERS:
        raise BadArgument(f"{arg.label} {arg.value!r} is not a task runner: use one of "
                          f"{', '.join(RUNNERS)}")
    return arg.value


def check_dask_address(arg: Value, timeout: float = DASK_CONNECT_TIMEOUT) -> None:
    """A scheduler address that accepts a TCP connection within ``timeout`` seconds."""
    if arg.value is None:
        return
    parts = urlsplit(arg.value if "://" in arg.value else f"tcp://{arg.value}")
    try:
        host, port = parts.hostname, parts.port or DASK_DEFAULT_PORT
    except ValueError:
        host = None
    if parts.scheme not in ("tcp", "tls") or not host:
        raise BadArgument(f"{arg.label} {arg.value!r} is not a scheduler address: use "
                          f"tcp://HOST:PORT (port {DASK_DEFAULT_PORT} if left out)")
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            # A scheduler greets first with one framed message; its first 8 bytes are the
            # frame's length. Anything else listening there is not a scheduler.
            greeting = sock.recv(8) if parts.scheme == "tcp" else b"tls"
    except OSError as exc:
        reason = "no answer" if isinstance(exc, TimeoutError) else exc.strerror or str(exc)
        raise BadArgument(f"{arg.label} {arg.value} does not answer ({reason} within "
                          f"{timeout:g} s): start the scheduler, or leave it out for a local "
                          "cluster") from None
    if parts.scheme == "tcp" and not _plausible_frame(greeting):
        raise BadArgument(f"{arg.label} {arg.value} answers, but not as a Dask scheduler: "
                          f"check the host and port (default {DASK_DEFAULT_PORT})")


def _plausible_frame(greeting: bytes) -> bool:
    return len(greeting) == 8 and 0 < int.from_bytes(greeting, "little") < 2**20


Options = dict[str, str | None]


def check_run(options: Options, settings: Settings) -> date | None:
    """Every check of ``cntech run``; the as-of date when the option gave one."""
    check_data_dir(pick(options.get("--data-dir"), "--data-dir", settings, "data_dir"))
    as_of = pick(options.get("--as-of"), "--as-of", settings, "as_of")
    if (options.get("--source") or settings.source) == "snapshot":
        root, window = landing_window(
            pick(options.get("--snapshot"), "--snapshot", settings, "snapshot_dir"))
        as_of_date = check_as_of(as_of, root, window)
    else:
        as_of_date = parse_day(as_of)
    check_runner(options, settings)
    return as_of_date if options.get("--as-of") is not None else None


def check_backfill(options: Options, settings: Settings) -> tuple[date, date]:
    """Every check of ``cntech backfill``; its first and last day."""
    first = parse_day(Value(options.get("--start"), "--start"))
    last = parse_day(Value(options.get("--end"), "--end"))
    if first is None or last is None:
        raise BadArgument("--start and --end are required (YYYY-MM-DD)")
    check_data_dir(pick(options.get("--data-dir"), "--data-dir", settings, "data_dir"))
    root, window = landing_window(
        pick(options.get("--snapshot"), "--snapshot", settings, "snapshot_dir"))
    check_span(first, last, root, window)
    check_runner(options, settings)
    return first, last


def check_runner(options: Options, settings: Settings) -> None:
    """The task runner, and the Dask scheduler when it will be used."""
    kind = check_task_runner(
        pick(options.get("--task-runner"), "--task-runner", settings, "task_runner"))
    if kind == "dask":
        check_dask_address(
            pick(options.get("--dask-address"), "--dask-address", settings, "dask_address"))


def load_settings() -> Settings:
    """The settings object; a ``CNTECH_*`` variable it cannot take is refused in one line."""
    from pydantic import ValidationError

    from flows.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        name = field if field.isupper() else f"CNTECH_{field.upper()}"
        raise BadArgument(f"{name}={error.get('input')!r}: {error['msg']}") from None
