"""Share services without an app (a SQLite store and a plain Session): the
token and code are never stored in clear, a share opens only with the right
code while active, wrong codes lock it, revocation and expiry end it, what a
share includes is what it shows, and everything stays scoped by patient."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore
from oncokind_secondop.errors import NotFound
from oncokind_secondop.limits import LimitReached
from oncokind_secondop.packet import services as packets
from oncokind_secondop.packet.models import ChecklistItem, Document, Share, ShareAccess, SlideRecord
from oncokind_secondop.share import services
from oncokind_secondop.share.services import CodeResult, ShareState

MARIA, LEE = "p-maria", "p-lee"
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def _packet(store: SQLAlchemyRecordStore, patient: str = MARIA) -> Any:
    return packets.create_packet(store, patient, {"center_name": "City Cancer Center"},
                                 max_packets=10, max_events=200, max_slides=40)


def _share(store: SQLAlchemyRecordStore, packet: Any, patient: str = MARIA, **kw: Any) -> services.NewShare:
    values: dict[str, Any] = dict(
        team_name="Dr Ruiz, Lakeside Oncology", contact="", days=14, item_keys=(),
        patient_name="Maria Lopez", patient_birth_date=date(1968, 4, 2), created_by=patient,
        max_days=90, max_shares=20, now=NOW,
    )
    values.update(kw)
    return services.create_share(store, patient, packet.id, **values)


def _document(store: SQLAlchemyRecordStore, packet: Any, key: str, name: str) -> Document:
    item = store.list(ChecklistItem, MARIA, where={"packet_id": packet.id, "key": key})[0]
    with store.transaction():
        doc = store.add(MARIA, Document(packet_id=packet.id, item_id=item.id, display_name=name,
                                        kind="pdf", storage_key=f"k-{name}", mimetype="application/pdf",
                                        size=3, sha256="0" * 64))
        store.flush()
    return doc


def test_token_and_code_are_shown_once_and_stored_only_as_hashes(store: SQLAlchemyRecordStore) -> None:
    new = _share(store, _packet(store))
    assert len(new.token) >= 22  # 16 random bytes, URL-safe base64
    assert len(new.code) == 11 and new.code[5] == "-"
    row = store.session.scalars(select(Share)).one()
    stored = " ".join(str(v) for v in vars(row).values())
    assert new.token not in stored and services.normalize_code(new.code) not in stored
    assert row.token_hash == hashlib.sha256(new.token.encode()).hexdigest()
    assert row.code_hash.startswith("scrypt$") and services.as_utc(row.expires_at) == NOW + timedelta(days=14)


def test_two_shares_get_different_tokens_and_codes(store: SQLAlchemyRecordStore) -> None:
    packet = _packet(store)
    one, two = _share(store, packet), _share(store, packet)
    assert one.token != two.token and one.code != two.code


def test_the_link_finds_its_share_and_a_wrong_link_finds_nothing(store: SQLAlchemyRecordStore) -> None:
    new = _share(store, _packet(store))
    assert services.share_by_token(store, new.token).id == new.share.id
    for token in ("", new.token[:-1] + ("A" if new.token[-1] != "A" else "B"), "x" * 500):
        with pytest.raises(NotFound):
            services.share_by_token(store, token)


def test_the_right_code_opens_and_is_logged_however_it_is_typed(store: SQLAlchemyRecordStore) -> None:
    new = _share(store, _packet(store))
    typed = " " + new.code.lower().replace("-", " ") + " "
    assert services.try_code(store, new.share, typed, max_attempts=5, now=NOW) is CodeResult.ACCEPTED
    assert [a.what for a in store.list(ShareAccess, MARIA)] == ["opened"]


def test_wrong_codes_lock_the_share_at_the_limit_and_then_even_the_right_code_fails(
    store: SQLAlchemyRecordStore,
) -> None:
    new = _share(store, _packet(store))
    results = [services.try_code(store, new.share, "AAAAA-AAAAA", max_attempts=3, now=NOW) for _ in range(3)]
    assert results == [CodeResult.WRONG, CodeResult.WRONG, CodeResult.LOCKED]
    assert new.share.failed_attempts == 3 and new.share.locked_at is not None
    assert services.share_state(new.share, NOW) is ShareState.LOCKED
    assert services.try_code(store, new.share, new.code, max_attempts=3, now=NOW) is CodeResult.LOCKED
    assert [a.what for a in store.list(ShareAccess, MARIA)] == ["wrong_code", "wrong_code", "locked"]


def test_codes_with_other_alphabets_never_match_and_never_raise(store: SQLAlchemyRecordStore) -> None:
    new = _share(store, _packet(store))
    for code in ("", "ÄÖÜ-ÉÈ", "病理", "x" * 1000):
        assert services.try_code(store, new.share, code, max_attempts=50, now=NOW) is CodeResult.WRONG


def test_revoked_and_expired_shares_accept_no_code(store: SQLAlchemyRecordStore) -> None:
    packet = _packet(store)
    revoked, short = _share(store, packet), _share(store, packet, days=1)
    services.revoke_share(store, MARIA, packet.id, revoked.share.id, now=NOW)
    assert services.share_state(revoked.share, NOW) is ShareState.REVOKED
    assert services.try_code(store, revoked.share, revoked.code, max_attempts=5, now=NOW) is CodeResult.WRONG
    later = NOW + timedelta(days=1)
    assert services.share_state(short.share, later) is ShareState.EXPIRED
    assert services.try_code(store, short.share, short.code, max_attempts=5, now=later) is CodeResult.WRONG
    assert services.share_state(short.share, NOW) is ShareState.ACTIVE


def test_days_and_item_keys_are_checked_and_the_limit_writes_nothing(store: SQLAlchemyRecordStore) -> None:
    packet = _packet(store)
    for days in (0, 91):
        with pytest.raises(ValueError):
            _share(store, packet, days=days)
    with pytest.raises(ValueError):
        _share(store, packet, item_keys=("not_a_checklist_key",))
    _share(store, packet, max_shares=1)
    with pytest.raises(LimitReached):
        _share(store, packet, max_shares=1)
    assert store.count(Share, MARIA) == 1


def test_another_patients_packet_and_shares_are_not_found(store: SQLAlchemyRecordStore) -> None:
    mine, leas = _packet(store), _packet(store, LEE)
    with pytest.raises(NotFound):
        _share(store, leas, patient=MARIA)
    lee_share = _share(store, leas, patient=LEE)
    for call in (
        lambda: services.revoke_share(store, MARIA, leas.id, lee_share.share.id),
        lambda: services.revoke_share(store, MARIA, mine.id, lee_share.share.id),
        lambda: services.get_share(store, MARIA, mine.id, lee_share.share.id),
    ):
        with pytest.raises(NotFound):
            call()
    assert services.list_shares(store, MARIA, leas.id) == []
    assert lee_share.share.revoked_at is None


def test_a_share_of_chosen_items_shows_and_serves_only_those(store: SQLAlchemyRecordStore) -> None:
    packet = _packet(store)
    with store.transaction():
        store.add(MARIA, SlideRecord(packet_id=packet.id, lab="Central Lab", count=2))
    report = _document(store, packet, "pathology_reports", "path.pdf")
    scan = _document(store, packet, "imaging_files", "ct.dcm")
    chosen = _share(store, packet, item_keys=("pathology_reports",)).share
    contents = services.shared_contents(store, chosen)
    assert [i.key for i in contents.items] == ["pathology_reports"]
    assert [d.id for d in contents.documents] == [report.id] and contents.slides == []
    assert services.shared_document(store, chosen, report.id).id == report.id
    with pytest.raises(NotFound):
        services.shared_document(store, chosen, scan.id)
    everything = _share(store, packet).share
    assert {d.id for d in services.shared_contents(store, everything).documents} == {report.id, scan.id}
    assert len(services.shared_contents(store, everything).slides) == 1


def test_a_share_never_serves_another_packets_or_patients_file(store: SQLAlchemyRecordStore) -> None:
    packet, other = _packet(store), _packet(store)
    theirs = _document(store, other, "pathology_reports", "other.pdf")
    share = _share(store, packet).share
    with pytest.raises(NotFound):
        services.shared_document(store, share, theirs.id)
    lee_packet = _packet(store, LEE)
    lee_share = _share(store, lee_packet, patient=LEE).share
    with pytest.raises(NotFound):
        services.shared_document(store, lee_share, theirs.id)


def test_the_list_counts_accesses_per_share_newest_first_in_three_queries(
    store: SQLAlchemyRecordStore,
) -> None:
    packet = _packet(store)
    first, second = _share(store, packet), _share(store, packet)
    services.try_code(store, first.share, first.code, max_attempts=5, now=NOW)
    services.record_access(store, first.share, "zip")
    services.record_access(store, second.share, "summary")
    packet_id, ids = packet.id, [second.share.id, first.share.id]  # loaded before counting
    statements: list[str] = []
    from sqlalchemy import event

    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    listed = services.list_shares(store, MARIA, packet_id, now=NOW)
    assert [s.share.id for s in listed] == ids
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 3
    assert [(s.access_count, [a.what for a in s.accesses]) for s in listed] == [
        (1, ["summary"]), (2, ["zip", "opened"])
    ]
    with pytest.raises(ValueError):
        services.record_access(store, first.share, "something else")


def test_only_a_share_that_can_no_longer_be_used_is_deleted_with_its_log(store: SQLAlchemyRecordStore) -> None:
    packet = _packet(store)
    new = _share(store, packet)
    services.record_access(store, new.share, "zip")
    with pytest.raises(ValueError):
        services.delete_share(store, MARIA, packet.id, new.share.id)
    services.revoke_share(store, MARIA, packet.id, new.share.id)
    services.delete_share(store, MARIA, packet.id, new.share.id)
    assert store.count(Share, MARIA) == 0 and store.count(ShareAccess, MARIA) == 0


def test_deleting_the_packet_deletes_its_shares(store: SQLAlchemyRecordStore, tmp_path: Any) -> None:
    from oncokind_secondop.contrib.localfs import LocalFileStore

    packet = _packet(store)
    services.record_access(store, _share(store, packet).share, "opened")
    packets.delete_packet(store, LocalFileStore(tmp_path / "files"), MARIA, packet)
    assert store.count(Share, MARIA) == 0 and store.count(ShareAccess, MARIA) == 0
