"""The declarative base every record model of the package derives from.

All tables are prefixed ``secondop_`` and live in their own ``MetaData`` so
they never collide with the host's tables or migrations.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

TABLE_PREFIX = "secondop_"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PatientOwned:
    """Columns every patient record carries. ``patient_id`` is on every table
    (children included) so each query filters on it directly."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(64), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False
    )

    @declared_attr.directive
    @classmethod
    def __tablename__(cls) -> str:  # explicit names are still welcome on subclasses
        return TABLE_PREFIX + cls.__name__.lower()


class Versioned:
    """An edit counter for optimistic concurrency: a stale save answers 409."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


#: Columns a form may never set: identity, ownership and bookkeeping.
PROTECTED_COLUMNS = frozenset({"id", "patient_id", "created_at", "updated_at", "version"})

#: A model that owns stored bytes names the FileStore key ``storage_key`` and
#: keeps ``size`` and ``sha256`` beside it; the sweeper finds every such model
#: through :func:`models_with_files`, so a new one cannot be forgotten.
STORAGE_KEY_COLUMN = "storage_key"


def models_with_files() -> list[type[Base]]:
    """Every mapped model with a ``storage_key`` column (import models first)."""
    found = [m.class_ for m in Base.registry.mappers if STORAGE_KEY_COLUMN in m.columns]
    return sorted(found, key=lambda cls: cls.__name__)
