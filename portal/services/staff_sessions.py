"""Server-side staff sessions: revocable at once, with an idle timeout and an absolute limit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from portal.extensions import db
from portal.models import StaffSession, StaffUser

# Writing last_seen_at on every request would make every page a write; once a minute is enough.
TOUCH_INTERVAL = timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: StaffUser, now: datetime | None = None) -> str:
    """A new session for the user (the caller commits); returns the token for the cookie."""
    now = now or datetime.now(timezone.utc)
    token = secrets.token_urlsafe(32)
    db.session.add(StaffSession(token_hash=token_hash(token), staff_user=user, created_at=now, last_seen_at=now))
    return token


def signed_in_user(token: str, idle: timedelta, absolute: timedelta, now: datetime | None = None) -> StaffUser | None:
    """The active, enrolled user of a live session, or None (an expired session is removed)."""
    if not token:
        return None
    now = now or datetime.now(timezone.utc)
    found = db.session.scalars(db.select(StaffSession).where(StaffSession.token_hash == token_hash(token))).first()
    if found is None:
        return None
    user = found.staff_user
    expired = now - found.last_seen_at > idle or now - found.created_at > absolute
    if expired or not user.active or not user.enrolled:
        db.session.delete(found)
        db.session.commit()
        return None
    if now - found.last_seen_at > TOUCH_INTERVAL:
        found.last_seen_at = now
        db.session.commit()
    return user


def end_session(token: str) -> None:
    db.session.execute(db.delete(StaffSession).where(StaffSession.token_hash == token_hash(token)))
    db.session.commit()


def end_all_sessions(staff_user_id: int) -> None:
    """Every browser of this account is signed out at once (the caller commits)."""
    db.session.execute(db.delete(StaffSession).where(StaffSession.staff_user_id == staff_user_id))
