"""The rules of sharing, without a request: making, listing, revoking and
opening shares, and what a share shows.

Every function takes the store explicitly. The patient's side passes the
patient id like every other service. The team's side has no patient: it
starts from the link's token (:func:`share_by_token`, the one look-up not
scoped by patient, because the token is the key) and from then on every
query is scoped by ``share.patient_id``.

The token and the code exist in clear only in the :class:`NewShare` that
:func:`create_share` returns, to be shown once; the store keeps the SHA-256
of the token (128 random bits need no slow hash) and an scrypt hash of the
code (about 49 bits: a slow, salted hash, and a lock after a few wrong tries).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, func, select, update

from ..adapters import RecordStore
from ..errors import NotFound
from ..limits import check_room
from ..packet.checklist import BY_KEY
from ..packet.models import Document, Packet, Share, ShareAccess
from ..packet.services import PacketContents, get_packet, packet_contents

#: What the access log records (``ShareAccess.what``).
ACCESS_KINDS = ("opened", "wrong_code", "locked", "summary", "zip", "fhir", "file")

TOKEN_BYTES = 16  # 128 bits
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or typed from a letter
CODE_LENGTH = 10
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
#: The newest accesses shown on the patient's list, across a packet's shares.
ACCESS_SHOWN = 200


class ShareState(enum.Enum):
    ACTIVE = "active"
    REVOKED = "revoked"
    LOCKED = "locked"
    EXPIRED = "expired"


@dataclass(frozen=True)
class NewShare:
    """A share just made, with its token and code in clear: show them once."""

    share: Share
    token: str
    code: str


@dataclass
class ShareSummary:
    """One share on the patient's list, with what the team did with it."""

    share: Share
    state: ShareState
    access_count: int
    accesses: list[ShareAccess] = field(default_factory=list)  # newest first, at most ACCESS_SHOWN in all


class CodeResult(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"  # this try locked it, or it was locked already


def now_utc() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    # SQLite gives back naive datetimes for timezone-aware columns; they were stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalize_code(code: str) -> str:
    """What the team typed, as stored: capitals, no spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def format_code(code: str) -> str:
    """``ABCDE-FGHJK``: easier to read out over the phone."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def hash_code(code: str, *, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(normalize_code(code).encode("ascii"), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def code_matches(code: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    try:
        candidate = hash_code(code, salt=salt).split("$")[2]
    except UnicodeEncodeError:  # letters outside ASCII can never match
        return False
    return hmac.compare_digest(candidate, digest_hex)


def share_state(share: Share, now: datetime | None = None) -> ShareState:
    """Revoked and locked win over expired: the patient's list says what she did or what happened."""
    now = now or now_utc()
    if share.revoked_at is not None:
        return ShareState.REVOKED
    if share.locked_at is not None:
        return ShareState.LOCKED
    if as_utc(share.expires_at) <= now:
        return ShareState.EXPIRED
    return ShareState.ACTIVE


def _check_item_keys(item_keys: Iterable[str]) -> str:
    keys = list(dict.fromkeys(item_keys))
    unknown = [k for k in keys if k not in BY_KEY]
    if unknown:
        raise ValueError(f"not checklist keys: {unknown}")
    return " ".join(keys)


def create_share(
    store: RecordStore,
    patient_id: str,
    packet_id: int,
    *,
    team_name: str,
    contact: str,
    days: int,
    item_keys: Sequence[str],
    patient_name: str,
    patient_birth_date: date | None,
    created_by: str,
    max_days: int,
    max_shares: int,
    now: datetime | None = None,
) -> NewShare:
    """A new share of one of this patient's packets; ``item_keys`` empty shares everything.

    Raises :class:`NotFound` for another patient's packet, ``LimitReached``
    when the packet has ``max_shares`` already, ``ValueError`` for days
    outside 1..max_days or a key that is not on the checklist (the form
    prevents both)."""
    if not 1 <= days <= max_days:
        raise ValueError(f"days must be 1..{max_days}")
    keys = _check_item_keys(item_keys)
    now = now or now_utc()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with store.transaction():
        packet = get_packet(store, patient_id, packet_id)
        check_room("shares", store.count(Share, patient_id, where={"packet_id": packet.id}), max_shares)
        share = store.add(patient_id, Share(
            packet_id=packet.id,
            team_name=team_name,
            contact=contact,
            token_hash=token_hash(token),
            code_hash=hash_code(code),
            item_keys=keys,
            patient_name=patient_name,
            patient_birth_date=patient_birth_date,
            created_by=created_by,
            expires_at=now + timedelta(days=days),
        ))
        store.flush()
    return NewShare(share=share, token=token, code=format_code(code))


def get_share(store: RecordStore, patient_id: str, packet_id: int, share_id: int) -> Share:
    """One share of one of this patient's packets, or :class:`NotFound`."""
    packet = get_packet(store, patient_id, packet_id)
    share = store.get(Share, patient_id, share_id)
    if share is None or share.packet_id != packet.id:
        raise NotFound(share_id)
    return share


def list_shares(
    store: RecordStore, patient_id: str, packet_id: int, now: datetime | None = None
) -> list[ShareSummary]:
    """The packet's shares, newest first, each with its access count and newest
    accesses: three queries whatever the number of shares or accesses."""
    now = now or now_utc()
    shares = store.list(Share, patient_id, where={"packet_id": packet_id}, order_by=("-id",))
    if not shares:
        return []
    ids = [s.id for s in shares]
    session = store.session
    counts: dict[int, int] = {
        share_id: count
        for share_id, count in session.execute(
            select(ShareAccess.share_id, func.count())
            .where(ShareAccess.patient_id == patient_id, ShareAccess.share_id.in_(ids))
            .group_by(ShareAccess.share_id)
        )
    }
    recent = session.scalars(
        select(ShareAccess)
        .where(ShareAccess.patient_id == patient_id, ShareAccess.share_id.in_(ids))
        .order_by(ShareAccess.id.desc())
        .limit(ACCESS_SHOWN)
    ).all()
    summaries = {s.id: ShareSummary(s, share_state(s, now), counts.get(s.id, 0)) for s in shares}
    for access in recent:
        summaries[access.share_id].accesses.append(access)
    return [summaries[i] for i in ids]


def revoke_share(
    store: RecordStore, patient_id: str, packet_id: int, share_id: int, now: datetime | None = None
) -> Share:
    """End a share at once (the team's next request is refused). Revoking
    twice keeps the first time."""
    with store.transaction():
        share = get_share(store, patient_id, packet_id, share_id)
        if share.revoked_at is None:
            share.revoked_at = now or now_utc()
    return share


def delete_share(store: RecordStore, patient_id: str, packet_id: int, share_id: int) -> None:
    """Remove a share and its access log; only one that can no longer be used
    (an active share must be revoked first, so deleting never ends access by surprise)."""
    with store.transaction():
        share = get_share(store, patient_id, packet_id, share_id)
        if share_state(share) is ShareState.ACTIVE:
            raise ValueError("revoke an active share before deleting it")
        # The log first: foreign keys hold on every database (SQLite enforces no cascade by default).
        store.session.execute(
            delete(ShareAccess).where(ShareAccess.patient_id == patient_id, ShareAccess.share_id == share.id)
        )
        store.delete(patient_id, share)


def share_by_token(store: RecordStore, token: str) -> Share:
    """The share a link names, whatever its state, or :class:`NotFound`."""
    if not token or len(token) > 100:
        raise NotFound(None)
    share = store.session.scalars(select(Share).where(Share.token_hash == token_hash(token))).first()
    if share is None:
        raise NotFound(None)
    return share


def share_by_id(store: RecordStore, share_id: int) -> Share:
    """The share a team's session holds a grant for, whatever its state, or
    :class:`NotFound`. Not scoped by patient, like :func:`share_by_token`:
    the caller has checked that the session was granted this share id by
    the right code (the id alone opens nothing)."""
    share = store.session.scalars(select(Share).where(Share.id == share_id)).first()
    if share is None:
        raise NotFound(share_id)
    return share


def try_code(
    store: RecordStore, share: Share, code: str, *, max_attempts: int, now: datetime | None = None
) -> CodeResult:
    """Check the team's code. A wrong one counts (atomically, so parallel tries
    cannot slip past the limit); the ``max_attempts``-th wrong one locks the
    share. Only an active share can accept a code. Each try is logged for the
    patient's list."""
    now = now or now_utc()
    if share_state(share, now) is not ShareState.ACTIVE:
        return CodeResult.LOCKED if share.locked_at is not None else CodeResult.WRONG
    if code_matches(code, share.code_hash):
        record_access(store, share, "opened")
        return CodeResult.ACCEPTED
    with store.transaction():
        store.session.execute(
            update(Share)
            .where(Share.id == share.id, Share.patient_id == share.patient_id)
            .values(failed_attempts=Share.failed_attempts + 1)
        )
        store.session.refresh(share)
        locked = share.failed_attempts >= max_attempts
        if locked and share.locked_at is None:
            share.locked_at = now
        store.add(share.patient_id, ShareAccess(
            packet_id=share.packet_id, share_id=share.id, what="locked" if locked else "wrong_code"))
    return CodeResult.LOCKED if locked else CodeResult.WRONG


def record_access(store: RecordStore, share: Share, what: str, document_id: int | None = None) -> None:
    if what not in ACCESS_KINDS:
        raise ValueError(what)
    with store.transaction():
        store.add(share.patient_id, ShareAccess(
            packet_id=share.packet_id, share_id=share.id, what=what, document_id=document_id))


def shared_packet(store: RecordStore, share: Share) -> Packet:
    return get_packet(store, share.patient_id, share.packet_id)


def shared_contents(store: RecordStore, share: Share) -> PacketContents:
    """What the share shows: the cover, timeline and records requests always;
    the checklist items it includes, with their files (all of them for a
    share of everything). The slide list goes with the slides item."""
    contents = packet_contents(store, share.patient_id, shared_packet(store, share))
    keys = share.included_keys
    if keys is None:
        return contents
    return replace(
        contents,
        items=[item for item in contents.items if item.key in keys],
        slides=contents.slides if "slides_blocks" in keys else [],
    )


def shared_document(store: RecordStore, share: Share, document_id: int) -> Document:
    """A file the share includes, or :class:`NotFound` (a file of another
    packet, of an item left out, or of another patient)."""
    document = store.get(Document, share.patient_id, document_id)
    if document is None or document.packet_id != share.packet_id:
        raise NotFound(document_id)
    keys = share.included_keys
    if keys is not None and document.item.key not in keys:
        raise NotFound(document_id)
    return document


def access_file_names(
    store: RecordStore, patient_id: str, summaries: Sequence[ShareSummary]
) -> dict[int, str]:
    """The names of the files the listed accesses downloaded, for those still
    stored (one query): the access row keeps only the id, so a file deleted
    since is simply absent here."""
    ids = {a.document_id for s in summaries for a in s.accesses if a.document_id is not None}
    if not ids:
        return {}
    rows = store.session.execute(
        select(Document.id, Document.display_name)
        .where(Document.patient_id == patient_id, Document.id.in_(ids))
    )
    return {doc_id: name for doc_id, name in rows}


def count_shares(store: RecordStore, patient_id: str, packet_id: int) -> int:
    """How many shares the packet has (ended ones count until deleted), for the limit notice."""
    return store.count(Share, patient_id, where={"packet_id": packet_id})
