"""Worksheets and the opinions they hold.

The worksheet is the unit of concurrency: every save of the worksheet or of
one of its opinions bumps ``Worksheet.version`` in the same transaction (see
:mod:`.services`), so two tabs editing different opinions still notice each
other. Opinions carry ``patient_id`` too, so each query filters on it directly.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, PatientOwned, Versioned

MARKS = ("agree", "differ", "unsure")


class Worksheet(Base, PatientOwned, Versioned):
    __tablename__ = "secondop_compare_worksheet"

    title: Mapped[str] = mapped_column(String(200), nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: The patient's own marks per compared field: {field key: "agree" | "differ" | "unsure"}.
    marks: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    #: Fingerprint of the opinions' compared answers when the marks were saved,
    #: so the pages can say "the opinions changed since you marked them".
    marks_basis: Mapped[str] = mapped_column(String(64), nullable=False, default="")

    opinions: Mapped[list[Opinion]] = relationship(
        back_populates="worksheet",
        order_by="(Opinion.position, Opinion.id)",
        # The ORM deletes the opinions itself (SQLite does not enforce the
        # foreign key's ON DELETE CASCADE unless the host turns it on).
        cascade="all, delete-orphan",
    )

    def mark_for(self, key: str) -> str:
        value = (self.marks or {}).get(key, "")
        return value if value in MARKS else ""


class Opinion(Base, PatientOwned):
    __tablename__ = "secondop_compare_opinion"

    worksheet_id: Mapped[int] = mapped_column(
        ForeignKey("secondop_compare_worksheet.id", ondelete="CASCADE"), index=True, nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    # One column per entry of fields.OPINION_FIELDS (a test keeps them in step).
    doctor: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    center: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    seen_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    visit_kind: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    diagnosis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    stage: Mapped[str] = mapped_column(Text, nullable=False, default="")
    goal: Mapped[str] = mapped_column(Text, nullable=False, default="")
    plan: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reasons: Mapped[str] = mapped_column(Text, nullable=False, default="")
    evidence: Mapped[str] = mapped_column(Text, nullable=False, default="")
    experience: Mapped[str] = mapped_column(Text, nullable=False, default="")
    side_effects_short: Mapped[str] = mapped_column(Text, nullable=False, default="")
    side_effects_long: Mapped[str] = mapped_column(Text, nullable=False, default="")
    time_needed: Mapped[str] = mapped_column(Text, nullable=False, default="")
    travel: Mapped[str] = mapped_column(Text, nullable=False, default="")
    cost: Mapped[str] = mapped_column(Text, nullable=False, default="")
    trials: Mapped[str] = mapped_column(Text, nullable=False, default="")
    tests_asked: Mapped[str] = mapped_column(Text, nullable=False, default="")
    would_change: Mapped[str] = mapped_column(Text, nullable=False, default="")
    patient_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    worksheet: Mapped[Worksheet] = relationship(back_populates="opinions")
