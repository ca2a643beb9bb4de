"""Crime prevention tips for the public pages."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from portal.exceptions import NotFound
from portal.extensions import db
from portal.models import PreventionCategory, PreventionTip


def list_categories() -> list[PreventionCategory]:
    return list(
        db.session.scalars(
            db.select(PreventionCategory)
            .options(selectinload(PreventionCategory.tips))
            .order_by(PreventionCategory.position, PreventionCategory.name)
        )
    )


def get_category(slug: str) -> PreventionCategory:
    category = db.session.scalars(
        db.select(PreventionCategory)
        .options(selectinload(PreventionCategory.tips))
        .where(PreventionCategory.slug == slug)
    ).first()
    if category is None:
        raise NotFound(f"prevention category {slug}")
    return category


def get_tip(category_slug: str, tip_slug: str) -> PreventionTip:
    tip = db.session.scalars(
        db.select(PreventionTip)
        .join(PreventionTip.category)
        .where(PreventionTip.slug == tip_slug, PreventionCategory.slug == category_slug)
    ).first()
    if tip is None:
        raise NotFound(f"prevention tip {category_slug}/{tip_slug}")
    return tip
