"""The record store: the package's tables on the host's SQLAlchemy 2.x.

Pass ``session=`` (a Flask-SQLAlchemy ``db.session``, any ``scoped_session``,
or a plain ``Session`` outside Flask, as unit tests of services do): the host
owns the session and its transaction boundary. Or pass ``engine=``: the store
keeps one session per application context (``expire_on_commit=False``) and
removes it at teardown. What the package relies on is written in
:class:`oncokind_secondop.adapters.RecordStore`; the contract kit
:class:`oncokind_secondop.testing.RecordStoreContract` checks it.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from flask import Flask
from flask.globals import app_ctx
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, scoped_session, selectinload, sessionmaker

from ..adapters import RecordStore, StaleVersion, StoredFile
from ..db import PROTECTED_COLUMNS, Base, PatientOwned, models_with_files, utcnow

R = TypeVar("R", bound=PatientOwned)

#: Ids and versions are SQL INTEGER columns: a number outside this range
#: (a URL id or a posted version) matches no row, rather than making the
#: driver fail (SQLite: OverflowError; PostgreSQL: integer out of range).
_SQL_INTEGER = range(-(2**31), 2**31)


def _app_context_id() -> int:
    """One session per app context. Each AppContext makes its own ``g`` and
    keeps it to the end, so that object's id is the context's, read through
    public attributes rather than the proxy's private _get_current_object()."""
    return id(app_ctx.g)


class SQLAlchemyRecordStore(RecordStore):
    def __init__(self, *, session: Session | scoped_session[Session] | None = None,
                 engine: Engine | None = None) -> None:
        if (session is None) == (engine is None):
            raise TypeError("SQLAlchemyRecordStore needs exactly one of session= or engine=")
        self._own: scoped_session[Session] | None = None
        if session is None:
            self._own = session = scoped_session(
                sessionmaker(bind=engine, expire_on_commit=False), scopefunc=_app_context_id)
        self._session: Session | scoped_session[Session] = session
        self._engine = engine

    # -- wiring ------------------------------------------------------------
    def init_app(self, app: Flask) -> None:
        own = self._own
        if own is not None:
            app.teardown_appcontext(lambda exc: own.remove())

    @property
    def session(self) -> Session:
        """The SQLAlchemy session (for services that need a joined query)."""
        return self._session  # type: ignore[return-value]  # a scoped_session proxies one

    @property
    def engine(self) -> Engine:
        if self._engine is not None:
            return self._engine
        bind = self._session.get_bind()
        return bind if isinstance(bind, Engine) else bind.engine

    def create_all(self) -> None:
        """Create the package's tables (tests and demos; hosts use migrations)."""
        Base.metadata.create_all(self.engine)

    # -- RecordStore -------------------------------------------------------
    def get(self, model: type[R], patient_id: str, object_id: int) -> R | None:
        if not isinstance(object_id, int) or object_id not in _SQL_INTEGER:
            return None
        stmt = select(model).where(model.id == object_id, model.patient_id == patient_id)
        return self.session.execute(stmt).scalar_one_or_none()

    def _scoped(self, model: type[PatientOwned], patient_id: str, where: Mapping[str, Any] | None) -> Any:
        stmt = select(model).where(model.patient_id == patient_id)
        for column, value in (where or {}).items():
            stmt = stmt.where(getattr(model, column) == value)
        return stmt

    def list(self, model: type[R], patient_id: str, *, where: Mapping[str, Any] | None = None,
             order_by: Sequence[str] = ("id",), load: Sequence[str] = ()) -> list[R]:
        stmt = self._scoped(model, patient_id, where)
        for name in order_by:
            column = getattr(model, name.lstrip("-"))
            stmt = stmt.order_by(column.desc() if name.startswith("-") else column.asc())
        for relation in load:
            stmt = stmt.options(selectinload(getattr(model, relation)))
        return list(self.session.execute(stmt).scalars().all())

    def count(self, model: type[PatientOwned], patient_id: str, *, where: Mapping[str, Any] | None = None) -> int:
        stmt = self._scoped(model, patient_id, where).with_only_columns(func.count()).order_by(None)
        return int(self.session.execute(stmt).scalar_one())

    def add(self, patient_id: str, record: R) -> R:
        record.patient_id = patient_id
        self.session.add(record)
        return record

    def update(self, model: type[R], patient_id: str, object_id: int, expected_version: int,
               values: Mapping[str, Any]) -> R:
        bad = PROTECTED_COLUMNS.intersection(values)
        if bad:
            raise ValueError(f"protected columns cannot be set: {sorted(bad)}")
        if not isinstance(object_id, int) or object_id not in _SQL_INTEGER:
            raise LookupError("no such record for this patient")
        if expected_version not in _SQL_INTEGER:  # no row has it: stale, like any other
            expected_version = -1
        versioned: Any = model  # a Versioned model (a plain PatientOwned one has no version)
        stmt = (
            update(model)
            .where(model.id == object_id, model.patient_id == patient_id,
                   versioned.version == expected_version)
            .values(**values, version=versioned.version + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        result = self.session.execute(stmt)
        current = self.get(model, patient_id, object_id)
        if current is None:
            raise LookupError("no such record for this patient")
        self.session.refresh(current)
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleVersion(current)
        return current

    def delete(self, patient_id: str, record: PatientOwned) -> None:
        if record.patient_id != patient_id:
            raise LookupError("no such record for this patient")
        self.session.delete(record)

    def all_stored_files(self) -> Iterator[StoredFile]:
        # Across all patients on purpose: only the sweeper calls this.
        from .. import models  # noqa: F401  (every model registered before we look)

        for model in models_with_files():
            stmt = select(model.storage_key, model.size, model.sha256).order_by(model.id)  # type: ignore[attr-defined]
            for key, size, sha256 in self.session.execute(stmt):
                yield StoredFile(key=key, size=size, sha256=sha256)

    def flush(self) -> None:
        self.session.flush()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
