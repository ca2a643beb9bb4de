"""One-time form tokens: a random nonce and the time the form was shown, signed.

They let a form be recognised when it is sent twice (a reload, a double click) and tell how long
it took to fill in, without a cookie, JavaScript or anything stored about the person.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "portal-form-token"


@dataclass(frozen=True)
class FormToken:
    nonce: str
    issued_at: int

    def age_seconds(self) -> float:
        return time.time() - self.issued_at


def issue_form_token() -> str:
    return sign(SALT, {"nonce": secrets.token_urlsafe(18), "issued_at": int(time.time())})


def read_form_token(token: str) -> FormToken | None:
    """The token's contents, or None when it was not issued by this site."""
    payload = unsign(SALT, token)
    if not isinstance(payload, dict) or not isinstance(payload.get("nonce"), str) \
            or not isinstance(payload.get("issued_at"), int):
        return None
    return FormToken(payload["nonce"], payload["issued_at"])


def sign(salt: str, payload: object) -> str:
    """A tamper-proof token carrying ``payload``, for one purpose (``salt``) of this site."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt).dumps(payload)


def unsign(salt: str, token: str) -> object | None:
    try:
        return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt).loads(token)
    except BadSignature:
        return None
