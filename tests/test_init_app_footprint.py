"""docs/hosting.md's table of what ``init_app`` adds to a host app is the truth:
a bare Flask app is recorded before and after ``init_app`` (config keys, URL
rules, request and app-context hooks, context processors, error handlers,
Jinja globals, filters, tests and extensions, CLI commands, app.extensions,
blueprints) and the difference must be exactly the table's rows.

A new hook, handler, global or command fails here until the table names it.
Config keys are compared with ``config.SETTINGS`` (the table says "every key
of config.SETTINGS"), so a new setting needs no new row.
"""
from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from flask import Flask
from flask_babel import Babel
from sqlalchemy import create_engine
from sqlalchemy.orm import scoped_session, sessionmaker

from oncokind_secondop import SecondOpinion
from oncokind_secondop.config import SETTINGS
from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore

from .plain_host.auth import ClinicAuth

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "hosting.md"
SECTION = "## What `init_app` adds to your app"
ALWAYS = "always"
#: The "when" column: a row not marked "always" holds only under that condition.
NO_BABEL, ENGINE, LEARN = "no Flask-Babel in the app", "`records=SQLAlchemyRecordStore(engine=...)`", "Learn mounted"
SHARE = "sharing mounted"
CONDITIONS = {ALWAYS, NO_BABEL, ENGINE, LEARN, SHARE}
#: The "applies to" column of hooks and handlers: app-wide (None) or the blueprint's own.
SCOPES: dict[str, str | None] = {
    "every request to the app": None, "every app context": None, "the package's pages": "secondop"}
#: Flask adds its own default context processor to every blueprint it registers.
FLASK_OWN = {"flask.templating._default_template_ctx_processor"}

Item = tuple[str, str, str | None]  # (what, name, scope)


# -- the app's footprint ----------------------------------------------------------


def function_name(fn: Callable[..., Any]) -> str:
    module = fn.__module__.removeprefix("oncokind_secondop.")
    return f"{module}.{fn.__qualname__}"


def footprint(app: Flask) -> set[Item]:
    items: set[Item] = {("config key", key, None) for key in app.config}
    items |= {("URL rule", rule.endpoint, None) for rule in app.url_map.iter_rules()}
    items |= {("blueprint", name, None) for name in app.blueprints}
    hooks: dict[str, dict[str | None, list[Callable[..., Any]]]] = {
        "before request": app.before_request_funcs,
        "after request": app.after_request_funcs,
        "teardown request": app.teardown_request_funcs,
        "context processor": app.template_context_processors,
        "URL value preprocessor": app.url_value_preprocessors,  # type: ignore[dict-item]
        "URL defaults": app.url_default_functions,  # type: ignore[dict-item]
        "teardown app context": {None: app.teardown_appcontext_funcs},
        "shell context processor": {None: app.shell_context_processors},
    }
    for what, by_scope in hooks.items():
        items |= {(what, function_name(fn), scope) for scope, fns in by_scope.items() for fn in fns
                  if function_name(fn) not in FLASK_OWN}
    for scope, by_code in app.error_handler_spec.items():
        for code, by_class in by_code.items():
            for cls, handler in by_class.items():
                key = str(code) if code is not None else function_name(cls)
                items.add(("error handler", f"{key}: {function_name(handler)}", scope))
    env = app.jinja_env
    items |= {("Jinja global", name, None) for name in env.globals}
    items |= {("Jinja filter", name, None) for name in env.filters}
    items |= {("Jinja test", name, None) for name in env.tests}
    items |= {("Jinja extension", name, None) for name in env.extensions}
    items |= {("extension key", name, None) for name in app.extensions}
    for name, command in app.cli.commands.items():
        items.add(("CLI group" if isinstance(command, click.Group) else "CLI command", name, None))
        if isinstance(command, click.Group):
            items |= {("CLI command", f"{name} {sub}", None) for sub in command.commands}
    return items


# -- the guide's table ---------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    what: str
    names: tuple[str, ...]
    applies: str
    when: str


def guide_rows() -> list[Row]:
    section = GUIDE.read_text().split(SECTION, 1)[1]
    table = []
    for line in section.splitlines():
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    rows = []
    for line in table[2:]:  # after the header and its rule
        what, names, applies, when, _why = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows.append(Row(what, tuple(re.findall(r"`([^`]+)`", names)), applies, when))
    return rows


def documented(rows: list[Row], conditions: set[str]) -> tuple[set[Item], list[str]]:
    """The items the rows promise under ``conditions``, and the URL endpoint patterns."""
    items: set[Item] = set()
    url_patterns: list[str] = []
    for row in rows:
        if row.when not in conditions:
            continue
        if row.what == "URL rule":
            url_patterns += row.names
            continue
        scope = SCOPES.get(row.applies)
        for name in row.names:
            if row.what == "config key" and name == "config.SETTINGS":
                items |= {("config key", key, None) for key in SETTINGS}
            else:
                items.add((row.what, name, scope))
    return items, url_patterns


# -- apps -------------------------------------------------------------------------


def bare_app() -> Flask:
    app = Flask("bare_host")
    app.config["SECRET_KEY"] = "footprint-test"
    return app


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Any]:
    engine = create_engine(f"sqlite:///{tmp_path / 'host.db'}")
    yield engine
    engine.dispose()


def mounted_difference(app: Flask, **adapters: Any) -> tuple[Flask, set[Item], set[Item]]:
    before = footprint(app)
    SecondOpinion(app, auth=ClinicAuth(), **adapters)
    after = footprint(app)
    assert before <= after, f"init_app removed or replaced: {sorted(before - after, key=str)}"
    return app, after - before, before


def compare(added: set[Item], app: Flask, conditions: set[str], before: frozenset[Item] = frozenset()) -> None:
    """``before``: what the host had already (a setting it chose is not added by init_app)."""
    expected, url_patterns = documented(guide_rows(), conditions)
    expected -= before
    urls = {item for item in added if item[0] == "URL rule"}
    assert added - urls == expected, (
        f"not in docs/hosting.md's table: {sorted(added - urls - expected, key=str)}; "
        f"in the table but not added: {sorted(expected - (added - urls), key=str)}")
    endpoints = {name for _, name, _ in urls}
    for endpoint in endpoints:
        assert any(fnmatch.fnmatchcase(endpoint, p) for p in url_patterns), endpoint
    for pattern in url_patterns:
        assert fnmatch.filter(endpoints, pattern), f"the table names {pattern}, init_app added none"
    prefix = app.config["SECONDOP_URL_PREFIX"]
    rules = [r for r in app.url_map.iter_rules() if r.endpoint in endpoints]
    assert all(r.rule == prefix or r.rule.startswith(prefix + "/") for r in rules)
    assert {r.rule for r in rules if r.endpoint == "secondop.static"} == {f"{prefix}/static/<path:filename>"}


# -- the tests --------------------------------------------------------------------


def test_the_table_is_well_formed() -> None:
    rows = guide_rows()
    assert len(rows) > 10
    kinds = {"config key", "URL rule", "blueprint", "before request", "after request", "context processor",
             "error handler", "teardown app context", "Jinja global", "Jinja filter", "Jinja extension",
             "extension key", "CLI group", "CLI command"}
    for row in rows:
        assert row.what in kinds | {"teardown request", "URL value preprocessor", "URL defaults",
                                    "shell context processor", "Jinja test"}, row
        assert row.names, row
        assert row.when in CONDITIONS, row
        if row.what in {"before request", "after request", "context processor", "error handler",
                        "teardown app context", "teardown request"}:
            assert row.applies in SCOPES, row
    assert kinds <= {row.what for row in rows}


def test_on_a_bare_app_init_app_adds_exactly_the_table(engine: Any, tmp_path: Path) -> None:
    """No Flask-Babel, the record store on an engine: every row applies."""
    app, added, _ = mounted_difference(bare_app(), records=SQLAlchemyRecordStore(engine=engine),
                                       files=LocalFileStore(tmp_path / "files"))
    compare(added, app, CONDITIONS)


def test_with_the_hosts_babel_and_session_only_the_always_rows(engine: Any, tmp_path: Path) -> None:
    """The host's Flask-Babel is kept (no Babel rows) and a host session gets no teardown hook."""
    app = bare_app()
    Babel(app)
    session = scoped_session(sessionmaker(bind=engine))
    app, added, _ = mounted_difference(app, records=SQLAlchemyRecordStore(session=session),
                                       files=LocalFileStore(tmp_path / "files"))
    compare(added, app, {ALWAYS, LEARN, SHARE})


def test_learn_alone_adds_the_same_except_its_pages_and_stores() -> None:
    """Learn alone (no stores): the same hooks, handlers and globals; fewer pages."""
    app = bare_app()
    app.config["SECONDOP_CAPABILITIES"] = ["learn"]
    app, added, before = mounted_difference(app)
    compare(added, app, {ALWAYS, NO_BABEL, LEARN}, frozenset(before))
    assert not any(name.startswith("secondop.packet") for what, name, _ in added if what == "URL rule")


def test_config_keys_are_the_settings(engine: Any, tmp_path: Path) -> None:
    app, added, _ = mounted_difference(bare_app(), records=SQLAlchemyRecordStore(engine=engine),
                                       files=LocalFileStore(tmp_path / "files"))
    assert {name for what, name, _ in added if what == "config key"} == set(SETTINGS)
    assert all(app.config[key] is not None or SETTINGS[key].default is None for key in SETTINGS)


@pytest.mark.parametrize("change", [
    lambda app: app.before_request(lambda: None),
    lambda app: app.after_request(lambda response: response),
    lambda app: app.teardown_request(lambda exc: None),
    lambda app: app.register_error_handler(418, lambda exc: ("", 418)),
    lambda app: app.jinja_env.globals.update(secondop_extra=1),
    lambda app: app.jinja_env.filters.update(secondop_extra=str),
    lambda app: app.config.update(SOMETHING_ELSE=1),
    lambda app: app.add_url_rule("/elsewhere", "elsewhere", lambda: ""),
    lambda app: app.extensions.update(other=1),
], ids=["before", "after", "teardown", "error", "global", "filter", "config", "url", "extension"])
def test_an_undocumented_addition_fails_the_comparison(engine: Any, tmp_path: Path,
                                                       change: Callable[[Flask], Any]) -> None:
    """The comparison would catch init_app adding one more thing of each kind."""
    app = bare_app()
    before = footprint(app)
    SecondOpinion(app, auth=ClinicAuth(), records=SQLAlchemyRecordStore(engine=engine),
                  files=LocalFileStore(tmp_path / "files"))
    change(app)
    with pytest.raises(AssertionError):
        compare(footprint(app) - before, app, CONDITIONS)
