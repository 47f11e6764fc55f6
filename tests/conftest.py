"""Fixtures: a fake host app per test (SQLite by default, PostgreSQL when
``SECONDOP_TEST_DATABASE_URL`` is set), a client, a CLI runner and a login helper;
and the whole-suite guards of ``tests/guards.py`` (audit completeness, no patient
data in logs), which check every test."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from oncokind_secondop import models  # noqa: F401
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore
from oncokind_secondop.db import Base
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.signals import AuditEvent, audit_event

from . import guards
from .chromium import CHROMIUM, CHROMIUM_ARGS, browser_required, missing_reason
from .fake_host import create_app
from .guards import PatientSecrets


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


# -- whole-suite guards (tests/guards.py): audit completeness, no patient data in logs --


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "audit_unchecked(reason): skip the whole-suite audit guard "
                            "(only for tests that break things on purpose)")
    config.addinivalue_line("markers", "logs_unchecked(reason): skip the whole-suite log guard "
                            "(only for tests that break things on purpose)")
    guards.install()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    return (yield from guards.guarded_phase(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    return (yield from guards.guarded_phase(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    return (yield from guards.guarded_phase(item, "teardown"))


@pytest.fixture
def patient_secrets() -> PatientSecrets:
    """Register canary strings: no log record or audit event of this test may contain them."""
    return PatientSecrets()


def pytest_sessionstart(session: pytest.Session) -> None:
    """The fake host's own catalogs (the package compiles its own in init_app)."""
    from oncokind_secondop._catalogs import compile_catalogs

    root = Path(__file__).resolve().parent.parent
    for folder in ("fake_host/translations", "fake_host/overrides"):
        for domain in ("messages", "oncokind_secondop"):
            compile_catalogs(root / "tests" / folder, root / "tests" / folder, domain=domain)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Any]:
    reason = missing_reason()
    if reason is not None:
        if browser_required():
            pytest.fail(f"SECONDOP_REQUIRE_BROWSER=1 but {reason.split(': ', 1)[1]}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance: Any) -> Iterator[Any]:
    """One headless Chromium for the whole run; tests open their own contexts."""
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def collect_page_errors(page: Any) -> list[str]:
    """Script errors and console errors of a page (favicon misses aside)."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error"
            and "favicon" not in (m.location or {}).get("url", "") else None)
    page.console_errors = errors
    return errors


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Overrides pytest-flask's ``client``, which is used ``with`` the client so
    the last request's contexts stay pushed: another client's next request then
    ran in that context (and as that person). Each request here starts clean."""
    return app.test_client()


@pytest.fixture(autouse=True)
def _push_request_context() -> None:
    """Overrides pytest-flask's fixture of the same name, which pushes one request
    context for the whole test: every test-client request then shares its app
    context -- one ``g`` (Flask-Login's cached user: a second client acted as the
    first) and one database session. Here each request gets its own, as on a
    real server; a test that needs a context pushes it itself."""


# Services run without an app (issue 14): tests/<capability>/test_services_*.py.
@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLAlchemyRecordStore]:
    """A record store on a fresh SQLite file and a plain Session: no Flask
    app, no app context (the ``session=`` path needs neither)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'services.db'}")
    Base.metadata.create_all(engine)
    session = Session(engine)
    try:
        yield SQLAlchemyRecordStore(session=session)
    finally:
        session.close()
        engine.dispose()
