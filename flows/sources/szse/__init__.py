"""Shenzhen Stock Exchange report service: the margin summary, one trading day per request."""

HOSTS = {"szse": "https://www.szse.cn"}
