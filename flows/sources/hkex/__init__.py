"""HKEX New Listing Reports: one workbook of the year's debuts."""

HOSTS = {"hkex": "https://www2.hkexnews.hk"}
