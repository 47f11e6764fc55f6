"""Issue 13, finding 10: the example portal's sign-out ends the session on
the server, and its database file and data folder are private to the user
that runs it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from flask import Flask

from example_host import create_app

from .test_portal import _login, _token


@pytest.fixture
def portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("EXAMPLE_HOST_DATA", str(tmp_path / "data"))
    return create_app()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_session_cookie_copied_before_sign_out_stops_working_after_it(portal: Flask) -> None:
    client = portal.test_client()
    _login(client, "maria@example.org")
    assert client.get("/second-opinion/packet/").status_code == 200
    copied = client.get_cookie("session").value
    page = client.get("/").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": _token(page)}).status_code == 302
    thief = portal.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/second-opinion/packet/")
    assert response.status_code == 302 and "/login" in response.location
    # Another browser's session of the same person is not touched.
    other = portal.test_client()
    _login(other, "maria@example.org")
    assert other.get("/second-opinion/packet/").status_code == 200


def test_the_database_file_and_data_folder_are_private_to_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    monkeypatch.setenv("EXAMPLE_HOST_DATA", str(folder))
    old = os.umask(0o022)  # the usual umask: files 0644, folders 0755
    try:
        app = create_app()
        client = app.test_client()
        _login(client, "maria@example.org")  # writes: -wal and -shm files appear
    finally:
        os.umask(old)
    assert _mode(folder) == 0o700
    assert _mode(folder / "portal.db") == 0o600
    for extra in folder.glob("portal.db-*"):
        assert _mode(extra) & 0o077 == 0, extra.name
    assert _mode(folder / "secret_key") == 0o600


def test_an_existing_world_readable_database_is_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    (folder / "portal.db").touch(mode=0o644)
    monkeypatch.setenv("EXAMPLE_HOST_DATA", str(folder))
    create_app()
    assert _mode(folder) == 0o700 and _mode(folder / "portal.db") == 0o600
