"""The first-run step: random secrets written into the instance folder, never into git."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from portal.config import ZONE_NAMES

SECRET_KEYS = ("SECRET_KEY", "PORTAL_CLIENT_KEY_SECRET")
# Text-a-tip's keys go to the public zone only: the webhook and `outbox send` (which runs as the
# public zone) use them, and a compromised back office then cannot read a tipster's number.
ZONE_SECRET_KEYS = {"public": SECRET_KEYS + ("PORTAL_SMS_ALIAS_KEY", "PORTAL_SMS_NUMBER_KEY"), "staff": SECRET_KEYS}


def write_missing_secrets(instance_path: str) -> list[str]:
    """Add each zone's missing secrets to ``instance/<zone>.py``; keep the ones already there.

    Each zone gets its own values, so a cookie signed by one zone is worthless in the other.
    Returns the ``file:KEY`` names written. Files are created readable by their owner only.
    """
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for zone in ZONE_NAMES:
        path = folder / f"{zone}.py"
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        missing = [key for key in ZONE_SECRET_KEYS[zone] if not re.search(rf"^{key}\s*=", existing, re.MULTILINE)]
        if not missing:
            continue
        lines = [f"{key} = {secrets.token_urlsafe(48)!r}\n" for key in missing]
        header = "" if existing else f"# Secrets of the {zone} zone, written by `flask --app portal init-secrets`.\n"
        separator = "\n" if existing and not existing.endswith("\n") else ""
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(header + separator + "".join(lines))
        written.extend(f"{path.name}:{key}" for key in missing)
    return written
