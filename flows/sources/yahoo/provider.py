"""Yahoo as the catalog, the client and the parse stage see it."""

from __future__ import annotations

import re

from flows.sources.provider import Provider
from flows.sources.yahoo.catalog import bars, route
from flows.sources.yahoo.client import Yahoo
from transforms import crosscheck, yahoo_chart
from transforms.dispatch import Parsing

PROVIDER = Provider(
    name="yahoo",
    endpoints={
        "index_chart": Parsing("index_bars", yahoo_chart.index_bars),
        "stock_chart": Parsing("security_bars", yahoo_chart.security_bars),
        "fx_chart": Parsing("fx_rates", yahoo_chart.fx_rates),
        "index_chart_check": Parsing("crosscheck", crosscheck.index_closes),
    },
    route=route,
    client=Yahoo(),
    bars=bars,
    code_pattern=re.compile(r"\^?[0-9A-Z]{1,10}([.=-][A-Z]{1,3})?"),
    # The FX pairs have no seed: Yahoo is their primary source.
    series={"fx_rates": {"USDCNY": "CNY=X", "USDHKD": "HKD=X"}},
    # Second source of the indices whose bars come from Eastmoney (expectations/suites/crosscheck).
    checks={"index_bars": {"HSI": "^HSI", "NDX": "^NDX"}},
)
