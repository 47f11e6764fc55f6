"""Issue 13, finding 9: a 404 or 405 under the blueprint's prefix is the
package's calm page with the package's headers; the host's own error pages
answer everywhere else.

A URL that matches no route never reaches a blueprint view, so before the fix
Flask answered with Werkzeug's bare page (no CSP, no nosniff, no no-store).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from ..fake_host import create_app
from .test_headers import page_problems

PREFIX = "/second-opinion"


@pytest.fixture
def host_app(tmp_path: Path) -> Flask:
    """The fake host with its own 404 and 405 pages, as a real portal has."""
    app = create_app(tmp_path)
    app.register_error_handler(404, lambda exc: ("<p>Host page not found</p>", 404))
    app.register_error_handler(405, lambda exc: ("<p>Host method refused</p>", 405))
    return app


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", f"{PREFIX}/no-such-page", 404),
    ("GET", f"{PREFIX}/packet/not-a-number", 404),
    ("GET", f"{PREFIX}/packet/1/export/nothing.pdf", 404),
    ("POST", f"{PREFIX}/", 405),
    ("DELETE", f"{PREFIX}/learn/", 405),
    ("PUT", f"{PREFIX}/packet/1/export/summary.pdf", 405),
])
def test_routing_errors_under_the_prefix_carry_the_package_headers_and_calm_page(
    host_app: Flask, method: str, path: str, status: int
) -> None:
    response = host_app.test_client().open(path, method=method)
    assert response.status_code == status
    assert page_problems(response, "same-origin", "'self'") == []
    html = response.get_data(as_text=True)
    assert "Host page" not in html and "Host method" not in html
    expected = "We could not find that page" if status == 404 else "This page cannot do that"
    assert expected in html
    assert "Go to the second opinion home page" in html
    if status == 405:
        assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(("method", "path", "page"), [
    ("GET", "/no-such-host-page", "Host page not found"),
    ("GET", f"{PREFIX}-lookalike/page", "Host page not found"),
    ("POST", "/test-login/p-maria", "Host method refused"),
])
def test_routing_errors_elsewhere_keep_the_hosts_own_error_pages(
    host_app: Flask, method: str, path: str, page: str
) -> None:
    response = host_app.test_client().open(path, method=method)
    assert page in response.get_data(as_text=True)
    assert "Content-Security-Policy" not in response.headers
