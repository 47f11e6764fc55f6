"""A small fake host portal for the tests: its own layout, users, Flask-Login,
Flask-Babel and CSRF, and the package mounted with the default adapters.

The example portal in ``example_host/`` is the fuller, real one.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask, abort, request
from flask_babel import Babel
from flask_login import LoginManager, UserMixin, login_user, logout_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import create_engine

from oncokind_secondop import PatientRef, SecondOpinion
from oncokind_secondop.contrib.flask_login import FlaskLoginAuth
from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore

HERE = Path(__file__).parent


@dataclass
class FakeUser(UserMixin):
    id: str
    name: str
    email: str
    date_of_birth: date | None = None
    is_patient: bool = True

    def get_id(self) -> str:
        return self.id


@dataclass
class Directory:
    """The host's people and caregiver links; tests may change it mid-run."""

    users: dict[str, FakeUser] = field(default_factory=dict)
    links: set[tuple[str, str]] = field(default_factory=set)  # (caregiver_id, patient_id)

    def by_email(self, email: str) -> FakeUser:
        return next(u for u in self.users.values() if u.email == email)

    def patient_ref(self, user: FakeUser) -> PatientRef:
        return PatientRef(id=user.id, display_name=user.name, date_of_birth=user.date_of_birth)


def default_directory() -> Directory:
    d = Directory()
    for user in (
        FakeUser("p-maria", "Maria Lopez", "maria@example.org", date(1968, 4, 2)),
        FakeUser("p-lee", "Lee Chen", "lee@example.org", date(1975, 9, 30)),
        FakeUser("c-sam", "Sam Lopez", "sam@example.org", is_patient=False),
        FakeUser("c-rita", "Rita Moss", "rita@example.org", is_patient=False),
        FakeUser("c-ana", "Ana Ruiz", "ana@example.org", is_patient=False),
    ):
        d.users[user.id] = user
    d.links |= {("c-sam", "p-maria"), ("c-ana", "p-maria"), ("c-ana", "p-lee")}
    return d


def database_url(tmp_path: Path) -> str:
    return os.environ.get("SECONDOP_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


def create_app(tmp_path: Path, test_config: dict[str, Any] | None = None,
               directory: Directory | None = None, *, csrf: bool = False,
               template_folder: Path | None = None, stores: bool = True) -> Flask:
    """``stores=False`` mounts with ``auth`` only (Learn alone needs no store)."""
    app = Flask("fake_host", template_folder=str(template_folder or HERE / "templates"))
    app.config.update(SECRET_KEY="test-secret", TESTING=True, WTF_CSRF_ENABLED=csrf,
                      SECONDOP_BASE_TEMPLATE="base.html")
    app.config.update(test_config or {})
    people = directory or default_directory()
    app.extensions["fake_directory"] = people

    login = LoginManager(app)
    login.login_view = "login"
    login.user_loader(people.users.get)
    Babel(app, locale_selector=lambda: request.args.get("lang") or "en",
          default_translation_directories=str(HERE / "translations"))
    if csrf:
        CSRFProtect(app)

    def patient_of(user: FakeUser) -> PatientRef | None:
        return people.patient_ref(user) if user.is_patient else None

    def cares_for(user: FakeUser) -> list[PatientRef]:
        return [people.patient_ref(people.users[p]) for c, p in sorted(people.links) if c == user.id]

    auth = FlaskLoginAuth(patient_of=patient_of, cares_for=cares_for)
    if stores:
        records = SQLAlchemyRecordStore(engine=create_engine(database_url(tmp_path)))
        SecondOpinion(app, auth=auth, records=records, files=LocalFileStore(tmp_path / "files"))
    else:
        SecondOpinion(app, auth=auth)

    @app.route("/")
    def home() -> str:
        return "fake host home"

    @app.route("/login", endpoint="login")
    def login_page() -> str:
        return "fake host login page"

    @app.route("/test-login/<user_id>")
    def test_login(user_id: str) -> str:
        user = people.users.get(user_id) or abort(404)
        login_user(user)
        return "ok"

    @app.route("/test-logout")
    def test_logout() -> str:
        logout_user()
        return "ok"

    return app
