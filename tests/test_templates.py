"""Layouts and template overrides."""
from __future__ import annotations

import shutil
from pathlib import Path

from .fake_host import HERE, create_app


def test_standalone_layout_when_no_base_template(tmp_path: Path) -> None:
    app = create_app(tmp_path, {"SECONDOP_BASE_TEMPLATE": None})
    html = app.test_client().get("/second-opinion/").get_data(as_text=True)
    assert "secondop-standalone" in html
    assert 'href="#secondop-main"' in html  # skip link
    assert '<main id="secondop-main"' in html
    assert "For information only." in html


def test_host_layout_wraps_the_pages(client) -> None:
    html = client.get("/second-opinion/").get_data(as_text=True)
    assert html.index('id="fake-host-nav"') < html.index("<h1>Getting a second opinion")
    assert "secondop-standalone" not in html


def test_host_overrides_a_page_by_path(tmp_path: Path) -> None:
    templates = tmp_path / "host_templates"
    (templates / "secondop").mkdir(parents=True)
    shutil.copy(HERE / "templates" / "base.html", templates / "base.html")
    (templates / "secondop" / "hub.html").write_text(
        '{% extends "secondop/_layout.html" %}'
        "{% block secondop_content %}<h1>The host's own hub page</h1>{% endblock %}"
    )
    app = create_app(tmp_path, template_folder=templates)
    html = app.test_client().get("/second-opinion/").get_data(as_text=True)
    assert "The host's own hub page" in html
    assert "For information only." in html  # still inside our layout and the host's
    assert 'id="fake-host-nav"' in html


def test_host_pages_keep_their_own_errors(client) -> None:
    response = client.get("/host-page-that-does-not-exist")
    assert response.status_code == 404
    assert "We could not find that page" not in response.get_data(as_text=True)
