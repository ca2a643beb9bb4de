"""TOTP two-factor sign-in (RFC 6238 through pyotp), with QR codes drawn by segno."""

from __future__ import annotations

from datetime import datetime, timezone

import pyotp
import segno

from portal.models import StaffUser

STEP_SECONDS = 30
# One step either side: a phone clock a little off still works; a code is good for about 90 s.
VALID_WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_code_svg(uri: str) -> str:
    """An inline SVG of the QR code: drawn on the server, no script and no image request."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", title="QR code for your authenticator app")


def accepted_step(secret: str, code: str, last_step: int | None, now: datetime | None = None) -> int | None:
    """The time step the code belongs to, if it is valid and newer than the last one used."""
    code = "".join(character for character in code if character.isdigit())
    if len(code) != 6:
        return None
    now = now or datetime.now(timezone.utc)
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def accept_code(user: StaffUser, code: str, now: datetime | None = None) -> bool:
    """Check an enrolled user's code and remember its step, so it cannot be used again."""
    step = accepted_step(user.totp_secret or "", code, user.totp_last_step, now)
    if step is None:
        return False
    user.totp_last_step = step
    return True
