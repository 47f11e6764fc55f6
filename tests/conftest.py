"""Fixtures: a fake host app per test (SQLite by default, PostgreSQL when
``SECONDOP_TEST_DATABASE_URL`` is set), a client, a CLI runner and a login helper."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop import models  # noqa: F401
from oncokind_secondop.db import Base
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.signals import AuditEvent, audit_event

from .fake_host import create_app


def _reset_database(app: Flask) -> None:
    with app.app_context():
        engine = current_secondop.records.engine
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(tmp_path)
    _reset_database(app)
    yield app
    with app.app_context():
        current_secondop.records.engine.dispose()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, user_id: str = "p-maria") -> None:
        assert self._client.get(f"/test-login/{user_id}").status_code == 200

    def logout(self) -> None:
        self._client.get("/test-logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def audit_log(app: Flask) -> Iterator[list[AuditEvent]]:
    events: list[AuditEvent] = []

    def receive(sender: Flask, event: AuditEvent) -> None:
        events.append(event)

    audit_event.connect(receive, sender=app)
    yield events
    audit_event.disconnect(receive, sender=app)


def on_postgres() -> bool:
    return "postgresql" in os.environ.get("SECONDOP_TEST_DATABASE_URL", "")


def pytest_sessionstart(session: pytest.Session) -> None:
    """The fake host's own catalogs (the package compiles its own in init_app)."""
    from oncokind_secondop._catalogs import compile_catalogs

    root = Path(__file__).resolve().parent.parent
    for folder in ("fake_host/translations", "fake_host/overrides"):
        for domain in ("messages", "oncokind_secondop"):
            compile_catalogs(root / "tests" / folder, root / "tests" / folder, domain=domain)
