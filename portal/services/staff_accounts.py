"""Staff accounts: creation, password sign-in with lockout, password change, deactivation.

Passwords are hashed with Argon2id. The policy is a minimum length and a refusal of common or
easily guessed passwords (zxcvbn's lists and patterns); there are no composition rules.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from zxcvbn import zxcvbn

from portal.exceptions import InvalidInput, NotFound
from portal.extensions import db
from portal.models import RoutingRule, StaffRole, StaffUser, Unit, WorkItem
from portal.services import audit, staff_sessions, two_factor

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# zxcvbn scores 0 to 4; below 3 means a common password or an easily guessed pattern.
MIN_PASSWORD_SCORE = 3
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

password_hasher = PasswordHasher()


@cache
def unknown_account_hash() -> str:
    """Verified against when the e-mail is unknown, so a wrong address costs as long as a wrong password."""
    return password_hasher.hash("no account has this password")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_new_password(password: str, *, email: str = "", display_name: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.", "password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"The password must be at most {MAX_PASSWORD_LENGTH} characters.", "password")
    strength = zxcvbn(password, user_inputs=[email, display_name, "deerfield", "police"])
    if strength["score"] < MIN_PASSWORD_SCORE:
        hint = strength["feedback"].get("warning") or "It is too easy to guess."
        raise InvalidInput(f"Please choose a less common password. {hint}".strip(), "password")


@dataclass(frozen=True)
class CreatedAccount:
    user: StaffUser
    # Set when the account was enrolled for two-factor sign-in at creation (the CLI does this).
    otpauth_uri: str | None


def find_or_create_unit(name: str) -> Unit:
    name = name.strip()
    if not name or len(name) > Unit.MAX_NAME:
        raise InvalidInput(f"A unit name must be 1 to {Unit.MAX_NAME} characters.", "unit")
    named = db.select(Unit).where(func.lower(Unit.name) == name.lower())
    unit = db.session.scalars(named).first()
    if unit is None:
        unit = Unit(name=name)
        try:
            with db.session.begin_nested():
                db.session.add(unit)
        except IntegrityError:
            # Another request made it since the look-up (the first tips of a new site, at once,
            # all want the fallback unit); use theirs instead of failing the submission.
            unit = db.session.scalars(named).one()
    return unit


def create_staff_account(email: str, display_name: str, role: str, password: str, *, unit_name: str = "",
                         enroll: bool = False, created_by: str = "command line", issuer: str = "Portal") -> CreatedAccount:
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
    check_new_password(password, email=email, display_name=display_name)
    if db.session.scalar(db.select(func.count()).select_from(StaffUser).where(StaffUser.email == email)):
        raise InvalidInput("An account with that e-mail address already exists.", "email")
    user = StaffUser(email=email, display_name=display_name, role=staff_role,
                     password_hash=password_hasher.hash(password),
                     unit=find_or_create_unit(unit_name) if unit_name.strip() else None)
    uri = None
    if enroll:
        user.totp_secret = two_factor.new_secret()
        uri = two_factor.provisioning_uri(user.totp_secret, email, issuer)
    db.session.add(user)
    db.session.flush()
    audit.record("account.created", created_by, target=email,
                 detail=f"role={staff_role.value} unit={user.unit.name if user.unit else ''}")
    db.session.commit()
    log.info("staff.created staff_id=%s role=%s", user.public_id, user.role.value)
    return CreatedAccount(user, uri)


class SignInOutcome(Enum):
    PASSWORD_OK = "password ok"
    WRONG = "wrong e-mail or password"
    LOCKED = "account locked"


@dataclass(frozen=True)
class PasswordCheck:
    outcome: SignInOutcome
    user: StaffUser | None


def record_failure(user: StaffUser, now: datetime, threshold: int, lock_for: timedelta) -> None:
    user.failed_sign_ins += 1
    if user.failed_sign_ins >= threshold:
        user.locked_until = now + lock_for
        user.failed_sign_ins = 0
        audit.record("sign_in.locked", user.email, staff_user_id=user.id, detail=f"for {lock_for}")


def check_password(email: str, password: str, threshold: int, lock_for: timedelta,
                   now: datetime | None = None) -> PasswordCheck:
    """First factor. Every attempt is audited; repeated failures lock the account for a while.

    A locked account gives the same answer as a wrong password, so the page never tells an
    attacker which accounts exist or are locked.
    """
    now = now or datetime.now(timezone.utc)
    email = normalize_email(email)
    user = db.session.scalars(db.select(StaffUser).where(StaffUser.email == email)).first()
    try:
        password_hasher.verify(user.password_hash if user else unknown_account_hash(), password)
        password_ok = user is not None
    except (VerificationError, InvalidHashError):
        password_ok = False
    if user is None or not user.active:
        audit.record("sign_in.failed", email or "(empty)", detail="unknown or inactive account")
        outcome = SignInOutcome.WRONG
    elif user.locked_until is not None and user.locked_until > now:
        audit.record("sign_in.refused_locked", email, staff_user_id=user.id)
        outcome = SignInOutcome.LOCKED
    elif not password_ok:
        audit.record("sign_in.failed", email, staff_user_id=user.id, detail="wrong password")
        record_failure(user, now, threshold, lock_for)
        outcome = SignInOutcome.WRONG
    else:
        audit.record("sign_in.password_ok", email, staff_user_id=user.id)
        outcome = SignInOutcome.PASSWORD_OK
    db.session.commit()
    return PasswordCheck(outcome, user if outcome is SignInOutcome.PASSWORD_OK else None)


def get_staff(staff_user_id: int) -> StaffUser:
    user = db.session.get(StaffUser, staff_user_id)
    if user is None:
        raise NotFound("staff user")
    return user


def complete_two_factor(staff_user_id: int, code: str, threshold: int, lock_for: timedelta,
                        pending_secret: str | None = None, now: datetime | None = None) -> str | None:
    """Second factor (and enrollment, when ``pending_secret`` is given). Returns a session token."""
    now = now or datetime.now(timezone.utc)
    user = get_staff(staff_user_id)
    if not user.active or (user.locked_until is not None and user.locked_until > now):
        return None
    if pending_secret is not None and not user.enrolled:
        step = two_factor.accepted_step(pending_secret, code, None, now)
        if step is not None:
            user.totp_secret, user.totp_last_step = pending_secret, step
            audit.record("two_factor.enrolled", user.email, staff_user_id=user.id)
        accepted = step is not None
    else:
        accepted = user.enrolled and two_factor.accept_code(user, code, now)
    if not accepted:
        audit.record("sign_in.failed", user.email, staff_user_id=user.id, detail="wrong or reused code")
        record_failure(user, now, threshold, lock_for)
        db.session.commit()
        return None
    user.failed_sign_ins = 0
    user.locked_until = None
    token = staff_sessions.start_session(user, now)
    audit.record("sign_in.succeeded", user.email, staff_user_id=user.id)
    db.session.commit()
    log.info("staff.signed_in staff_id=%s", user.public_id)
    return token


def sign_out(user: StaffUser, token: str) -> None:
    staff_sessions.end_session(token)
    audit.record("sign_out", user.email, staff_user_id=user.id)
    db.session.commit()


def change_password(user: StaffUser, current: str, new: str) -> None:
    """Every session of the account ends, this one included: the person signs in again."""
    try:
        password_hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise InvalidInput("That is not your current password.", "current_password") from None
    try:
        check_new_password(new, email=user.email, display_name=user.display_name)
    except InvalidInput as error:
        raise InvalidInput(str(error), "new_password") from None
    user.password_hash = password_hasher.hash(new)
    staff_sessions.end_all_sessions(user.id)
    audit.record("password.changed", user.email, staff_user_id=user.id)
    db.session.commit()


def set_active(target_public_id: str, active: bool, by: StaffUser) -> StaffUser:
    """Deactivating an account signs it out everywhere at once."""
    user = db.session.scalars(db.select(StaffUser).where(StaffUser.public_id == target_public_id)).first()
    if user is None:
        raise NotFound("staff user")
    if user.id == by.id and not active:
        raise InvalidInput("You cannot deactivate your own account.", "account")
    user.active = active
    if not active:
        staff_sessions.end_all_sessions(user.id)
    audit.record("account.activated" if active else "account.deactivated", by.email, staff_user_id=by.id,
                 target=user.email)
    db.session.commit()
    return user


def update_placement(target_public_id: str, role: str, unit_name: str, by: StaffUser) -> StaffUser:
    """Change someone's role or unit (an empty unit name takes them out of any unit)."""
    user = db.session.scalars(db.select(StaffUser).where(StaffUser.public_id == target_public_id)).first()
    if user is None:
        raise NotFound("staff user")
    try:
        new_role = StaffRole(role)
    except ValueError:
        raise InvalidInput(f"Unknown role {role!r}.", "role") from None
    if user.id == by.id and new_role != StaffRole.ADMIN:
        raise InvalidInput("You cannot take away your own admin role.", "role")
    user.role = new_role
    user.unit = find_or_create_unit(unit_name) if unit_name.strip() else None
    audit.record("account.placed", by.email, staff_user_id=by.id, target=user.email,
                 detail=f"role={new_role.value} unit={user.unit.name if user.unit else ''}")
    db.session.commit()
    return user


def rename_unit(unit_id: int, new_name: str, by: StaffUser) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit")
    new_name = new_name.strip()
    if not new_name or len(new_name) > Unit.MAX_NAME:
        raise InvalidInput(f"A unit name must be 1 to {Unit.MAX_NAME} characters.", "name")
    clash = db.session.scalars(db.select(Unit).where(func.lower(Unit.name) == new_name.lower(), Unit.id != unit.id))
    if clash.first() is not None:
        raise InvalidInput("Another unit already has that name.", "name")
    audit.record("unit.renamed", by.email, staff_user_id=by.id, target=new_name, detail=f"was {unit.name}")
    unit.name = new_name
    db.session.commit()
    return unit


def remove_unit(unit_id: int, successor_id: int | None, by: StaffUser, fallback_unit: str) -> Unit | None:
    """Removes a unit after moving what it holds (members, routing rules and every submission it
    ever had, open or closed) to a successor, so that nothing loses its queue or its history.
    Returns the successor, if anything had to move."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit")
    if unit.name.lower() == fallback_unit.lower():
        raise InvalidInput(f"{unit.name} is the fallback queue that catches every unrouted submission; "
                           "it cannot be removed.", "successor")
    # Counted, not loaded: deleting a unit whose members are loaded would set their unit to none.
    members = db.session.scalar(db.select(func.count()).where(StaffUser.unit_id == unit.id))
    rules = db.session.scalar(db.select(func.count()).where(RoutingRule.unit_id == unit.id))
    items = db.session.scalar(db.select(func.count()).where(WorkItem.unit_id == unit.id))
    successor = db.session.get(Unit, successor_id) if successor_id else None
    if (members or rules or items) and successor is None:
        raise InvalidInput(f"{unit.name} still has {members} member(s), {rules} routing rule(s) and {items} "
                           "submission(s): choose the unit that takes them over.", "successor")
    if successor is not None and successor.id == unit.id:
        raise InvalidInput("A unit cannot take over from itself.", "successor")
    if successor is not None:
        db.session.execute(db.update(StaffUser).where(StaffUser.unit_id == unit.id).values(unit_id=successor.id))
        db.session.execute(db.update(RoutingRule).where(RoutingRule.unit_id == unit.id).values(unit_id=successor.id))
        db.session.execute(db.update(WorkItem).where(WorkItem.unit_id == unit.id).values(unit_id=successor.id))
    audit.record("unit.removed", by.email, staff_user_id=by.id, target=unit.name,
                 detail=f"moved {members} member(s), {rules} rule(s), {items} submission(s)"
                 + (f" to {successor.name}" if successor else ""))
    db.session.delete(unit)
    db.session.commit()
    return successor


def list_accounts() -> list[StaffUser]:
    return list(db.session.scalars(db.select(StaffUser).order_by(StaffUser.display_name)))


def list_units() -> list[Unit]:
    return list(db.session.scalars(db.select(Unit).order_by(Unit.name)))
