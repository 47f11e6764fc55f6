"""Blueprint-wide behaviour: page headers, CSRF through the host's Flask-WTF."""
from __future__ import annotations

import re
from pathlib import Path

from .fake_host import create_app


def test_page_headers(client) -> None:
    response = client.get("/second-opinion/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors"):
        assert directive in csp
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_headers_are_configurable(tmp_path: Path) -> None:
    app = create_app(tmp_path, {"SECONDOP_CONTENT_SECURITY_POLICY": "",
                                "SECONDOP_REFERRER_POLICY": "no-referrer"})
    response = app.test_client().get("/second-opinion/")
    assert "Content-Security-Policy" not in response.headers
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_post_without_token_is_refused_with_host_csrfprotect(tmp_path: Path) -> None:
    app = create_app(tmp_path, csrf=True)
    client = app.test_client()
    client.get("/test-login/c-ana")
    assert client.post("/second-opinion/choose", data={"patient": "p-lee"}).status_code == 400
    page = client.get("/second-opinion/choose").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    ok = client.post("/second-opinion/choose", data={"patient": "p-lee", "csrf_token": token})
    assert ok.status_code == 302


def test_post_without_token_is_refused_without_host_csrfprotect(tmp_path: Path) -> None:
    app = create_app(tmp_path, {"WTF_CSRF_ENABLED": True})
    assert "csrf" not in app.extensions
    client = app.test_client()
    client.get("/test-login/c-ana")
    assert client.post("/second-opinion/choose", data={"patient": "p-lee"}).status_code == 400


def test_chooser_redirects_only_to_our_own_pages(client, auth) -> None:
    auth.login("c-ana")
    response = client.post("/second-opinion/choose?next=//evil.example/x", data={"patient": "p-lee"})
    assert response.location == "/second-opinion/"


def test_a_post_is_checked_once_whoever_checks_it(tmp_path: Path, monkeypatch) -> None:
    """One CSRF mechanism: the request-level check (the host's CSRFProtect, or
    the blueprint's own without one) marks the request valid, and the form's
    validate() does not check the token again."""
    import flask_wtf.csrf

    from oncokind_secondop import csrf as our_csrf

    for host_protect in (True, False):
        app = create_app(tmp_path / str(host_protect), {"WTF_CSRF_ENABLED": True}, csrf=host_protect)
        client = app.test_client()
        client.get("/test-login/c-ana")
        page = client.get("/second-opinion/choose").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        calls: list[str] = []
        real = flask_wtf.csrf.validate_csrf

        def counting(data, *args, calls=calls, real=real, **kwargs):
            calls.append(data)
            return real(data, *args, **kwargs)

        monkeypatch.setattr(flask_wtf.csrf, "validate_csrf", counting)
        monkeypatch.setattr(our_csrf, "validate_csrf", counting)
        ok = client.post("/second-opinion/choose", data={"patient": "p-lee", "csrf_token": token})
        assert ok.status_code == 302
        assert calls == [token], host_protect
        monkeypatch.undo()
