"""Receipt credentials: tip numbers and word passphrases from the EFF long word list."""

from __future__ import annotations

import math
import re
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from xkcdpass import xkcd_password

PASSPHRASE_WORDS = 6
# Crockford's base32: no I, L, O or U, so a number read aloud or copied by hand survives.
TIP_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TIP_NUMBER_GROUPS = 3
TIP_NUMBER_GROUP_LENGTH = 4

hasher = PasswordHasher()


@cache
def word_list() -> tuple[str, ...]:
    """The EFF long list, all 7,776 words (xkcdpass ships it)."""
    words = xkcd_password.generate_wordlist(
        wordfile=xkcd_password.locate_wordfile("eff-long"), min_length=1, max_length=20
    )
    return tuple(sorted(set(words)))


def passphrase_entropy_bits() -> float:
    return PASSPHRASE_WORDS * math.log2(len(word_list()))


def new_passphrase() -> str:
    words = word_list()
    return " ".join(secrets.choice(words) for _ in range(PASSPHRASE_WORDS))


def normalize_passphrase(text: str) -> str:
    """Words in lower case separated by single spaces, however they were typed or pasted."""
    return " ".join(re.findall(r"[a-z]+", text.lower()))


def new_tip_number() -> str:
    groups = (
        "".join(secrets.choice(TIP_NUMBER_ALPHABET) for _ in range(TIP_NUMBER_GROUP_LENGTH))
        for _ in range(TIP_NUMBER_GROUPS)
    )
    return "-".join(groups)


def normalize_tip_number(text: str) -> str:
    """Upper case, the look-alike letters read as digits, grouped with hyphens as issued."""
    characters = [
        {"O": "0", "I": "1", "L": "1"}.get(character, character)
        for character in text.upper()
        if character.isalnum()
    ]
    compact = "".join(characters)[: TIP_NUMBER_GROUPS * TIP_NUMBER_GROUP_LENGTH]
    return "-".join(compact[index:index + TIP_NUMBER_GROUP_LENGTH]
                    for index in range(0, len(compact), TIP_NUMBER_GROUP_LENGTH))


def hash_passphrase(passphrase: str) -> str:
    return hasher.hash(normalize_passphrase(passphrase))


@cache
def decoy_hash() -> str:
    """Checked when the tip number is unknown, so a wrong number costs as long as a wrong passphrase."""
    return hasher.hash("decoy passphrase for unknown tip numbers")


def passphrase_matches(stored_hash: str | None, candidate: str) -> bool:
    """Argon2 verification; ``None`` still spends the same time on the decoy hash."""
    try:
        hasher.verify(stored_hash or decoy_hash(), normalize_passphrase(candidate))
    except (VerificationError, InvalidHashError):
        return False
    return stored_hash is not None


def contains_passphrase(text: str, passphrase: str) -> bool:
    """True when the text holds the passphrase's words in order, however they are separated."""
    words = normalize_passphrase(passphrase)
    return bool(words) and words in normalize_passphrase(text)
