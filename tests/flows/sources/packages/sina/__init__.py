"""A second kline provider as a test declares it: the whole of what adding one takes.

Found by :mod:`flows.sources.registry` once this folder is on ``flows.sources.__path__``; a real
one lives at ``flows/sources/sina/`` with its parser in ``transforms/sina_kline.py``.
"""

HOSTS = {"sina": "https://quotes.sina.cn"}
