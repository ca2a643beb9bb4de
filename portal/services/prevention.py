"""Crime prevention tips: what the public reads, and how staff write and publish them (the same
review and policy check as notices, without the urgency: a supervisor always publishes)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.orm import selectinload, with_loader_criteria

from portal import sanitize
from portal.exceptions import InvalidInput, NotFound, PermissionDenied
from portal.extensions import db
from portal.models import PreventionCategory, PreventionState, PreventionTip, StaffUser
from portal.services import audit, notices, publishing_policy
from portal.services.text_search import contains, search_terms


def published_only():
    return with_loader_criteria(PreventionTip, PreventionTip.state == PreventionState.PUBLISHED)


def list_categories() -> list[PreventionCategory]:
    return list(
        db.session.scalars(
            db.select(PreventionCategory)
            .options(selectinload(PreventionCategory.tips), published_only())
            .order_by(PreventionCategory.position, PreventionCategory.name)
        )
    )


def get_category(slug: str) -> PreventionCategory:
    category = db.session.scalars(
        db.select(PreventionCategory)
        .options(selectinload(PreventionCategory.tips), published_only())
        .where(PreventionCategory.slug == slug)
    ).first()
    if category is None:
        raise NotFound(f"prevention category {slug}")
    return category


def get_tip(category_slug: str, tip_slug: str) -> PreventionTip:
    tip = db.session.scalars(
        db.select(PreventionTip)
        .join(PreventionTip.category)
        .where(PreventionTip.slug == tip_slug, PreventionCategory.slug == category_slug,
               PreventionTip.state == PreventionState.PUBLISHED)
    ).first()
    if tip is None:
        raise NotFound(f"prevention tip {category_slug}/{tip_slug}")
    return tip


def search(text: str) -> list[PreventionTip]:
    """Published tips holding every word or phrase in their title, summary or text."""
    terms = search_terms(text)
    # No stored text holds a NUL (forms refuse it, PostgreSQL cannot store it), and PostgreSQL
    # refuses one in a query, so such a search finds nothing without asking.
    if not terms or any("\x00" in term for term in terms):
        return []
    query = (db.select(PreventionTip).join(PreventionTip.category)
             .where(PreventionTip.state == PreventionState.PUBLISHED)
             .order_by(PreventionCategory.position, PreventionTip.title))
    for term in terms:
        query = query.where(or_(contains(PreventionTip.title, term), contains(PreventionTip.summary, term),
                                contains(PreventionTip.body_html, term)))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class PreventionInput:
    category_id: int | None
    new_category: str
    title: str
    summary: str
    body: str


def slug_for(text: str, taken: set[str], max_length: int) -> str:
    """A readable, ASCII address part that no other row uses."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length - 4].strip("-") or "tip"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def all_categories() -> list[PreventionCategory]:
    return list(db.session.scalars(db.select(PreventionCategory).options(selectinload(PreventionCategory.tips))
                                   .order_by(PreventionCategory.position, PreventionCategory.name)))


def chosen_category(entry: PreventionInput, by: StaffUser) -> PreventionCategory:
    name = sanitize.plain_text(entry.new_category, PreventionCategory.MAX_NAME, "new_category").strip()
    if name:
        existing = db.session.scalars(db.select(PreventionCategory).where(
            db.func.lower(PreventionCategory.name) == name.lower())).first()
        if existing is not None:
            return existing
        slugs = set(db.session.scalars(db.select(PreventionCategory.slug)))
        category = PreventionCategory(slug=slug_for(name, slugs, PreventionCategory.MAX_SLUG), name=name,
                                      description="", position=len(slugs))
        db.session.add(category)
        audit.record("prevention.category_added", by.email, staff_user_id=by.id, target=category.slug)
        return category
    category = db.session.get(PreventionCategory, entry.category_id) if entry.category_id else None
    if category is None:
        raise InvalidInput("Choose a category, or name a new one.", "category_id")
    return category


def apply_input(tip: PreventionTip, entry: PreventionInput, by: StaffUser) -> None:
    title = sanitize.plain_text(entry.title, PreventionTip.MAX_TITLE, "title").strip()
    summary = sanitize.plain_text(entry.summary, PreventionTip.MAX_SUMMARY, "summary").strip()
    body = sanitize.plain_text(entry.body, PreventionTip.MAX_BODY, "body")
    if not title:
        raise InvalidInput("Write a title.", "title")
    if not summary:
        raise InvalidInput("Write a short summary: it is what shared posts show.", "summary")
    tip.category = chosen_category(entry, by)
    tip.title, tip.summary, tip.body_source, tip.body_html = title, summary, body, sanitize.rich_text_html(body)


def get_for_staff(user: StaffUser, tip_id: int) -> PreventionTip:
    notices.require_author(user)
    tip = db.session.get(PreventionTip, tip_id)
    if tip is None:
        raise NotFound("prevention tip")
    return tip


def warnings_for(tip: PreventionTip, settings: notices.NoticeSettings) -> list[publishing_policy.PolicyWarning]:
    return publishing_policy.check_notice("general", {"title": tip.title, "summary": tip.summary}, tip.body_html,
                                          notices.own_details(settings))


def create_tip(user: StaffUser, entry: PreventionInput) -> PreventionTip:
    notices.require_author(user)
    tip = PreventionTip(state=PreventionState.DRAFT, author_id=user.id)
    # Not flushed half-made: the new tip joins its category's list before it has a slug.
    with db.session.no_autoflush:
        apply_input(tip, entry, user)
        tip.slug = slug_for(tip.title, set(db.session.scalars(db.select(PreventionTip.slug))),
                            PreventionTip.MAX_SLUG)
    db.session.add(tip)
    db.session.flush()
    audit.record("prevention.created", user.email, staff_user_id=user.id, target=tip.slug)
    db.session.commit()
    return tip


def record_and_commit(user: StaffUser, tip: PreventionTip, action: str, settings: notices.NoticeSettings,
                      override_reason: str) -> PreventionTip:
    """What goes before the public passes the policy check first; every change is audited."""
    note = ""
    if tip.state == PreventionState.PUBLISHED:
        try:
            note = publishing_policy.override_note(warnings_for(tip, settings), notices.is_reviewer(user),
                                                   override_reason)
        except publishing_policy.PolicyBlocked:
            db.session.rollback()
            raise
    audit.record(f"prevention.{action}", user.email, staff_user_id=user.id, target=tip.slug, detail=note[:200])
    db.session.commit()
    return tip


def edit_tip(user: StaffUser, tip_id: int, entry: PreventionInput, settings: notices.NoticeSettings,
             override_reason: str = "") -> PreventionTip:
    """Drafts by their author or a supervisor; a published tip only by a supervisor, through the policy check."""
    tip = get_for_staff(user, tip_id)
    reviewer = notices.is_reviewer(user)
    if (tip.state == PreventionState.PUBLISHED or tip.author_id not in (None, user.id)) and not reviewer:
        raise PermissionDenied("prevention tip")
    apply_input(tip, entry, user)
    return record_and_commit(user, tip, "edited", settings, override_reason)


def move_tip(user: StaffUser, tip_id: int, change: str, settings: notices.NoticeSettings,
             override_reason: str = "") -> PreventionTip:
    """``submit`` (author), ``publish`` and ``unpublish`` (supervisors)."""
    tip = get_for_staff(user, tip_id)
    reviewer = notices.is_reviewer(user)
    allowed = {
        "submit": ({PreventionState.DRAFT}, PreventionState.IN_REVIEW, tip.author_id == user.id or reviewer),
        "publish": ({PreventionState.DRAFT, PreventionState.IN_REVIEW}, PreventionState.PUBLISHED, reviewer),
        "unpublish": ({PreventionState.PUBLISHED, PreventionState.IN_REVIEW}, PreventionState.DRAFT, reviewer),
    }
    sources, target, permitted = allowed[change]
    if not permitted:
        raise PermissionDenied("prevention tip")
    if tip.state not in sources:
        raise InvalidInput(f"A {tip.state.value} tip cannot be {'sent' if change == 'submit' else change + 'ed'}.",
                           "override_reason")
    tip.state = target
    return record_and_commit(user, tip, change, settings, override_reason)
