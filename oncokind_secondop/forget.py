"""Forget a patient: every row and stored file of one patient id, gone.

A request-free service (no Flask): a host calls it when it deletes an
account, through :func:`oncokind_secondop.accounts.forget` (which also sends
the audit event and the ``patient_forgotten`` signal) or
``flask secondop forget-patient ID``.

It covers every table of the package's ``Base.metadata`` by its
``patient_id`` column, not a hand-kept list, so a table added later is
forgotten too (tests/test_forget.py fails if a table has no ``patient_id``).
The order is the one of every delete here: all rows in one transaction
(children before parents), then the bytes. A crash before the commit changes
nothing (run it again); a crash after it leaves only orphan files, which
``flask secondop sweep`` removes. A second run finds nothing and changes
nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Table, delete, select

from . import models  # noqa: F401  (every table registered before we look)
from .adapters import FileStore, RecordStore
from .db import STORAGE_KEY_COLUMN, Base

PATIENT_COLUMN = "patient_id"


@dataclass(frozen=True)
class Forgotten:
    """What was removed (counts only: no content, no names)."""

    rows: dict[str, int] = field(default_factory=dict)  # table name -> rows deleted
    files_removed: int = 0
    files_left: int = 0  # bytes that could not be deleted: orphans for the sweeper

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def changed_anything(self) -> bool:
        return self.total_rows > 0 or self.files_removed > 0

    def lines(self) -> list[str]:
        """Plain English lines for a terminal or a log (counts only)."""
        lines = [f"{table}: {count} row(s) deleted" for table, count in sorted(self.rows.items()) if count]
        lines.append(f"rows deleted: {self.total_rows}")
        lines.append(f"stored files deleted: {self.files_removed}")
        if self.files_left:
            lines.append(f"stored files left for `flask secondop sweep`: {self.files_left}")
        return lines


def patient_tables() -> list[Table]:
    """Every package table, children before the tables they refer to."""
    return list(reversed(Base.metadata.sorted_tables))


def tables_without_patient_column() -> list[str]:
    """Tables this service could not forget a patient in (should be none)."""
    return sorted(t.name for t in Base.metadata.sorted_tables if PATIENT_COLUMN not in t.c)


def forget_patient(store: RecordStore, files: FileStore | None, patient_id: str) -> Forgotten:
    """Delete every record of ``patient_id`` in every package table, then
    their stored files; touch no other patient. Idempotent.

    ``files`` may be None when no mounted capability stores files (then no
    table holding file keys has rows to read bytes for)."""
    if not patient_id:
        raise ValueError("forget_patient needs a patient id")
    missing = tables_without_patient_column()
    if missing:  # refuse rather than leave this patient's rows behind
        raise RuntimeError(f"tables without a {PATIENT_COLUMN} column: {', '.join(missing)}")
    tables = patient_tables()
    session = store.session
    keys: list[str] = []
    rows: dict[str, int] = {}
    with store.transaction():
        for table in tables:
            if STORAGE_KEY_COLUMN in table.c:
                keys += session.execute(select(table.c[STORAGE_KEY_COLUMN])
                                        .where(table.c[PATIENT_COLUMN] == patient_id)).scalars()
        for table in tables:  # children first, so foreign keys hold on every database
            result = session.execute(delete(table).where(table.c[PATIENT_COLUMN] == patient_id))
            rows[table.name] = int(getattr(result, "rowcount", 0) or 0)
    session.expire_all()  # records of this patient loaded earlier are gone now
    removed = left = 0
    for key in keys:  # bytes only after the rows' delete committed
        if files is None:
            left += 1
            continue
        try:
            files.delete(key)
        except Exception:  # a disk or cloud error: the sweeper removes the orphan later
            left += 1
        else:
            removed += 1
    return Forgotten(rows=rows, files_removed=removed, files_left=left)
