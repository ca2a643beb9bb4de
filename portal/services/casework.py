"""Staff-side case work: routing submissions into work items, the queue, notes, reassignment.

Access: admins see everything; supervisors their unit's items; investigators and everyone else
the items of their unit or assigned to them. Anything else is reported as not found, so a URL
never confirms that an item exists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Select, func, or_

from portal import sanitize
from portal.exceptions import InvalidInput, NotFound, PermissionDenied
from portal.extensions import db
from portal.models import (
    Area,
    Attachment,
    LegalHold,
    OutboxText,
    Report,
    ReportStatus,
    RoutingRule,
    StaffRole,
    StaffUser,
    Tip,
    TipMessage,
    TipStatus,
    Unit,
    WorkItem,
    WorkNote,
)
from portal.services import audit, outbox, reports, routing, sms, storage, tips
from portal.services.assignment import notify_assignee, view_of
from portal.services.staff_accounts import find_or_create_unit
from portal.services.text_search import contains, search_terms

log = logging.getLogger(__name__)

PAGE_SIZE = 50
# A text reply goes out as "Tip <number>: <reply>" in one provider message.
TEXT_REPLY_LIMIT = OutboxText.MAX_BODY - 30


def require_supervisor(user: StaffUser) -> None:
    """Routing (rules, areas, re-routing by hand) is for supervisors and admins."""
    if user.role not in (StaffRole.ADMIN, StaffRole.SUPERVISOR):
        raise PermissionDenied("routing")


def visible_items(user: StaffUser) -> Select:
    query = db.select(WorkItem)
    if user.role == StaffRole.ADMIN:
        return query
    if user.role == StaffRole.SUPERVISOR:
        return query.where(WorkItem.unit_id == user.unit_id)
    return query.where(or_(WorkItem.assignee_id == user.id, WorkItem.unit_id == user.unit_id))


@dataclass(frozen=True)
class QueueFilters:
    kind: str = ""
    category: str = ""
    state: str = "open"  # "open", "closed" or "" for both
    unit_id: int | None = None
    assignee_id: int | None = None
    overdue: bool = False
    search: str = ""
    # "oldest", "newest" or "urgent" (nearest deadline first).
    order: str = "oldest"
    page: int = 1


@dataclass(frozen=True)
class QueuePage:
    items: list[WorkItem]
    total: int
    page: int
    pages: int
    # Ids of the page's items on legal hold, so the queue can say so.
    held: frozenset[int] = frozenset()


def text_contains(term: str):
    """The tip's text, any message in its conversation, or the report's narrative holds the term.
    Each side is its own sub-query so PostgreSQL can use the trigram indexes."""
    return or_(
        WorkItem.tip_id.in_(db.select(Tip.id).where(contains(Tip.description, term))),
        WorkItem.tip_id.in_(db.select(TipMessage.tip_id).where(contains(TipMessage.body, term))),
        WorkItem.report_id.in_(db.select(Report.id).where(contains(Report.narrative, term))),
    )


def list_queue(user: StaffUser, filters: QueueFilters, now: datetime | None = None) -> QueuePage:
    now = now or datetime.now(timezone.utc)
    query = visible_items(user)
    if filters.kind:
        query = query.where(WorkItem.kind == filters.kind)
    if filters.category:
        query = query.where(WorkItem.category == filters.category)
    if filters.state:
        query = query.where(WorkItem.open.is_(filters.state == "open"))
    if filters.unit_id:
        query = query.where(WorkItem.unit_id == filters.unit_id)
    if filters.assignee_id:
        query = query.where(WorkItem.assignee_id == filters.assignee_id)
    if filters.overdue:
        query = query.where(WorkItem.open, WorkItem.due_at < now)
    for term in search_terms(filters.search):
        query = query.where(text_contains(term))
    total = db.session.scalar(db.select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    # Tip times are rounded to the quarter hour, so the id breaks ties in the same direction.
    order = {"newest": (WorkItem.created_at.desc(), WorkItem.id.desc()),
             "urgent": (WorkItem.due_at.asc(), WorkItem.id.asc())}.get(
        filters.order, (WorkItem.created_at.asc(), WorkItem.id.asc()))
    items = list(db.session.scalars(query.order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    held = frozenset(db.session.scalars(db.select(LegalHold.item_id).where(
        LegalHold.item_id.in_([item.id for item in items]), LegalHold.lifted_at.is_(None))))
    return QueuePage(items, total, page, pages, held)


def item_for(user: StaffUser, public_id: str) -> WorkItem:
    item = db.session.scalars(visible_items(user).where(WorkItem.public_id == public_id)).first()
    if item is None:
        raise NotFound("work item")
    return item


def open_item(user: StaffUser, public_id: str) -> WorkItem:
    """The item, and an audit entry saying who looked at it."""
    item = item_for(user, public_id)
    audit.record("case.viewed", user.email, staff_user_id=user.id, target=item.public_id)
    db.session.commit()
    return item


def add_note(user: StaffUser, public_id: str, body: str) -> WorkNote:
    item = item_for(user, public_id)
    text = sanitize.plain_text(body, WorkNote.MAX_BODY, "body")
    if not text.strip():
        raise InvalidInput("Please write the note.", "body")
    note = WorkNote(item=item, staff_user_id=user.id, body=text, created_at=datetime.now(timezone.utc))
    db.session.add(note)
    audit.record("case.note_added", user.email, staff_user_id=user.id, target=item.public_id)
    db.session.commit()
    return note


def reroute(user: StaffUser, public_id: str, unit_id: int, assignee_id: int | None, staff_url: str) -> WorkItem:
    """Re-routing by hand: supervisors and admins only, always audited."""
    require_supervisor(user)
    item = item_for(user, public_id)
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise InvalidInput("Choose a unit.", "unit_id")
    assignee = db.session.get(StaffUser, assignee_id) if assignee_id else None
    if assignee is not None and (assignee.unit_id != unit.id or not assignee.active):
        raise InvalidInput("The person must be an active member of that unit.", "assignee_id")
    before = f"{item.unit.name}/{item.assignee.display_name if item.assignee else '-'}"
    item.unit, item.assignee = unit, assignee
    item.route_reason = f"Re-routed by hand by {user.display_name} → {unit.name}"
    audit.record("case.rerouted", user.email, staff_user_id=user.id, target=item.public_id,
                 detail=f"{before} -> {unit.name}/{assignee.display_name if assignee else '-'}")
    notify_assignee(item, staff_url, datetime.now(timezone.utc))
    db.session.commit()
    return item


def set_item_open(user: StaffUser, public_id: str, is_open: bool) -> WorkItem:
    """Closing a tip that came by text also ends the text conversation and destroys the number."""
    item = item_for(user, public_id)
    item.open = is_open
    item.closed_at = None if is_open else datetime.now(timezone.utc)
    if not is_open and item.tip is not None:
        sms.close_for_tip(item.tip, item.closed_at)
    audit.record("case.reopened" if is_open else "case.closed", user.email, staff_user_id=user.id,
                 target=item.public_id)
    db.session.commit()
    if not is_open:
        sms.erase_closed_numbers_from_disk()
    return item


def reply_to_tipster(user: StaffUser, public_id: str, body: str, status: TipStatus | None,
                     public_message: str | None) -> bool:
    """A message the tipster reads when checking on the tip, and optionally a new public status.

    True when the message goes by text. A "closed" status ends a text conversation.
    """
    item = item_for(user, public_id)
    if item.tip is None:
        raise NotFound("tip")
    conversation = item.tip.sms_conversation
    texted = bool(body.strip()) and conversation is not None
    if texted and not conversation.open:
        raise InvalidInput("This tip came by text and its conversation has ended, so the tipster's number is "
                           "deleted and no reply can reach them.", "body")
    if texted and len(body) > TEXT_REPLY_LIMIT:
        raise InvalidInput(f"A reply by text can be at most {TEXT_REPLY_LIMIT} characters.", "body")
    if texted and status is TipStatus.CLOSED:
        raise InvalidInput("Closing the tip deletes the tipster's number, so this text could not be sent. "
                           "Send the reply first, then close the tip.", "status")
    audit.record("case.tipster_contacted", user.email, staff_user_id=user.id, target=item.public_id,
                 detail="by text" if texted else "")
    if body.strip():
        tips.reply_to_tipster(item.tip.public_id, user.id, body)
    if status is not None:
        tips.set_public_status(item.tip.public_id, status, public_message or "")
        if status is TipStatus.CLOSED:
            sms.close_for_tip(item.tip)
    db.session.commit()
    if status is TipStatus.CLOSED:
        sms.erase_closed_numbers_from_disk()
    return texted


def decide_report(user: StaffUser, public_id: str, to_status: ReportStatus, site_url: str, *, message: str = "",
                  case_number: str = "") -> None:
    item = item_for(user, public_id)
    if item.report is None:
        raise NotFound("report")
    audit.record("case.report_decided", user.email, staff_user_id=user.id, target=item.public_id,
                 detail=to_status.value)
    reports.change_report_status(item.report.public_id, user.id, to_status, site_url, message=message,
                                 case_number=case_number)


def unit_supervisors(unit_id: int) -> list[StaffUser]:
    supervisors = list(db.session.scalars(db.select(StaffUser).where(
        StaffUser.unit_id == unit_id, StaffUser.role == StaffRole.SUPERVISOR, StaffUser.active)))
    return supervisors or list(db.session.scalars(db.select(StaffUser).where(
        StaffUser.role == StaffRole.ADMIN, StaffUser.active)))


def escalate_overdue(staff_url: str, now: datetime | None = None) -> int:
    """Tell the supervisors of each overdue item's unit (admins when it has none), once per item."""
    now = now or datetime.now(timezone.utc)
    overdue = list(db.session.scalars(db.select(WorkItem).where(
        WorkItem.open, WorkItem.due_at < now, WorkItem.escalated_at.is_(None))))
    for item in overdue:
        for supervisor in unit_supervisors(item.unit_id):
            outbox.queue_email(supervisor.email, f"Overdue {item.kind} in the {item.unit.name} queue",
                               f"A {item.kind} in the {item.unit.name} queue passed its deadline.\n"
                               f"Open it: {staff_url}/cases/{item.public_id}", now)
        item.escalated_at = now
        audit.record("case.escalated", "deadline check", target=item.public_id)
    db.session.commit()
    return len(overdue)


def send_daily_digest(staff_url: str, now: datetime | None = None) -> int:
    """One e-mail per active supervisor: open, overdue and new items in their unit's queue."""
    now = now or datetime.now(timezone.utc)
    supervisors = list(db.session.scalars(db.select(StaffUser).where(
        StaffUser.role == StaffRole.SUPERVISOR, StaffUser.active, StaffUser.unit_id.is_not(None))))
    for supervisor in supervisors:
        in_unit = db.select(func.count()).select_from(WorkItem).where(WorkItem.unit_id == supervisor.unit_id)
        open_count = db.session.scalar(in_unit.where(WorkItem.open))
        overdue = db.session.scalar(in_unit.where(WorkItem.open, WorkItem.due_at < now))
        new = db.session.scalar(in_unit.where(WorkItem.created_at >= now - timedelta(days=1)))
        outbox.queue_email(supervisor.email, f"Daily digest: {supervisor.unit.name} queue",
                           f"{supervisor.unit.name} queue: {open_count} open, {overdue} overdue, "
                           f"{new} new in the last 24 hours.\nOpen the queue: {staff_url}/queue/", now)
    db.session.commit()
    return len(supervisors)


def attachment_file(user: StaffUser, public_id: str, attachment_public_id: str, upload_folder: str) -> tuple[Path, str]:
    """The stored file of one of the item's attachments, with an audit entry for the download."""
    item = item_for(user, public_id)
    owner = Attachment.tip_id == item.tip_id if item.tip_id else Attachment.report_id == item.report_id
    attachment = db.session.scalars(
        db.select(Attachment).where(owner, Attachment.public_id == attachment_public_id)).first()
    if attachment is None:
        raise NotFound("attachment")
    audit.record("attachment.downloaded", user.email, staff_user_id=user.id, target=attachment.public_id)
    db.session.commit()
    return storage.confined_path(upload_folder, attachment.stored_name), attachment.media_type


def list_rules() -> list[RoutingRule]:
    return list(db.session.scalars(db.select(RoutingRule).order_by(RoutingRule.position)))


def list_areas() -> list[Area]:
    return list(db.session.scalars(db.select(Area).order_by(Area.name)))


def get_area(area_id: int) -> Area:
    area = db.session.get(Area, area_id)
    if area is None:
        raise NotFound("area")
    return area


def checked_area(name: str, places: str, outline: str, area_id: int | None = None) -> tuple[str, str, str]:
    """Name, places and the outline in its stored form; the outline must be a real polygon."""
    name = name.strip()
    clash = db.select(func.count()).select_from(Area).where(func.lower(Area.name) == name.lower(), Area.id != area_id)
    if not name or db.session.scalar(clash):
        raise InvalidInput("Give the area a name no other area has.", "name")
    try:
        polygon = routing.parse_outline(outline)
    except routing.OutlineError as error:
        raise InvalidInput(str(error), "outline") from None
    if not places.strip() and polygon is None:
        raise InvalidInput("List place names or ZIP codes, or draw or give an outline.", "places")
    return name, places.strip(), routing.format_outline(polygon) if polygon is not None else ""


def add_area(user: StaffUser, name: str, places: str, outline: str) -> Area:
    require_supervisor(user)
    name, places, outline = checked_area(name, places, outline)
    area = Area(name=name, places=places, outline=outline)
    db.session.add(area)
    audit.record("routing.area_added", user.email, staff_user_id=user.id, target=name)
    db.session.commit()
    return area


def update_area(user: StaffUser, area_id: int, name: str, places: str, outline: str) -> Area:
    """Every rule using the area follows the change; the audit entry keeps what it was."""
    require_supervisor(user)
    area = get_area(area_id)
    name, places, outline = checked_area(name, places, outline, area.id)
    audit.record("routing.area_changed", user.email, staff_user_id=user.id, target=name,
                 detail=f"was {area.name!r}, places {area.places!r}, outline {area.outline!r}")
    area.name, area.places, area.outline = name, places, outline
    db.session.commit()
    return area


def remove_area(user: StaffUser, area_id: int) -> str:
    """Only an area no rule uses, so that no rule silently starts matching everywhere."""
    require_supervisor(user)
    area = get_area(area_id)
    users = list(db.session.scalars(db.select(RoutingRule).where(RoutingRule.area_id == area.id)
                                    .order_by(RoutingRule.position)))
    if users:
        named = ", ".join(f"rule {rule.position} ({rule.name})" for rule in users)
        raise InvalidInput(f"{area.name} is used by {named}: change those rules first.", "name")
    audit.record("routing.area_removed", user.email, staff_user_id=user.id, target=area.name,
                 detail=f"places {area.places!r}, outline {area.outline!r}")
    db.session.delete(area)
    db.session.commit()
    return area.name


@dataclass(frozen=True)
class RuleInput:
    name: str
    kind: str
    category: str
    keywords: str
    places: str
    unit_name: str
    assign_to_member: bool
    area_id: int | None = None


def apply_rule_input(rule: RoutingRule, entry: RuleInput) -> None:
    if entry.kind not in ("", "tip", "report"):
        raise InvalidInput("Kind must be tip, report or any.", "kind")
    area = db.session.get(Area, entry.area_id) if entry.area_id else None
    if entry.area_id and area is None:
        raise InvalidInput("Choose an existing area.", "area_id")
    rule.name, rule.kind, rule.category = entry.name.strip(), entry.kind, entry.category.strip()
    rule.keywords, rule.places = entry.keywords.strip(), entry.places.strip()
    rule.unit, rule.area, rule.assign_to_member = find_or_create_unit(entry.unit_name), area, entry.assign_to_member


def describe_rule(rule: RoutingRule) -> str:
    return " and ".join(routing.conditions(view_of(rule))) + f" -> {rule.unit.name}"


def add_rule(user: StaffUser, entry: RuleInput) -> RoutingRule:
    require_supervisor(user)
    position = (db.session.scalar(db.select(func.max(RoutingRule.position))) or 0) + 1
    rule = RoutingRule(position=position)
    apply_rule_input(rule, entry)
    db.session.add(rule)
    db.session.flush()
    audit.record("routing.rule_added", user.email, staff_user_id=user.id, target=f"rule {position}",
                 detail=describe_rule(rule))
    db.session.commit()
    return rule


def get_rule(rule_id: int) -> RoutingRule:
    rule = db.session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound("routing rule")
    return rule


def update_rule(user: StaffUser, rule_id: int, entry: RuleInput) -> RoutingRule:
    """Change a rule in place; the audit entry keeps what it said before and after."""
    require_supervisor(user)
    rule = get_rule(rule_id)
    before = describe_rule(rule)
    apply_rule_input(rule, entry)
    audit.record("routing.rule_changed", user.email, staff_user_id=user.id, target=f"rule {rule.position}",
                 detail=f"{before} => {describe_rule(rule)}")
    db.session.commit()
    return rule


def move_rule(user: StaffUser, rule_id: int, up: bool) -> None:
    """Swap a rule with its neighbour, so that order (which decides) can be changed."""
    require_supervisor(user)
    rules = list_rules()
    index = next((position for position, rule in enumerate(rules) if rule.id == rule_id), None)
    if index is None:
        raise NotFound("routing rule")
    other = index - 1 if up else index + 1
    if not 0 <= other < len(rules):
        return
    first, second = rules[index], rules[other]
    first.position, second.position = second.position, first.position
    audit.record("routing.rule_moved", user.email, staff_user_id=user.id, target=f"rule {first.name}",
                 detail=f"now at position {first.position}")
    db.session.commit()


def set_rule_active(user: StaffUser, rule_id: int, active: bool) -> RoutingRule:
    require_supervisor(user)
    rule = get_rule(rule_id)
    rule.active = active
    audit.record("routing.rule_enabled" if active else "routing.rule_disabled", user.email, staff_user_id=user.id,
                 target=f"rule {rule.position}")
    db.session.commit()
    return rule
