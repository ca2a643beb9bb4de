"""A tipster's phone number, never stored in clear.

``alias_for`` is an HMAC-SHA256 of the number under the alias key: the same phone always gives
the same alias, so its texts thread onto one tip, but the alias cannot be turned back into the
number without the key. ``seal_number`` encrypts the number (AES-256-GCM, from the cryptography
library) under the number key, with the alias as associated data so a sealed number copied onto
another conversation does not open. Both keys live in ``instance/public.py`` or the environment,
never in the database, so a stolen database or backup alone yields no number.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
# E.164: a plus sign and up to 15 digits. Providers send numbers in this form.
E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def is_phone_number(text: str) -> bool:
    return E164.fullmatch(text) is not None


def alias_for(number: str, alias_key: str) -> str:
    return hmac.new(alias_key.encode(), number.encode(), hashlib.sha256).hexdigest()


def number_cipher(number_key: str) -> AESGCM:
    """The configured secret is text of any length; HKDF turns it into a 256-bit AES key."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"portal sms number").derive(number_key.encode())
    return AESGCM(key)


def seal_number(number: str, alias: str, number_key: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + number_cipher(number_key).encrypt(nonce, number.encode(), alias.encode())


def open_number(sealed: bytes, alias: str, number_key: str) -> str:
    """The number back; raises cryptography's InvalidTag when the key, the alias or the bytes are wrong."""
    return number_cipher(number_key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], alias.encode()).decode()
