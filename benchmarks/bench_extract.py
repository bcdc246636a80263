"""Live extraction throughput under a rate limit, against a loopback server with latency.

    python -m benchmarks.bench_extract [--series 500] [--latency 0.05] [--rate 20]

Every series is one Eastmoney kline request fetched and landed by the real client
(``flows.sources.extract.land_all``: per-host limiter, pooled keep-alive session, landing with
manifests). The server sleeps ``--latency`` per request and timestamps every arrival, so the
figures are what a provider would see: wall time, achieved request rate, and limit violations
(a one-second window holding more than ``--rate`` request starts). Exits 1 when the achieved rate
is under 90 % of the limit or any violation occurred.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flows.settings import Settings
from flows.sources.eastmoney.catalog import kline_request
from flows.sources.extract import land_all
from flows.sources.landing import LandingZone
from flows.sources.request import RequestSpec

TARGET_SHARE = 0.9


def kline_body(secid: str) -> bytes:
    """A five-day kline answer in Eastmoney's shape for ``secid``."""
    market, code = secid.split(".")
    lines = [f"2026-01-{day:02d},10.00,10.10,10.20,9.90,12345,124000.00,3.00,1.00,0.10,0.50"
             for day in range(26, 31)]
    doc = {"rc": 0, "rt": 17, "svr": 1, "lt": 1, "full": 0, "dlmkts": "",
           "data": {"code": code, "market": int(market), "name": code, "decimal": 2,
                    "dktotal": len(lines), "preKPrice": 10.0, "klines": lines}}
    return json.dumps(doc, separators=(",", ":")).encode()


class Arrivals:
    """Arrival times of every request, from the server's side."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.lock = threading.Lock()

    def add(self) -> None:
        """Record one arrival now."""
        with self.lock:
            self.times.append(time.monotonic())


def handler_for(arrivals: Arrivals, latency: float) -> type[BaseHTTPRequestHandler]:
    """A keep-alive HTTP/1.1 handler answering every kline request after ``latency``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (the http.server hook's name)
            arrivals.add()
            time.sleep(latency)
            query = parse_qs(urlsplit(self.path).query)
            payload = kline_body(query["secid"][0])
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Quiet: 500 access lines would drown the figures."""

    return Handler


@contextmanager
def loopback(arrivals: Arrivals, latency: float) -> Iterator[str]:
    """Serve on an ephemeral loopback port; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(arrivals, latency))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def specs_for(count: int) -> list[RequestSpec]:
    """``count`` distinct A-share kline requests."""
    specs = []
    for number in range(count):
        secid = f"1.{600000 + number}"
        specs.append(kline_request("stock_kline", f"{600000 + number}.SH", secid, "1",
                                   date(2026, 1, 26), date(2026, 1, 30)))
    return specs


@dataclass
class Figures:
    """What one benchmark run measured."""

    requests: int
    errors: int
    wall_seconds: float
    achieved_rate: float
    violations: int
    shortest_second: float


def violations(starts: list[float], rate: float) -> tuple[int, float]:
    """Windows in which ``rate + 1`` consecutive requests started within one second, and the
    shortest time any ``rate + 1`` did take (over 1.0 s means the limit held)."""
    allowed = int(rate)
    spans = [b - a for a, b in zip(starts, starts[allowed:], strict=False)]
    return sum(1 for span in spans if span < 1.0), min(spans, default=float("inf"))


def run(series: int, latency: float, rate: float, concurrency: int, jitter: float) -> Figures:
    """Fetch and land ``series`` requests once and measure them from the server's side."""
    arrivals = Arrivals()
    with loopback(arrivals, latency) as url, tempfile.TemporaryDirectory() as landing:
        settings = Settings(base_urls={"eastmoney_kline": url}, requests_per_second=rate,
                            rate_jitter=jitter, max_concurrency=concurrency,
                            connect_timeout=2.0, read_timeout=10.0)
        began = time.monotonic()
        errors = land_all(settings, LandingZone(Path(landing)), specs_for(series))
        wall = time.monotonic() - began
    starts = sorted(arrivals.times)
    broken, shortest = violations(starts, rate)
    achieved = (len(starts) - 1) / (starts[-1] - starts[0]) if len(starts) > 1 else 0.0
    return Figures(requests=len(starts), errors=len(errors), wall_seconds=wall,
                   achieved_rate=achieved, violations=broken, shortest_second=shortest)


def main() -> int:
    """Parse arguments, run once, print the figures; 1 when the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second limit")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--jitter", type=float, default=0.1, help="limiter jitter share")
    args = parser.parse_args()
    figures = run(args.series, args.latency, args.rate, args.concurrency, args.jitter)
    share = figures.achieved_rate / args.rate
    print(f"series {args.series}, latency {args.latency * 1000:.0f} ms, limit {args.rate:g} "
          f"req/s, concurrency {args.concurrency}, jitter {args.jitter:.0%}")
    print(f"requests served  {figures.requests} ({figures.errors} errors)")
    print(f"wall time        {figures.wall_seconds:.2f} s")
    print(f"achieved rate    {figures.achieved_rate:.2f} req/s ({share:.1%} of the limit)")
    print(f"limit violations {figures.violations} (fastest {int(args.rate) + 1} starts took "
          f"{figures.shortest_second:.3f} s)")
    met = share >= TARGET_SHARE and figures.violations == 0 and figures.errors == 0
    print("target met" if met else f"target missed (>= {TARGET_SHARE:.0%}, 0 violations)")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
