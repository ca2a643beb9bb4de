"""Who the department is and how to reach it, for every page of both zones."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.models import DepartmentProfile, OfficialAccount

log = logging.getLogger(__name__)


def profile_from_settings(settings: Mapping[str, Any]) -> DepartmentProfile:
    """A transient profile built from configuration; never added to the session."""
    return DepartmentProfile(**settings)


def current_profile(fallback: Mapping[str, Any]) -> DepartmentProfile:
    """The stored profile, or the configured one when none is stored or the database is down.

    Contact details must show even on the page that says the database is unavailable, so a
    database error here is logged and answered from configuration rather than raised.
    """
    try:
        profile = db.session.scalars(db.select(DepartmentProfile).limit(1)).first()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("department profile unavailable, using configuration: %s", type(error).__name__)
        profile = None
    return profile if profile is not None else profile_from_settings(fallback)


def store_profile(settings: Mapping[str, Any]) -> DepartmentProfile:
    """Create or overwrite the stored profile with these values, in one transaction."""
    profile = db.session.scalars(db.select(DepartmentProfile).limit(1)).first()
    if profile is None:
        profile = DepartmentProfile()
        db.session.add(profile)
    for key, value in settings.items():
        setattr(profile, key, value)
    db.session.commit()
    log.info("department.profile_stored")
    return profile


def list_official_accounts() -> list[OfficialAccount]:
    return list(
        db.session.scalars(
            db.select(OfficialAccount).order_by(OfficialAccount.position, OfficialAccount.platform)
        )
    )
