"""The search page's weight on the wire and its hosts: at most 150 KB compressed, only this host.

Measured size: each response body (HTML, CSS, JS; no images are used) compressed with gzip -6,
what a phone receives: Django's GZipMiddleware compresses the HTML, and whitenoise serves
pre-compressed static files in production (the live server here serves static uncompressed, so
the real transfer is not what Chromium reports).
"""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET_BYTES = 150 * 1024


def test_search_page_weight_and_hosts(page, corpus, worker, live_server):
    log_in(page, worker)
    requests, sizes, encodings = [], {}, {}

    def on_response(response):  # type: ignore[no-untyped-def]
        sizes[response.url] = len(gzip.compress(response.body(), compresslevel=6))
        encodings[response.url] = response.headers.get("content-encoding", "")

    page.on("request", lambda request: requests.append(request.url))
    page.on("response", on_response)
    page.goto("/search/?q=电焊&kind=job&sort=relevance", wait_until="networkidle")

    here = urlsplit(live_server.url).netloc
    assert len(requests) >= 3  # the page, its stylesheet and its module
    assert [url for url in requests if urlsplit(url).netloc != here] == []
    total = sum(sizes.values())
    print(f"\nsearch page: {len(sizes)} responses, {total} bytes gzip-compressed: {sizes}")
    assert total <= BUDGET_BYTES
    html = next(url for url in sizes if "/search/" in url)
    assert encodings[html] == "gzip"  # GZipMiddleware on
