"""A loopback stand-in for every provider: serves a landing zone's bodies as the providers would.

Requests are routed by path and query parameters to the body the catalog lands them at (each
provider package's ``route``), cut to
the requested window (kline ``beg``/``end``, chart ``period1``/``period2``, report filter dates,
report pages), so incremental windows and paging behave as they do live. A body whose window
covers the whole file is served byte for byte. Faults are scripted per landing path.
"""

from __future__ import annotations

import json
import math
import re
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from flows.settings import Settings
from flows.sources import registry

# Requests a second a run may send the loopback server, which answers at once. The rate limiter
# has its own tests (test_http.py); at the suite's former 100 a second a full live night spent
# 1.7 s of a core waiting out 285 SZSE days.
LOOPBACK_RATE = "1000"
CONTENT_TYPES = {".json": "application/json; charset=utf-8",
                 ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

Fault = Callable[[Request, bytes], Response]


@dataclass(frozen=True)
class Hit:
    """One request as the server saw it."""

    at: float
    host: str
    path: str
    args: dict[str, str]
    peer: int
    referer: str = ""


def status(code: int, body: bytes = b"", content_type: str = "text/html",
           headers: dict[str, str] | None = None) -> Fault:
    """Answer with ``code`` and ``body`` instead of the replayed body."""
    return lambda request, normal: Response(body, status=code, content_type=content_type,
                                            headers=headers or {})


def body(transform: Callable[[bytes], bytes], code: int = 200) -> Fault:
    """Serve ``transform(normal body)``: a malformed variant of the real answer."""
    return lambda request, normal: Response(transform(normal), status=code,
                                            content_type=CONTENT_TYPES[".json"])


def slow(seconds: float) -> Fault:
    """Serve the normal body after ``seconds``."""
    def fault(request: Request, normal: bytes) -> Response:
        time.sleep(seconds)
        return Response(normal, content_type=CONTENT_TYPES[".json"])
    return fault


def reset() -> Fault:
    """Drop the connection before answering, as a provider shedding load does."""
    def fault(request: Request, normal: bytes) -> Response:
        sock = request.environ.get("werkzeug.socket")
        if isinstance(sock, socket.socket):
            sock.shutdown(socket.SHUT_RDWR)
        return Response(b"")
    return fault


class ProviderReplay:
    """The WSGI handler: routing, windowing, paging, fault scripts, a log of every hit and the
    last body served for each landing path."""

    def __init__(self, root: Path, latency: float = 0.0) -> None:
        self.root = root
        self.latency = latency
        self.hits: list[Hit] = []
        self.served: dict[str, bytes] = {}
        self._faults: dict[str, list[Fault]] = defaultdict(list)
        self._sticky: dict[str, Fault] = {}
        self._lock = threading.Lock()

    def script(self, path: str, *faults: Fault, forever: Fault | None = None) -> None:
        """Answer the next requests for landing ``path`` with ``faults`` in order, then with
        ``forever`` on every later request if given, else normally."""
        self._faults[path].extend(faults)
        if forever is not None:
            self._sticky[path] = forever

    def hits_for(self, path: str) -> list[Hit]:
        """Every request routed to landing ``path``."""
        return [hit for hit in self.hits if hit.path == path]

    def starts(self, host: str) -> list[float]:
        """Arrival times of every request to provider ``host``, in order."""
        return sorted(hit.at for hit in self.hits if hit.host == host)

    def __call__(self, request: Request) -> Response:
        arrived = time.monotonic()
        args = dict(request.args.items())
        try:
            host, path = route(request.path, args)
        except LookupError as exc:
            return Response(str(exc), status=404)
        with self._lock:
            self.hits.append(Hit(arrived, host, path, args,
                                 int(request.environ.get("REMOTE_PORT", 0)),
                                 request.headers.get("Referer", "")))
            queue = self._faults.get(path)
            fault = queue.pop(0) if queue else self._sticky.get(path)
        if self.latency:
            time.sleep(self.latency)
        file = self.root / path
        if not file.is_file():
            return Response(f"no such file {path}", status=404)
        normal = window(host, file.read_bytes(), args)
        response = (Response(normal, content_type=CONTENT_TYPES[file.suffix]) if fault is None
                    else fault(request, normal))
        with self._lock:
            self.served[path] = response.get_data()
        return response


def route(path: str, args: dict[str, str]) -> tuple[str, str]:
    """(provider host, landing path) for a request, as the provider packages lay them out."""
    for provider in registry.providers():
        routed = provider.route(path, args)
        if routed is not None:
            return routed
    raise LookupError(f"no provider serves {path}")


def window(host: str, raw: bytes, args: dict[str, str]) -> bytes:
    """The part of a full-window body a request asks for; the raw bytes when that is all."""
    if host == "eastmoney_kline":
        doc = json.loads(raw)
        lines = doc["data"]["klines"]
        beg, end = _iso(args["beg"]), _iso(args["end"])
        kept = [line for line in lines if beg <= line[:10] <= end]
        if len(kept) == len(lines):
            return raw
        doc["data"]["klines"] = kept
        doc["data"]["dktotal"] = len(kept)
        return _dump(doc)
    if host == "yahoo":
        doc = json.loads(raw)
        result = doc["chart"]["result"][0]
        first, last = int(args["period1"]), int(args["period2"])
        keep = [first <= ts < last for ts in result["timestamp"]]
        if all(keep):
            return raw
        result["timestamp"] = [ts for ts, k in zip(result["timestamp"], keep, strict=True) if k]
        for block in result["indicators"].values():
            for series in block:
                for name, values in series.items():
                    series[name] = [v for v, k in zip(values, keep, strict=True) if k]
        return _dump(doc)
    if host == "eastmoney_datacenter":
        return _report_page(raw, args)
    if host == "sse":
        doc = json.loads(raw)
        rows = doc["result"]
        kept = [row for row in rows if args["beginDate"] <= row["opDate"] <= args["endDate"]]
        if len(kept) == len(rows):
            return raw
        doc["result"] = doc["pageHelp"]["data"] = kept
        doc["pageHelp"]["total"] = len(kept)
        return _dump(doc)
    return raw


def _report_page(raw: bytes, args: dict[str, str]) -> bytes:
    doc = json.loads(raw)
    rows: list[dict[str, Any]] = doc["result"]["data"]
    condition = args.get("filter", "")
    kept = rows
    for column, op, value in re.findall(r"\((\w+)(>=|<=)'([\d-]+)'\)", condition):
        kept = [row for row in kept if (str(row[column])[:10] >= value if op == ">="
                                        else str(row[column])[:10] <= value)]
    size, number = int(args.get("pageSize", "50")), int(args.get("pageNumber", "1"))
    pages = max(1, math.ceil(len(kept) / size))
    if len(kept) == len(rows) and pages == 1:
        return raw
    if not kept:
        return _dump({"version": doc.get("version"), "result": None, "success": False,
                      "message": "返回数据为空", "code": 9201})
    doc["result"] = {"pages": pages, "data": kept[(number - 1) * size:number * size],
                     "count": len(kept)}
    return _dump(doc)


def _iso(compact: str) -> str:
    return datetime.strptime(compact, "%Y%m%d").replace(tzinfo=UTC).date().isoformat()


def _dump(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


@contextmanager
def loopback() -> Iterator[HTTPServer]:
    """A threaded loopback HTTP server (stopping one takes up to 0.5 s: share it)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def install(server: HTTPServer, replay: ProviderReplay) -> dict[str, str]:
    """Answer every request with ``replay``; returns the CNTECH_* base-URL settings that point
    every provider at the server."""
    server.clear()
    server.expect_request(re.compile("^/")).respond_with_handler(replay)
    url = server.url_for("").rstrip("/")
    return {f"CNTECH_{host.upper()}_BASE_URL": url for host in registry.hosts()}


def fast_settings(urls: dict[str, str], **overrides: Any) -> Settings:
    """Settings pointing every provider at the loopback server, with test-sized delays."""
    values: dict[str, Any] = {"base_urls": {
        host: urls[f"CNTECH_{host.upper()}_BASE_URL"] for host in registry.hosts()}}
    values.update(requests_per_second=500.0, max_concurrency=4, max_attempts=3,
                  backoff_base_seconds=0.01, backoff_max_seconds=0.05, connect_timeout=2.0,
                  read_timeout=5.0)
    values.update(overrides)
    return Settings(**values)
