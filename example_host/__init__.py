"""A small but real patient portal that mounts oncokind_secondop.

It owns what a hospital portal owns: its users and passwords, login and
logout, caregiver (proxy) links, its layout, its language switcher and
translations, and its database. The extension is mounted with the default
adapters on this portal's Flask-SQLAlchemy session and a local data folder.

Run: ``flask --app example_host run`` (data in ``$EXAMPLE_HOST_DATA``,
default ``instance/``).
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, request, session
from flask_babel import Babel, get_locale
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from oncokind_secondop import PatientRef, SecondOpinion
from oncokind_secondop.contrib.flask_login import FlaskLoginAuth
from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore

from .models import SESSION_TOKEN, PortalSession, User, db, seed_demo_accounts

LANGUAGES = {
    "en": "English",
    "es": "Español",
    "zh_Hans": "中文（简体）",
    "vi": "Tiếng Việt",
    "ko": "한국어",
    "tl": "Tagalog",
    "ar": "العربية",
}

HERE = Path(__file__).resolve().parent


def data_folder(app: Flask) -> Path:
    """The data folder, private to the user running the portal (0700)."""
    folder = Path(os.environ.get("EXAMPLE_HOST_DATA") or app.instance_path).resolve()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)  # also an older folder made with the umask's 0755
    return folder


def private_database(path: Path) -> None:
    """Create the SQLite file owner-only (0600) before SQLite opens it: SQLite
    creates it with the umask (0644), and its -wal and -shm files copy the
    database file's mode."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    path.chmod(0o600)


@contextmanager
def setup_lock(folder: Path) -> Iterator[None]:
    """One process at a time through the first-start set-up (secret key,
    tables, migrations, demo accounts): gunicorn starts its workers at once,
    and each runs ``create_app()``. Without this lock they race on a new
    folder, and the losers stop the server (duplicate demo accounts, a
    migration applied twice) or sign sessions with different secret keys."""
    try:
        import fcntl
    except ImportError:  # Windows: `flask run` is one process
        yield
        return
    with (folder / "setup.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def secret_key(folder: Path) -> str:
    """A per-installation secret kept in the data folder (never in git)."""
    path = folder / "secret_key"
    if not path.exists():  # created owner-only from the start
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def select_locale() -> str | None:
    """The switcher's choice, else the browser's Accept-Language."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    folder = data_folder(app)
    with setup_lock(folder):
        key = secret_key(folder)
    app.config.from_mapping(
        SECRET_KEY=key,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'portal.db'}",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # The extension's settings (see the README's config table).
        SECONDOP_BASE_TEMPLATE="base.html",
        SECONDOP_SUPPORT_CONTACT="Patient portal help desk: 555-0100 (example)",
        EXAMPLE_HOST_FILES=str(folder / "files"),
    )
    app.config.from_prefixed_env("EXAMPLE_HOST")
    if test_config:
        app.config.update(test_config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # gunicorn runs several processes that write to one file. SQLite's
        # default 5 s wait for the write lock ran out under load
        # (bench/load.py: "database is locked" on saves); wait up to 30 s.
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {}).setdefault("timeout", 30)

    database = app.config["SQLALCHEMY_DATABASE_URI"]
    if database == f"sqlite:///{folder / 'portal.db'}":
        private_database(folder / "portal.db")
    db.init_app(app)
    CSRFProtect(app)
    Babel(app, locale_selector=select_locale)
    login_manager = LoginManager(app)
    login_manager.login_view = "portal.login"
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # Signed in only while the server still holds this browser's session.
        record = db.session.get(PortalSession, str(session.get(SESSION_TOKEN, "")))
        if record is None or str(record.user_id) != user_id:
            return None
        return db.session.get(User, int(user_id))

    def patient_of(user: User) -> PatientRef | None:
        return user.as_patient() if user.is_patient else None

    def cares_for(user: User) -> list[PatientRef]:
        return [link.patient.as_patient() for link in user.active_caregiver_links()]

    SecondOpinion(
        app,
        auth=FlaskLoginAuth(patient_of=patient_of, cares_for=cares_for),
        records=SQLAlchemyRecordStore(session=db.session),
        files=LocalFileStore(app.config["EXAMPLE_HOST_FILES"]),
    )

    from .views import portal

    app.register_blueprint(portal)
    app.jinja_env.globals.update(portal_languages=LANGUAGES, get_locale=get_locale)

    with setup_lock(folder), app.app_context():
        if db.engine.dialect.name == "sqlite":
            # Write-ahead log: readers no longer block a commit, nor a commit
            # the readers, so a save waits only for other saves. Kept in the
            # database file, so once is enough.
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        db.create_all()
        from oncokind_secondop.migrate import upgrade

        upgrade(db.engine)
        seed_demo_accounts()
    return app
