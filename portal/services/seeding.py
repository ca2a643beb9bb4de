"""``seed-demo``: the department profile, its accounts, terms and prevention tips, once."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func

from portal import sanitize
from portal.extensions import db
from portal.models import (
    DepartmentProfile,
    OfficialAccount,
    PreventionCategory,
    PreventionTip,
    TermsVersion,
)
from portal.services import demo_content, retention, tips

log = logging.getLogger(__name__)


def is_empty(model: type[db.Model]) -> bool:
    return not db.session.scalar(db.select(func.count()).select_from(model))


def seed_demo(department: Mapping[str, Any], accounts: Sequence[Mapping[str, str]]) -> list[str]:
    """Fill each empty part of the public content in one transaction; never touch filled parts.

    Returns the names of the parts seeded, empty when the database already had them all.
    """
    placeholders = {key: department[key] for key in ("non_emergency_phone", "website_url")}
    placeholders["department"] = department["name"]
    seeded = []
    if is_empty(DepartmentProfile):
        db.session.add(DepartmentProfile(**department))
        seeded.append("department profile")
    if is_empty(OfficialAccount):
        db.session.add_all(
            OfficialAccount(**{**account, "approved_on": date.fromisoformat(account["approved_on"])}, position=index)
            for index, account in enumerate(accounts)
        )
        seeded.append("official accounts")
    if is_empty(TermsVersion):
        db.session.add_all(
            TermsVersion(
                version=terms["version"],
                effective_on=date.fromisoformat(terms["effective_on"]),
                summary=terms["summary"],
                body_html=sanitize.rich_text_html(terms["body_html"].format(**placeholders)),
            )
            for terms in demo_content.TERMS_VERSIONS
        )
        seeded.append("terms of service")
    if is_empty(PreventionCategory):
        for position, category in enumerate(demo_content.PREVENTION_CATEGORIES):
            db.session.add(
                PreventionCategory(
                    slug=category["slug"],
                    name=category["name"],
                    description=category["description"],
                    position=position,
                    tips=[
                        PreventionTip(
                            slug=tip["slug"],
                            title=tip["title"],
                            summary=tip["summary"],
                            body_html=sanitize.rich_text_html(tip["body_html"].format(**placeholders)),
                        )
                        for tip in category["tips"]
                    ],
                )
            )
        seeded.append("crime prevention tips")
    if tips.seed_default_categories():
        seeded.append("tip categories")
    if retention.ensure_default_rules():
        seeded.append("retention schedule (defaults to confirm with the records officer)")
    db.session.commit()
    log.info("seed.demo parts=%s", ",".join(seeded) or "none")
    return seeded
