"""The seams between this package and the host portal.

The host keeps identity, its database and its file storage. The package
reaches them only through the three interfaces below, passed to
``SecondOpinion.init_app(app, auth=..., records=..., files=...)``. Default
implementations live in :mod:`oncokind_secondop.contrib`. A host may write
its own :class:`AuthAdapter` and :class:`FileStore`; :class:`RecordStore` is
the package's own tables on the host's SQLAlchemy (see its docstring), so a
host passes the default (or a subclass of it) its session or engine. Each
has a contract kit in :mod:`oncokind_secondop.testing` for a host to run
against what it passes.

Every method that touches patient data takes the patient id explicitly, so a
query can never forget to scope itself.
"""
from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import IO, Any, TypeVar

from flask.typing import ResponseReturnValue
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .db import PatientOwned

# --------------------------------------------------------------------------
# Auth
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who is using the pages right now (a patient, or a caregiver)."""

    id: str
    display_name: str


@dataclass(frozen=True)
class PatientRef:
    """A patient as the host knows them. Name and date of birth appear on the
    packet cover so the receiving team can match every record."""

    id: str
    display_name: str
    date_of_birth: date | None = None


#: Every action the package asks :meth:`AuthAdapter.can` about (a test runs
#: every route and checks that the package asks for exactly these).
ACTIONS: frozenset[str] = frozenset(
    {"view", "add", "change", "delete", "upload", "export", "print", "download"}
)


class AuthAdapter(abc.ABC):
    """Identity and permissions, answered by the host on every request.

    Revoking a caregiver's access in the host must take effect on the next
    request: implementations must not cache answers across requests.
    """

    @abc.abstractmethod
    def current_actor(self) -> Actor | None:
        """The logged-in person, or None for an anonymous visitor."""

    @abc.abstractmethod
    def patients_for(self, actor: Actor) -> Sequence[PatientRef]:
        """Every patient this actor may act for (themselves first, if a patient)."""

    @abc.abstractmethod
    def can(self, actor: Actor, patient_id: str, action: str) -> bool:
        """Whether ``actor`` may do ``action`` on ``patient_id``'s records.

        ``action`` is always one of :data:`ACTIONS` (view, add, change, delete,
        upload, export, print, download); a host that allow-lists actions must
        answer every one of them."""

    @abc.abstractmethod
    def login_redirect(self) -> ResponseReturnValue:
        """The response that sends an anonymous visitor to the portal's login."""

    def get_patient(self, actor: Actor, patient_id: str) -> PatientRef | None:
        """The patient ``actor`` may act for with this id, or None."""
        for patient in self.patients_for(actor):
            if patient.id == patient_id:
                return patient
        return None


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------

#: A record of the package: one of its own models (``db.PatientOwned``).
R = TypeVar("R", bound=PatientOwned)


class StaleVersion(Exception):
    """Somebody saved the record after this form was opened (answer 409)."""

    def __init__(self, current: Any) -> None:
        super().__init__("record changed since it was read")
        self.current = current


class RecordStore(abc.ABC):
    """The package's own tables on the host's SQLAlchemy.

    This is not a storage-neutral interface, and does not pretend to be one.
    Like Flask-Security's SQLAlchemy datastores, the package brings its own
    models (:mod:`oncokind_secondop.models`, all ``secondop_*`` tables in
    their own ``MetaData``) and its own Alembic migrations, and runs them on
    the host's SQLAlchemy 2.x session or engine. The one implementation is
    :class:`oncokind_secondop.contrib.sqlalchemy.SQLAlchemyRecordStore`; this
    class is its documented surface (the methods services may call), and
    :class:`oncokind_secondop.testing.RecordStoreContract` checks a store
    against it. Subclass the default to add behaviour (logging, metrics);
    a store on anything but SQLAlchemy cannot honour what follows.

    **The host provides** either a session (a Flask-SQLAlchemy ``db.session``
    or any ``scoped_session``: the host owns the transaction boundary, and
    the package commits it at the end of each write) or an engine (the store
    keeps one session per app context and removes it at teardown); SQLite or
    PostgreSQL; and the package's tables, by running its migrations
    (``flask secondop db-upgrade``, which uses :attr:`engine`).

    **The package relies on** SQLAlchemy ORM behaviour, not only on these
    method names: records are its mapped model instances, kept in the
    session's identity map (``get`` twice gives the same object); attribute
    changes on a loaded record are saved by the next :meth:`flush` or
    :meth:`commit` (dirty tracking: several services change records by
    assignment, not through :meth:`update`); :meth:`flush` assigns generated
    ids; ``load=`` names ORM relationships, and relationships not named are
    loaded lazily on first access; deleting a worksheet deletes its opinions
    (ORM cascade). Services may also run a joined query on :attr:`session`.

    **Scoping.** Every read and write takes the patient id: a record of
    another patient is not found, listed, counted, updated or deleted.
    Ids and versions outside SQL's INTEGER range match nothing.
    """

    @abc.abstractmethod
    def get(self, model: type[R], patient_id: str, object_id: int) -> R | None:
        """One record of this patient, or None (also when it belongs to
        another patient, or ``object_id`` is not an int in INTEGER range)."""

    @abc.abstractmethod
    def list(
        self,
        model: type[R],
        patient_id: str,
        *,
        where: Mapping[str, Any] | None = None,
        order_by: Sequence[str] = ("id",),
        load: Sequence[str] = (),
    ) -> list[R]:
        """This patient's records of one kind, filtered by equality on columns,
        ordered by column names ("-name" for descending); ``load`` names ORM
        relationships to fetch eagerly (the others load lazily)."""

    @abc.abstractmethod
    def count(self, model: type[PatientOwned], patient_id: str, *,
              where: Mapping[str, Any] | None = None) -> int:
        """How many of this patient's records match."""

    @abc.abstractmethod
    def add(self, patient_id: str, record: R) -> R:
        """Stage a new record for this patient (its patient_id is set here,
        whatever it was); its id is known after :meth:`flush`."""

    @abc.abstractmethod
    def update(
        self, model: type[R], patient_id: str, object_id: int, expected_version: int,
        values: Mapping[str, Any],
    ) -> R:
        """Change a versioned record only if nobody saved it since
        ``expected_version`` was read: bump its version and ``updated_at``,
        and return it as saved now. Raise :class:`StaleVersion` (carrying the
        current record) otherwise, ``LookupError`` when this patient has no
        such record, ``ValueError`` for a protected column
        (:data:`oncokind_secondop.db.PROTECTED_COLUMNS`)."""

    @abc.abstractmethod
    def delete(self, patient_id: str, record: PatientOwned) -> None:
        """Stage the removal of one of this patient's records (``LookupError``
        for another patient's); ORM cascades apply."""

    @abc.abstractmethod
    def flush(self) -> None:
        """Send staged changes so generated ids are known."""

    @abc.abstractmethod
    def commit(self) -> None:
        """Make staged changes durable (the host's session: its transaction)."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Forget staged changes."""

    @property
    @abc.abstractmethod
    def session(self) -> Session:
        """The SQLAlchemy session the records live in (a ``scoped_session``
        proxies one), for a service that needs a joined query."""

    @property
    @abc.abstractmethod
    def engine(self) -> Engine:
        """The engine the package's migrations run on."""

    def all_stored_files(self) -> Iterator[StoredFile]:
        """Key, size and SHA-256 of every stored file that a row references,
        for **all patients** (every table with a file key).

        Not patient-scoped on purpose: only the maintenance sweeper
        (:mod:`oncokind_secondop.sweep`) calls it, never a view. A store that
        cannot answer leaves this default; the sweeper then refuses to run.
        """
        raise NotImplementedError(
            f"{type(self).__name__} cannot list stored files; implement all_stored_files()")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One unit of work: commit on success, roll back on any error."""
        try:
            yield
            self.commit()
        except BaseException:
            self.rollback()
            raise


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


class FileTooLarge(Exception):
    """The stream went past the allowed size; nothing was kept."""


class PendingFile(abc.ABC):
    """A file being written. Nothing is visible under a key until
    :meth:`commit`; :meth:`abort` (or an error) leaves nothing behind."""

    @abc.abstractmethod
    def write(self, data: bytes) -> int: ...

    @abc.abstractmethod
    def commit(self) -> StoredFile: ...

    @abc.abstractmethod
    def abort(self) -> None: ...

    @property
    @abc.abstractmethod
    def size(self) -> int: ...

    def __enter__(self) -> PendingFile:
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is not None:
            self.abort()


class FileStore(abc.ABC):
    """Where document bytes live. Keys are random and never derived from
    user input; authorization happens through the document row, never here."""

    @abc.abstractmethod
    def begin(self, *, max_size: int | None = None) -> PendingFile:
        """Start writing a new file; writing past ``max_size`` raises FileTooLarge."""

    def put(self, chunks: Iterable[bytes] | IO[bytes], *, max_size: int | None = None,
            chunk_size: int = 1024 * 1024) -> StoredFile:
        """Store a stream or an iterable of byte chunks; return key, size, SHA-256."""
        if hasattr(chunks, "read"):
            stream = chunks
            chunks = iter(lambda: stream.read(chunk_size), b"")
        with self.begin(max_size=max_size) as pending:
            for chunk in chunks:
                pending.write(chunk)
            return pending.commit()

    @abc.abstractmethod
    def open(self, key: str) -> IO[bytes]:
        """Open a stored file for reading (raise FileNotFoundError if absent)."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove a stored file; a missing key is not an error."""

    @abc.abstractmethod
    def keys(self) -> Iterator[str]:
        """Every stored key (used by the sweeper to find orphans)."""

    def exists(self, key: str) -> bool:
        try:
            self.open(key).close()
        except FileNotFoundError:
            return False
        return True

    def stored_at(self, key: str) -> float | None:
        """When the file under ``key`` was written (POSIX time), or None when
        this store cannot tell; raise FileNotFoundError if there is no such key.

        The sweeper removes a file no row references only once it is older
        than its grace period, so an upload between its rename and its
        database commit is never taken for an orphan. With None it removes
        such files only when asked for no grace period at all."""
        if not self.exists(key):
            raise FileNotFoundError(key)
        return None

    def sweep_temporary(self, older_than_seconds: float = 3600, *, dry_run: bool = False) -> int:
        """Remove abandoned partial writes older than ``older_than_seconds``;
        return how many (with ``dry_run``, how many would go). Optional."""
        return 0
