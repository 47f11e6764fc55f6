"""Every compare page renders under Jinja's StrictUndefined (as some hosts
run it), in normal, error and conflict states, and inside the host layout."""

from __future__ import annotations

import re

import pytest
from jinja2 import StrictUndefined

from ..conftest import _reset_database
from ..fake_host import create_app
from .conftest import BASE, CompareHelper, opinion_data


class TokenClient:
    """A test client that sends the session's CSRF token with every POST."""

    def __init__(self, client):  # type: ignore[no-untyped-def]
        self.client = client
        page = client.get(f"{BASE}/new").get_data(as_text=True)
        self.token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def get(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return self.client.get(*args, **kwargs)

    def post(self, url, data):  # type: ignore[no-untyped-def]
        return self.client.post(url, data={**data, "csrf_token": self.token})


@pytest.fixture
def strict(tmp_path):  # type: ignore[no-untyped-def]
    """The fake host with CSRF on (so forms hold a token field) and StrictUndefined."""
    app = create_app(tmp_path, csrf=True)
    app.jinja_env.undefined = StrictUndefined
    _reset_database(app)
    client = app.test_client()
    client.get("/test-login/p-maria")
    client = TokenClient(client)
    return CompareHelper(app, client), client  # type: ignore[arg-type]


def test_pages_render_with_strict_undefined(strict):
    compare, client = strict
    worksheet_id = compare.with_opinions(2)
    first, second = compare.opinion_ids(worksheet_id)
    for suffix in (
        "",
        "/new",
        f"/{worksheet_id}",
        f"/{worksheet_id}/edit",
        f"/{worksheet_id}/delete",
        f"/{worksheet_id}/side-by-side",
        f"/{worksheet_id}/letter",
        f"/{worksheet_id}/opinions/new",
        f"/{worksheet_id}/opinions/{first}/edit",
        f"/{worksheet_id}/opinions/{first}/remove",
        f"/{worksheet_id}/comparison.pdf",
        f"/{worksheet_id}/letter.pdf",
    ):
        response = client.get(f"{BASE}/{suffix.lstrip('/')}" if suffix else f"{BASE}/")
        assert response.status_code == 200, suffix
        if response.mimetype == "text/html":
            assert 'id="fake-host-nav"' in response.get_data(as_text=True)  # the host's layout
    stale = compare.version(worksheet_id) - 1
    posts = {
        f"/{worksheet_id}/edit": {"title": "t", "version": stale},
        f"/{worksheet_id}/delete": {"version": stale},
        f"/{worksheet_id}/side-by-side": {"version": stale, "mark_plan": "agree"},
        f"/{worksheet_id}/opinions/new": {**opinion_data(3), "version": stale},
        f"/{worksheet_id}/opinions/{second}/edit": {**opinion_data(2), "version": stale},
        f"/{worksheet_id}/opinions/{second}/remove": {"version": stale},
    }
    for suffix, data in posts.items():
        assert client.post(f"{BASE}{suffix}", data=data).status_code == 409, suffix
        bad = {
            **data,
            "version": compare.version(worksheet_id),
            "doctor": "",
            "center": "",
            "title": "",
            "mark_plan": "nonsense",
        }
        if suffix.endswith(("/delete", "/remove")):
            continue
        assert client.post(f"{BASE}{suffix}", data=bad).status_code == 400, suffix
