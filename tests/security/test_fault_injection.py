"""Fault injection, SQLite-style: make the file store or the database fail at
every step of upload, delete and export, then check the invariants.

One table (``POINTS``) names each fault point: the operation, the step that
fails, what the user gets and how many orphans the fault may leave. After
every fault:

* the user gets our error page, never a traceback (5xx only where the fault
  is the server's: a disk or database failure; none of these is the user's);
  a fault after a download has started cannot change its status, so the
  stream stops (the browser sees an unfinished download) and every file
  handle is closed;
* every document row has its file, and the file's SHA-256 matches (read);
* no temporary file is left, before any sweep;
* the only object files without a row are the orphans the table allows
  (bytes whose row's delete committed), and ``flask secondop sweep
  --grace-seconds 0`` removes them: afterwards no file is without a row.

Delete removes the bytes only after its commit: a failed commit keeps row
and file; a failure after the commit leaves an orphan for the sweeper.
"""
from __future__ import annotations

import errno
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

import pytest
from flask import Flask
from sqlalchemy import event, exc

from oncokind_secondop.contrib import localfs
from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import Document, Packet
from oncokind_secondop.signals import AuditEvent, audit_event

from ..packet.conftest import BASE, PacketHelper
from ..uploads.samples import pdf_bytes

# --------------------------------------------------------------------------
# The world each fault runs against
# --------------------------------------------------------------------------


@dataclass
class World:
    app: Flask
    packets: PacketHelper  # logged in as Maria: its client sends every request
    packet_id: int
    documents: list[Document]
    handles: list[IO[bytes]]  # every file the store opened during the operation
    undo: list[Callable[[], None]] = field(default_factory=list)  # event listeners to remove

    @property
    def client(self) -> Any:
        return self.packets.client

    @property
    def store(self) -> LocalFileStore:
        with self.app.app_context():
            return current_secondop.files  # type: ignore[no-any-return]

    def engine(self) -> Any:
        with self.app.app_context():
            return current_secondop.records.engine

    def records(self) -> Any:
        with self.app.app_context():
            return current_secondop.records


@pytest.fixture
def world(app: Flask, client: Any, auth: Any, monkeypatch: pytest.MonkeyPatch) -> World:
    """Maria's packet with two documents; then every store ``open`` is tracked."""
    auth.login("p-maria")
    helper = PacketHelper(app, client)
    packet_id = helper.create()
    files = [(pdf_bytes(1), "first.pdf"), (pdf_bytes(2), "second.pdf")]
    assert helper.upload(packet_id, "clinic_notes", files).status_code == 303
    documents = helper.all(Document, packet_id=packet_id)
    assert len(documents) == 2
    handles: list[IO[bytes]] = []
    real_open = LocalFileStore.open

    def tracked_open(self: LocalFileStore, key: str) -> IO[bytes]:
        handle = real_open(self, key)
        handles.append(handle)
        return handle

    monkeypatch.setattr(LocalFileStore, "open", tracked_open)
    app.testing = False  # faults answer with the 500 page instead of raising into the test
    return World(app, helper, packet_id, documents, handles)


# --------------------------------------------------------------------------
# Fault injectors
# --------------------------------------------------------------------------


class InjectedFault(OSError):
    """The failure we inject (an I/O error, as a disk or a network store gives)."""

    def __init__(self, where: str) -> None:
        super().__init__(errno.EIO, f"injected fault: {where}")


def fail_on_call(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, call: int,
                 error: Callable[[], BaseException] | None = None) -> None:
    """Make ``owner.name`` raise on its ``call``-th call (1-based) only."""
    real = getattr(owner, name)
    calls = {"n": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == call:
            raise (error() if error else InjectedFault(name))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)


def fail_statement(monkeypatch: pytest.MonkeyPatch, world: World, prefix: str) -> None:
    """The database refuses every statement starting with ``prefix``."""
    engine = world.engine()

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith(prefix):
            raise exc.OperationalError(statement, {}, Exception("injected: disk I/O error"))

    event.listen(engine, "before_cursor_execute", before)
    world.undo.append(lambda: event.remove(engine, "before_cursor_execute", before))


def fail_commit(monkeypatch: pytest.MonkeyPatch, world: World) -> None:
    """The database refuses the COMMIT: nothing becomes durable."""
    engine = world.engine()

    def on_commit(conn: Any) -> None:
        raise exc.OperationalError("COMMIT", {}, Exception("injected: could not commit"))

    event.listen(engine, "commit", on_commit)
    world.undo.append(lambda: event.remove(engine, "commit", on_commit))


def lose_commit_answer(monkeypatch: pytest.MonkeyPatch, world: World) -> None:
    """The COMMIT is durable but its answer is lost (the connection drops on
    the way back): the application sees an error for a commit that happened."""
    records = world.records()
    real = records.commit

    def commit() -> None:
        real()
        raise exc.OperationalError("COMMIT", {}, Exception("injected: connection lost"))

    monkeypatch.setattr(records, "commit", commit)


def fail_audit(monkeypatch: pytest.MonkeyPatch, world: World, action: str) -> None:
    """The host's audit sink fails on the success event (after the commit)."""

    def receiver(sender: Flask, event: AuditEvent) -> None:
        if event.action == action and event.outcome == "success":
            raise RuntimeError("injected: audit store down")

    audit_event.connect(receiver, sender=world.app)
    world.undo.append(lambda: audit_event.disconnect(receiver, sender=world.app))


class FlakyReader:
    """A stored file whose reads fail once more than ``limit`` bytes were read:
    the integrity check passes, the streaming read after it fails."""

    def __init__(self, handle: IO[bytes], limit: int) -> None:
        self._handle = handle
        self._limit = limit
        self._read = 0

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        if data and self._read + len(data) > self._limit:
            raise InjectedFault("read")
        self._read += len(data)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __enter__(self) -> FlakyReader:
        return self

    def __exit__(self, *_: Any) -> None:
        self._handle.close()


def flaky_open(monkeypatch: pytest.MonkeyPatch, world: World, *, nth_open: int, limit: int) -> None:
    real = LocalFileStore.open  # the tracked one
    calls = {"n": 0}

    def open_(self: LocalFileStore, key: str) -> Any:
        calls["n"] += 1
        handle = real(self, key)
        return FlakyReader(handle, limit) if calls["n"] == nth_open else handle

    monkeypatch.setattr(LocalFileStore, "open", open_)


# --------------------------------------------------------------------------
# Operations
# --------------------------------------------------------------------------


def op_upload(world: World) -> Any:
    # Two files, so a fault on the second finds the first already stored.
    return world.packets.upload(world.packet_id, "clinic_notes",
                                [(pdf_bytes(1), "third.pdf"), (pdf_bytes(3), "fourth.pdf")])


def op_delete_document(world: World) -> Any:
    return world.client.post(f"{BASE}/{world.packet_id}/documents/{world.documents[0].id}/delete")


def op_delete_packet(world: World) -> Any:
    return world.client.post(f"{BASE}/{world.packet_id}/delete")


def op_download(world: World) -> Any:
    return world.client.get(f"{BASE}/{world.packet_id}/documents/{world.documents[0].id}/download")


def op_export_zip(world: World) -> Any:
    return world.client.get(f"{BASE}/{world.packet_id}/export/packet.zip")


OPERATIONS: dict[str, Callable[[World], Any]] = {
    "upload": op_upload,
    "delete_document": op_delete_document,
    "delete_packet": op_delete_packet,
    "download": op_download,
    "export_zip": op_export_zip,
}


# --------------------------------------------------------------------------
# The table of fault points
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    name: str
    operation: str
    arm: Callable[[pytest.MonkeyPatch, World], None]
    status: int          # what the user gets (5xx: a server fault)
    rows: int            # change in the number of document rows
    orphans: int = 0     # object files without a row, until the sweeper runs
    body: str = "read"   # "read": body reads fine; "broken": the stream stops; "gone": client leaves


def _write_on_second_file(m: pytest.MonkeyPatch, w: World) -> None:
    fail_on_call(m, localfs._LocalPendingFile, "write", 2)


# Every fault below is the server's (its disk, its database, its audit store), so a
# page answer is our 500 page; the user's own mistakes (too large, wrong type) are 4xx
# and live in tests/uploads and tests/security/test_hostile_uploads.py. A failure to
# delete bytes after the delete committed is not shown to the user (302: the document
# is gone for them); the sweeper removes the orphan.
POINTS = [
    # Upload: temp file → write → fsync → rename → fsync dir → re-read to validate → flush → commit.
    Point("upload/begin temp file", "upload",
          lambda m, w: fail_on_call(m, LocalFileStore, "begin", 2), 500, 0),
    Point("upload/temp write (disk full)", "upload", _write_on_second_file, 500, 0),
    # os.fsync runs twice per file (data, then its folder): call 3 is the second file's data.
    Point("upload/fsync of the data (second file)", "upload",
          lambda m, w: fail_on_call(m, localfs.os, "fsync", 3), 500, 0),
    Point("upload/rename", "upload", lambda m, w: fail_on_call(m, localfs.os, "replace", 2), 500, 0),
    Point("upload/fsync dir after rename", "upload",
          lambda m, w: fail_on_call(m, localfs, "_fsync_dir", 2), 500, 0),
    Point("upload/re-read for validation", "upload",
          lambda m, w: fail_on_call(m, LocalFileStore, "open", 2), 500, 0),
    Point("upload/database flush", "upload",
          lambda m, w: fail_statement(m, w, "INSERT INTO SECONDOP_PACKET_DOCUMENT"), 500, 0),
    Point("upload/database commit", "upload", fail_commit, 500, 0),
    Point("upload/commit durable, answer lost", "upload", lose_commit_answer, 500, +2),
    Point("upload/database gone (commit and the check after it)", "upload",
          lambda m, w: (fail_commit(m, w), fail_statement(m, w, "SELECT SECONDOP_PACKET_DOCUMENT")),
          500, 0, 2),
    Point("upload/audit sink after commit", "upload", lambda m, w: fail_audit(m, w, "upload"), 500, +2),
    # Delete one document: row delete → flush → commit → then the bytes.
    Point("delete/database flush", "delete_document",
          lambda m, w: fail_statement(m, w, "DELETE FROM SECONDOP_PACKET_DOCUMENT"), 500, 0),
    Point("delete/database commit", "delete_document", fail_commit, 500, 0),
    Point("delete/commit durable, answer lost", "delete_document", lose_commit_answer, 500, -1, 1),
    Point("delete/byte delete after commit (OSError)", "delete_document",
          lambda m, w: fail_on_call(m, LocalFileStore, "delete", 1), 302, -1, 1),
    Point("delete/byte delete after commit (store error)", "delete_document",
          lambda m, w: fail_on_call(m, LocalFileStore, "delete", 1, lambda: RuntimeError("S3 said no")),
          302, -1, 1),
    Point("delete/audit sink after commit", "delete_document",
          lambda m, w: fail_audit(m, w, "delete"), 500, -1),
    # Delete the whole packet (two documents).
    Point("packet delete/database flush", "delete_packet",
          lambda m, w: fail_statement(m, w, "DELETE FROM SECONDOP_PACKET_DOCUMENT"), 500, 0),
    Point("packet delete/database commit", "delete_packet", fail_commit, 500, 0),
    Point("packet delete/commit durable, answer lost", "delete_packet", lose_commit_answer, 500, -2, 2),
    Point("packet delete/byte delete after commit", "delete_packet",
          lambda m, w: fail_on_call(m, LocalFileStore, "delete", 2), 302, -2, 1),
    # Download: verify (read once) → stream (read again).
    Point("download/read while verifying", "download",
          lambda m, w: fail_on_call(m, LocalFileStore, "open", 1), 500, 0),
    Point("download/read while streaming", "download",
          lambda m, w: flaky_open(m, w, nth_open=1, limit=w.documents[0].size), 200, 0, body="broken"),
    Point("download/client disconnects", "download", lambda m, w: None, 200, 0, body="gone"),
    # ZIP export: load rows → verify every file → stream.
    Point("export/database read", "export_zip",
          lambda m, w: fail_statement(m, w, "SELECT SECONDOP_PACKET_DOCUMENT"), 500, 0),
    Point("export/read while verifying", "export_zip",
          lambda m, w: fail_on_call(m, LocalFileStore, "open", 2), 500, 0),
    Point("export/read while streaming", "export_zip",
          lambda m, w: flaky_open(m, w, nth_open=3, limit=0), 200, 0, body="broken"),
    Point("export/audit sink", "export_zip", lambda m, w: fail_audit(m, w, "export"), 500, 0),
    Point("export/client disconnects", "export_zip", lambda m, w: None, 200, 0, body="gone"),
]


def test_every_point_has_a_unique_name_and_every_operation_is_covered() -> None:
    assert len({p.name for p in POINTS}) == len(POINTS)
    assert {p.operation for p in POINTS} == set(OPERATIONS)


# --------------------------------------------------------------------------
# The invariants
# --------------------------------------------------------------------------


def _read_body(response: Any, point: Point, world: World) -> bytes:
    if point.body == "gone":
        chunks = iter(response.response)
        body = next(chunks)
        if point.operation == "export_zip":  # leave while a stored file is being sent
            while len(world.handles) <= 2:   # two opened to verify, the third to stream
                body += next(chunks)
        response.close()
        return body
    return response.get_data()


def check_page(response: Any, point: Point, body: bytes) -> None:
    assert response.status_code == point.status, body[:2000]
    if point.status >= 500:
        text = body.decode()
        assert "Something went wrong on our side" in text   # our error page ...
        assert 'id="fake-host-nav"' in text                  # ... inside the host's layout
        assert "Traceback" not in text and "injected" not in text
    elif point.status == 302:
        assert response.location


def check_invariants(world: World, runner: Any, point: Point, rows_before: int) -> None:
    store = world.store
    assert all(handle.closed for handle in world.handles), "a stored file was left open"
    assert store.temporary_files() == [], "a temporary file was left behind"
    documents = world.packets.all(Document)
    assert len(documents) == rows_before + point.rows
    for document in documents:
        with store.open(document.storage_key) as fh:
            data = fh.read()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (document.size, document.sha256)
    referenced = {d.storage_key for d in documents}
    assert len(set(store.keys()) - referenced) == point.orphans

    result = runner.invoke(args=["secondop", "sweep", "--grace-seconds", "0"])
    assert result.exit_code == 0, result.output
    assert f"orphan files removed (no row, older than 0 s): {point.orphans}" in result.output
    assert set(store.keys()) == referenced


@pytest.mark.parametrize("point", POINTS, ids=[p.name for p in POINTS])
def test_fault(point: Point, world: World, runner: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    rows_before = len(world.packets.all(Document))
    with monkeypatch.context() as faults:
        point.arm(faults, world)
        try:
            if point.body == "broken":
                # The server may already have sent the headers: the stream just
                # stops (the browser sees an unfinished download).
                with pytest.raises(InjectedFault):
                    OPERATIONS[point.operation](world).get_data()
                response = body = None
            else:
                response = OPERATIONS[point.operation](world)
                body = _read_body(response, point, world)
        finally:
            for undo in world.undo:
                undo()
    if response is not None:
        check_page(response, point, body)
    check_invariants(world, runner, point, rows_before)
    if point.operation == "delete_packet" and point.rows == 0:
        assert world.packets.get(Packet, world.packet_id) is not None


# --------------------------------------------------------------------------
# The promised order of a delete, stated on its own
# --------------------------------------------------------------------------


def test_delete_removes_the_bytes_only_after_the_commit(world: World, monkeypatch) -> None:
    order: list[str] = []
    records = world.records()
    real_commit, real_delete = records.commit, LocalFileStore.delete

    def commit() -> None:
        order.append("commit")
        real_commit()

    def delete(self: LocalFileStore, key: str) -> None:
        order.append("delete bytes")
        real_delete(self, key)

    monkeypatch.setattr(records, "commit", commit)
    monkeypatch.setattr(LocalFileStore, "delete", delete)
    assert op_delete_document(world).status_code == 302
    assert order == ["commit", "delete bytes"]
