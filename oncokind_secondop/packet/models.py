"""Records of the packet capability.

A patient has one packet per center asked. Each packet owns its checklist
items, the slide/block ledger, record requests (one per facility), stored
documents (attached to an item) and its timeline. Every table carries
``patient_id`` so every query is scoped by patient directly, children too.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, PatientOwned, Versioned, utcnow


class Packet(Base, PatientOwned, Versioned):
    __tablename__ = "secondop_packet"

    center_name: Mapped[str] = mapped_column(String(200), nullable=False)
    consult_questions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    proposed_plan: Mapped[str] = mapped_column(Text, nullable=False, default="")
    plan_goal: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    referring_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    referring_phone: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    referring_fax: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    referring_npi: Mapped[str] = mapped_column(String(10), nullable=False, default="")


class ChecklistItem(Base, PatientOwned, Versioned):
    __tablename__ = "secondop_packet_item"
    __table_args__ = (
        UniqueConstraint("packet_id", "key", name="uq_secondop_packet_item_packet_key"),
    )

    packet_id: Mapped[int] = mapped_column(
        ForeignKey("secondop_packet.id", ondelete="CASCADE"), index=True, nullable=False
    )
    key: Mapped[str] = mapped_column(String(40), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="not_started")
    requested_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    documents: Mapped[list[Document]] = relationship(
        back_populates="item", order_by="Document.id", passive_deletes=True
    )


class SlideRecord(Base, PatientOwned):
    """One line of the slide and block ledger: what the lab holds and where it is."""

    __tablename__ = "secondop_packet_slide"

    packet_id: Mapped[int] = mapped_column(
        ForeignKey("secondop_packet.id", ondelete="CASCADE"), index=True, nullable=False
    )
    lab: Mapped[str] = mapped_column(String(200), nullable=False)
    accession_number: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    specimen_ids: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    material: Mapped[str] = mapped_column(String(20), nullable=False, default="unknown")
    location: Mapped[str] = mapped_column(String(300), nullable=False, default="")


class Facility(Base, PatientOwned, Versioned):
    """A place records are requested from, and the state of that request."""

    __tablename__ = "secondop_packet_facility"

    packet_id: Mapped[int] = mapped_column(
        ForeignKey("secondop_packet.id", ondelete="CASCADE"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    department: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    address: Mapped[str] = mapped_column(Text, nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    fax: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    #: Space-separated checklist keys asked for in the letter.
    requested_items: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    dates_of_service: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    send_to_me: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    send_to_center: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    requested_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    @property
    def requested_keys(self) -> list[str]:
        return self.requested_items.split()


class Document(Base, PatientOwned):
    """A stored file attached to a checklist item. The storage key never
    leaves the server: downloads go through this row's own route."""

    __tablename__ = "secondop_packet_document"

    packet_id: Mapped[int] = mapped_column(
        ForeignKey("secondop_packet.id", ondelete="CASCADE"), index=True, nullable=False
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("secondop_packet_item.id", ondelete="CASCADE"), index=True, nullable=False
    )
    display_name: Mapped[str] = mapped_column(String(255), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    mimetype: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, nullable=False
    )

    item: Mapped[ChecklistItem] = relationship(back_populates="documents")


class TimelineEvent(Base, PatientOwned, Versioned):
    __tablename__ = "secondop_packet_event"

    packet_id: Mapped[int] = mapped_column(
        ForeignKey("secondop_packet.id", ondelete="CASCADE"), index=True, nullable=False
    )
    event_date: Mapped[date] = mapped_column(Date, nullable=False)
    #: "day", "month" or "year": how much of event_date the patient knows.
    precision: Mapped[str] = mapped_column(String(5), nullable=False, default="day")
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="other")
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    details: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Share(Base, PatientOwned):
    """A share of the packet with a receiving team (``oncokind_secondop.share``
    holds its rules and pages; the rows live with the packet they belong to,
    so deleting a packet deletes its shares)."""

    __tablename__ = "secondop_share"

    packet_id: Mapped[int] = mapped_column(
        ForeignKey("secondop_packet.id", ondelete="CASCADE"), index=True, nullable=False
    )
    team_name: Mapped[str] = mapped_column(String(200), nullable=False)
    # For the patient's own notes ("Dr Ruiz's office, 555-0100"); never shown to the team.
    contact: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # SHA-256 of the link's token: the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # scrypt of the access code with its own salt (share.services.hash_code's format).
    code_hash: Mapped[str] = mapped_column(String(300), nullable=False)
    # Checklist keys the share includes, space-separated; empty means everything.
    item_keys: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The cover's name and date of birth as the host supplied them when the share was made:
    # the team's pages have no logged-in patient to ask the host about.
    patient_name: Mapped[str] = mapped_column(String(200), nullable=False)
    patient_birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def included_keys(self) -> frozenset[str] | None:
        """The checklist keys included, or None for the whole packet."""
        return frozenset(self.item_keys.split()) if self.item_keys else None


class ShareAccess(Base, PatientOwned):
    """One thing the receiving team did with a share (``created_at`` is when),
    kept for the patient's "who looked" list; the host's audit log stays the host's."""

    __tablename__ = "secondop_share_access"

    packet_id: Mapped[int] = mapped_column(
        ForeignKey("secondop_packet.id", ondelete="CASCADE"), index=True, nullable=False
    )
    share_id: Mapped[int] = mapped_column(
        ForeignKey("secondop_share.id", ondelete="CASCADE"), index=True, nullable=False
    )
    what: Mapped[str] = mapped_column(String(20), nullable=False)  # share.services.ACCESS_KINDS
    # The file downloaded, by id: no name, so a later rename or delete changes nothing here.
    document_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
