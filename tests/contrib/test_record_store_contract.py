"""The record store contract (oncokind_secondop.testing.RecordStoreContract)
against the default store in every way a host can wire it: engine=, a plain
scoped_session, Flask-SQLAlchemy's db.session, and a bare Session (how the
services' unit tests use it, without an app). SQLite by default; PostgreSQL
when SECONDOP_TEST_DATABASE_URL is set."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from oncokind_secondop import models  # noqa: F401  (every table in the metadata)
from oncokind_secondop.adapters import RecordStore
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore
from oncokind_secondop.db import Base
from oncokind_secondop.testing import RecordStoreContract


def _url(tmp_path: Path) -> str:
    return os.environ.get("SECONDOP_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'records.db'}"


def _fresh_engine(tmp_path: Path) -> Engine:
    engine = create_engine(_url(tmp_path))
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    return engine


class TestEngineMode(RecordStoreContract):
    def make_store(self, tmp_path: Path) -> Iterator[RecordStore]:
        engine = _fresh_engine(tmp_path)
        store = SQLAlchemyRecordStore(engine=engine)
        app = Flask("contract-engine")
        store.init_app(app)
        with app.app_context():
            yield store
            store.rollback()
        Base.metadata.drop_all(engine)
        engine.dispose()


class TestScopedSession(RecordStoreContract):
    def make_store(self, tmp_path: Path) -> Iterator[RecordStore]:
        engine = _fresh_engine(tmp_path)
        session = scoped_session(sessionmaker(bind=engine))
        yield SQLAlchemyRecordStore(session=session)
        session.remove()
        Base.metadata.drop_all(engine)
        engine.dispose()


class TestPlainSession(RecordStoreContract):
    def make_store(self, tmp_path: Path) -> Iterator[RecordStore]:
        engine = _fresh_engine(tmp_path)
        with Session(engine) as session:
            yield SQLAlchemyRecordStore(session=session)
            session.rollback()
        Base.metadata.drop_all(engine)
        engine.dispose()


class TestFlaskSQLAlchemy(RecordStoreContract):
    def make_store(self, tmp_path: Path) -> Iterator[RecordStore]:
        app = Flask("contract-flask-sqlalchemy")
        app.config["SQLALCHEMY_DATABASE_URI"] = _url(tmp_path)
        db = SQLAlchemy()
        db.init_app(app)
        store = SQLAlchemyRecordStore(session=db.session)
        store.init_app(app)
        with app.app_context():
            Base.metadata.drop_all(db.engine)
            Base.metadata.create_all(db.engine)
            yield store
            db.session.remove()
            Base.metadata.drop_all(db.engine)
