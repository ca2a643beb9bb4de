"""Staff accounts: creation and password sign-in. Passwords are hashed with Argon2id."""

from __future__ import annotations

import logging
import re
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func

from portal.exceptions import InvalidInput
from portal.extensions import db
from portal.models import StaffRole, StaffUser

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

password_hasher = PasswordHasher()


@cache
def unknown_account_hash() -> str:
    """Verified against when the e-mail is unknown, so a wrong address costs as long as a wrong password."""
    return password_hasher.hash("no account has this password")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.", "password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"The password must be at most {MAX_PASSWORD_LENGTH} characters.", "password")


def create_staff_account(email: str, display_name: str, role: str, password: str) -> StaffUser:
    email = normalize_email(email)
    display_name = display_name.strip()
    if not EMAIL_SHAPE.match(email) or len(email) > StaffUser.MAX_EMAIL:
        raise InvalidInput("That is not a valid e-mail address.", "email")
    if not display_name or len(display_name) > StaffUser.MAX_DISPLAY_NAME:
        raise InvalidInput(
            f"The display name must be 1 to {StaffUser.MAX_DISPLAY_NAME} characters: staff are never anonymous.",
            "display_name",
        )
    try:
        staff_role = StaffRole(role)
    except ValueError:
        raise InvalidInput(f"Unknown role {role!r}.", "role") from None
    check_new_password(password)
    taken = db.session.scalar(
        db.select(func.count()).select_from(StaffUser).where(StaffUser.email == email)
    )
    if taken:
        raise InvalidInput("An account with that e-mail address already exists.", "email")
    user = StaffUser(
        email=email,
        display_name=display_name,
        role=staff_role,
        password_hash=password_hasher.hash(password),
    )
    db.session.add(user)
    db.session.commit()
    log.info("staff.created staff_id=%s role=%s", user.public_id, user.role.value)
    return user


def authenticate(email: str, password: str) -> StaffUser | None:
    """The active account with this e-mail and password, or None; timing does not tell which failed."""
    user = db.session.scalars(
        db.select(StaffUser).where(StaffUser.email == normalize_email(email))
    ).first()
    try:
        password_hasher.verify(user.password_hash if user else unknown_account_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    return user


def active_staff(public_id: str) -> StaffUser | None:
    user = db.session.scalars(db.select(StaffUser).where(StaffUser.public_id == public_id)).first()
    return user if user is not None and user.active else None
