"""The example portal's SQLite settings hold up with several gunicorn workers.

``bench/load.py`` (50 users, 3 workers) found "database is locked" errors on
saves (packet create, timeline add, worksheet save): with SQLite's rollback
journal a commit waits for every reader, and the default 5 s wait for the lock
ran out. The portal now uses the write-ahead log (readers and a commit no
longer wait for each other) and waits up to 30 s for another save."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from example_host import create_app
from example_host.models import User, db


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EXAMPLE_HOST_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("EXAMPLE_HOST_SQLALCHEMY_DATABASE_URI", raising=False)
    return tmp_path / "data"


def test_the_portal_database_uses_the_write_ahead_log_and_waits_for_saves(data: Path) -> None:
    portal = create_app()
    with portal.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 30_000


def test_a_reader_in_another_process_does_not_block_a_save(data: Path) -> None:
    # A 1 s wait: with the old rollback journal this save would fail after 1 s.
    portal: Flask = create_app({"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 1}}})
    reader = sqlite3.connect(data / "portal.db", isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM portal_user").fetchone() == (3,)
        with portal.app_context():
            user = User(email="new@example.org", name="New Patient", is_patient=True)
            user.set_password("x")
            db.session.add(user)
            db.session.commit()
            assert db.session.execute(text("SELECT count(*) FROM portal_user")).scalar() == 4
        # The reader keeps its own consistent snapshot until it ends.
        assert reader.execute("SELECT count(*) FROM portal_user").fetchone() == (3,)
        reader.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM portal_user").fetchone() == (4,)
    finally:
        reader.close()
