"""Terms of Service and Takedown Policy: which version applies today, and the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.exceptions import NotFound
from portal.extensions import db
from portal.models import TermsVersion


@dataclass(frozen=True)
class TermsHistory:
    current: TermsVersion | None
    earlier: list[TermsVersion]
    upcoming: list[TermsVersion]


def current_terms(today: date) -> TermsVersion | None:
    return db.session.scalars(
        db.select(TermsVersion)
        .where(TermsVersion.effective_on <= today)
        .order_by(TermsVersion.effective_on.desc(), TermsVersion.id.desc())
        .limit(1)
    ).first()


def terms_history(today: date) -> TermsHistory:
    versions = list(
        db.session.scalars(
            db.select(TermsVersion).order_by(TermsVersion.effective_on.desc(), TermsVersion.id.desc())
        )
    )
    in_force = [version for version in versions if version.effective_on <= today]
    return TermsHistory(
        current=in_force[0] if in_force else None,
        earlier=in_force[1:],
        upcoming=[version for version in versions if version.effective_on > today],
    )


def get_terms_version(version: str) -> TermsVersion:
    found = db.session.scalars(db.select(TermsVersion).where(TermsVersion.version == version)).first()
    if found is None:
        raise NotFound(f"terms version {version}")
    return found
