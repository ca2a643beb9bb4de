"""The department's local time on forms, UTC everywhere else; shared by both zones' views."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app

# What <input type="datetime-local"> sends, with and without seconds.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def local_to_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(current_app.config["PORTAL_TIMEZONE"])).astimezone(timezone.utc)


def utc_to_local(value: datetime) -> datetime:
    """A naive local time, as a datetime-local field shows it."""
    return value.astimezone(ZoneInfo(current_app.config["PORTAL_TIMEZONE"])).replace(tzinfo=None)
