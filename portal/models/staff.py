"""Named staff accounts (General Order 227 C.a.ii: nobody posts anonymously), units and sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_column, new_public_id, utcnow


class StaffRole(enum.StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    INVESTIGATOR = "investigator"
    COMMUNICATIONS = "communications"
    RECORDS = "records"


class Unit(db.Model):
    """An investigative or patrol unit (Investigations, Patrol, Youth, Cyber...) with its members."""

    MAX_NAME = 80

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)
    members: Mapped[list[StaffUser]] = relationship(back_populates="unit", order_by="StaffUser.display_name")


class StaffUser(db.Model):
    MAX_EMAIL = 254
    MAX_DISPLAY_NAME = 120

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    email: Mapped[str] = mapped_column(String(MAX_EMAIL), unique=True)
    display_name: Mapped[str] = mapped_column(String(MAX_DISPLAY_NAME))
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole, "staff_role"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # None until the person has enrolled an authenticator app; sign-in needs both factors.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last 30-second step whose code was accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None]
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship(back_populates="members")

    @property
    def enrolled(self) -> bool:
        return self.totp_secret is not None


class StaffSession(db.Model):
    """A signed-in browser. Only a hash of its token is kept, so a database leak signs nobody in."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)

    staff_user: Mapped[StaffUser] = relationship()
