"""The report's charts: plotly figures built from mart frames (pure: no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

HEADLINE_INDICES = ("STAR50", "HSTECH", "NDX")
INDEX_COLOURS = {
    "STAR50": "#c0392b", "HSTECH": "#8e44ad", "NDX": "#1f3a5f", "CHINEXT": "#e67e22",
    "CSI300": "#16a085", "CSIALL": "#95a5a6", "HSI": "#2980b9",
}
BASKET_COLOURS = {"china_ai": "#c0392b", "us_ai": "#1f3a5f"}
STRETCHED, ORDINARY, AI, NOT_AI = "#c0392b", "#95a5a6", "#8e44ad", "#95a5a6"
EXCHANGE_COLOURS = {"SSE": "#c0392b", "SZSE": "#e67e22", "HKEX": "#2980b9"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans CJK SC', sans-serif"


def _layout(fig: go.Figure, title: str, height: int = 440) -> go.Figure:
    fig.update_layout(
        template="plotly_white", height=height, font={"family": FONT, "size": 12},
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        margin={"l": 60, "r": 30, "t": 70, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        hovermode="x unified",
    )
    return fig


def _empty(fig: go.Figure, message: str) -> go.Figure:
    fig.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5,
                       y=0.5, font={"size": 14, "color": "#7f8c8d"})
    return fig


def _short(name: str, width: int = 22) -> str:
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def _iso(frame: pl.DataFrame, column: str) -> list[str]:
    return frame[column].dt.to_string("%Y-%m-%d").to_list()


def display_order(codes: Iterable[str]) -> list[str]:
    """The headline indices first, in their order, then the others alphabetically."""
    rank = {code: i for i, code in enumerate(HEADLINE_INDICES)}
    return sorted(codes, key=lambda code: (rank.get(code, len(rank)), code))


def year_earlier(day: date) -> date:
    """The same calendar date one year before (28 February for a 29 February)."""
    return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)


def rebase_ranges(as_of: date) -> dict[str, date | None]:
    """Base dates of the rebased chart's views: the year's start, one year back, all history."""
    return {"YTD": date(as_of.year - 1, 12, 31), "1Y": year_earlier(as_of), "All": None}


def rebase(levels: pl.DataFrame, base: date | None, key: str = "index_code",
           value: str = "close") -> pl.DataFrame:
    """Each series' ``value`` divided by its last value on or before ``base``, times 100.

    The base day is kept (at exactly 100), so every line starts from the same point; ``None``,
    or a series whose history starts after ``base``, rebases to its first stored value.
    """
    parts = []
    for _, group in levels.sort("trade_date").group_by(key, maintain_order=True):
        before = group.filter(pl.col("trade_date") <= base) if base else group.clear()
        start = before["trade_date"].max() if before.height else group["trade_date"].min()
        group = group.filter(pl.col("trade_date") >= start)
        parts.append(group.with_columns(rebased=pl.col(value) / group[value][0] * 100))
    return pl.concat(parts) if parts else levels.with_columns(rebased=pl.lit(None, pl.Float64))


def index_chart(levels: pl.DataFrame, as_of: date) -> go.Figure:
    """Every index rebased to 100, with buttons for YTD (the default), 1Y and all history."""
    fig = go.Figure()
    if levels.is_empty():
        return _layout(_empty(fig, "No index levels published"), "Index performance")
    ranges = {label: rebase(levels, base) for label, base in rebase_ranges(as_of).items()}
    codes = display_order(levels["index_code"].unique().to_list())
    names = dict(levels.select("index_code", "name").unique().iter_rows())
    views: dict[str, tuple[list[list[str]], list[list[float]]]] = {}
    for label, frame in ranges.items():
        series = [frame.filter(pl.col("index_code") == code) for code in codes]
        views[label] = ([_iso(s, "trade_date") for s in series],
                        [s["rebased"].round(2).to_list() for s in series])
    xs, ys = views["YTD"]
    for code, x, y in zip(codes, xs, ys, strict=True):
        headline = code in HEADLINE_INDICES
        fig.add_trace(go.Scatter(
            x=x, y=y, name=names.get(code, code), mode="lines",
            line={"color": INDEX_COLOURS.get(code), "width": 3 if headline else 1.4,
                  "dash": "solid" if headline else "dot"},
            hovertemplate="%{y:.1f}<extra>" + code + "</extra>",
        ))
    fig.add_hline(y=100, line={"color": "#bdc3c7", "width": 1})
    fig.update_layout(updatemenus=[{
        "type": "buttons", "direction": "right", "x": 1, "xanchor": "right", "y": 1.16,
        "yanchor": "bottom", "pad": {"r": 210},
        "showactive": True, "active": 0,
        "buttons": [{"label": label, "method": "restyle",
                     "args": [{"x": views[label][0], "y": views[label][1]}]}
                    for label in ranges],
    }])
    fig.update_yaxes(title_text="rebased, base = 100")
    return _layout(fig, f"Indices rebased to 100 (YTD: since {as_of.year - 1}-12-31 close)")


def basket_chart(baskets: pl.DataFrame, as_of: date) -> go.Figure:
    """Both baskets' USD market value rebased to 100 a year back, and the China/US ratio below."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.66, 0.34],
                        vertical_spacing=0.07)
    if baskets.is_empty():
        return _layout(_empty(fig, "No basket values published"), "AI baskets")
    base = year_earlier(as_of)
    rebased = rebase(baskets, base, key="basket", value="market_cap_usd")
    for basket in ("china_ai", "us_ai"):
        rows = rebased.filter(pl.col("basket") == basket)
        fig.add_trace(go.Scatter(
            x=_iso(rows, "trade_date"), y=rows["rebased"].round(2).to_list(), name=basket,
            customdata=(rows["market_cap_usd"] / 1e9).round(0).to_list(), mode="lines",
            line={"color": BASKET_COLOURS[basket], "width": 2.4},
            hovertemplate="%{y:.1f} ($%{customdata:,.0f}bn)<extra>" + basket + "</extra>",
        ), row=1, col=1)
    fig.add_hline(y=100, line={"color": "#bdc3c7", "width": 1}, row=1, col=1)
    ratio = baskets.filter(pl.col("basket") == "china_ai", pl.col("china_us_ratio").is_not_null(),
                           pl.col("trade_date") >= rebased["trade_date"].min())
    fig.add_trace(go.Scatter(
        x=_iso(ratio, "trade_date"), y=(ratio["china_us_ratio"] * 100).round(2).to_list(),
        name="China/US ratio (%)", mode="lines", fill="tozeroy",
        line={"color": "#7f8c8d", "width": 1.6}, hovertemplate="%{y:.2f}%<extra>ratio</extra>",
    ), row=2, col=1)
    fig.update_yaxes(title_text="USD value, base = 100", row=1, col=1)
    fig.update_yaxes(title_text="China / US, %", row=2, col=1)
    return _layout(fig, f"AI baskets' USD market value rebased to 100 on {base} (or first "
                   "value), and the China/US ratio", height=520)


def valuation_chart(latest: pl.DataFrame) -> go.Figure:
    """Stocks ranked by forward P/E, the highest on top; stretched names in red."""
    fig = go.Figure()
    shown = latest.filter(pl.col("pe_forward").is_not_null()).sort("pe_forward")
    if shown.is_empty():
        return _layout(_empty(fig, "No forward P/E published"), "Forward P/E")
    labels = [f"{n} {local} ({s})".replace("  ", " ")
              for n, local, s in shown.select("name", "name_local", "symbol").iter_rows()]
    texts = [
        f"{fwd:.0f}x · ttm " + (f"{ttm:.0f}x" if ttm is not None else "–")
        + (f" · pctile {p * 100:.0f}" if p is not None else "")
        for fwd, ttm, p in shown.select("pe_forward", "pe_ttm", "pe_ttm_pctile_3y").iter_rows()
    ]
    fig.add_trace(go.Bar(
        x=shown["pe_forward"].round(1).to_list(), y=labels, orientation="h",
        text=texts, textposition="outside", cliponaxis=False,
        marker={"color": [STRETCHED if s else ORDINARY for s in shown["is_stretched"]]},
        hovertemplate="%{y}<br>forward P/E %{x:.1f}x<br>%{text}<extra></extra>",
        showlegend=False,
    ))
    median = shown["basket_median_pe_forward"].drop_nulls()
    if median.len():
        fig.add_vline(x=float(median[0]), line={"color": "#34495e", "dash": "dot", "width": 1},
                      annotation_text="basket median", annotation_position="top right")
    fig.add_vline(x=100, line={"color": STRETCHED, "dash": "dot", "width": 1})
    fig.update_xaxes(title_text="forward P/E (close / consensus EPS of the calendar year), x",
                     range=[0, shown.select(pl.col("pe_forward").max()).item() * 1.3])
    fig.update_layout(hovermode="closest")
    title = (f"Forward P/E on {shown['trade_date'][0]}, ranked "
             "(red: stretched — forward P/E ≥ 100x or top decile of own history)")
    return _layout(fig, title, height=max(360, 26 * shown.height + 120))


def ipo_first_day_chart(debuts: pl.DataFrame) -> go.Figure:
    """First-day return of every debut with a first-day close, AI companies in purple."""
    fig = go.Figure()
    known = debuts.filter(pl.col("first_day_return").is_not_null()).sort("listing_date")
    if known.is_empty():
        return _layout(_empty(fig, "No debut with a first-day close yet"), "IPO first-day returns")
    for flag, colour, name in ((True, AI, "AI company"), (False, NOT_AI, "other")):
        rows = known.filter(pl.col("is_ai") == flag)
        if rows.is_empty():
            continue
        fig.add_trace(go.Bar(
            x=[f"{_short(n)}<br>{s} {d}" for n, s, d in rows.select("name", "symbol",
                                                                     "listing_date").iter_rows()],
            customdata=rows["name"].to_list(),
            y=(rows["first_day_return"] * 100).round(1).to_list(), name=name,
            marker={"color": colour}, text=[f"{v * 100:+.0f}%" for v in rows["first_day_return"]],
            textposition="outside", cliponaxis=False,
            hovertemplate="%{customdata}<br>first day %{y:+.1f}%<extra></extra>",
        ))
    fig.update_yaxes(title_text="first-day close vs offer, %")
    fig.update_layout(hovermode="closest", barmode="group")
    return _layout(fig, f"IPO first-day returns ({known.height} debuts with a first-day close)")


def ipo_monthly_chart(monthly: pl.DataFrame) -> go.Figure:
    """Debuts per month and exchange, with the AI debuts among them."""
    fig = go.Figure()
    if monthly.is_empty():
        return _layout(_empty(fig, "No IPO debuts published"), "IPO debuts per month")
    for exchange in sorted(monthly["exchange"].unique().to_list()):
        rows = monthly.filter(pl.col("exchange") == exchange)
        fig.add_trace(go.Bar(x=_iso(rows, "listing_month"), y=rows["listings"].to_list(),
                             name=exchange, marker={"color": EXCHANGE_COLOURS.get(exchange)}))
    ai = monthly.group_by("listing_month").agg(pl.col("ai_listings").sum()).sort("listing_month")
    fig.add_trace(go.Scatter(x=_iso(ai, "listing_month"), y=ai["ai_listings"].to_list(),
                             name="of which AI", mode="lines+markers",
                             line={"color": AI, "width": 2}))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(dtick="M1", tickformat="%b %Y")
    fig.update_yaxes(title_text="debuts")
    return _layout(fig, "IPO debuts per month", height=380)


def margin_chart(margin: pl.DataFrame, events: pl.DataFrame) -> go.Figure:
    """Market-wide margin-financing balance with its 20-day change, and events in the window."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    if margin.is_empty():
        return _layout(_empty(fig, "No margin balances published"), "Margin financing")
    x = _iso(margin, "trade_date")
    fig.add_trace(go.Bar(
        x=x, y=(margin["change_20d_frac"] * 100).round(2).to_list(), name="20-day change, %",
        marker={"color": "#95a5a6"}, opacity=0.45, hovertemplate="%{y:+.1f}%<extra>20d</extra>",
    ), secondary_y=True)
    fig.add_trace(go.Scatter(
        x=x, y=(margin["financing_balance_cny"] / 1e12).round(4).to_list(),
        name="financing balance, CNY tn", mode="lines", line={"color": "#c0392b", "width": 2.4},
        hovertemplate="¥%{y:.3f}tn<extra>balance</extra>",
    ), secondary_y=False)
    first: date = margin["trade_date"][0]
    last: date = margin["trade_date"][-1]
    in_window = events.filter(pl.col("event_date").is_between(first, last))
    for step, (day, name) in enumerate(in_window.select("event_date", "name").iter_rows()):
        fig.add_shape(type="line", x0=day.isoformat(), x1=day.isoformat(), y0=0, y1=1,
                      xref="x", yref="paper", line={"color": "#34495e", "dash": "dot"})
        # Events close together would print over each other; step their labels down.
        late = (day - first) > (last - first) / 2
        fig.add_annotation(x=day.isoformat(), y=1 - 0.06 * (step % 3), xref="x", yref="paper",
                           text=name, showarrow=False, xanchor="right" if late else "left",
                           yanchor="top", bgcolor="rgba(255,255,255,0.8)",
                           font={"size": 10, "color": "#34495e"})
    fig.update_xaxes(range=[first.isoformat(), last.isoformat()])
    fig.update_yaxes(title_text="balance, CNY tn", tickformat=".2f", secondary_y=False)
    fig.update_yaxes(title_text="20-day change", ticksuffix="%", tickformat=".0f",
                     secondary_y=True, showgrid=False)
    return _layout(fig, "A-share margin-financing balance (market total)")
