"""A second fake host, unlike ``tests/fake_host``: a small clinic portal in the
style of the Flask tutorial, with its own session login (``g.user``), the raw
``sqlite3`` driver for its users table, and no Flask-Login, Flask-SQLAlchemy
or CSRF of its own. It mounts the package exactly as docs/hosting.md says:
its own auth adapter (``auth.ClinicAuth``), ``SQLAlchemyRecordStore`` on an
engine over the portal's own SQLite file, and ``LocalFileStore``.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import create_engine
from werkzeug.security import check_password_hash, generate_password_hash

from oncokind_secondop import SecondOpinion
from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore

from .auth import ClinicAuth

SCHEMA = """
CREATE TABLE IF NOT EXISTS user (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: an id is never used twice
    email TEXT UNIQUE NOT NULL,
    name TEXT NOT NULL,
    birth_date TEXT,
    password TEXT NOT NULL
);
"""

PASSWORD = "clinic-password"
#: email -> (name, birth date): the people the tests sign in as.
PEOPLE = {
    "rosa@clinic.test": ("Rosa Alvarez", "1961-03-14"),
    "tom@clinic.test": ("Tom Okafor", "1979-11-02"),
}


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db  # type: ignore[no-any-return]


def close_db(exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def load_logged_in_user() -> None:
    user_id = session.get("user_id")
    g.user = None if user_id is None else get_db().execute(
        "SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()


def init_db(path: str) -> None:
    with closing(sqlite3.connect(path)) as db, db:  # closed after the commit
        db.executescript(SCHEMA)
        for email, (name, born) in PEOPLE.items():
            db.execute("INSERT OR IGNORE INTO user (email, name, birth_date, password) VALUES (?, ?, ?, ?)",
                       (email, name, born, generate_password_hash(PASSWORD)))


def create_app(data: Path, test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="plain-host-test-secret", DATABASE=str(data / "clinic.db"),
                      SECONDOP_BASE_TEMPLATE="layout.html")
    app.config.update(test_config or {})
    init_db(app.config["DATABASE"])

    # The portal's own hooks come first, so every package page (its 404s too) sees g.user.
    app.before_request(load_logged_in_user)
    app.teardown_appcontext(close_db)

    engine = create_engine(f"sqlite:///{app.config['DATABASE']}")
    SecondOpinion(
        app,
        auth=ClinicAuth(),
        records=SQLAlchemyRecordStore(engine=engine),
        files=LocalFileStore(data / "secondop-files"),
    )

    @app.route("/")
    def home() -> str:
        return "Plain Clinic home"

    @app.route("/login", methods=["GET", "POST"])
    def login() -> ResponseReturnValue:
        target = request.values.get("next", "")
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("home")
        error = None
        if request.method == "POST":
            user = get_db().execute("SELECT * FROM user WHERE email = ?",
                                    (request.form.get("email", ""),)).fetchone()
            if user is not None and check_password_hash(user["password"], request.form.get("password", "")):
                session.clear()
                session["user_id"] = user["id"]
                return redirect(target)
            error = "Wrong email or password."
        return render_template("login.html", next=target, error=error)

    @app.route("/logout")
    def logout() -> ResponseReturnValue:
        session.clear()
        return redirect(url_for("home"))

    return app
