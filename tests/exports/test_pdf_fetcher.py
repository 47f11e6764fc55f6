"""PDF rendering never fetches from the app, the network or arbitrary files."""
from __future__ import annotations

import pytest

from oncokind_secondop.exports.pdf import BASE_URL, PdfFetchRefused, static_url_fetcher


def test_serves_the_package_static_files(app) -> None:
    with app.test_request_context("/"):
        response = static_url_fetcher().fetch(BASE_URL + "second-opinion/static/secondop/secondop.css")
        assert b".secondop" in response.read()
        assert response.content_type == "text/css"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:5000/second-opinion/",
    "https://example.org/x.css",
    "file:///etc/passwd",
    BASE_URL + "second-opinion/static/../../../etc/passwd",
    BASE_URL + "second-opinion/packet/1/export/summary.pdf",
])
def test_refuses_everything_else(app, url: str) -> None:
    with app.test_request_context("/"):
        with pytest.raises(PdfFetchRefused):
            static_url_fetcher().fetch(url)
