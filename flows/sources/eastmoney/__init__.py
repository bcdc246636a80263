"""Eastmoney: push2his daily klines (indices, A-shares, forex) and datacenter-web reports
(valuation, EPS forecasts, IPOs, margin statistics)."""

HOSTS = {
    "eastmoney_kline": "https://push2his.eastmoney.com",
    "eastmoney_datacenter": "https://datacenter-web.eastmoney.com",
}
