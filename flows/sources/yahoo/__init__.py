"""Yahoo Finance v8 chart: daily bars of indices, HK and US securities, and FX rates."""

HOSTS = {"yahoo": "https://query1.finance.yahoo.com"}
