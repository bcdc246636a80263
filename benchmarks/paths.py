"""Daily bars for a block of securities: mean-reverting random walks under board price limits.

Prices are simulated session by session for the whole block at once (numpy over securities), so
the exchange's limit rule can be applied exactly as it is defined: the limit price is the
previous close times (1 ± limit), rounded to the tick, and a close can never pass it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from benchmarks.universe import Security

LIMITS = {"STAR": 0.20, "CHINEXT": 0.20, "MAIN": 0.10}
# STAR and ChiNext listings trade without a limit for their first five sessions; the main
# boards cap the first day at +44% of the offer price (and the open at +20%).
FREE_SESSIONS = {"STAR": 5, "CHINEXT": 5, "MAIN": 1}
MAIN_FIRST_DAY_CAP = 0.44
MEAN_REVERSION = 0.01
DECIMALS = {"STAR": 2, "CHINEXT": 2, "MAIN": 2, "HK": 3, "US": 2}
FLOAT_SHARE = 0.4
CLOSE_ONLY_SHARE = 0.05


@dataclass
class Bars:
    """Bars of a block over its calendar's sessions; ``traded`` marks the days with a bar."""

    days: list[date]
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    amount: np.ndarray
    traded: np.ndarray
    close_only: np.ndarray
    offer: np.ndarray


def market_factor(days: int, seed: int) -> np.ndarray:
    """A calendar's common daily log return, shared by every block on that calendar."""
    return np.random.default_rng(seed).normal(0.0, 0.011, days)


def simulate(
    block: list[Security], days: list[date], market: np.ndarray, early_close: np.ndarray,
    seed: int,
) -> Bars:
    """Simulate every security of ``block`` (one calendar) over ``days``."""
    rng = np.random.default_rng(seed)
    n, t_count = len(block), len(days)
    listing = np.array([s.listing for s in block])
    decimals = DECIMALS[block[0].board]
    start = np.round([s.start_price for s in block], decimals)
    sigma = np.array([s.sigma for s in block])
    beta = rng.uniform(0.6, 1.4, n)
    limit = np.array([LIMITS.get(s.board, np.inf) for s in block])
    free = np.array([FREE_SESSIONS.get(s.board, 0) for s in block])
    main = np.array([s.board == "MAIN" for s in block])
    pop = np.where(main, MAIN_FIRST_DAY_CAP,
                   np.where(limit < np.inf, rng.uniform(0.3, 3.0, n), rng.uniform(-0.3, 0.8, n)))
    # Securities listed before the window have no debut to show.
    pop = np.where(listing > 0, pop, 0.0)
    offer = np.round(start / (1 + pop), decimals)
    halted = np.zeros((n, t_count), dtype=bool)
    for i, s in enumerate(block):
        if s.suspension is not None:
            halted[i, s.suspension[0]:s.suspension[1] + 1] = True
    steps = np.arange(t_count)
    traded = (steps[None, :] >= listing[:, None]) & ~halted
    shocks = rng.standard_t(4, (n, t_count)) / np.sqrt(2.0)
    jumps = rng.random((n, t_count)) < 0.01

    walk = Walk(start, beta, sigma, listing, free, limit, decimals)
    close = _closes(walk, market, shocks, jumps, traded)
    opened, high, low = _intraday(walk, rng, close, offer, np.where(main, 0.2, pop))

    shares = np.array([s.shares for s in block]) * FLOAT_SHARE
    turnover = np.exp(rng.normal(np.log(0.015), 0.6, (n, t_count)))
    volume = np.round(shares[:, None] * turnover, -2)
    amount = np.round(volume * (high + low + close) / 3, 2)
    hk_like = block[0].board == "HK"
    close_only = (early_close[None, :] & (rng.random((n, t_count)) < CLOSE_ONLY_SHARE)
                  if hk_like else np.zeros((n, t_count), dtype=bool))
    close_only &= steps[None, :] > listing[:, None]
    return Bars(days, opened, high, low, close, volume, amount, traded, close_only, offer)


@dataclass(frozen=True)
class Walk:
    """Per-security parameters of a block's price walk."""

    start: np.ndarray
    beta: np.ndarray
    sigma: np.ndarray
    listing: np.ndarray
    free: np.ndarray
    limit: np.ndarray
    decimals: int


def _closes(walk: Walk, market: np.ndarray, shocks: np.ndarray, jumps: np.ndarray,
            traded: np.ndarray) -> np.ndarray:
    """Closes session by session: each limited by the previous close's price limits."""
    n, t_count = shocks.shape
    close = np.empty((n, t_count))
    prev = walk.start.copy()
    for t in range(t_count):
        drift = walk.beta * market[t] - MEAN_REVERSION * np.log(prev / walk.start)
        move = np.clip(drift + walk.sigma * shocks[:, t] + np.where(
            jumps[:, t], 0.25 * np.sign(shocks[:, t]), 0.0), -0.5, 0.4)
        raw = np.round(prev * np.exp(move), walk.decimals)
        limited = (t - walk.listing) >= walk.free
        up = np.round(prev * (1 + walk.limit), walk.decimals)
        down = np.round(prev * (1 - walk.limit), walk.decimals)
        today = np.where(limited, np.clip(raw, down, up), raw)
        today = np.where(t == walk.listing, walk.start, today)
        today = np.maximum(today, 10.0 ** -walk.decimals)
        close[:, t] = np.where(traded[:, t], today, prev)
        prev = close[:, t]
    return close


def _intraday(walk: Walk, rng: np.random.Generator, close: np.ndarray, offer: np.ndarray,
              first_pop: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Opens, highs and lows around the closes, inside the same limits; the listing day opens
    ``first_pop`` (scaled) above the offer."""
    n, t_count = close.shape
    decimals = walk.decimals
    steps = np.arange(t_count)
    previous = np.concatenate([offer[:, None], close[:, :-1]], axis=1)
    limited = (steps[None, :] - walk.listing[:, None]) >= walk.free[:, None]
    gap = rng.normal(0.0, 1.0, (n, t_count)) * walk.sigma[:, None] / 3
    opened = np.round(previous * np.exp(gap), decimals)
    first_open = np.round(offer * (1 + first_pop * rng.uniform(0.5, 1.0, n)), decimals)
    opened = np.where(steps[None, :] == walk.listing[:, None], first_open[:, None], opened)
    up = np.round(previous * (1 + walk.limit[:, None]), decimals)
    down = np.round(previous * (1 - walk.limit[:, None]), decimals)
    opened = np.where(limited, np.clip(opened, down, up), opened)
    opened = np.maximum(opened, 10.0 ** -decimals)
    wick = np.abs(rng.normal(0.0, 1.0, (2, n, t_count))) * walk.sigma[None, :, None] / 2
    high = np.round(np.maximum(opened, close) * (1 + wick[0]), decimals)
    low = np.round(np.minimum(opened, close) * (1 - wick[1]), decimals)
    high = np.where(limited, np.minimum(high, up), high)
    low = np.where(limited, np.maximum(low, down), low)
    return opened, high, np.maximum(low, 10.0 ** -decimals)
