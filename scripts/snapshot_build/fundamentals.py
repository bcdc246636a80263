"""A-share fundamentals: daily valuation (rebuilt from real cross-sections since the last report,
synthetic before it) and a synthetic monthly analyst EPS consensus."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flows.sources.landing import LandingZone
from flows.sources.origins import OriginRange
from snapshot_build.common import WINDOW_END, iso, load_seed, rng_for, seed_of, sessions
from snapshot_build.cross_sections import (
    CLIST_CITATION,
    REPORTED_FROM,
    CrossSection,
    clist,
    overwatch_shares,
    spot,
    spot_check,
)
from snapshot_build.formats import (
    datacenter_body,
    datacenter_request,
    em_datetime,
    land,
    window_filter,
)

# The last session on synthetic earnings (the Friday before REPORTED_FROM).
PREVIOUS_SESSION = date(2025, 10, 31)

REPORT_DAYS = (date(2025, 4, 30), date(2025, 8, 29), REPORTED_FROM)
FORECAST_YEARS = (2025, 2026, 2027)
CAMBRICON = "688256.SH"
CAMBRICON_FORWARD_PE = 120.0


@dataclass(frozen=True)
class Earnings:
    """How a company's earnings moved at each quarterly report (its synthetic profile).

    ``step`` is the mean quarterly growth rate, or for a loss-maker the mean yuan-per-share
    improvement per quarter (used by the synthetic consensus).
    """

    loss_making: bool
    step: float


PROFILES = {
    # Cambricon: lost money in 2024, profitable from Q1 2025, TTM profit rising fast.
    "688256.SH": Earnings(True, 1.8),
    "002230.SZ": Earnings(False, 0.03), "688041.SH": Earnings(False, 0.09),
    "300308.SZ": Earnings(False, 0.30), "688981.SH": Earnings(False, 0.07),
    "603019.SH": Earnings(False, 0.04), "000977.SZ": Earnings(False, 0.05),
    "300502.SZ": Earnings(False, 0.50), "688008.SH": Earnings(False, 0.20),
    "603501.SH": Earnings(False, 0.06), "002371.SZ": Earnings(False, 0.07),
    "688111.SH": Earnings(False, 0.03), "300033.SZ": Earnings(False, 0.08),
    "601138.SH": Earnings(False, 0.08), "002415.SZ": Earnings(False, 0.02),
    "688521.SH": Earnings(True, 0.12), "603893.SH": Earnings(False, 0.15),
    "300496.SZ": Earnings(False, 0.05), "601360.SH": Earnings(True, 0.005),
    "000938.SZ": Earnings(False, 0.03),
}


def daily_closes(closes: list[tuple[date, float]]) -> list[tuple[date, float]]:
    """One close per XSHG session; a halted day repeats the last traded close."""
    traded = dict(closes)
    filled: list[tuple[date, float]] = []
    for day in sessions("XSHG"):
        if day in traded:
            filled.append((day, traded[day]))
        elif filled:
            filled.append((day, filled[-1][1]))
        else:
            raise ValueError(f"no close on the first session {day}")
    return filled


def eps_path(symbol: str, implied: float) -> list[float]:
    """EPS before the first report and after each of ``REPORT_DAYS``; the last is the real one.

    Earlier periods step back from it by a seeded growth per quarter (the company's profile
    trend); a loss-making company's loss varies by a seeded 10% a quarter instead.
    """
    profile = PROFILES[symbol]
    rng = rng_for("valuation", symbol)
    path = [implied]
    for _ in REPORT_DAYS:
        if implied > 0:
            growth = profile.step if not profile.loss_making else 0.05
            path.insert(0, path[0] / (1 + float(rng.normal(growth, 0.04))))
        else:
            path.insert(0, path[0] * (1 + float(rng.normal(0, 0.1))))
    return path


def eps_on(day: date, path: list[float]) -> float:
    """The EPS in force on ``day`` (a report counts from its publication date)."""
    return path[bisect_right(REPORT_DAYS, day)]


def valuation_rows(sec: dict[str, str], closes: list[tuple[date, float]], path: list[float],
                   section: CrossSection, shares_by_day: dict[date, int]
                   ) -> list[dict[str, object]]:
    """RPT_VALUEANALYSIS_DET rows for one security."""
    seed_shares = int(sec["shares_outstanding"])
    last_close = closes[-1][1]
    rows: list[dict[str, object]] = []
    for day, close in closes:
        shares = shares_by_day.get(day, seed_shares)
        real = day >= REPORTED_FROM
        rows.append({
            "SECUCODE": sec["symbol"], "SECURITY_CODE": sec["symbol"][:6],
            "SECURITY_NAME_ABBR": sec["name_local"], "TRADE_DATE": em_datetime(day),
            "CLOSE_PRICE": round(close, 2), "TOTAL_SHARES": shares,
            "TOTAL_MARKET_CAP": round(close * shares, 2),
            "PE_TTM": round(section.pe * close / last_close if real else close / eps_on(day, path),
                            2),
            "PB_MRQ": round(section.pb * close / last_close, 2) if real else None,
        })
    return rows


def fiscal_years(symbol: str, path: list[float], last_close: float) -> dict[int, float]:
    """The consensus each fiscal year converges to by the last report date.

    FY2025 adds one more quarter of the TTM trend; later years keep most of the annualised
    trend. Cambricon's FY2026 is pinned to the ~120x forward P/E widely reported for it.
    """
    profile = PROFILES[symbol]
    last = path[-1]
    if profile.loss_making:
        fy = {2025: last + profile.step, 2026: last + 4 * profile.step}
        fy[2027] = fy[2026] + 3 * profile.step
    else:
        annual = min(max((1 + profile.step) ** 4 - 1, -0.1), 0.9) * 0.8
        fy = {2025: last * (1 + profile.step), 2026: last * (1 + profile.step) * (1 + annual)}
        fy[2027] = fy[2026] * (1 + 0.75 * annual)
    if symbol == CAMBRICON:
        growth = fy[2027] / fy[2026]
        fy[2026] = last_close / CAMBRICON_FORWARD_PE
        fy[2027] = fy[2026] * growth
    return fy


def first_sessions_of_months() -> list[date]:
    """The first XSHG session of each month in the window."""
    firsts: dict[tuple[int, int], date] = {}
    for day in sessions("XSHG"):
        firsts.setdefault((day.year, day.month), day)
    return sorted(firsts.values())


def forecast_rows(secs: list[dict[str, str]], targets: dict[str, dict[int, float]]
                  ) -> list[dict[str, object]]:
    """Monthly consensus: a seeded early bias per fiscal year that fades to the target."""
    report_days = first_sessions_of_months()
    last = len(report_days) - 1
    paths: dict[tuple[str, int], list[float]] = {}
    for sec in secs:
        rng = rng_for("eps_forecast", sec["symbol"])
        for year in FORECAST_YEARS:
            bias = float(rng.normal(0, 0.12))
            noise = [float(rng.normal(0, 0.015)) for _ in report_days]
            target = targets[sec["symbol"]][year]
            paths[sec["symbol"], year] = [
                target * (1 + bias * (1 - k / last) + (noise[k] if k < last else 0.0))
                for k in range(len(report_days))]
    rows: list[dict[str, object]] = []
    for k, day in enumerate(report_days):
        for sec in secs:
            for year in FORECAST_YEARS:
                rows.append({
                    "SECUCODE": sec["symbol"], "SECURITY_CODE": sec["symbol"][:6],
                    "SECURITY_NAME_ABBR": sec["name_local"], "REPORT_DATE": em_datetime(day),
                    "PREDICT_YEAR": year, "EPS": round(paths[sec["symbol"], year][k], 4),
                })
    return rows


def describe_path(symbol: str, path: list[float]) -> str:
    """The synthetic EPS steps, for origin_detail."""
    steps = ", ".join(f"{iso(day)} {eps:.4f}" for day, eps in zip(REPORT_DAYS[:-1], path[1:-1],
                                                                   strict=True))
    return (f"EPS {path[0]:.4f} yuan from the window start, then {steps} (seed "
            f"{seed_of('valuation', symbol)} = crc32('valuation|{symbol}'), stepping back from "
            f"the real implied EPS by the profile's quarterly trend)")


def describe_valuation(sec: dict[str, str], path: list[float], section: CrossSection,
                       check: str) -> str:
    """origin_detail of one valuation file: which rows are rebuilt from real data, and how."""
    symbol = sec["symbol"]
    shares = ("ThunderSoft's daily total share count from Overwatch-mercy/stock-data @ "
              "7eb4605d7b (2025-12-01..2026-01-30; the seed's 2026-01-30 count before)"
              if symbol == "300496.SZ" else
              f"{sec['shares_outstanding']} from warehouse/seeds/securities.csv, held constant")
    return (
        f"RECONSTRUCTED {iso(REPORTED_FROM)}..{iso(WINDOW_END)}, SYNTHETIC before. CLOSE_PRICE = "
        f"the real close of eastmoney/kline/{sec['provider_code']}.json (a halted session repeats "
        f"the last close); TOTAL_SHARES = {shares}; TOTAL_MARKET_CAP = CLOSE_PRICE x "
        f"TOTAL_SHARES. PE_TTM carries Eastmoney's DYNAMIC P/E (latest reported earnings "
        f"annualised), not a trailing-twelve-month one: from {iso(REPORTED_FROM)} (the first "
        f"session after the Q3 reports) it is rebuilt from the real cross-section {CLIST_CITATION}"
        f": P/E {section.pe} and P/B {section.pb} at {section.price} on {iso(WINDOW_END)}; "
        f"earnings and book value do not change between reports, so P/E(d) = {section.pe} x "
        f"close(d) / close({iso(WINDOW_END)}) and PB_MRQ likewise (negative P/E = loss-making, as "
        f"Eastmoney publishes it).{check} Before {iso(REPORTED_FROM)} no real earnings were "
        f"found: P/E = close / a synthetic EPS; {describe_path(symbol, path)}; PB_MRQ null.")


def build_fundamentals(shared: Path, landing: LandingZone,
                       closes: dict[str, list[tuple[date, float]]]) -> None:
    """Write one valuation file per A-share and the consensus file for all of them."""
    secs = [sec for sec in load_seed("securities.csv") if sec["currency"] == "CNY"]
    sections, spot_rows = clist(shared), spot(shared)
    shares_300496 = overwatch_shares(shared)
    targets: dict[str, dict[int, float]] = {}
    for sec in secs:
        symbol, code = sec["symbol"], sec["symbol"][:6]
        filled = daily_closes(closes[symbol])
        section = sections[code]
        path = eps_path(symbol, filled[-1][1] / section.pe)
        targets[symbol] = fiscal_years(symbol, path, filled[-1][1])
        rows = valuation_rows(sec, filled, path, section,
                              shares_300496 if symbol == "300496.SZ" else {})
        check = spot_check(code, dict(filled), section, spot_rows)
        land(landing, 
            f"eastmoney/datacenter/RPT_VALUEANALYSIS_DET/{code}.json",
            datacenter_body("RPT_VALUEANALYSIS_DET", rows), provider="eastmoney",
            dataset="valuation", subject=symbol,
            request=datacenter_request("RPT_VALUEANALYSIS_DET",
                                       f'(SECURITY_CODE="{code}")' + window_filter("TRADE_DATE"),
                                       "TRADE_DATE", "1", len(rows)),
            origin="synthetic", origin_detail=describe_valuation(sec, path, section, check),
            ranges=(OriginRange("synthetic", filled[0][0], PREVIOUS_SESSION),
                    OriginRange("reconstructed", REPORTED_FROM, filled[-1][0])),
        )
    rows = forecast_rows(secs, targets)
    codes = ",".join(f'"{sec["symbol"]}"' for sec in secs)
    cambricon_close = dict(closes[CAMBRICON])[WINDOW_END]
    land(landing, 
        "eastmoney/datacenter/RPT_WEB_RESPREDICT/CN.json",
        datacenter_body("RPT_WEB_RESPREDICT", rows), provider="eastmoney",
        dataset="eps_forecast", subject="CN",
        request=datacenter_request("RPT_WEB_RESPREDICT",
                                   f"(SECUCODE in ({codes}))" + window_filter("REPORT_DATE"),
                                   "REPORT_DATE,SECURITY_CODE,PREDICT_YEAR", "1,1,1", len(rows)),
        origin="synthetic",
        origin_detail=(
            "SYNTHETIC analyst consensus for every A-share in the seeds, as of the first XSHG "
            "session of each month, fiscal years 2025-2027, EPS in yuan per share. Each year "
            "converges to a target derived from the valuation files' EPS_TTM path (FY2025 = "
            "last TTM plus one more quarter of its trend; FY2026/27 keep most of the annualised "
            "trend) from a seeded early bias of N(0, 12%) that fades linearly, plus N(0, 1.5%) "
            "monthly noise (seed crc32('eps_forecast|<symbol>')). Cambricon (688256.SH) is "
            f"calibrated to the ~120x forward P/E widely reported for it: close "
            f"{cambricon_close:.2f} on {iso(WINDOW_END)} / FY2026 EPS in the latest report = "
            f"{CAMBRICON_FORWARD_PE:g}."),
    )
