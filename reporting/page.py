"""Render the report page: one HTML file with its styles, plotly.js and chart data inlined."""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from reporting.tables import csv_href

TEMPLATES = Path(__file__).resolve().parent / "templates"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def pct(value: Any, digits: int = 1, signed: bool = True) -> str:
    """A fraction as a percentage: 0.1229 -> +12.3%."""
    if _missing(value):
        return "–"
    return f"{value * 100:{'+' if signed else ''}.{digits}f}%"


def number(value: Any, digits: int = 2) -> str:
    """A number with thousands separators."""
    return "–" if _missing(value) else f"{value:,.{digits}f}"


def multiple(value: Any) -> str:
    """A valuation multiple: 119.99 -> 120.0x."""
    return "–" if _missing(value) else f"{value:,.1f}x"


def money(value: Any, currency: str = "") -> str:
    """A large amount in millions or billions: 2.9e9 -> 2.92bn."""
    if _missing(value):
        return "–"
    scaled = f"{value / 1e9:,.2f}bn" if abs(value) >= 1e9 else f"{value / 1e6:,.1f}m"
    return f"{currency} {scaled}".strip()


def usd_bn(value: Any, signed: bool = False) -> str:
    """US dollars in billions: 1.0953e12 -> $1,095bn (signed: +$1,095bn)."""
    if _missing(value):
        return "–"
    sign = ("+" if value >= 0 else "−") if signed else ("−" if value < 0 else "")
    return f"{sign}${abs(value) / 1e9:,.0f}bn"


def sign_class(value: Any) -> str:
    """CSS class for a signed figure."""
    if _missing(value) or value == 0:
        return ""
    return "up" if value > 0 else "down"


def when(value: Any) -> str:
    """Timestamps in UTC to the minute; dates as ISO."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    if isinstance(value, date):
        return value.isoformat()
    return "–" if value is None else str(value)


def chart_html(fig: go.Figure, div_id: str) -> Markup:
    """A figure as a div and its ``Plotly.newPlot`` call; plotly.js itself is inlined once."""
    return Markup(fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                              config=PLOTLY_CONFIG))


def plotly_js() -> Markup:
    """The plotly.js bundle shipped with the installed plotly package, for inlining."""
    from plotly.offline import get_plotlyjs

    return Markup(get_plotlyjs())


def render(context: dict[str, Any]) -> str:
    """The report page for ``context`` (autoescaped; charts and scripts are marked safe)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(pct=pct, number=number, multiple=multiple, money=money, usd_bn=usd_bn,
                       sign=sign_class, when=when, csv=csv_href)
    styles = Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))
    return env.get_template("report.html.j2").render(
        **context, styles=styles, plotly_js=plotly_js())
