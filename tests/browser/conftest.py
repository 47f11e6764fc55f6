"""Real-browser fixtures: the example portal on a real port, Debian's Chromium
driven by Playwright, logged-in contexts per person and language.

Without /usr/bin/chromium (or without the playwright package) every test here
is skipped with one clear reason; with ``SECONDOP_REQUIRE_BROWSER=1`` (set by
``.ci/run``) that is an error instead, so CI can never pass without them.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from ..chromium import CHROMIUM, CHROMIUM_ARGS, browser_required, missing_reason  # noqa: F401

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}

# Demo accounts of the example portal (example_host/models.py).
USERS = {"maria": "maria@example.org", "sam": "sam@example.org", "lee": "lee@example.org"}
PASSWORD = "demo-password"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = missing_reason()
    if reason is None:
        return
    ours = [item for item in items if HERE in Path(str(item.fspath)).parents]
    if not ours:
        return
    if browser_required():
        raise pytest.UsageError(f"SECONDOP_REQUIRE_BROWSER=1 but {reason.split(': ', 1)[1]}")
    marker = pytest.mark.skip(reason=reason)
    for item in ours:
        item.add_marker(marker)
    config._secondop_browser_skipped = reason  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    reason = getattr(config, "_secondop_browser_skipped", None)
    if reason:
        terminalreporter.write_sep("!", reason, yellow=True, bold=True)


# --- the example portal on a real port ---------------------------------------------------

class Portal:
    """The example portal (``example_host.create_app()``) served by a thread."""

    def __init__(self, data: Path, database: str | None = None) -> None:
        """``database``: a SQLAlchemy URL instead of the portal's own SQLite file."""
        settings = {"EXAMPLE_HOST_DATA": str(data)}
        if database is not None:
            settings["EXAMPLE_HOST_SQLALCHEMY_DATABASE_URI"] = database
        previous = {name: os.environ.get(name) for name in settings}
        os.environ.update(settings)
        try:
            from example_host import create_app

            self.app = create_app()
        finally:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        self.data = data
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join()


def require_page(portal: Portal, endpoint: str | None) -> None:
    """Skip a test whose capability is not in this checkout yet (a branch without
    Packet or Compare); in CI (SECONDOP_REQUIRE_BROWSER=1) that is a failure."""
    if endpoint is None or endpoint in portal.app.view_functions:
        return
    message = f"{endpoint} is not in this checkout yet"
    if browser_required():
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    server = Portal(tmp_path_factory.mktemp("portal") / "data")
    yield server
    server.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for a second portal, on the server that
    ``SECONDOP_TEST_DATABASE_URL`` names (skipped without it); dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    given = os.environ.get("SECONDOP_TEST_DATABASE_URL", "")
    if "postgresql" not in given:
        pytest.skip("PostgreSQL: set SECONDOP_TEST_DATABASE_URL=postgresql+psycopg://... (see bin/test)")
    name = f"secondop_browser_{os.getpid()}"
    server = create_engine(make_url(given).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(given).set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


# --- the browser ----------------------------------------------------------------------------

def sign_in(page: Any, portal: Portal, user: str) -> None:
    """Sign in through the portal's own login form."""
    page.goto(f"{portal.url}/login")
    page.fill("#email", USERS[user])
    page.fill("#password", PASSWORD)
    page.click("form.portal-form button[type=submit]")
    page.wait_for_url(f"{portal.url}/")


def switch_language(page: Any, lang: str) -> None:
    """Change language with the portal's switcher (it keeps the choice in the session)."""
    page.select_option("#lang", lang)
    with page.expect_navigation():
        page.click(".portal-lang button[type=submit]")


class Contexts:
    """New browser contexts for a person and a language, signed in once per
    (person, language) and reused through Playwright's storage state."""

    def __init__(self, browser: Any, portal: Portal) -> None:
        self.browser = browser
        self.portal = portal
        self._states: dict[tuple[str | None, str], Any] = {}
        self._open: list[Any] = []
        self._shared: dict[tuple[str | None, str], Any] = {}

    def state(self, user: str | None, lang: str) -> Any:
        key = (user, lang)
        if key not in self._states:
            context = self.browser.new_context(base_url=self.portal.url)
            page = context.new_page()
            if user is not None:
                sign_in(page, self.portal, user)
            else:
                page.goto("/")
            if lang != "en":
                switch_language(page, lang)
            self._states[key] = context.storage_state()
            context.close()
        return self._states[key]

    def new(self, user: str | None = None, lang: str = "en", viewport: dict[str, int] | None = None,
            javascript: bool = True) -> Any:
        context = self.browser.new_context(
            base_url=self.portal.url,
            storage_state=self.state(user, lang),
            viewport=viewport or DESKTOP,
            java_script_enabled=javascript,
            locale="en-US",
        )
        context.set_default_timeout(15_000)
        self._open.append(context)
        return context

    def page(self, user: str | None = None, lang: str = "en", **kwargs: Any) -> Any:
        return self.new(user, lang, **kwargs).new_page()

    def shared(self, user: str | None = None, lang: str = "en") -> Any:
        """A page kept open across tests for one (person, language): a new context's
        first page load costs ~0.4 s, which adds up over the inventory."""
        key = (user, lang)
        page = self._shared.get(key)
        if page is None or page.is_closed():
            context = self.browser.new_context(
                base_url=self.portal.url, storage_state=self.state(user, lang),
                viewport=DESKTOP, locale="en-US")
            context.set_default_timeout(15_000)
            page = self._shared[key] = context.new_page()
        page.set_viewport_size(DESKTOP)
        page.emulate_media(media="screen")
        return page

    def close(self) -> None:
        for context in self._open:
            context.close()
        self._open.clear()


@pytest.fixture(scope="session")
def _contexts(browser: Any, portal: Portal) -> Contexts:
    return Contexts(browser, portal)


@pytest.fixture
def contexts(_contexts: Contexts) -> Iterator[Contexts]:
    """Per test: contexts opened in the test are closed after it."""
    yield _contexts
    _contexts.close()


@pytest.fixture(scope="session")
def data(_contexts: Contexts) -> Any:
    """Setup functions of the page inventory (data made through the UI, once)."""
    from .pages import Data

    return Data(_contexts)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

