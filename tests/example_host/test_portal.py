"""The example portal, as a person uses it: login, caregiver, languages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from example_host import create_app


@pytest.fixture
def portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("EXAMPLE_HOST_DATA", str(tmp_path / "data"))
    return create_app()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def _login(client: FlaskClient, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": email, "password": "demo-password",
                                           "csrf_token": _token(page)})
    assert response.status_code == 302


def test_data_lives_in_the_named_folder(portal: Flask, tmp_path: Path) -> None:
    assert (tmp_path / "data" / "portal.db").exists()
    assert (tmp_path / "data" / "files" / "objects").is_dir()


def test_login_page_shows_the_demo_accounts(portal: Flask) -> None:
    html = portal.test_client().get("/login").get_data(as_text=True)
    for email in ("maria@example.org", "sam@example.org", "lee@example.org", "demo-password"):
        assert email in html


def test_maria_reaches_the_hub_inside_the_portal_layout(portal: Flask) -> None:
    client = portal.test_client()
    _login(client, "maria@example.org")
    html = client.get("/second-opinion/").get_data(as_text=True)
    assert "Riverside Health" in html and "Signed in as Maria Lopez" in html
    assert "<h1>Getting a second opinion</h1>" in html
    assert "You are signed in as Maria Lopez." in html


def test_sam_acts_for_maria(portal: Flask) -> None:
    client = portal.test_client()
    _login(client, "sam@example.org")
    html = client.get("/second-opinion/").get_data(as_text=True)
    assert "You are acting for Maria Lopez." in html


def test_anonymous_visitor_is_sent_to_the_portal_login(portal: Flask) -> None:
    response = portal.test_client().get("/second-opinion/choose")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_wrong_password_keeps_the_visitor_out(portal: Flask) -> None:
    client = portal.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": "maria@example.org", "password": "nope",
                                           "csrf_token": _token(page)})
    assert response.status_code == 200
    assert "do not match" in response.get_data(as_text=True)


def test_language_switcher_changes_both_catalogs_and_survives(portal: Flask) -> None:
    client = portal.test_client()
    _login(client, "maria@example.org")
    page = client.get("/second-opinion/").get_data(as_text=True)
    for code in ("en", "es", "zh_Hans", "vi", "ko", "tl", "ar"):
        assert f'value="{code}"' in page
    client.post("/language", data={"lang": "es", "next": "/second-opinion/", "csrf_token": _token(page)})
    for path in ("/second-opinion/", "/"):
        html = client.get(path).get_data(as_text=True)
        assert "Cerrar sesión" in html  # the portal's own catalog
    html = client.get("/second-opinion/").get_data(as_text=True)
    assert "Cómo obtener una segunda opinión" in html  # the package's catalog


def test_accept_language_is_the_fallback(portal: Flask) -> None:
    response = portal.test_client().get("/second-opinion/", headers={"Accept-Language": "es-MX,es;q=0.9"})
    html = response.get_data(as_text=True)
    assert "Cómo obtener una segunda opinión" in html


def test_logout_needs_a_post_with_token(portal: Flask) -> None:
    client = portal.test_client()
    _login(client, "maria@example.org")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400


@pytest.mark.parametrize(("code", "lang", "direction"), [("ar", "ar", "rtl"), ("zh_Hans", "zh-Hans", "ltr")])
def test_chosen_language_and_direction_survive_across_pages(portal: Flask, code: str, lang: str,
                                                           direction: str) -> None:
    """Arabic and Chinese chosen once: every page after it, the portal's <html>
    and the package's container say the language and the direction."""
    client = portal.test_client()
    _login(client, "maria@example.org")
    page = client.get("/second-opinion/").get_data(as_text=True)
    client.post("/language", data={"lang": code, "next": "/second-opinion/", "csrf_token": _token(page)})
    for path in ("/", "/second-opinion/", "/second-opinion/learn/", "/second-opinion/packet/",
                 "/second-opinion/compare/", "/second-opinion/learn/centers"):
        html = client.get(path).get_data(as_text=True)
        assert f'<html lang="{lang}" dir="{direction}">' in html, path
        if path != "/":
            assert re.search(rf'<div class="secondop"[^>]*lang="{lang}" dir="{direction}"', html), path
        assert re.search(rf'<option[^>]*value="{code}"[^>]*selected|<option selected[^>]*value="{code}"',
                         html), f"{path}: the switcher forgot the language"
