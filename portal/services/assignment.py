"""Where a new submission goes: the work item it becomes, its deadline, and who is told.

Called by the tip and report services inside their own transaction, so a submission is never
stored without its work item: nothing is ever unrouted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func

from portal.extensions import db
from portal.models import Area, Report, RoutingRule, StaffUser, Tip, Unit, WorkItem
from portal.models.base import new_public_id
from portal.services import outbox, routing
from portal.services.staff_accounts import find_or_create_unit


@dataclass(frozen=True)
class RoutingSettings:
    fallback_unit: str
    # Hours to the deadline, by category slug, then by kind ("tip", "report").
    deadline_hours: Mapping[str, float]
    staff_url: str


def notify_assignee(item: WorkItem, staff_url: str, now: datetime) -> None:
    """Tell the person that something is theirs and where; never what it says."""
    if item.assignee is None:
        return
    outbox.queue_email(
        item.assignee.email, f"A new {item.kind} was assigned to you",
        f"A {item.kind} was assigned to you in the {item.unit.name} queue.\n"
        f"Open it in the back office: {staff_url}/cases/{item.public_id}\n\n"
        "For the safety of the people who write to us, this e-mail never contains what they wrote.", now)


def area_view(area: Area | None) -> routing.AreaView | None:
    if area is None:
        return None
    return routing.AreaView(area.name, routing.split_list(area.places), routing.parse_outline(area.outline))


def view_of(rule: RoutingRule) -> routing.RuleView:
    return routing.RuleView(rule.id, rule.position, rule.name, rule.kind, rule.category,
                            routing.split_list(rule.keywords), routing.split_list(rule.places), rule.unit.name,
                            area_view(rule.area))


def rule_views() -> list[routing.RuleView]:
    rules = db.session.scalars(db.select(RoutingRule).where(RoutingRule.active).order_by(RoutingRule.position))
    return [view_of(rule) for rule in rules]


def least_loaded_member(unit: Unit) -> StaffUser | None:
    members = [member for member in unit.members if member.active]
    if not members:
        return None
    counts = dict(db.session.execute(
        db.select(WorkItem.assignee_id, func.count()).where(WorkItem.open, WorkItem.assignee_id.in_(
            [member.id for member in members])).group_by(WorkItem.assignee_id)).all())
    return min(members, key=lambda member: (counts.get(member.id, 0), member.id))


def route_submission(facts: routing.SubmissionFacts, settings: RoutingSettings, now: datetime, *,
                     tip: Tip | None = None, report: Report | None = None) -> WorkItem:
    """Make the work item of a new submission, in the caller's transaction."""
    decision = routing.choose_route(facts, rule_views(), settings.fallback_unit)
    rule = db.session.get(RoutingRule, decision.rule_id) if decision.rule_id else None
    unit = rule.unit if rule else find_or_create_unit(settings.fallback_unit)
    assignee = rule.assignee if rule and rule.assignee else None
    if rule and rule.assign_to_member and assignee is None:
        assignee = least_loaded_member(unit)
    hours = settings.deadline_hours.get(facts.category, settings.deadline_hours.get(facts.kind, 72))
    # The id is set now, not at flush, because the assignee's e-mail links to it.
    item = WorkItem(public_id=new_public_id(), kind=facts.kind, category=facts.category, tip=tip, report=report, unit=unit, assignee=assignee,
                    rule_id=rule.id if rule else None, route_reason=decision.reason,
                    due_at=now + timedelta(hours=hours), created_at=now)
    db.session.add(item)
    notify_assignee(item, settings.staff_url, now)
    return item
