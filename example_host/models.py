"""The portal's own tables: users and caregiver links (not the extension's)."""
from __future__ import annotations

from datetime import UTC, date, datetime

from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Date, DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from oncokind_secondop import PatientRef

db = SQLAlchemy()

DEMO_PASSWORD = "demo-password"
#: The session key holding the server-side session token (see PortalSession).
SESSION_TOKEN = "portal_session"


class PortalSession(db.Model):  # type: ignore[name-defined,misc]
    """One signed-in browser, kept on the server: the session cookie holds
    only this random token, and signing out deletes the row, so a cookie
    copied before sign-out no longer signs anyone in."""

    __tablename__ = "portal_session"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id", ondelete="CASCADE"),
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: datetime.now(UTC))


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "portal_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_patient: Mapped[bool] = mapped_column(default=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def as_patient(self) -> PatientRef:
        return PatientRef(id=str(self.id), display_name=self.name, date_of_birth=self.date_of_birth)

    def active_caregiver_links(self) -> list[CaregiverLink]:
        stmt = select(CaregiverLink).where(CaregiverLink.caregiver_id == self.id,
                                           CaregiverLink.revoked_at.is_(None))
        return list(db.session.execute(stmt).scalars())


class CaregiverLink(db.Model):  # type: ignore[name-defined,misc]
    """A patient lets a caregiver act for them; revoking sets revoked_at."""

    __tablename__ = "portal_caregiver_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    caregiver_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    patient: Mapped[User] = relationship(foreign_keys=[patient_id])

    def revoke(self) -> None:
        self.revoked_at = datetime.now(UTC)


DEMO_ACCOUNTS = [
    # email, name, is_patient, date of birth
    ("maria@example.org", "Maria Lopez", True, date(1968, 4, 2)),
    ("sam@example.org", "Sam Lopez", False, None),
    ("lee@example.org", "Lee Chen", True, date(1975, 9, 30)),
]


def seed_demo_accounts() -> None:
    """Create the demo people on first start (shown on the login page)."""
    if db.session.execute(select(User).limit(1)).first() is not None:
        return
    users = {}
    for email, name, is_patient, dob in DEMO_ACCOUNTS:
        user = User(email=email, name=name, is_patient=is_patient, date_of_birth=dob)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        users[email] = user
    db.session.flush()
    db.session.add(CaregiverLink(caregiver_id=users["sam@example.org"].id,
                                 patient_id=users["maria@example.org"].id))
    db.session.commit()
