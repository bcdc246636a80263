"""Shanghai Stock Exchange query service: the market-wide margin summary."""

HOSTS = {"sse": "https://query.sse.com.cn"}
